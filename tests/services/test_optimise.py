"""The optimise service and the `intplan optimise` command, end to end on the tiny example."""

from __future__ import annotations

import dataclasses
import json
import threading
from pathlib import Path

import pytest

from intplan.cli import main
from intplan.domain import Scenario
from intplan.optimise import OptimiseOptions
from intplan.services.files import save_scenario
from intplan.services.optimise import PLANNED_EMPLOYER, apply_plan, run_optimise
from intplan.services.progress import Cancelled


def _fte(s: Scenario, int_code: str, role: str) -> float:
    return sum(
        a.fte
        for p in s.staff
        if p.role == role and not p.vacant
        for a in p.assignments
        if a.int_code == int_code
    )


def test_run_optimise_json_contract(tiny: Scenario) -> None:
    seen: list[float] = []
    out = run_optimise(tiny, progress=lambda f, _m: seen.append(f))
    j = out.to_json()
    for key in ("status", "objective", "solver", "solve_seconds", "plan", "cover"):
        assert key in j
    assert j["status"] == "optimal"
    assert j["solver"] == "highs"
    assert {"int", "role", "current_fte", "recommended_fte"} <= set(j["plan"][0])
    assert isinstance(j["explanations"], list) and j["explanations"]
    assert isinstance(j["binding"], list)
    json.dumps(j)  # serialisable
    assert seen[-1] == 1.0
    assert seen == sorted(seen)


def test_cancel_before_start(tiny: Scenario) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        run_optimise(tiny, cancel=cancel)


def test_apply_plan_adds_planned_posts_and_moves(tiny: Scenario) -> None:
    result = run_optimise(tiny).result
    planned = apply_plan(tiny, result)
    for row in result.plan:
        assert _fte(planned, row.int_code, row.role) == pytest.approx(
            row.recommended_fte, abs=1e-6
        ), (row.int_code, row.role)
    assert any(p.employer == PLANNED_EMPLOYER for p in planned.staff)
    assert tiny.staff == build_again(tiny).staff  # the input scenario is untouched


def build_again(s: Scenario) -> Scenario:
    return dataclasses.replace(s)


@pytest.mark.slow
def test_verify_by_simulation(tiny: Scenario) -> None:
    out = run_optimise(tiny, verify_replications=2)
    assert out.verification is not None
    ints = {c.int_code for c in out.verification.comparisons}
    assert ints == {"INT-A", "INT-B"}
    j = out.to_json()["verification"]
    assert j["replications"] == 2
    rows = j["activities"]
    assert {(r["int"], r["activity"]) for r in rows} == {
        (i, a) for i in ("INT-A", "INT-B") for a in ("SDC", "LTC", "HV")
    }
    for r in rows:
        assert r["target_share"] == 0.9
        assert 0.0 <= r["after"] <= 1.0 and len(r["after_ci"]) == 2
        assert r["meets_target"] == (r["after"] >= 0.9)
        assert (r["reason"] is None) == r["meets_target"]
    assert j["pairs_meeting_target"] == sum(r["meets_target"] for r in rows)
    tables = {t.title: t for t in out.to_tables() if t.sheet == "PlanVerify"}
    assert any("within the response target" in title for title in tables)


def _workbook(tmp_path: Path, s: Scenario) -> str:
    path = tmp_path / "scenario.xlsx"
    save_scenario(s, path)
    return str(path)


def test_cli_json(tmp_path: Path, tiny: Scenario, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["optimise", _workbook(tmp_path, tiny), "--json", "--integer"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    j = json.loads(captured.out)
    assert j["status"] in ("optimal", "feasible")
    assert j["integer"] is True
    for row in j["plan"]:
        tenths = row["recruited_fte"] * 10
        assert tenths == pytest.approx(round(tenths), abs=1e-6)


def test_cli_infeasible_exit_3(
    tmp_path: Path, tiny: Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    poor = dataclasses.replace(
        tiny, settings=dataclasses.replace(tiny.settings, budget_gbp=1_000_000)
    )
    code = main(["optimise", _workbook(tmp_path, poor), "--json"])
    captured = capsys.readouterr()
    assert code == 3
    j = json.loads(captured.out)
    assert j["status"] == "infeasible"
    assert [r["group"] for r in j["relaxations"]] == ["budget"]
    assert "budget" in captured.err
    assert "Traceback" not in captured.err


def test_cli_bad_option(tmp_path: Path, tiny: Scenario, capsys: pytest.CaptureFixture[str]) -> None:
    path = _workbook(tmp_path, tiny)
    assert main(["optimise", path, "--max-fte", "GP=1"]) == 1
    err = capsys.readouterr().err
    assert "Options[GP].max_fte" in err and "Traceback" not in err
    assert main(["optimise", path, "--recruit-limit", "GP"]) == 2  # a usage error
    assert "expected ROLE=FTE" in capsys.readouterr().err


def test_cli_cbc_text(tmp_path: Path, tiny: Scenario, capsys: pytest.CaptureFixture[str]) -> None:
    from intplan.optimise import SolverName, available_solvers

    if SolverName.CBC not in available_solvers():
        pytest.skip("CBC is not installed")
    assert main(["optimise", _workbook(tmp_path, tiny), "--solver", "cbc"]) == 0
    out = capsys.readouterr().out
    assert "optimal (cbc" in out


def test_options_pass_through(tiny: Scenario) -> None:
    out = run_optimise(tiny, OptimiseOptions(min_core_fte=0.0, lexicographic=True))
    assert out.to_json()["lexicographic"] is True


def test_cli_out_writes_plan_sheets(
    tmp_path: Path, tiny: Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    import openpyxl

    from intplan.services.files import load_scenario

    src = _workbook(tmp_path, tiny)
    out = tmp_path / "plan.xlsx"
    assert main(["optimise", src, "--out", str(out)]) == 0, capsys.readouterr().err
    wb = openpyxl.load_workbook(out)
    for sheet in ("Plan", "PlanFTE", "PlanCover", "PlanBinding", "PlanUnmet"):
        assert sheet in wb.sheetnames
    assert wb["PlanFTE"]._charts  # a native chart of FTE by role
    assert load_scenario(out) == load_scenario(src)  # inputs untouched
