"""Scenario comparison as typed rows: what the GUI and the CLI both print."""

from __future__ import annotations

import dataclasses
import math

import pytest

from intplan.domain import Scenario
from intplan.services.compare import (
    CompareOptions,
    DifferenceRow,
    ci_excludes_zero,
    compare_scenarios,
)
from intplan.sim import SIM_KPIS

OPTS = CompareOptions(replications=3, weeks=3, warmup_weeks=1)


def _with_more_gps(s: Scenario, n: int) -> Scenario:
    extra = [dataclasses.replace(p, id=f"{p.id}X") for p in s.staff if p.role == "GP"][:n]
    return dataclasses.replace(s, name=f"{s.name} + {n} GPs", staff=(*s.staff, *extra))


@pytest.mark.parametrize(
    ("low", "high", "excludes"),
    [
        (-1.0, 2.0, False),
        (0.5, 2.0, True),
        (-2.0, -0.5, True),
        (0.0, 2.0, False),  # touching zero does not leave it out
        (math.nan, math.nan, False),  # no interval: nothing can be told
        (-math.inf, 1.0, False),
    ],
)
def test_ci_excludes_zero(low: float, high: float, excludes: bool) -> None:
    assert ci_excludes_zero(low, high) is excludes


def _row(**kw: object) -> DifferenceRow:
    base: dict[str, object] = dict(
        scenario="b",
        kpi="wait",
        label="Mean wait",
        unit="hours",
        int_code=None,
        simulated=True,
        baseline=1.0,
        value=2.0,
        difference=1.0,
        low=-1.0,
        high=2.0,
    )
    base.update(kw)
    return DifferenceRow(**base)  # type: ignore[arg-type]


def test_row_excludes_zero_from_its_ci_or_exact_difference() -> None:
    assert _row(low=-1.0, high=2.0).excludes_zero is False
    assert _row(low=0.5, high=2.0).excludes_zero is True
    # from the inputs: exact, no interval; any difference is a real one
    assert _row(simulated=False, low=None, high=None, difference=2.4).excludes_zero is True
    assert _row(simulated=False, low=None, high=None, difference=0.0).excludes_zero is False
    assert _row(int_code=None).where == "All INTs" and _row(int_code="INT-A").where == "INT-A"


def test_a_scenario_against_itself_differs_by_exactly_zero(tiny: Scenario) -> None:
    result = compare_scenarios([tiny, tiny], OPTS)
    rows = result.difference_rows() + result.int_difference_rows()
    assert rows, "rows for the whole scenario and per INT"
    for r in rows:
        assert r.difference == 0.0, (r.where, r.kpi)
        assert r.excludes_zero is False
    assert {r.int_code for r in result.int_difference_rows()} == {"INT-A", "INT-B"}


def test_rows_are_the_paired_differences(tiny: Scenario) -> None:
    more = _with_more_gps(tiny, 3)
    result = compare_scenarios([tiny, more], OPTS, sources=["a.xlsx", "b.xlsx"])
    d = result.differences[1]
    rows = {r.kpi: r for r in result.difference_rows()}
    assert set(rows) == set(result.kpi_keys())
    assert {r.scenario for r in rows.values()} == {"b.xlsx"}
    # within target is a share: as computed; the wait is shown in hours
    within = rows["within_target"]
    assert (within.difference, within.low, within.high) == (
        d["within_target"].mean,
        d["within_target"].low,
        d["within_target"].high,
    )
    wait = rows["wait"]
    assert wait.unit == "hours"
    assert wait.difference == pytest.approx(d["wait"].mean / 60)
    assert wait.low == pytest.approx(d["wait"].low / 60)
    staff = rows["staff_fte"]
    assert not staff.simulated and staff.low is None and staff.difference == pytest.approx(2.4)
    assert staff.excludes_zero


def test_per_int_rows_add_up_to_the_whole(tiny: Scenario) -> None:
    """Escalations per 1,000 people: the INTs' population-weighted mean is the whole's."""
    more = _with_more_gps(tiny, 3)
    result = compare_scenarios([tiny, more], OPTS)
    per_int = result.int_difference_rows()
    assert {(r.int_code, r.kpi) for r in per_int} == {
        (i.code, k) for i in tiny.ints for k in SIM_KPIS
    }
    pop = {i.code: tiny.int_population(i.code) for i in tiny.ints}
    esc = {r.int_code: r for r in per_int if r.kpi == "escalations"}
    whole = next(r for r in result.difference_rows() if r.kpi == "escalations")
    for attr in ("baseline", "value", "difference"):
        weighted = sum(pop[c] * getattr(esc[c], attr) for c in pop) / sum(pop.values())
        assert weighted == pytest.approx(getattr(whole, attr)), attr


def test_progress_is_reported_per_replication(tiny: Scenario) -> None:
    seen: list[tuple[float, str]] = []
    compare_scenarios(
        [tiny, tiny],
        OPTS,
        sources=["a", "b"],
        progress=lambda f, m: seen.append((f, m)),
    )
    done = [(f, m) for f, m in seen if m.endswith("done") and "replication" in m]
    assert [f for f, _ in done] == pytest.approx([k / 6 for k in range(1, 7)])
    assert done[0][1] == "a (1 of 2): replication 1 of 3 done"
    assert done[-1][1] == "b (2 of 2): replication 3 of 3 done"
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_json_keeps_its_keys_and_adds_the_rows(tiny: Scenario) -> None:
    result = compare_scenarios([tiny, tiny], OPTS, sources=["a.xlsx", "b.xlsx"])
    doc = result.to_json()
    # the keys earlier versions wrote, unchanged (waits there stay in minutes)
    assert {"seed", "weeks", "warmup_weeks", "replications", "baseline", "units"} <= set(doc)
    assert doc["units"]["wait"] == "minutes"
    assert set(doc["scenarios"][1]) == {"name", "file", "kpis", "difference_vs_first"}
    rows = doc["differences"]
    assert len(rows) == len(result.difference_rows()) + len(result.int_difference_rows())
    first = rows[0]
    assert set(first) == {
        "scenario",
        "kpi",
        "label",
        "unit",
        "int",
        "simulated",
        "baseline",
        "value",
        "difference",
        "ci95",
        "excludes_zero",
    }
    assert first["int"] is None and first["excludes_zero"] is False
    assert {r["int"] for r in rows} == {None, "INT-A", "INT-B"}
