"""Did-not-attend in the expected contacts: the closed form against the rule played out,
the booking categories against the simulator's, and the simulator against the figures."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pytest

from intplan.demand.attendance import booking_bucket, dna_after, episode_attendance
from intplan.demand.contacts import activity_contacts
from intplan.domain import (
    ActivityKind,
    ActivityType,
    CareSetting,
    DurationDistribution,
    Scenario,
    Settings,
)
from intplan.domain.units import MINUTES_PER_DAY
from intplan.sim.engine import run_replication
from intplan.sim.kernel.tally import bucket
from intplan.sim.model import compile_scenario
from intplan.sim.replications import replication_seeds

DNA_ON = Settings(dna_enabled=1, dna_represent_probability=0.4)
YEAR = 52 * 168.0


def _activity(contacts: float, interval_days: float) -> ActivityType:
    return ActivityType(
        code="A",
        name="A course of sessions",
        kind=ActivityKind.PATIENT,
        priority=3,
        response_target_hours=1008.0,
        setting=CareSetting.CLINIC,
        arrival_profile="FLAT",
        duration_distribution=DurationDistribution.FIXED,
        duration_cv=0.0,
        contacts_per_episode=contacts,
        deprivation_gradient=0.0,
        escalation_hours=None,
        source="test",
        followup_interval_days=interval_days,
    )


def _played_out(
    first: float, follow: float, again: float, rebooked: float, c: float
) -> tuple[float, float]:
    """The simulator's rule for 200,000 episodes: (mean contacts booked, share completed)."""
    rng = np.random.default_rng(7)
    q = (c - 1.0) / c
    attempts = completed = 0
    n_episodes = 200_000
    for _ in range(n_episodes):
        follow_ups = rng.geometric(1.0 - q) - 1  # failures before a success: mean c - 1
        position, p, done = 0, first, False
        while True:
            attempts += 1
            if rng.random() < p:  # missed
                if rng.random() < again:
                    p = rebooked
                    continue
                break
            if position == follow_ups:
                done = True
                break
            position, p = position + 1, follow
        completed += done
    return attempts / n_episodes, completed / n_episodes


def test_did_not_attend_off_gives_the_table_contacts_and_always_completes() -> None:
    got = episode_attendance(0.0, _activity(7.0, 7.0), Settings(), YEAR)  # dna_enabled = 0
    assert got.attempts == pytest.approx(7.0) and got.completes == pytest.approx(1.0)


@pytest.mark.parametrize(("contacts", "interval"), [(1.0, 7.0), (4.0, 2.0), (7.0, 7.0)])
def test_the_closed_form_is_the_rule_played_out(contacts: float, interval: float) -> None:
    dna = DNA_ON.dna_probabilities()
    first = 0.05
    got = episode_attendance(first, _activity(contacts, interval), DNA_ON, YEAR)
    follow = dna_after(interval * 24.0, dna)
    rebooked = dna_after(DNA_ON.dna_represent_delay_hours, dna)
    attempts, completed = _played_out(first, follow, 0.4, rebooked, contacts)
    assert got.attempts == pytest.approx(attempts, rel=0.01)
    assert got.completes == pytest.approx(completed, abs=0.004)
    if contacts > 1:
        assert got.attempts < contacts and got.completes < 0.9  # it matters


def test_booking_categories_are_the_simulators() -> None:
    for days in range(0, 70):
        assert booking_bucket(days) == bucket(0.0, days * MINUTES_PER_DAY + 60.0), days


def test_the_simulation_books_the_contacts_the_workload_model_expects(
    make_queue: Callable[..., Scenario],
) -> None:
    """Courses of 6 sessions a week apart, did-not-attend on, ample staff: the simulated
    contacts a week (missed ones and bookings again included) are the expected ones;
    with the table's 6 contacts per episode they would be 17% more."""
    q = make_queue(servers=3, arrivals_per_hour=0.6, mean_minutes=10.0)
    act = dataclasses.replace(q.activities[0], contacts_per_episode=6, followup_interval_days=7.0)
    s = dataclasses.replace(
        q,
        activities=(act,),
        settings=dataclasses.replace(q.settings, dna_enabled=1, dna_represent_probability=0.3),
    )
    expected = activity_contacts(s, weeks=30)[("I0", "A0")].contacts_per_week
    assert expected < 0.9 * 0.6 * 168  # the table's rate: did-not-attend matters here
    model = compile_scenario(s, weeks=30, warmup_weeks=12)
    simulated = [
        float(run_replication(model, seed, 1).arrivals.sum()) / 30
        for seed in replication_seeds(11, 0, 3)
    ]
    assert np.mean(simulated) == pytest.approx(expected, rel=0.03)


def test_a_patient_who_always_misses_and_is_always_booked_again_is_bounded() -> None:
    """DNA 100% and always booked again (Settings at their bounds): one booking per
    re-presentation delay for the whole horizon, and the episode never completes."""
    always = Settings(
        dna_enabled=1,
        dna_represent_probability=1.0,
        dna_represent_delay_hours=168.0,
        dna_same_day=1.0,
        dna_1_day=1.0,
        dna_2_7_days=1.0,
        dna_8_14_days=1.0,
        dna_15_21_days=1.0,
        dna_22_28_days=1.0,
        dna_over_28_days=1.0,
    )
    got = episode_attendance(1.0, _activity(3.0, 7.0), always, YEAR)
    assert got.attempts == pytest.approx(1.0 + 52.0) and got.completes == 0.0
