"""First contacts of an episode seen within 6 and 18 weeks of the request (NHS Talking
Therapies' waiting-time measures): known answers in both engines, and the field in
``simulate --json``."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np
import pytest

from intplan.domain import DurationDistribution, Scenario, lead_cdf
from intplan.services.simulate import SimulationOptions, run_simulation
from intplan.sim import engine, reference
from intplan.sim.engine import ReplicationResult
from intplan.sim.model import compile_scenario
from intplan.sim.replications import replication_seeds

Run = Callable[..., ReplicationResult]
ENGINES = pytest.mark.parametrize("run", [engine.run_replication, reference.run_replication])


def with_activity(s: Scenario, **changes: object) -> Scenario:
    acts = tuple(dataclasses.replace(a, **changes) for a in s.activities)  # type: ignore[arg-type]
    return dataclasses.replace(s, activities=acts)


def pooled(results: list[ReplicationResult]) -> np.ndarray:
    """(all, within 6 weeks, within 18 weeks) first contacts of INT 0's activity 0."""
    out: np.ndarray = np.sum([r.first_contacts[0, 0] for r in results], axis=0)
    return out


@ENGINES
def test_ample_capacity_every_first_contact_is_within_6_weeks_and_follow_ups_are_not_counted(
    make_queue: Callable[..., Scenario], run: Run
) -> None:
    # ten idle servers; three contacts an episode on average (two of them follow-ups)
    s = make_queue(servers=1, arrivals_per_hour=3.0, mean_minutes=10.0, extra_staff=9)
    m = compile_scenario(with_activity(s, contacts_per_episode=3), weeks=4, warmup_weeks=1)
    results = [run(m, ss, 1) for ss in replication_seeds(4, 0, 3)]
    first = pooled(results)
    served = sum(float(r.served[0, 0]) for r in results)
    assert first[1] == first[2] == first[0] > 1000
    # a first contact per episode: a third of the contacts (Poisson episodes, 99.9%)
    assert abs(first[0] / served - 1 / 3) <= 3.3 * math.sqrt(first[0]) / served + 0.01


@ENGINES
def test_booked_ahead_first_contacts_beyond_6_weeks_are_late(
    make_queue: Callable[..., Scenario], run: Run
) -> None:
    """Nobody waits, but a first contact booked d days ahead is seen d days after the
    request: the 6-week share is 1 - share x P(lead > 42 days); all within 18 weeks."""
    share, mean_days = 0.6, 30.0
    s = make_queue(servers=1, arrivals_per_hour=2.0, mean_minutes=10.0, extra_staff=9)
    s = with_activity(s, booked_ahead_share=share, booked_ahead_mean_days=mean_days)
    m = compile_scenario(s, weeks=6, warmup_weeks=9)
    results = [run(m, ss, 1) for ss in replication_seeds(3, 0, 3)]
    first = pooled(results)
    n = first[0]
    assert n > 5000
    expected = 1.0 - share * (1.0 - lead_cdf(mean_days)[41])
    assert 0.5 < expected < 0.95  # the case tests something
    tolerance = 3.3 * math.sqrt(expected * (1 - expected) / n) + 2e-3
    assert abs(first[1] / n - expected) <= tolerance, (first[1] / n, expected)
    assert first[2] == n


@ENGINES
def test_overloaded_single_server_known_share_within_6_weeks(
    make_queue: Callable[..., Scenario], run: Run
) -> None:
    """M/D/1 at three times its capacity from an empty start, first come first served:
    the k-th request arrives at about k/3 hours and is seen at k hours, so it waited
    2k/3 hours; within 6 weeks (1,008 h) while k <= 1,512. In 16 weeks (2,688 one-hour
    contacts) the share is 1,512 / 2,688; the longest wait (~1,792 h) is within 18 weeks."""
    s = make_queue(
        servers=1,
        arrivals_per_hour=3.0,
        mean_minutes=60.0,
        distribution=DurationDistribution.FIXED,
    )
    m = compile_scenario(s, weeks=16, warmup_weeks=0)
    results = [run(m, ss, 1) for ss in replication_seeds(8, 0, 2)]
    first = pooled(results)
    assert first[0] == pytest.approx(2 * 16 * 168, abs=4)
    # arrival-time noise: sd of the 1,512th arrival ~ sqrt(1512)/3 h, about 1% of the share
    assert first[1] / first[0] == pytest.approx(1512 / 2688, abs=0.03)
    assert first[2] == first[0]


def test_engines_agree_on_the_tiny_example(tiny: Scenario) -> None:
    """Kernel and reference on the tiny example at a stable load (demand x 0.7, as in
    test_reference_model), long-term condition reviews booked ahead so the 6-week share
    is not trivially 1: first contacts a week within each other's 99.9% Welch interval,
    the shares within a binomial 99.9% interval (plus half a point)."""
    s = dataclasses.replace(
        tiny,
        demand_rates=tuple(
            dataclasses.replace(d, per_1000_per_week=d.per_1000_per_week * 0.7)
            for d in tiny.demand_rates
        ),
        activities=tuple(
            dataclasses.replace(a, booked_ahead_share=0.6, booked_ahead_mean_days=30.0)
            if a.code == "LTC"
            else a
            for a in tiny.activities
        ),
    )
    m = compile_scenario(s, weeks=10, warmup_weeks=4)
    n = len(s.ints)
    per_engine = []
    for run in (engine.run_replication, reference.run_replication):
        results = [run(m, ss, n) for ss in replication_seeds(5, 0, 8)]
        per_engine.append(np.stack([r.first_contacts for r in results]))  # (rep, i, a, 3)
    k, r = per_engine
    ltc = m.activity_codes.index("LTC")
    assert 0.3 < k[:, :, ltc, 1].sum() / k[:, :, ltc, 0].sum() < 0.95  # not trivially 1
    for i in range(m.demand.shape[0]):
        for a in range(m.demand.shape[1]):
            kn, rn = k[:, i, a, 0], r[:, i, a, 0]
            if kn.sum() == 0 and rn.sum() == 0:
                continue
            se = math.sqrt(kn.var(ddof=1) / len(kn) + rn.var(ddof=1) / len(rn))
            assert abs(kn.mean() - rn.mean()) <= 3.3 * se + 1e-9, (i, a, kn, rn)
            for col in (1, 2):
                ks, rs = k[:, i, a, col].sum() / kn.sum(), r[:, i, a, col].sum() / rn.sum()
                p = (ks + rs) / 2
                allowed = 3.3 * math.sqrt(p * (1 - p) * (1 / kn.sum() + 1 / rn.sum())) + 0.005
                assert abs(ks - rs) <= allowed, (i, a, col, ks, rs)


def test_first_contact_shares_are_in_the_json(make_queue: Callable[..., Scenario]) -> None:
    s = make_queue(servers=1, arrivals_per_hour=2.0, mean_minutes=10.0, extra_staff=9)
    opts = SimulationOptions(replications=2, weeks=3, warmup_weeks=1, seed=7)
    act = run_simulation(s, opts).to_json()["activities"][0]
    assert act["first_contact_within_6_weeks"] == 1.0
    assert act["first_contact_within_18_weeks"] == 1.0
