"""Engine properties: Little's law, work conservation, priority, monotonicity, determinism."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pytest

from intplan.demand.contacts import activity_contacts
from intplan.domain import Assignment, Scenario
from intplan.sim import engine, reference
from intplan.sim.engine import ReplicationResult, run_replication
from intplan.sim.model import compile_scenario
from intplan.sim.replications import replication_seeds


def run(
    scenario: Scenario,
    *,
    weeks: int,
    warmup: int = 1,
    seed: int = 3,
    rep: int = 0,
    cover: bool = True,
) -> ReplicationResult:
    model = compile_scenario(scenario, weeks=weeks, warmup_weeks=warmup, cover=cover)
    (ss,) = replication_seeds(seed, rep, rep + 1)
    return run_replication(model, ss, len(scenario.ints))


def test_littles_law_on_the_queue(make_queue: Callable[..., Scenario]) -> None:
    # L (time-average queue length) = lambda (arrival rate) x W (mean wait)
    r = run(make_queue(servers=2, arrivals_per_hour=3.2, mean_minutes=30), weeks=20)
    t = r.measured_minutes
    queue_length = r.queue_minutes_area.sum() / t
    lam = r.arrivals.sum() / t
    wait = r.wait_sum_minutes.sum() / r.served.sum()
    assert queue_length > 0.5  # a real queue, so the check has teeth
    assert queue_length == pytest.approx(lam * wait, rel=0.03)


def test_work_conservation_on_tiny(tiny: Scenario) -> None:
    r = run(tiny, weeks=6, warmup=0)
    assert r.served.sum() > 1000
    # in-shift busy time never exceeds time on duty; overtime stays within the daily limit
    assert np.all(r.busy_minutes <= r.available_minutes + 1e-6)
    limit = tiny.settings.overtime_limit_hours_per_day * 60
    people = np.zeros_like(r.overtime_minutes)
    model = compile_scenario(tiny, weeks=6, warmup_weeks=0)
    for i, role in zip(model.staff_int, model.staff_role, strict=True):
        people[i, role] += 1
    assert np.all(r.overtime_minutes <= people * 7 * 6 * limit + 1e-6)
    # everything that arrived was served, escalated or is still waiting (or in service)
    unaccounted = r.arrivals - r.served - r.escalated - r.backlog_end
    assert np.all(unaccounted >= -1e-9)
    assert unaccounted.sum() <= len(model.staff_int)  # at most one contact in hand each


def test_high_priority_waits_less(make_queue: Callable[..., Scenario]) -> None:
    s = make_queue(
        servers=2, arrivals_per_hour=(1.8, 1.8), mean_minutes=30, priorities=(1, 3)
    )  # rho = 0.9
    r = run(s, weeks=10)
    mean = r.wait_sum_minutes[0] / r.served[0]
    assert mean[0] * 3 < mean[1]


@pytest.mark.parametrize("rep", [0, 1, 2])
def test_more_staff_never_increases_waits(make_queue: Callable[..., Scenario], rep: int) -> None:
    waits = []
    arrivals = []
    for extra in (0, 1, 2):
        s = make_queue(servers=2, arrivals_per_hour=3.4, mean_minutes=30, extra_staff=extra)
        r = run(s, weeks=8, rep=rep)
        waits.append(r.wait_sum_minutes.sum() / r.served.sum())
        arrivals.append(r.arrivals.sum())
    assert arrivals[0] == arrivals[1] == arrivals[2]  # common random numbers: same demand
    assert waits[0] >= waits[1] >= waits[2]
    assert waits[0] > waits[2]


def _same(a: ReplicationResult, b: ReplicationResult) -> bool:
    return all(
        np.array_equal(getattr(a, f), getattr(b, f), equal_nan=True)
        for f in ReplicationResult.__dataclass_fields__
    )


def test_same_seed_same_results_and_different_seed_differs(tiny: Scenario) -> None:
    a = run(tiny, weeks=3, seed=7)
    b = run(tiny, weeks=3, seed=7)
    c = run(tiny, weeks=3, seed=8)
    assert _same(a, b)
    assert not _same(a, c)


def test_results_do_not_depend_on_buffer_or_pool_sizes(
    tiny: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the compiled loop stops between events to grow the pool or refill random draws;
    # tiny sizes force hundreds of stops, which must not change a single number
    big = run(tiny, weeks=3, seed=11)
    monkeypatch.setattr(engine, "_BUFFER", 16)
    monkeypatch.setattr(engine, "_INITIAL_CHUNKS", 1)
    small = run(tiny, weeks=3, seed=11)
    assert big.served.sum() > 1000
    assert _same(big, small)


def test_independent_ints_run_apart_give_the_same_results(
    tiny: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    together = run(tiny, weeks=3, seed=5, cover=False)
    monkeypatch.setattr(engine, "_GROUP_INTS", 1)  # one engine per INT, taking turns
    apart = run(tiny, weeks=3, seed=5, cover=False)
    assert together.served.shape[0] == 2
    assert _same(together, apart)


def test_int_results_do_not_depend_on_which_ints_run_together(tiny: Scenario) -> None:
    both = compile_scenario(tiny, weeks=3, warmup_weeks=1, cover=False)
    only_b = compile_scenario(tiny, weeks=3, warmup_weeks=1, cover=False, int_codes=("INT-B",))
    (ss,) = replication_seeds(5, 0, 1)
    r_both = run_replication(both, ss, 2)
    (ss,) = replication_seeds(5, 0, 1)
    r_b = run_replication(only_b, ss, 2)
    assert np.array_equal(r_both.wait_sum_minutes[1], r_b.wait_sum_minutes[0])
    assert np.array_equal(r_both.busy_minutes[1], r_b.busy_minutes[0])


def test_arrivals_match_the_demand_model(tiny: Scenario) -> None:
    model = compile_scenario(tiny, weeks=4, warmup_weeks=0)
    r = run(tiny, weeks=4, warmup=0)
    expected = model.demand.sum(axis=2)
    # SDC: one contact per episode and nothing refers into it except re-presentations
    sdc = model.activity_codes.index("SDC")
    assert r.arrivals[:, sdc] == pytest.approx(expected[:, sdc], rel=0.05)


def test_no_eligible_staff_in_an_int_is_reported_and_queue_grows(tiny: Scenario) -> None:
    # move every DN and GP share into INT-A: INT-B's home visits have nobody to do them
    staff = tuple(
        dataclasses.replace(
            p, assignments=(Assignment(int_code="INT-A", fte=p.fte, rule="manual"),)
        )
        if p.role in ("DN", "GP")
        else p
        for p in tiny.staff
    )
    s = dataclasses.replace(tiny, staff=staff)
    model = compile_scenario(s, weeks=4, warmup_weeks=0, cover=False)
    assert any(x.startswith("INT-B: HV") for x in model.issues)
    r = run(s, weeks=4, warmup=0, cover=False)
    hv = model.activity_codes.index("HV")
    assert r.served[1, hv] == 0
    backlog = r.weekly_backlog[1, hv]
    assert np.all(np.diff(backlog) > 0)


def test_a_contact_longer_than_any_shift_is_reported_and_never_hangs(tiny: Scenario) -> None:
    elig = tuple(
        dataclasses.replace(e, duration_minutes=7 * 24 * 60.0) if e.key == "HV/DN" else e
        for e in tiny.eligibilities
    )
    s = dataclasses.replace(tiny, eligibilities=elig)
    model = compile_scenario(s, weeks=2, warmup_weeks=0)
    assert any(x.startswith("HV by DN") for x in model.issues)
    r = run(s, weeks=2, warmup=0)
    dn = model.role_codes.index("DN")
    assert r.contacts[:, dn].sum() == 0  # district nurses never start one


@pytest.mark.parametrize("engine_run", [run_replication, reference.run_replication])
def test_a_contact_drawn_longer_than_any_shift_does_not_block_its_queue(
    make_queue: Callable[..., Scenario], engine_run: Callable[..., ReplicationResult]
) -> None:
    """One person, 8 hours a weekday, no overtime; contacts average 200 minutes
    (exponential), so about 1 in 11 is drawn longer than the whole shift. Such a request
    must still start, at the start of a shift, or it would wait for ever at the head of
    the queue with every request behind it (the queue grew by 7 a week before the rule,
    and 16 of 180 requests were served)."""
    q = make_queue(servers=1, arrivals_per_hour=0.05, mean_minutes=200.0)
    weekdays = dataclasses.replace(
        q.rotas[0], days=(True,) * 5 + (False,) * 2, start_hour=9.0, end_hour=17.0
    )
    one = dataclasses.replace(
        q.staff[0], fte=1.0, assignments=(Assignment(int_code="I0", fte=1.0, rule="manual"),)
    )
    s = dataclasses.replace(
        q,
        rotas=(weekdays,),
        staff=(one,),
        settings=dataclasses.replace(q.settings, overtime_limit_hours_per_day=0.0),
    )
    model = compile_scenario(s, weeks=20, warmup_weeks=0)
    assert model.issues == ()  # the usual contact fits a shift
    r = engine_run(model, replication_seeds(1, 0, 1)[0], 1)
    assert r.served.sum() >= 0.9 * r.arrivals.sum()  # ~70% utilised: all but a few served
    assert r.weekly_backlog[0, 0, -4:].mean() < 20
    assert r.overtime_minutes.sum() > 0  # the long ones ran past the shift's end


def test_a_model_too_large_for_a_heap_entry_is_refused_with_a_clear_error(
    tiny: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A heap entry packs a staff or stream number into HEAP_PAYLOAD_BITS bits; a larger
    model must be refused before the kernel runs, as an input problem (not a traceback)."""
    from intplan.sim import SimulationInputError, kernel

    model = compile_scenario(tiny, weeks=1, warmup_weeks=0)
    monkeypatch.setattr(kernel, "HEAP_PAYLOAD_BITS", 2)  # room for 2 staff
    with pytest.raises(SimulationInputError, match="the engine holds at most 2 of each"):
        run_replication(model, replication_seeds(0, 0, 1)[0], len(tiny.ints))


@pytest.mark.parametrize("engine_run", [run_replication, reference.run_replication])
def test_follow_ups_come_one_follow_up_interval_apart(
    make_queue: Callable[..., Scenario], engine_run: Callable[..., ReplicationResult]
) -> None:
    """Episodes of 4 contacts on average with a six-week response target: booked a day
    apart (Activities followup_interval_days) the weekly contacts reach the workload
    model's steady rate within the first week; booked one target apart they would still
    be at about half of it after 8 weeks."""
    q = make_queue(servers=3, arrivals_per_hour=0.5, mean_minutes=10.0)
    act = dataclasses.replace(q.activities[0], contacts_per_episode=4, response_target_hours=1008.0)
    rates: dict[str, float] = {}
    for interval in (1.0, None):
        s = dataclasses.replace(
            q, activities=(dataclasses.replace(act, followup_interval_days=interval),)
        )
        expected = activity_contacts(s, weeks=8)[("I0", "A0")].contacts_per_week
        model = compile_scenario(s, weeks=8, warmup_weeks=1)
        r = engine_run(model, replication_seeds(5, 0, 1)[0], 1)
        rates[str(interval)] = float(r.arrivals.sum()) / 8 / expected
    assert rates["1.0"] == pytest.approx(1.0, abs=0.06)
    assert rates["None"] < 0.7
