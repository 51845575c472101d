"""The simulation service: options, replications, parallel equality, adaptive mode, errors."""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

import numpy as np
import pytest

from intplan.domain import (
    DomainError,
    Eligibility,
    IntplanError,
    Referral,
    Rota,
    Scenario,
    ScenarioError,
)
from intplan.services.progress import Cancelled
from intplan.services.simulate import (
    SHEET_ACTIVITIES,
    SimulationOptions,
    result_rows,
    run_simulation,
)

QUICK = SimulationOptions(replications=3, weeks=3, warmup_weeks=1, seed=42)


def _without_workers(j: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in j.items() if k != "workers"}


def test_one_and_two_workers_give_identical_results(tiny: Scenario) -> None:
    one = run_simulation(tiny, QUICK)
    two = run_simulation(tiny, dataclasses.replace(QUICK, workers=2))
    assert (one.workers, two.workers) == (1, 2)  # automatic: one process for a short run
    assert _without_workers(one.to_json()) == _without_workers(two.to_json())
    # NaN (a week with nothing served) must match NaN: compare as arrays, NaN-aware
    np.testing.assert_equal(
        [dataclasses.astuple(w) for w in one.weekly_activities],
        [dataclasses.astuple(w) for w in two.weekly_activities],
    )


def test_json_has_the_cli_contract(tiny: Scenario) -> None:
    j = run_simulation(tiny, QUICK).to_json()
    assert (j["seed"], j["replications"], j["warmup_weeks"]) == (42, 3, 1)
    acts = {(a["int"], a["activity"]): a for a in j["activities"]}
    assert set(acts) == {(i, a) for i in ("INT-A", "INT-B") for a in ("SDC", "LTC", "HV")}
    sdc = acts["INT-A", "SDC"]
    low, high = sdc["wait_mean_ci95"]
    assert low <= sdc["wait_mean_minutes"] <= high
    assert 0 <= sdc["within_target_share"] <= 1
    roles = {(r["int"], r["role"]): r for r in j["roles"]}
    assert 0 < roles["INT-A", "GP"]["utilisation"] <= 1
    # cost per capita is the pay cost of assigned FTE over the population
    cost = sum(
        a.fte * tiny.role_by_code[p.role].pay_cost_gbp_per_fte
        for p in tiny.staff
        for a in p.assignments
        if a.int_code == "INT-B"
    )
    int_b = next(i for i in j["ints"] if i["int"] == "INT-B")
    assert int_b["cost_per_capita_gbp"] == pytest.approx(cost / tiny.int_population("INT-B"))


def test_result_rows_are_rectangular_and_named_as_results(tiny: Scenario) -> None:
    tables = result_rows(run_simulation(tiny, QUICK))
    assert all(name.startswith("Results") and len(name) <= 31 for name in tables)
    for heads, rows in tables.values():
        assert all(len(r) == len(heads) for r in rows)
    heads, rows = tables[SHEET_ACTIVITIES]
    assert "wait_mean_hours_ci95_low" in heads  # waits in hours in result sheets
    assert len(rows) == 6


def test_adaptive_mode_adds_replications_until_precise(tiny: Scenario) -> None:
    opts = dataclasses.replace(
        QUICK, replications=2, target_halfwidth=0.02, kpi="utilisation", max_replications=12
    )
    r = run_simulation(tiny, opts)
    assert r.replications > 2
    assert r.kpi_estimate.relative_half_width <= 0.02 or r.replications == 12
    # replication k is the same whatever the total: the first ones match a fixed run
    fixed = run_simulation(
        tiny, dataclasses.replace(QUICK, replications=r.replications, kpi="utilisation")
    )
    assert fixed.kpi_estimate == r.kpi_estimate


def test_progress_reaches_one_and_cancel_stops(tiny: Scenario) -> None:
    seen: list[float] = []
    run_simulation(tiny, QUICK, progress=lambda f, _m: seen.append(f))
    assert seen[-1] == 1.0
    assert seen == sorted(seen)
    cancel = threading.Event()

    def stop_soon(fraction: float, _m: str) -> None:
        if fraction > 0.2:
            cancel.set()

    with pytest.raises(Cancelled):
        run_simulation(tiny, QUICK, progress=stop_soon, cancel=cancel)


@pytest.mark.parametrize(
    "options",
    [
        SimulationOptions(weeks=0),
        SimulationOptions(replications=0),
        SimulationOptions(workers=0),
        SimulationOptions(warmup_weeks=-1),
        SimulationOptions(ints=("NOPE",)),
        SimulationOptions(kpi="nonsense"),
        SimulationOptions(target_halfwidth=2.0),
    ],
)
def test_bad_options_are_clear_errors(tiny: Scenario, options: SimulationOptions) -> None:
    with pytest.raises(IntplanError):
        run_simulation(tiny, options)


def test_bad_inputs_are_rejected_before_simulating(tiny: Scenario) -> None:
    with pytest.raises(DomainError, match="no hours"):
        Rota(code="R", name="R", days=(True,) * 7, start_hour=9, end_hour=9, source="t")
    with pytest.raises(DomainError, match="duration_minutes"):
        Eligibility(activity="SDC", role="GP", duration_minutes=0, preference=1, source="t")
    too_many = tuple(
        Referral(
            from_activity="SDC",
            to_activity=to,
            probability=0.6,
            delay_hours=1,
            rejection_probability=0,
            source="t",
        )
        for to in ("HV", "LTC")
    )
    with pytest.raises(ScenarioError, match="add up to"):
        dataclasses.replace(tiny, referrals=too_many)


def test_no_staff_at_all_is_reported_not_hung(tiny: Scenario) -> None:
    r = run_simulation(dataclasses.replace(tiny, staff=()), QUICK)
    assert any("no staff" in x for x in r.issues)
    assert all(a.served_per_week.mean == 0 for a in r.activities)
    by_act = {(a.int_code, a.activity): a for a in r.activities}
    # LTC never escalates, so it piles up; SDC escalates to ED after 48 hours
    assert by_act["INT-A", "LTC"].backlog_end.mean > 0
    assert by_act["INT-A", "SDC"].escalations_per_week.mean > 0


def test_json_has_the_patient_behaviour_outputs_calibrate_reads(tiny: Scenario) -> None:
    # names pinned: `intplan calibrate` reads them from SimulationResult and the JSON
    j = run_simulation(tiny, QUICK).to_json()
    sdc = next(a for a in j["activities"] if a["activity"] == "SDC")
    assert list(sdc["booking_buckets"]) == [
        "same_day",
        "1_day",
        "2_7_days",
        "8_14_days",
        "15_21_days",
        "22_28_days",
        "over_28_days",
    ]
    assert sum(sdc["booking_buckets"].values()) == pytest.approx(1.0)
    for key in ("dna_rate", "reneged_per_week", "turned_away_per_week", "attended_per_week"):
        assert key in sdc and f"{key}_ci95" in sdc
    assert set(sdc["dna_rate_by_bucket"]) == set(sdc["booking_buckets"])
    # all behaviours off by default: nobody misses, gives up or is turned away
    assert sdc["dna_rate"] == sdc["reneged_per_week"] == sdc["turned_away_per_week"] == 0
    int_a = next(i for i in j["ints"] if i["int"] == "INT-A")
    assert int_a["unmet_per_1000_per_week"] == 0
    assert set(int_a["unmet_destinations_per_1000_per_week"]) == {
        "ed",
        "111",
        "pharmacy",
        "self_care",
    }
