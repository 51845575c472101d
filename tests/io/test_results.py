"""Result sheets: written beside the inputs, never changing them."""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import openpyxl
import pytest

from intplan.domain import ExtraSheet, Scenario
from intplan.io.results import ChartSpec, ResultTable, is_result_sheet, write_results
from intplan.io.workbook import read_scenario, write_scenario


def _waits(sheet: str = "ResultsWaits", value: float = 1.5) -> ResultTable:
    return ResultTable(
        sheet=sheet,
        title="Waits by INT",
        headers=("int", "wait_p90_hours", "ci_low"),
        rows=(("INT-A", value, 1.0), ("INT-B", 2.5, 2.0)),
        number_formats={"wait_p90_hours": "0.0"},
        charts=(
            ChartSpec(
                kind="bar",
                title="p90 wait",
                x_column="int",
                y_columns=("wait_p90_hours",),
                y_title="hours",
            ),
            ChartSpec(kind="line", title="CI", x_column="int", y_columns=("ci_low",)),
            ChartSpec(kind="scatter", title="xy", x_column="ci_low", y_columns=("wait_p90_hours",)),
        ),
        note="Illustrative",
    )


def test_result_sheet_names() -> None:
    assert is_result_sheet("Results")
    assert is_result_sheet("ResultsWaits")
    assert is_result_sheet("Plan_FTE")
    assert is_result_sheet("Compare 2")
    assert not is_result_sheet("Planning notes")
    assert not is_result_sheet("Staff")


def test_bad_tables_are_refused() -> None:
    with pytest.raises(ValueError, match="must start with"):
        ResultTable(sheet="Staff", title="t", headers=("a",), rows=())
    with pytest.raises(ValueError, match="values for"):
        ResultTable(sheet="Results", title="t", headers=("a", "b"), rows=((1,),))
    with pytest.raises(ValueError, match="unknown columns"):
        ResultTable(
            sheet="Results",
            title="t",
            headers=("a",),
            rows=(),
            charts=(ChartSpec(kind="bar", title="c", x_column="a", y_columns=("zz",)),),
        )


def test_results_leave_inputs_equal_and_add_tables_and_charts(
    tiny: Scenario, tmp_path: Path
) -> None:
    scenario = dataclasses.replace(
        tiny, extra_sheets=(ExtraSheet(name="Planning notes", rows=(("keep me",),)),)
    )
    src = tmp_path / "in.xlsx"
    out = tmp_path / "out.xlsx"
    write_scenario(scenario, src)
    empty = ResultTable(sheet="ResultsWaits", title="Nothing", headers=("a",), rows=())
    write_results(src, out, [_waits(), empty, _waits("PlanFTE")])
    assert read_scenario(out) == scenario
    # the input sheets' parts are copied byte for byte
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        for name in a.namelist():
            if name.startswith("xl/worksheets/sheet") or name == "xl/sharedStrings.xml":
                assert a.read(name) == b.read(name), name
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[-3:] == ["Planning notes", "ResultsWaits", "PlanFTE"]
    ws = wb["ResultsWaits"]
    assert ws["A1"].value == "Waits by INT" and ws["A2"].value == "Illustrative"
    assert [c.value for c in ws[3]][:3] == ["int", "wait_p90_hours", "ci_low"]
    assert ws["B4"].value == 1.5 and ws["B4"].number_format == "0.0"
    assert len(ws.tables) == 1 and len(ws._charts) == 3
    assert any(c.value == "(no rows)" for row in ws.iter_rows() for c in row)


def test_rewriting_results_in_place_replaces_them(tiny: Scenario, tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    write_scenario(tiny, path)
    write_results(path, path, [_waits(value=1.5), _waits("Compare", value=9.0)])
    write_results(path, path, [_waits(value=7.25)])
    assert read_scenario(path) == tiny
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames.count("ResultsWaits") == 1
    assert wb["ResultsWaits"]["B4"].value == 7.25
    assert wb["Compare"]["B4"].value == 9.0  # untouched result sheet kept
    assert len(wb["ResultsWaits"]._charts) == 3
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/")]
        tables = [n for n in z.namelist() if n.startswith("xl/tables/")]
    assert len(charts) == 6  # three per result sheet, the replaced ones gone
    assert len(tables) == 21 + 2  # one per input sheet, one per result sheet


def test_reader_ignores_result_sheets(tiny: Scenario, tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    write_scenario(tiny, path)
    write_results(path, path, [_waits()])
    back = read_scenario(path)
    assert back.extra_sheets == ()
    write_scenario(back, path)  # saving inputs drops stale results
    assert "ResultsWaits" not in openpyxl.load_workbook(path).sheetnames


def _rewrite(path: Path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts[name] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in parts.items():
            z.writestr(n, d)


def test_a_damaged_package_is_a_clear_error_and_nothing_is_written(
    tiny: Scenario, tmp_path: Path
) -> None:
    from intplan.io.errors import UnreadableFileError

    path = tmp_path / "s.xlsx"
    write_scenario(tiny, path)
    _rewrite(path, "xl/workbook.xml", b"<workbook><sheets><sheet name='x'")  # cut off
    before = path.read_bytes()
    with pytest.raises(UnreadableFileError, match="not well-formed"):
        write_results(path, path, [_waits()])
    assert path.read_bytes() == before

    write_scenario(tiny, path)
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet13.xml")  # Staff, copied untouched
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 40
    raw[start : start + 20] = bytes(20)  # damage the compressed data
    path.write_bytes(bytes(raw))
    with pytest.raises(UnreadableFileError, match="cannot be read"):
        write_results(path, path, [_waits()])
    assert path.read_bytes() == bytes(raw)
    assert [p.name for p in tmp_path.iterdir()] == ["s.xlsx"]
