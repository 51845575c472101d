"""Result cells keep their intended formats when spliced into a user's workbook with
formats of its own (the style indexes renumbered by an XML pass, not a regex)."""

from __future__ import annotations

import shutil
import subprocess
import uuid
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font

from intplan.io._parts import DamagedXlsxError
from intplan.io.restyle import restyle
from intplan.io.results import ResultTable, write_results

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def test_only_format_indexes_of_cells_rows_and_columns_change() -> None:
    xml = (
        f'<x:worksheet xmlns:x="{_MAIN}" xmlns:o="urn:other">'
        '<x:cols><x:col min="1" max="1" style="2"/></x:cols><x:sheetData>'
        "<x:row r='1' s = '1' customFormat='1'>"
        '<x:c r="A1" t="s" note="a>b s=&quot;1&quot;" s="1"><x:v>0</x:v></x:c>'
        '<x:c r="B1"><x:v>7</x:v></x:c><o:c s="1"/></x:row>'
        "</x:sheetData></x:worksheet>"
    ).encode()
    out = restyle(xml, {1: 41, 2: 42})
    assert (
        out
        == (
            f'<x:worksheet xmlns:x="{_MAIN}" xmlns:o="urn:other">'
            '<x:cols><x:col min="1" max="1" style="42"/></x:cols><x:sheetData>'
            "<x:row r='1' s = '41' customFormat='1'>"
            '<x:c r="A1" t="s" note="a>b s=&quot;1&quot;" s="41"><x:v>0</x:v></x:c>'
            '<x:c r="B1"><x:v>7</x:v></x:c><o:c s="1"/></x:row>'  # another namespace's c: kept
            "</x:sheetData></x:worksheet>"
        ).encode()
    )


def test_namespaces_declared_below_the_root_are_resolved() -> None:
    xml = (
        f'<worksheet xmlns="{_MAIN}"><sheetData><row r="1">'
        '<c r="A1" s="1"/><o:x xmlns:o="urn:other" xmlns="urn:other"><c s="1"/></o:x>'
        f'<y:c xmlns:y="{_MAIN}" r="B1" s="1"/></row></sheetData></worksheet>'
    )
    assert (
        restyle(xml.encode(), {1: 8})
        == (
            xml.replace('r="A1" s="1"', 'r="A1" s="8"').replace('r="B1" s="1"', 'r="B1" s="8"')
        ).encode()
    )  # the c in urn:other is not a cell


def test_an_index_the_map_does_not_know_becomes_the_default_format() -> None:
    xml = f'<worksheet xmlns="{_MAIN}"><sheetData><row r="1"><c r="A1" s="9"/></row>'
    assert (
        restyle((xml + "</sheetData></worksheet>").encode(), {1: 5})
        == (xml.replace('s="9"', 's="0"') + "</sheetData></worksheet>").encode()
    )


def test_a_result_sheet_that_is_not_xml_is_refused() -> None:
    with pytest.raises(DamagedXlsxError, match="result sheet 'Results'"):
        restyle(b"<worksheet><sheetData>", {}, "result sheet 'Results'")


def _user_workbook(path: Path) -> dict[str, str]:
    """A workbook with many formats of its own, and the format each of its cells shows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Notes"
    formats = ["0.000", "#,##0", "0%", "yyyy-mm-dd", "0.0", "£#,##0.00", "@", "0.00E+00"]
    shown = {}
    for i, fmt in enumerate(formats, start=1):
        cell = ws.cell(row=i, column=1, value=i * 1.5)
        cell.number_format = fmt
        cell.font = Font(bold=i % 2 == 0, italic=i % 3 == 0, size=9 + i)
        shown[cell.coordinate] = fmt
    wb.save(path)
    return shown


def _results() -> list[ResultTable]:
    return [
        ResultTable(
            sheet="ResultsWaits",
            title="Waits by INT",
            note="illustrative",
            headers=("int", "share", "hours", "count"),
            rows=(("INT-A", 0.25, 1.5, 1200), ("INT-B", 0.5, 2.25, 3400)),
            number_formats={"share": "0.0%", "hours": "0.00", "count": "#,##0"},
        ),
        ResultTable(
            sheet="ResultsMore",
            title="More",
            headers=("x", "y"),
            rows=((1, 0.125),),
            number_formats={"y": "0.000"},  # also one of the user's own formats
        ),
    ]


def _check(path: Path, user_formats: dict[str, str]) -> None:
    wb = openpyxl.load_workbook(path)
    notes = wb["Notes"]
    for ref, fmt in user_formats.items():
        # the user's cells as they were (LibreOffice writes "-" in a date as "\-")
        assert notes[ref].number_format.replace("\\", "") == fmt, ref
    waits = wb["ResultsWaits"]
    assert waits["A1"].font.b and waits["A1"].font.sz == 13  # the title
    assert waits["A2"].font.i  # the note
    assert all(waits.cell(row=3, column=c).font.b for c in range(1, 5))  # the header
    for row in (4, 5):
        assert waits.cell(row=row, column=1).number_format == "General"
        assert waits.cell(row=row, column=2).number_format == "0.0%"
        assert waits.cell(row=row, column=3).number_format == "0.00"
        assert waits.cell(row=row, column=4).number_format == "#,##0"
        assert not waits.cell(row=row, column=2).font.b
    assert wb["ResultsMore"]["B3"].number_format == "0.000"


def test_result_cells_keep_their_formats_in_a_workbook_with_its_own(tmp_path: Path) -> None:
    path = tmp_path / "user.xlsx"
    user_formats = _user_workbook(path)
    write_results(path, path, _results())
    _check(path, user_formats)
    with zipfile.ZipFile(path) as z:
        styles_once = z.read("xl/styles.xml")
    write_results(path, path, _results())  # again: the same formats, found and reused
    _check(path, user_formats)
    with zipfile.ZipFile(path) as z:
        assert z.read("xl/styles.xml") == styles_once


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not on PATH")
def test_libreoffice_shows_the_same_formats(tmp_path: Path) -> None:
    path = tmp_path / "user.xlsx"
    user_formats = _user_workbook(path)
    write_results(path, path, _results())
    profile = tmp_path / f"lo-{uuid.uuid4().hex}"
    out_dir = tmp_path / "lo"
    done = subprocess.run(
        [
            *("soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{profile}"),
            *("--convert-to", "xlsx", "--outdir", str(out_dir), str(path)),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    _check(out_dir / "user.xlsx", user_formats)  # LibreOffice read them as intended
