"""``intplan calibrate --fit``: demand scales and productive fractions, fitted to observed
volumes and booking-category shares (known answers, bounds, the Calibration sheet)."""

from __future__ import annotations

import dataclasses
import math

import pytest

from intplan.domain import Scenario
from intplan.io.benchmarks import load_benchmarks
from intplan.services.calibrate import (
    Target,
    benchmark_targets,
    calibration_table,
    simulated_measures,
)
from intplan.services.calibrate_fit import (
    PRODUCTIVE_FRACTION_BOUNDS,
    calibration_tables,
    fit,
    scale_demand,
    set_productive_fractions,
)
from intplan.services.simulate import SimulationOptions, run_simulation

RUN = SimulationOptions(replications=2, weeks=8, warmup_weeks=2, seed=7, workers=1)
FITTED = ("gp_appointments_per_1000_per_month", "gp_same_day_share", "gp_within_14_days_share")


def _workbook(tiny: Scenario) -> Scenario:
    """tiny at 60% of its demand (GP and nurses busy but not swamped, so the booking
    categories respond to capacity) with GP and PN productive fractions of 0.7."""
    quieter = scale_demand(tiny, {a.code: 0.6 for a in tiny.activities})
    return set_productive_fractions(quieter, {"GP": 0.7, "PN": 0.7})


def _observed(truth: Scenario, tolerances: dict[str, float]) -> list[Target]:
    sims = simulated_measures(truth, run_simulation(truth, RUN))
    return [
        Target(
            measure=m,
            value=sims[m].value,
            tolerance=tolerances[m],
            comparison="equal",
            source="generated",
        )
        for m in FITTED
    ]


def test_fit_recovers_demand_scale_and_productive_fraction(tiny: Scenario) -> None:
    """Observed figures generated with GP-practice demand x 1.2 and GP/PN productive
    fraction 0.8: fitting from the workbook's 1.0 and 0.7 recovers them."""
    book = _workbook(tiny)
    truth = set_productive_fractions(
        scale_demand(book, {"SDC": 1.2, "LTC": 1.2}), {"GP": 0.8, "PN": 0.8}
    )
    # shares within 0.015: on this short run (2 x 8 weeks) they move by about 0.01 between
    # the truth and parameters 0.02 from it, where the fit's pull towards the workbook's
    # values leaves them (the parameters themselves are checked below)
    targets = _observed(
        truth,
        {FITTED[0]: 3.0, FITTED[1]: 0.015, FITTED[2]: 0.015},
    )
    before = calibration_table(book, RUN, targets)
    assert [r.within for r in before.rows] != [True, True, True]
    result = fit(book, RUN, targets, before, evaluations=40)
    params = {p.name: p for p in result.parameters}
    assert set(params) == {
        "demand scale SDC+LTC",
        "productive fraction GP",
        "productive fraction PN",
    }
    assert params["demand scale SDC+LTC"].after == pytest.approx(1.2, abs=0.06)
    assert params["productive fraction GP"].before == 0.7
    assert params["productive fraction GP"].after == pytest.approx(0.8, abs=0.05)
    assert params["productive fraction PN"].after == pytest.approx(0.8, abs=0.05)
    assert all(r.within for r in result.after.rows), result.after.rows
    # the fitted scenario carries the new values; the input is untouched
    roles = {r.code: r.productive_fraction for r in result.scenario.roles}
    assert roles["GP"] == params["productive fraction GP"].after
    assert {r.code: r.productive_fraction for r in book.roles}["GP"] == 0.7


def test_productive_fraction_stays_in_its_documented_range(tiny: Scenario) -> None:
    """The national same-day share (45%) is far below tiny's (~89%): less capacity would
    lower it, but the fit stops at the plausible floor instead of inventing staff loss."""
    targets = [t for t in benchmark_targets(load_benchmarks()) if t.measure in FITTED]
    before = calibration_table(tiny, RUN, targets)
    result = fit(tiny, RUN, targets, before, evaluations=12)
    low, high = PRODUCTIVE_FRACTION_BOUNDS
    fractions = [p for p in result.parameters if p.kind == "productive_fraction"]
    assert fractions, "shares are observed, so productive fractions are fitted"
    for p in fractions:
        assert low - 1e-9 <= p.after <= high + 1e-9
        assert p.lower == low and p.upper == high
    # the fitted roles are those that do tiny's GP-practice activities
    assert {p.applies_to for p in fractions} == {("GP",), ("PN",)}


def test_only_volumes_observed_fits_demand_alone(tiny: Scenario) -> None:
    """Without shares the capacity cannot be told from demand: no productive fraction."""
    base = calibration_table(tiny, RUN, [])
    now = simulated_measures(tiny, base.result)["SDC_contacts_per_1000_per_month"].value
    target = Target(
        measure="SDC_contacts_per_1000_per_month",
        value=now * 0.8,
        tolerance=0.05 * now * 0.8,
        comparison="equal",
        source="test",
    )
    result = fit(tiny, RUN, [target], calibration_table(tiny, RUN, [target]), evaluations=8)
    assert [p.kind for p in result.parameters] == ["demand_scale"]


def test_the_calibration_sheet_lists_before_after_and_every_parameter(tiny: Scenario) -> None:
    targets = [t for t in benchmark_targets(load_benchmarks()) if t.measure in FITTED]
    before = calibration_table(tiny, RUN, targets)
    result = fit(tiny, RUN, targets, before, evaluations=6)
    tables = {t.title: t for t in calibration_tables(before, result)}
    table = tables["Simulated baseline against observed figures"]
    assert tuple(h for h in table.headers if h.startswith(("simulated", "within_after"))) == (
        "simulated",
        "simulated_after_fit",
        "within_after_fit",
    )
    params = tables["Parameters changed by --fit"]
    assert params.headers[:6] == ("parameter", "applies_to", "before", "after", "lower", "upper")
    rows = {r[0]: r for r in params.rows}
    for p in result.parameters:
        assert rows[p.name][2:4] == (p.before, p.after)
    assert any(
        isinstance(r[2], int | float) and math.isclose(r[2], 1.0) for r in params.rows
    )  # a demand scale
    json_params = result.to_json()["parameters"]
    assert {p["name"] for p in json_params} == set(rows)
    assert {"kind", "before", "after", "lower", "upper"} <= set(json_params[0])


def test_setting_productive_fractions_leaves_other_roles_alone(tiny: Scenario) -> None:
    out = set_productive_fractions(tiny, {"GP": 0.75})
    old = {r.code: r for r in tiny.roles}
    for r in out.roles:
        if r.code == "GP":
            assert r.productive_fraction == 0.75
        else:
            assert r == old[r.code]
    assert dataclasses.replace(old["GP"], productive_fraction=0.75) in out.roles
