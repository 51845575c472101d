"""Result sheets read back: stacked tables found by their headers; damage named by cell."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from openpyxl import load_workbook

from intplan.domain import Scenario
from intplan.io.errors import WorkbookError
from intplan.io.results import ResultTable, write_results
from intplan.io.results_read import number, read_result_sheets
from intplan.io.workbook import write_scenario


@pytest.fixture
def book(tiny: Scenario, tmp_path: Path) -> Path:
    path = tmp_path / "tiny.xlsx"
    write_scenario(tiny, path)
    tables = [
        ResultTable(sheet="Plan", title="Summary", headers=("item", "value"), rows=(("a", 1.5),)),
        ResultTable(
            sheet="Plan",
            title="Explanations",
            headers=("explanation",),
            rows=(("first reason",), ("second reason",)),
        ),
        ResultTable(
            sheet="Plan",
            title="Waits",
            note="a note under the title",
            headers=("int", "before", "after"),
            rows=(("INT-A", 10.0, float("nan")), ("INT-B", 12.5, 11.0)),
        ),
        ResultTable(sheet="Plan", title="Nothing", headers=("from", "to"), rows=()),
    ]
    write_results(path, path, tables)
    return path


def test_stacked_tables_are_found_by_their_headers(book: Path) -> None:
    sheets = read_result_sheets(book)
    assert sheets.names == ["Plan"]
    summary = sheets.table("Plan", ("item", "value"))
    assert summary.title == "Summary"
    assert [v for _, v in summary.records()] == [{"item": "a", "value": 1.5}]
    reasons = sheets.table("Plan", ("explanation",))
    assert reasons.title == "Explanations"
    assert [v for _, v in reasons.rows] == [("first reason",), ("second reason",)]
    waits = sheets.table("Plan", ("int", "after"))
    assert waits.title == "Waits"  # the note between title and headers is skipped
    assert waits.rows[1] == (waits.header_row + 2, ("INT-B", 12.5, 11.0))
    assert waits.rows[0][1][2] is None  # NaN was written blank
    assert sheets.table("Plan", ("from", "to")).rows == ()  # "(no rows)"


def test_missing_sheets_and_tables_are_named(book: Path) -> None:
    sheets = read_result_sheets(book)
    assert sheets.find("Results Sim run", ("key",)) is None
    with pytest.raises(WorkbookError) as e:
        sheets.table("Plan", ("int", "cost"))
    (issue,) = e.value.issues
    assert issue.sheet == "Plan" and "int, cost" in issue.message


def test_text_where_a_number_belongs_names_the_cell(book: Path) -> None:
    wb = load_workbook(book)
    ws = wb["Plan"]
    for row in ws.iter_rows():
        if row[0].value == "INT-B":
            row[1].value = "lots"
            bad_row = row[0].row
    wb.save(book)
    waits = read_result_sheets(book).table("Plan", ("int", "before"))
    row, values = waits.records()[1]
    assert math.isnan(number(waits, *waits.records()[0][:1], "after", None))
    with pytest.raises(WorkbookError) as e:
        number(waits, row, "before", values["before"])
    (issue,) = e.value.issues
    assert (issue.sheet, issue.row, issue.column) == ("Plan", bad_row, "before")
    assert "lots" in issue.message
