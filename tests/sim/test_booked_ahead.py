"""First contacts booked ahead on purpose: the booking categories follow the lead-time
distribution (known answer with ample capacity), in both engines."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pytest

from intplan.domain import MAX_LEAD_DAYS, DomainError, Scenario, lead_cdf
from intplan.services.simulate import SimulationOptions, run_simulation
from intplan.sim import BOOKING_BUCKETS, engine, kernel, reference
from intplan.sim.model import compile_scenario, lead_days
from intplan.sim.replications import replication_seeds

SHARE, MEAN_DAYS = 0.6, 5.0
#: the categories' day ranges (NHS order); over 28 days runs to the longest lead
DAYS = ((0, 0), (1, 1), (2, 7), (8, 14), (15, 21), (22, 28), (29, MAX_LEAD_DAYS))


def expected_shares(share: float, mean_days: float) -> np.ndarray:
    """Nobody waits: not booked ahead = same day; booked d days ahead = d days."""
    cdf = np.asarray(lead_cdf(mean_days))
    p_day = np.diff(np.concatenate(([0.0], cdf)))  # P(lead = d), d = 1 .. MAX_LEAD_DAYS
    out = np.zeros(len(DAYS))
    out[0] = 1.0 - share
    for b, (lo, hi) in enumerate(DAYS[1:], start=1):
        out[b] = share * p_day[lo - 1 : hi].sum()
    return out


def ample(make_queue: Callable[..., Scenario], **booking: float | None) -> Scenario:
    """A 24/7 service with ten idle servers: everyone is seen the moment they are due."""
    s = make_queue(servers=1, arrivals_per_hour=2.0, mean_minutes=10.0, extra_staff=9)
    acts = tuple(dataclasses.replace(a, **booking) for a in s.activities)  # type: ignore[arg-type]
    return dataclasses.replace(s, activities=acts)


@pytest.mark.parametrize("run", [engine.run_replication, reference.run_replication])
def test_booking_categories_follow_the_lead_time_distribution(
    make_queue: Callable[..., Scenario], run: Callable[..., engine.ReplicationResult]
) -> None:
    s = ample(make_queue, booked_ahead_share=SHARE, booked_ahead_mean_days=MEAN_DAYS)
    m = compile_scenario(s, weeks=12, warmup_weeks=9)  # warm-up: the 8-week leads arrive
    results = [run(m, ss, 1) for ss in replication_seeds(3, 0, 3)]
    att = np.sum([r.attended_by_bucket[0, 0] for r in results], axis=0)
    n = att.sum()
    assert n > 10_000
    expected = expected_shares(SHARE, MEAN_DAYS)
    for b, name in enumerate(BOOKING_BUCKETS):
        p = expected[b]
        # binomial 99.9% interval (plus a little for the Poisson week-to-week arrivals)
        assert abs(att[b] / n - p) <= 3.3 * np.sqrt(p * (1 - p) / n) + 2e-3, (name, att[b] / n)
    # nobody waited: booked-ahead contacts are seen on their day, on the minute
    assert sum(r.waited.sum() for r in results) == 0


def test_blank_booking_lead_changes_nothing(make_queue: Callable[..., Scenario]) -> None:
    opts = SimulationOptions(replications=2, weeks=3, warmup_weeks=1, seed=7)
    blank = run_simulation(ample(make_queue), opts).to_json()
    zero = run_simulation(
        ample(make_queue, booked_ahead_share=0.0, booked_ahead_mean_days=9.0), opts
    ).to_json()
    assert blank["activities"] == zero["activities"]
    assert blank["activities"][0]["booking_buckets"]["same_day"] == 1.0


def test_a_closed_day_moves_the_booking_to_the_next_open_day() -> None:
    cdf = lead_cdf(3.0)
    weekdays = (True,) * 5 + (False, False)
    friday_noon = 4 * 1440.0 + 720.0
    for v in np.linspace(0.0, 0.999, 200):
        d = lead_days(cdf, weekdays, float(v), friday_noon)
        assert (4 + d) % 7 < 5  # never a Saturday or Sunday
        # the compiled kernel applies the same rule
        k = kernel.lead_days(
            np.asarray(cdf), np.asarray(weekdays, dtype=np.bool_), 0, float(v), friday_noon
        )
        assert k == d
    assert lead_days(cdf, weekdays, 0.0, friday_noon) == 3  # 1 day ahead: Saturday -> Monday
    # a lead never passes the longest one (plus a closed weekend)
    assert lead_days(cdf, weekdays, 0.999999, 0.0) <= MAX_LEAD_DAYS + 2


def test_a_share_needs_a_mean_lead(make_queue: Callable[..., Scenario]) -> None:
    act = make_queue(servers=1, arrivals_per_hour=1.0, mean_minutes=10.0).activities[0]
    with pytest.raises(DomainError, match="booked_ahead_mean_days"):
        dataclasses.replace(act, booked_ahead_share=0.5)
    with pytest.raises(DomainError, match="booked_ahead_mean_days"):
        dataclasses.replace(act, booked_ahead_share=0.5, booked_ahead_mean_days=90.0)
