"""``intplan simulate`` end to end on the tiny workbook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from intplan.cli import main
from intplan.domain import Scenario
from intplan.io.workbook import write_scenario


@pytest.fixture()
def workbook(tiny: Scenario, tmp_path: Path) -> Path:
    path = tmp_path / "tiny.xlsx"
    write_scenario(tiny, path)
    return path


def test_json_run(workbook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["simulate", str(workbook), "--replications", "2", "--weeks", "2"]
    code = main([*args, "--warmup-weeks", "0", "--seed", "9", "--no-write", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["seed"] == 9 and out["replications"] == 2 and out["warmup_weeks"] == 0
    assert out["warmup_rule"] == "given (--warmup-weeks)"
    assert {"int", "activity", "wait_mean_minutes", "wait_mean_ci95", "within_target_share"} <= set(
        out["activities"][0]
    )
    assert "utilisation" in out["roles"][0]
    assert {"utilisation", "utilisation_ci95", "on_duty_hours_per_week"} <= set(out["ints"][0])
    assert isinstance(out["activities"][0]["backlog_growing"], bool)


def test_one_int_only(workbook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["simulate", str(workbook), "--replications", "1", "--weeks", "1", "--int", "INT-B"]
    code = main([*args, "--no-write", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {a["int"] for a in out["activities"]} == {"INT-B"}
    # no --warmup-weeks: the rule chooses (tiny: LTC's follow-ups, booked 2 weeks apart)
    assert out["warmup_weeks"] == 6
    assert out["warmup_rule"].startswith("longest follow-up/referral delay chain LTC")


@pytest.mark.parametrize(
    ("extra", "code"),
    [(["--weeks", "0"], 2), (["--workers", "0"], 2), (["--int", "NOPE"], 1)],
)
def test_bad_arguments(
    workbook: Path, capsys: pytest.CaptureFixture[str], extra: list[str], code: int
) -> None:
    assert main(["simulate", str(workbook), "--no-write", *extra]) == code
    assert "error" in capsys.readouterr().err


def test_missing_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(tmp_path / "nope.xlsx")]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_ctrl_c_writes_nothing(
    workbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import intplan.cli.simulate as cmd

    def interrupted(*_a: object, **_k: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cmd, "run_simulation", interrupted)
    out = tmp_path / "out.xlsx"
    assert main(["simulate", str(workbook), "--out", str(out)]) == 130
    assert not out.exists()


def test_writes_result_sheets_and_keeps_inputs(
    workbook: Path, tmp_path: Path, tiny: Scenario
) -> None:
    import openpyxl

    from intplan.io.workbook import read_scenario

    before = workbook.read_bytes()
    out = tmp_path / "out.xlsx"
    args = ["simulate", str(workbook), "--replications", "2", "--weeks", "2", "--out", str(out)]
    assert main(args) == 0
    assert workbook.read_bytes() == before  # the input file is not rewritten
    wb = openpyxl.load_workbook(out)
    results = [n for n in wb.sheetnames if n.startswith("Results Sim")]
    assert "Results Sim activities" in results
    assert any(wb[n]._charts for n in results)  # native charts
    assert read_scenario(out) == tiny  # inputs survive the round trip
