"""Damaged registers: every row imported or reported with its line, never a traceback.

Each test reproduces a defect from issue 18 (measured on 13bd263).
"""

from __future__ import annotations

import re
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest

from intplan.io.errors import UnreadableFileError, WorkbookError
from intplan.io.registers import parse_number, read_register

HEADER = "Staff Number,Name,Job Title,WTE,Practice Code\r\n"


def _csv(tmp_path: Path, body: str, *, encoding: str = "utf-8", name: str = "r.csv") -> Path:
    path = tmp_path / name
    path.write_bytes((HEADER + body).encode(encoding))
    return path


def _accounted(reg: object) -> list[int]:
    rows = [r.row for r in reg.rows]  # type: ignore[attr-defined]
    rejected = [r.row for r in reg.rejected]  # type: ignore[attr-defined]
    return sorted(rows + rejected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nan", None),
        ("NaN", None),
        ("inf", None),
        ("-Infinity", None),
        ("1_000", None),
        ("1e400", None),
        ("0.8.1", None),
        ("0,8", 0.8),
        ("80%", 0.8),
        (" 1 ", 1.0),
        (float("nan"), None),
        (float("inf"), None),
        (10**400, None),
    ],
)
def test_only_finite_numbers_are_numbers(text: object, expected: float | None) -> None:
    assert parse_number(text) == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize("wte", ["nan", "inf", "-1", "0", "1e-9", "1_0", "2"])
def test_bad_wte_is_rejected_with_its_line(tmp_path: Path, wte: str) -> None:
    reg = read_register(_csv(tmp_path, f"1,Jane Smith,GP,{wte},P1\r\n2,Bob Jones,GP,1,P1\r\n"))
    assert [r.row for r in reg.rows] == [3]
    assert [r.row for r in reg.rejected] == [2]


def test_a_stray_opening_quote_does_not_swallow_rows(tmp_path: Path) -> None:
    body = (
        '1,"Jane Smith,GP,0.8,P1\r\n'
        "2,Bob Jones,GP,1,P1\r\n"
        "3,Amy Lee,GP,0.5,P2\r\n"
        "4,Yan Yu,GP,0.6,P3\r\n"
    )
    reg = read_register(_csv(tmp_path, body))
    assert reg.rows_read == 4
    assert _accounted(reg) == [2, 3, 4, 5]
    assert reg.rows == ()  # every line after the quote is in doubt, so none is guessed at
    assert all("unbalanced quote" in r.reason for r in reg.rejected)
    assert "line 2" in reg.rejected[0].reason


def test_a_quote_closed_rows_later_is_reported_for_every_line(tmp_path: Path) -> None:
    body = '1,"Jane Smith,GP,0.8,P1\r\n2,Bob Jones",GP,1,P1\r\n3,Amy Lee,GP,0.5,P2\r\n'
    reg = read_register(_csv(tmp_path, body))
    assert [r.row for r in reg.rejected] == [2, 3]
    assert [(r.row, r.name) for r in reg.rows] == [(4, "Amy Lee")]


def test_a_quoted_value_with_a_line_break_is_still_one_row(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        'Name,Job Title,WTE,Practice Code,Notes\r\nJane Smith,GP,0.8,P1,"two\r\nlines"\r\n'
        "Bob Jones,GP,1,P1,\r\n",
        encoding="utf-8",
    )
    reg = read_register(path)
    assert [(r.row, r.name) for r in reg.rows] == [(2, "Jane Smith"), (4, "Bob Jones")]
    assert reg.rejected == ()


def test_text_after_a_closing_quote_is_reported(tmp_path: Path) -> None:
    reg = read_register(_csv(tmp_path, '1,"Jane" Smith,GP,1,P1\r\n2,Bob Jones,GP,1,P1\r\n'))
    assert [r.row for r in reg.rejected] == [2]
    assert "quot" in reg.rejected[0].reason
    assert [r.name for r in reg.rows] == ["Bob Jones"]


def test_a_huge_field_is_reported_on_its_row(tmp_path: Path) -> None:
    body = f"1,{'x' * 140_000},GP,1,P1\r\n2,Bob Jones,GP,1,P1\r\n"
    reg = read_register(_csv(tmp_path, body))
    assert [r.row for r in reg.rejected] == [2]
    assert "140,000 characters" in reg.rejected[0].reason
    assert "Name" in reg.rejected[0].reason
    assert [r.name for r in reg.rows] == ["Bob Jones"]


def test_an_unquoted_delimiter_in_a_value_is_reported(tmp_path: Path) -> None:
    reg = read_register(_csv(tmp_path, "1,Smith, Jane,GP,1,P1\r\n2,Bob Jones,GP,1,P1\r\n"))
    assert [r.row for r in reg.rejected] == [2]
    assert "6 fields where the header has 5" in reg.rejected[0].reason


def test_a_utf8_file_with_one_windows_1252_byte_is_not_mangled(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    data = (HEADER + "1,Zoë Brontë,GP,1,P1\r\n2,Seán O'Neill,GP,1,P1\r\n").encode("utf-8")
    path.write_bytes(data + "3,Ren\xe9e Smith,GP,1,P1\r\n".encode("cp1252"))
    reg = read_register(path)
    assert reg.encoding == "utf-8"
    assert [r.name for r in reg.rows] == ["Zoë Brontë", "Seán O'Neill"]
    assert [r.row for r in reg.rejected] == [4]
    assert re.search(r"line 4 .*not UTF-8.*0xE9", reg.rejected[0].reason)


def test_windows_1252_bytes_it_does_not_define_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(
        (HEADER + "1,Ren\xe9e Smith,GP,1,P1\r\n").encode("cp1252") + b"2,Bad\x81Byte,GP,1,P1\r\n"
    )
    reg = read_register(path)
    assert reg.encoding == "cp1252"
    assert [r.name for r in reg.rows] == ["Renée Smith"]
    assert [r.row for r in reg.rejected] == [3]
    assert "0x81" in reg.rejected[0].reason


def test_excel_unicode_text_is_read(tmp_path: Path) -> None:
    """Excel's "Unicode Text": UTF-16 little-endian with a BOM, tab separated, .txt."""
    path = tmp_path / "register.txt"
    text = (
        "Name\tJob Title\tWTE\tPractice Code\r\nZoë Brontë\tGP\t0,8\tP1\r\n李 小龍\tGP\t1\tP2\r\n"
    )
    path.write_bytes(text.encode("utf-16"))
    reg = read_register(path)
    assert (reg.encoding, reg.delimiter) == ("utf-16", "\t")
    assert [(r.name, r.fte, r.base) for r in reg.rows] == [
        ("Zoë Brontë", 0.8, "P1"),
        ("李 小龍", 1.0, "P2"),
    ]


def test_utf16_without_a_bom_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes((HEADER + "1,Zoë Brontë,GP,1,P1\r\n").encode("utf-16-le"))
    reg = read_register(path)
    assert [r.name for r in reg.rows] == ["Zoë Brontë"]


def _two_sheets(path: Path, *, hide: str) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Current"
    ws.append(["Name", "Job Title", "WTE", "Practice Code"])
    ws.append(["Jane Smith", "GP", 1, "P1"])
    old = wb.create_sheet("Old list")
    old.append(["Name", "Job Title", "WTE", "Practice Code", "Employer", "Staff Number"])
    old.append(["Left Long Ago", "GP", 1, "P1", "X", "9"])
    wb[hide].sheet_state = "hidden"
    wb.save(path)
    return path


def test_hidden_sheets_are_ignored_unless_named(tmp_path: Path) -> None:
    path = _two_sheets(tmp_path / "r.xlsx", hide="Old list")  # its header matches better
    reg = read_register(path)
    assert reg.sheet == "Current"
    assert [r.name for r in reg.rows] == ["Jane Smith"]
    assert reg.sheets_not_read == (("Old list", "hidden"),)
    named = read_register(path, sheet="Old list")
    assert [r.name for r in named.rows] == ["Left Long Ago"]


def test_only_a_hidden_sheet_with_a_header_says_how_to_read_it(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Just a note"])
    hidden = wb.create_sheet("Staff")
    hidden.append(["Name", "Job Title", "WTE", "Practice Code"])
    hidden.sheet_state = "hidden"
    wb.save(path)
    with pytest.raises(WorkbookError, match=r"hidden sheet.*'Staff'.*--sheet"):
        read_register(path)
    with pytest.raises(WorkbookError, match="no sheet named 'Nope'"):
        read_register(path, sheet="Nope")


def _with_cell_at(path: Path, ref_row: str, ref_col: str = "A") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Job Title", "WTE", "Practice Code"])
    ws.append(["Jane Smith", "GP", 1, "P1"])
    ws["A3"] = "far away"
    wb.save(path)
    part = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts[part].decode()
    xml = xml.replace('<row r="3"', f'<row r="{ref_row}"').replace(
        'r="A3"', f'r="{ref_col}{ref_row}"'
    )
    parts[part] = xml.encode()
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    return path


@pytest.mark.parametrize(
    ("row", "col", "message"),
    [
        ("400000000", "A", "row 400,000,000, beyond Excel's 1,048,576 rows"),
        ("3", "ZZZZZZZZZZ", "column ZZZZZZZZZZ, beyond Excel's 16,384 columns"),
    ],
)
def test_cell_references_beyond_excel_are_refused_before_allocating(
    tmp_path: Path, row: str, col: str, message: str
) -> None:
    path = _with_cell_at(tmp_path / "r.xlsx", row, col)
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableFileError, match=re.escape(message)):
            read_register(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50_000_000


def test_a_cell_at_excels_last_row_is_read(tmp_path: Path) -> None:
    reg = read_register(_with_cell_at(tmp_path / "r.xlsx", "1048576"))
    assert [r.row for r in reg.rows] == [2]
    assert [r.row for r in reg.rejected] == [1_048_576]  # "far away": no role title
