"""`intplan map`: JSON contract, exit codes, replace vs append, --strict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from intplan.cli import main
from intplan.domain import Scenario
from intplan.services.files import load_scenario, save_scenario

REGISTER = (
    "Staff list\r\n"
    "Staff Number;Employee Name;Job Title;WTE;Practice Code;INT\r\n"
    "001;Jane Smith;Practice Nurse;0,8;P1;\r\n"
    "002;Bob Jones;Salaried GP;1;P3;\r\n"
    ";;;;;\r\n"
    "003;Amy Lee;Band 6 District Nurse;1,0;DNTEAM;\r\n"
    "004;Zed Zee;Practise Nurse;0,5;P2;\r\n"
    "005;Yan Yu;GP Partner;0,6;PCN1;INT-B\r\n"
)


@pytest.fixture
def files(tiny: Scenario, tmp_path: Path) -> tuple[Path, Path]:
    wb = tmp_path / "tiny.xlsx"
    save_scenario(tiny, wb)
    reg = tmp_path / "practice.csv"
    reg.write_bytes(REGISTER.encode("cp1252"))
    return wb, reg


def test_json_contract_and_written_workbook(
    files: tuple[Path, Path], tiny: Scenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wb, reg = files
    out = tmp_path / "out.xlsx"
    code = main(["map", str(wb), "--staff", str(reg), "--out", str(out), "--json", "--replace"])
    assert code == 0
    j = json.loads(capsys.readouterr().out)
    assert (j["rows_read"], j["rows_imported"], j["rows_merged"]) == (5, 4, 0)
    assert [(r["file"], r["row"]) for r in j["rows_rejected"]] == [("practice.csv", 7)]
    assert j["fte_imported"] == pytest.approx(0.8 + 1 + 1 + 0.6)
    assert j["fte_assigned"] == pytest.approx(j["fte_imported"])
    ints = {i["int"]: i for i in j["ints"]}
    assert ints["INT-B"]["fte"] == pytest.approx(1 + 0.6 + 1 - ints["INT-A"]["fte"] + 0.8)
    back = load_scenario(out)
    assert len(back.staff) == 4  # --replace: replaced, not added
    assert j["existing_staff"] | {"removed_staff": []} == {
        "mode": "replace",
        "before": len(tiny.staff),
        "kept": 0,
        "replaced": 0,
        "removed": len(tiny.staff),
        "already_present": 0,
        "pseudonymised": 0,
        "employers_replaced": [],
        "removed_staff": [],
    }
    yan = next(s for s in back.staff if s.name == "Yan Yu")
    assert [(a.int_code, a.fte, a.rule) for a in yan.assignments] == [("INT-B", 0.6, "named")]


def test_append_keeps_existing_staff(
    files: tuple[Path, Path], tiny: Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    wb, reg = files
    assert main(["map", str(wb), "--staff", str(reg), "--append"]) == 0
    assert "Wrote" in capsys.readouterr().out
    assert len(load_scenario(wb).staff) == len(tiny.staff) + 4


def test_strict_writes_nothing_when_rows_are_rejected(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wb, reg = files
    out = tmp_path / "out.xlsx"
    assert main(["map", str(wb), "--staff", str(reg), "--strict", "--out", str(out)]) == 1
    assert not out.exists()
    assert "practice.csv row 7" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (["--staff", "missing.csv"], 2, "not found"),
        (["--column", "colour=Hair"], 2, "FIELD=HEADER"),
    ],
)
def test_usage_errors(
    files: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    code: int,
    message: str,
) -> None:
    wb, reg = files
    assert main(["map", str(wb), "--staff", str(reg), *extra]) == code
    assert message in capsys.readouterr().err


def test_register_without_a_header_is_an_input_error(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wb, _ = files
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["map", str(wb), "--staff", str(bad)]) == 1
    assert "--column" in capsys.readouterr().err
