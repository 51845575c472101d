"""`intplan map` on bad output paths, damaged registers and mass removals: clear errors."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from intplan.cli import main
from intplan.domain import Scenario
from intplan.services.files import load_scenario, save_scenario


@pytest.fixture
def wb(tiny: Scenario, tmp_path: Path) -> Path:
    path = tmp_path / "tiny.xlsx"
    save_scenario(tiny, path)
    return path


def _reg(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "reg.csv"
    path.write_text("Name,Job Title,WTE,Practice Code\n" + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("out", "message"),
    [("folder", "is a folder"), ("missing/out.xlsx", "does not exist")],
)
@pytest.mark.parametrize("as_json", [False, True])
def test_out_problems_are_clear_errors(
    wb: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    out: str,
    message: str,
    as_json: bool,
) -> None:
    (tmp_path / "folder").mkdir()
    before = wb.read_bytes()
    args = ["map", str(wb), "--staff", str(_reg(tmp_path, "A B,GP,1,P1\n"))]
    args += ["--out", str(tmp_path / out), *(["--json"] if as_json else [])]
    assert main(args) == 2
    printed = capsys.readouterr()
    assert message in printed.err and "Traceback" not in printed.err
    if as_json:
        assert json.loads(printed.out)["ok"] is False
    assert wb.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "reg.csv", "tiny.xlsx"]


def test_a_save_failure_is_a_clear_error(
    wb: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*_a: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("intplan.cli.map.save_scenario", full_disk)
    assert (
        main(["map", str(wb), "--staff", str(_reg(tmp_path, "A B,GP,1,P1\n")), "--json"]) == 2
    )  # a file that cannot be written: 2, as for every command
    printed = capsys.readouterr()
    assert "No space left on device" in json.loads(printed.out)["error"]


def test_nan_wte_is_a_rejected_row_not_a_traceback(
    wb: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reg = _reg(tmp_path, "A B,GP,nan,P1\nC D,GP,1,P1\n")
    assert main(["map", str(wb), "--staff", str(reg), "--json"]) == 0
    j = json.loads(capsys.readouterr().out)
    assert [(r["row"], r["reason"]) for r in j["rows_rejected"]] == [
        (2, "WTE 'nan' is not a number")
    ]
    assert j["rows_imported"] == 1


def test_a_stray_quote_accounts_for_every_row(
    wb: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reg = _reg(tmp_path, 'A B,"GP,1,P1\nC D,GP,1,P1\nE F,GP,1,P2\nG H,GP,1,P3\n')
    assert main(["map", str(wb), "--staff", str(reg), "--json"]) == 0
    j = json.loads(capsys.readouterr().out)
    assert j["rows_read"] == 4
    assert [r["row"] for r in j["rows_rejected"]] == [2, 3, 4, 5]


def test_removing_more_than_half_needs_replace(
    tiny: Scenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue: a 16-row register left Kent & Medway with 14 of 12,381 staff, exit 0."""
    path = tmp_path / "one.xlsx"
    save_scenario(replace(tiny, staff=tuple(replace(s, employer="reg") for s in tiny.staff)), path)
    before = path.read_bytes()
    reg = _reg(tmp_path, "A B,GP,1,P1\n")  # employer "reg": its file name
    assert main(["map", str(path), "--staff", str(reg), "--json"]) == 1
    printed = capsys.readouterr()
    j = json.loads(printed.out)
    assert j["ok"] is False and j["existing_staff"]["removed"] == 19
    assert "--replace" in printed.err and "Nothing was written" in printed.err
    assert path.read_bytes() == before
    assert main(["map", str(path), "--staff", str(reg), "--replace"]) == 0
    assert len(load_scenario(path).staff) == 1
    assert "removed 19" in capsys.readouterr().out


def test_a_hidden_sheet_is_read_when_named(
    wb: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import openpyxl

    reg = tmp_path / "reg.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Name", "Job Title", "WTE", "Practice Code"])
    book.active.append(["Visible Person", "GP", 1, "P1"])
    hidden = book.create_sheet("Old")
    hidden.append(["Name", "Job Title", "WTE", "Practice Code", "Employer"])
    hidden.append(["Hidden Person", "GP", 1, "P1", "X"])
    hidden.sheet_state = "hidden"
    book.save(reg)
    assert main(["map", str(wb), "--staff", str(reg), "--json"]) == 0
    j = json.loads(capsys.readouterr().out)
    assert j["rows_imported"] == 1 and j["files"][0]["sheet"] == "Sheet"
    assert [f["kind"] for f in j["flags"]] == ["sheet_not_read"]
    assert main(["map", str(wb), "--staff", str(reg), "--sheet", "Old", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["files"][0]["sheet"] == "Old"
