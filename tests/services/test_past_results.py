"""Past results: a workbook's result sheets give back what the run showed."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from intplan.domain import Scenario
from intplan.io.errors import WorkbookError
from intplan.io.workbook import write_scenario
from intplan.services.optimise import run_optimise, write_plan
from intplan.services.past_results import read_past_results
from intplan.services.simulate import SimulationOptions, run_simulation, write_simulation_results

QUICK = SimulationOptions(replications=2, weeks=3, warmup_weeks=1, seed=7)
NOT_STORED = ("workers", "target_halfwidth")


def _close(v: Any) -> Any:
    """Numbers to 7 significant figures: the sheets give waits in hours to 8 decimals,
    which the reader turns back into minutes."""
    if isinstance(v, float):
        return pytest.approx(v, rel=1e-7, abs=1e-6, nan_ok=True)
    if isinstance(v, dict):
        return {k: _close(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return type(v)(_close(x) for x in v)
    return v


def _stored(j: dict[str, Any]) -> dict[str, Any]:
    return {k: _close(v) for k, v in j.items() if k not in NOT_STORED}


def _rows(records: Any) -> list[Any]:
    return [_close(dataclasses.astuple(r)) for r in records]


def test_no_results_gives_none(tiny: Scenario, tmp_path: Path) -> None:
    path = tmp_path / "tiny.xlsx"
    write_scenario(tiny, path)
    past = read_past_results(path)
    assert not past.any and past.simulation is None and past.optimisation is None


def test_a_simulation_comes_back_whole(tiny: Scenario, tmp_path: Path) -> None:
    path = tmp_path / "tiny.xlsx"
    write_scenario(tiny, path)
    result = run_simulation(tiny, QUICK)
    write_simulation_results(result, source=str(path), out=str(path))
    back = read_past_results(path).simulation
    assert back is not None
    assert _stored(back.to_json()) == _stored(result.to_json())
    assert _rows(back.weekly_activities) == _rows(result.weekly_activities)
    assert _rows(back.weekly_roles) == _rows(result.weekly_roles)


def test_a_plan_comes_back_with_its_verification(tiny: Scenario, tmp_path: Path) -> None:
    path = tmp_path / "tiny.xlsx"
    write_scenario(tiny, path)
    outcome = run_optimise(tiny, verify_replications=2)
    write_plan(outcome, source=str(path), out=str(path))
    back = read_past_results(path).optimisation
    assert back is not None
    r, b = outcome.result, back.result
    assert b.status is r.status and b.solver == r.solver
    assert _rows(b.plan) == _rows(r.plan)
    assert _rows(b.cover) == _rows(r.cover)
    assert [x.sentence for x in b.binding] == [x.sentence for x in r.binding]
    assert b.explanations == r.explanations
    assert b.costs is not None and r.costs is not None
    assert b.costs.pay_gbp == pytest.approx(r.costs.pay_gbp)
    assert outcome.verification is not None and back.verification is not None
    assert back.verification.replications == 2
    got, want = back.verification.comparisons, outcome.verification.comparisons
    assert [(c.int_code, c.metric) for c in got] == [(c.int_code, c.metric) for c in want]
    assert _rows(got) == _rows(want)
    assert len(back.verification.activities) == len(outcome.verification.activities)


def test_a_damaged_result_cell_is_named(tiny: Scenario, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "tiny.xlsx"
    write_scenario(tiny, path)
    write_simulation_results(run_simulation(tiny, QUICK), source=str(path), out=str(path))
    wb = load_workbook(path)
    ws = wb["Results Sim INTs"]
    header = next(r for r in ws.iter_rows() if r[0].value == "int_code")
    col = next(c for c in header if c.value == "wait_mean_hours_mean")
    ws.cell(row=header[0].row + 1, column=col.column, value="n/a")
    wb.save(path)
    with pytest.raises(WorkbookError) as e:
        read_past_results(path)
    (issue,) = e.value.issues
    assert issue.sheet == "Results Sim INTs"
    assert issue.row == header[0].row + 1 and issue.column == "wait_mean_hours_mean"
