"""Writing results keeps everything the planner put in the workbook.

A chart, a picture, comments, defined names, formats, a validation and a conditional
format on the planner's own sheet (and a comment on an input sheet) must survive
``simulate``, ``optimise`` and ``compare-splits`` writing into the same workbook, and
the workbook must still open and load as the same scenario.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from user_workbook import (
    FAST_SIM,
    FAST_SPLITS,
    USER_SHEET,
    build,
    chart_of_user_sheet,
    read_parts,
    sheet_part,
    unreachable_parts,
    user_sheet_content,
)

from intplan.cli import main
from intplan.domain import Scenario
from intplan.io.atomic import SaveError
from intplan.io.results import ResultTable, write_results
from intplan.io.workbook import read_scenario


def _prefixed(path: Path) -> None:
    """Rewrite the workbook part as .NET's OpenXML SDK does: every element prefixed
    ``x:`` and the relationship namespace bound to another prefix."""
    parts = read_parts(path)
    xml = parts["xl/workbook.xml"].decode()
    xml = re.sub(r"<(/?)(?!\?)(\w+)([ >/])", r"<\1x:\2\3", xml)
    xml = xml.replace(
        'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
        'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
    )
    xml = xml.replace("xmlns:r=", "xmlns:d4p1=").replace(" r:id=", " d4p1:id=")
    parts["xl/workbook.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


@pytest.fixture(params=["openpyxl", "openxml-sdk"])
def planner_workbook(request: pytest.FixtureRequest, tiny: Scenario, tmp_path: Path) -> Path:
    path = tmp_path / "plan.xlsx"
    build(tiny, path)
    if request.param == "openxml-sdk":
        _prefixed(path)
    assert read_scenario(path).name == tiny.name
    return path


def _assert_user_work_kept(path: Path, before: dict[str, bytes], chart: bytes) -> None:
    assert user_sheet_content(path) == before  # sheet, drawing, chart, image, comments, VML
    assert chart_of_user_sheet(path) == chart
    wb = openpyxl.load_workbook(path)
    ws = wb[USER_SHEET]
    assert ws["A1"].comment is not None and ws["A1"].comment.text == "Ask the PCN for Q4"
    assert wb["Staff"]["A1"].comment is not None
    assert ws["B2"].font.b and ws["B2"].fill.fgColor.rgb == "00FFFF00"
    assert ws["B2"].number_format == "#,##0.00"
    assert len(ws.data_validations.dataValidation) == 1
    assert len(list(ws.conditional_formatting)) == 1
    assert "MyReferrals" in wb.defined_names
    assert "LocalName" in ws.defined_names
    assert len(ws._charts) == 1


def test_simulate_optimise_and_compare_splits_keep_the_planners_work(
    planner_workbook: Path, tiny: Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(planner_workbook)
    scenario = read_scenario(planner_workbook)
    before = user_sheet_content(planner_workbook)
    chart = chart_of_user_sheet(planner_workbook)

    assert main(["simulate", path, *FAST_SIM]) == 0, capsys.readouterr().err
    _assert_user_work_kept(planner_workbook, before, chart)
    assert main(["optimise", path, "--out", path]) == 0, capsys.readouterr().err
    _assert_user_work_kept(planner_workbook, before, chart)
    assert main(["compare-splits", path, *FAST_SPLITS, "--out", path]) == 0, capsys.readouterr().err
    _assert_user_work_kept(planner_workbook, before, chart)
    # a second run replaces its own sheets, still keeping the planner's
    assert main(["simulate", path, *FAST_SIM, "--seed", "4"]) == 0, capsys.readouterr().err
    _assert_user_work_kept(planner_workbook, before, chart)

    assert read_scenario(planner_workbook) == scenario
    names = openpyxl.load_workbook(planner_workbook).sheetnames
    assert USER_SHEET in names and "PlanFTE" in names and "Splits summary" in names
    assert unreachable_parts(planner_workbook) == set()  # replaced sheets' parts are gone


def _table(sheet: str = "ResultsWaits", value: float = 1.5) -> ResultTable:
    return ResultTable(
        sheet=sheet, title="Waits", headers=("int", "hours"), rows=(("INT-A", value),)
    )


def test_styles_grow_only_once_over_repeated_runs(tiny: Scenario, tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    build(tiny, path)
    write_results(path, path, [_table()])
    styles = read_parts(path)["xl/styles.xml"]
    for value in (2.5, 3.5):
        write_results(path, path, [_table(value=value)])
    assert read_parts(path)["xl/styles.xml"] == styles
    assert openpyxl.load_workbook(path)["ResultsWaits"]["B3"].value == 3.5


def test_a_sheet_differing_only_in_case_is_not_overwritten(tiny: Scenario, tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    build(tiny, path)
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("RESULTSWAITS")["A1"] = "mine"
    wb.save(path)
    before = path.read_bytes()
    with pytest.raises(SaveError, match="RESULTSWAITS"):
        write_results(path, path, [_table()])
    assert path.read_bytes() == before


def test_calculation_chain_is_dropped_when_a_sheet_is_replaced(
    tiny: Scenario, tmp_path: Path
) -> None:
    # Excel and LibreOffice list formula cells in calcChain.xml; a replaced result sheet
    # may no longer have them, and Excel "repairs" a file whose chain is wrong.
    path = tmp_path / "plan.xlsx"
    build(tiny, path)
    write_results(path, path, [_table()])
    parts = read_parts(path)
    parts["xl/calcChain.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<calcChain xmlns="http://'
        b'schemas.openxmlformats.org/spreadsheetml/2006/main"><c r="B4" i="1"/></calcChain>'
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdCalc" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>',
    )
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    write_results(path, path, [_table(value=2.0)])
    after = read_parts(path)
    assert "xl/calcChain.xml" not in after
    assert b"calcChain" not in after["xl/_rels/workbook.xml.rels"]
    assert b"calcChain" not in after["[Content_Types].xml"]


def test_a_part_shared_with_a_replaced_sheet_is_kept(tiny: Scenario, tmp_path: Path) -> None:
    """Parts are removed only when nothing that stays refers to them."""
    path = tmp_path / "plan.xlsx"
    build(tiny, path)
    write_results(path, path, [_table()])
    parts = read_parts(path)
    result_sheet = sheet_part(parts, "ResultsWaits")
    rels = result_sheet.replace("worksheets/", "worksheets/_rels/") + ".rels"
    image = b"../media/planner.png"
    parts[rels] = parts[rels].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/image" Target="' + image + b'"/></Relationships>',
    )
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    write_results(path, path, [_table(value=2.0)])
    assert "xl/media/planner.png" in read_parts(path)
    chart_of_user_sheet(path)
