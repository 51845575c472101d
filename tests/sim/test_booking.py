"""Outputs in NHS England's booking categories ("Appointments in General Practice"):
attended contacts by calendar days from request (booking) to contact."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pytest

from intplan.domain import Scenario
from intplan.services.simulate import SimulationOptions, run_simulation
from intplan.sim import BOOKING_BUCKETS, engine, reference
from intplan.sim.model import compile_scenario
from intplan.sim.reference import booking_bucket
from intplan.sim.replications import replication_seeds

DAY = 1440.0


@pytest.mark.parametrize(
    ("booked", "t", "bucket"),
    [
        (0.0, 0.0, "same_day"),
        (10.0, DAY - 1.0, "same_day"),
        (DAY - 1.0, DAY, "1_day"),  # a minute apart, but the next calendar day
        (0.0, 2 * DAY, "2_7_days"),
        (0.0, 7 * DAY + 1439.0, "2_7_days"),
        (0.0, 8 * DAY, "8_14_days"),
        (0.0, 14 * DAY, "8_14_days"),
        (0.0, 15 * DAY, "15_21_days"),
        (0.0, 22 * DAY, "22_28_days"),
        (0.0, 28 * DAY + 1439.0, "22_28_days"),
        (0.0, 29 * DAY, "over_28_days"),
    ],
)
def test_calendar_days_fall_in_the_nhs_categories(booked: float, t: float, bucket: str) -> None:
    assert BOOKING_BUCKETS[booking_bucket(booked, t)] == bucket


def served_at_once(make_queue: Callable[..., Scenario], **activity: object) -> Scenario:
    """Ten idle servers for one request an hour of ten minutes: nobody ever waits."""
    s = make_queue(servers=1, arrivals_per_hour=1.0, mean_minutes=10.0, extra_staff=9)
    acts = tuple(dataclasses.replace(a, **activity) for a in s.activities)  # type: ignore[arg-type]
    return dataclasses.replace(s, activities=acts)


def test_requests_served_on_arrival_are_all_same_day(make_queue: Callable[..., Scenario]) -> None:
    result = run_simulation(
        served_at_once(make_queue),
        SimulationOptions(replications=2, weeks=3, warmup_weeks=1, seed=3),
    )
    rec = result.activities[0]
    assert rec.wait_mean_minutes.mean == 0.0
    assert rec.booking_buckets == {b: (1.0 if b == "same_day" else 0.0) for b in BOOKING_BUCKETS}
    assert rec.attended_per_week.mean == rec.served_per_week.mean > 0


@pytest.mark.parametrize("run", [engine.run_replication, reference.run_replication])
def test_follow_ups_booked_ten_days_ahead_fall_in_8_to_14_days(
    make_queue: Callable[..., Scenario], run: Callable[..., engine.ReplicationResult]
) -> None:
    # two contacts per episode on average: the follow-up (booked one response target,
    # 240 h = 10 days, after the first ends) is half of all contacts
    s = served_at_once(make_queue, contacts_per_episode=2.0, response_target_hours=240.0)
    m = compile_scenario(s, weeks=8, warmup_weeks=2)
    results = [run(m, ss, 1) for ss in replication_seeds(7, 0, 3)]
    counts = np.sum([r.attended_by_bucket[0, 0] for r in results], axis=0)
    served = sum(r.served.sum() for r in results)
    followups = sum(r.followups.sum() for r in results)
    # nobody waits: first contacts are seen the day they are asked for, follow-ups ten days
    # after they were booked
    assert counts[BOOKING_BUCKETS.index("8_14_days")] == followups
    assert counts[BOOKING_BUCKETS.index("same_day")] == served - followups
    assert set(np.flatnonzero(counts)) == {0, 3}
    # follow-ups are about (c - 1) / c = 1/2 of contacts (fewer: chains cut by the run's end)
    assert 0.4 < followups / served < 0.5


def test_booking_buckets_are_in_the_json_and_the_result_sheet(
    make_queue: Callable[..., Scenario],
) -> None:
    result = run_simulation(
        served_at_once(make_queue),
        SimulationOptions(replications=2, weeks=2, warmup_weeks=1, seed=3),
    )
    act = result.to_json()["activities"][0]
    assert list(act["booking_buckets"]) == list(BOOKING_BUCKETS)
    assert sum(act["booking_buckets"].values()) == pytest.approx(1.0)
    assert act["attended_per_week"] > 0
    heads, rows = result.to_tables()[1].headers, result.to_tables()[1].rows
    col = heads.index("booking_buckets_same_day")
    assert rows[0][col] == 1.0
    assert "booking_buckets_over_28_days" in heads
