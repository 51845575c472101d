"""Damaged and hostile workbooks: exit 2 "not a readable workbook" or exit 1 with a cell.

Each test reproduces a file that once gave a traceback, was silently accepted, or was
misreported (issue 18); each is `intplan validate X.xlsx` in-process.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from xlsx_mutate import edit_part, first_cell, flip_compressed, patch_headers, sheet_part

from intplan.domain import Scenario
from intplan.io.errors import Issue, UnreadableFileError, WorkbookError
from intplan.io.workbook import read_scenario, write_scenario


@pytest.fixture
def tiny_path(tiny: Scenario, tmp_path: Path) -> Path:
    path = tmp_path / "tiny.xlsx"
    write_scenario(tiny, path)
    return path


def _unreadable(path: Path) -> str:
    with pytest.raises(UnreadableFileError) as info:
        read_scenario(path)
    reason = info.value.reason
    assert reason.startswith("not a readable workbook: "), reason
    return reason


def _issues(path: Path) -> tuple[Issue, ...]:
    with pytest.raises(WorkbookError) as info:
        read_scenario(path)
    return info.value.issues


# -- the zip -------------------------------------------------------------------------


def test_zip_entries_flagged_encrypted(tiny_path: Path, tmp_path: Path) -> None:
    bad = patch_headers(tiny_path, tmp_path / "enc.xlsx", None, flags=0x1)
    assert "encrypted" in _unreadable(bad)


def test_unknown_compression_method(tiny_path: Path, tmp_path: Path) -> None:
    part = sheet_part(tiny_path, "Staff")
    bad = patch_headers(tiny_path, tmp_path / "m99.xlsx", part, method=99)
    reason = _unreadable(bad)
    assert "compression method 99" in reason and "'Staff'" in reason


def test_bytes_flipped_inside_the_compressed_staff_sheet(tiny_path: Path, tmp_path: Path) -> None:
    part = sheet_part(tiny_path, "Staff")
    reason = _unreadable(flip_compressed(tiny_path, tmp_path / "flip.xlsx", part))
    assert "'Staff'" in reason and "damaged" in reason


# -- XML parts -----------------------------------------------------------------------


def test_settings_cut_off_after_row_4_is_refused_not_defaulted(
    tiny_path: Path, tmp_path: Path
) -> None:
    part = sheet_part(tiny_path, "Settings")
    bad = edit_part(
        tiny_path,
        tmp_path / "cut.xlsx",
        part,
        lambda x: x[: x.index("</row>", x.index('<row r="4"')) + 6],
    )
    reason = _unreadable(bad)
    assert "'Settings'" in reason and "not well-formed" in reason


def test_doctype_entity_expansion_is_refused(tiny_path: Path, tmp_path: Path) -> None:
    part = sheet_part(tiny_path, "HCPs")
    bomb = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    bad = edit_part(
        tiny_path, tmp_path / "dtd.xlsx", part, lambda x: x.replace("?>\n", "?>\n" + bomb, 1)
    )
    assert "DOCTYPE" in _unreadable(bad)


def test_huge_character_reference(tiny_path: Path, tmp_path: Path) -> None:
    part = sheet_part(tiny_path, "Staff")

    def edit(xml: str) -> str:
        cell = first_cell(xml, "B", 2).group(0)
        return xml.replace(
            cell, '<c r="B2" t="inlineStr"><is><t>&#99999999999999999999;</t></is></c>'
        )

    reason = _unreadable(edit_part(tiny_path, tmp_path / "ref.xlsx", part, edit))
    assert "'Staff'" in reason


def test_shared_string_index_out_of_range(tiny_path: Path, tmp_path: Path) -> None:
    part = sheet_part(tiny_path, "Staff")

    def edit(xml: str) -> str:
        cell = first_cell(xml, "B", 2).group(0)
        return xml.replace(cell, re.sub(r"<v>\d+</v>", "<v>99999</v>", cell))

    reason = _unreadable(edit_part(tiny_path, tmp_path / "sst.xlsx", part, edit))
    assert "'Staff', cell B2" in reason and "99999" in reason


def test_cell_beyond_the_last_column(tiny_path: Path, tmp_path: Path) -> None:
    part = sheet_part(tiny_path, "Staff")
    bad = edit_part(
        tiny_path, tmp_path / "col.xlsx", part, lambda x: x.replace('r="B2"', 'r="ZZZZZZZZZZ2"', 1)
    )
    reason = _unreadable(bad)
    assert "'Staff'" in reason and "XFD" in reason


def test_cell_beyond_the_last_row(tiny_path: Path, tmp_path: Path) -> None:
    part = sheet_part(tiny_path, "Staff")
    bad = edit_part(
        tiny_path, tmp_path / "row.xlsx", part, lambda x: x.replace('r="B2"', 'r="B99999999"', 1)
    )
    assert "'Staff'" in _unreadable(bad)


def test_stored_number_that_is_not_a_number(tiny_path: Path, tmp_path: Path) -> None:
    part = sheet_part(tiny_path, "Practices")

    def edit(xml: str) -> str:
        cell = first_cell(xml, "D", 2).group(0)
        return xml.replace(cell, re.sub(r"<v>[^<]*</v>", "<v>1_000</v>", cell))

    reason = _unreadable(edit_part(tiny_path, tmp_path / "num.xlsx", part, edit))
    assert "'Practices', cell D2" in reason


# -- values --------------------------------------------------------------------------


def test_two_name_rows_on_about(tiny_path: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(tiny_path)
    wb["About"].append(["name", "Another name"])
    wb.save(out := tmp_path / "about.xlsx")
    (issue,) = _issues(out)
    assert (issue.sheet, issue.column) == ("About", "key") and issue.row is not None
    assert "'name' appears twice" in issue.message


@pytest.mark.parametrize("text", ["1_000", "1,000", "nan", "inf", "١٢"])
def test_text_that_python_but_not_a_spreadsheet_calls_a_number(
    tiny_path: Path, tmp_path: Path, text: str
) -> None:
    wb = openpyxl.load_workbook(tiny_path)
    wb["Practices"]["D2"].value = text  # list_0_17 of the first practice
    wb.save(out := tmp_path / "text.xlsx")
    (issue,) = _issues(out)
    assert (issue.sheet, issue.row, issue.column) == ("Practices", 2, "list_0_17")
    assert "not a whole number" in issue.message


def test_numeric_cell_cleared_with_openpyxl_is_empty(tiny_path: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(tiny_path)
    ws = wb["Roles"]
    col = [c.value for c in ws[1]].index("population_per_fte") + 1
    ws.cell(row=2, column=col).value = None  # optional, formatted "#,##0": blank means none
    wb.save(out := tmp_path / "cleared.xlsx")
    with zipfile.ZipFile(out) as z:
        xml = z.read(sheet_part(out, "Roles")).decode()
    assert re.search(r'<c r="[A-Z]+2" s="\d+" t="n" ?/>', xml), "openpyxl saved no empty typed cell"
    scenario = read_scenario(out)
    assert scenario.roles[0].population_per_fte is None


@pytest.mark.parametrize(
    "saved", ['<c r="{ref}" s="1" t="n"/>', '<c r="{ref}" t="n"><v></v></c>', '<c r="{ref}"></c>']
)
def test_an_empty_required_cell_is_blank_however_saved(
    tiny_path: Path, tmp_path: Path, saved: str
) -> None:
    part = sheet_part(tiny_path, "Staff")

    def edit(xml: str) -> str:
        cell = first_cell(xml, "G", 2).group(0)  # fte of the first person
        return xml.replace(cell, saved.format(ref="G2"))

    issues = _issues(edit_part(tiny_path, tmp_path / "empty.xlsx", part, edit))
    assert any(
        (i.sheet, i.row, i.column) == ("Staff", 2, "fte") and "blank" in i.message for i in issues
    )


def test_every_problem_in_a_row_is_listed(tiny_path: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(tiny_path)
    ws = wb["Roles"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("pay_cost_gbp_per_fte") + 1).value = 1e308
    ws.cell(row=2, column=header.index("hours_per_fte_week") + 1).value = 500
    ws.cell(row=2, column=header.index("productive_fraction") + 1).value = 5e-324
    wb.save(out := tmp_path / "row.xlsx")
    columns = {i.column for i in _issues(out) if (i.sheet, i.row) == ("Roles", 2)}
    assert columns == {"pay_cost_gbp_per_fte", "hours_per_fte_week", "productive_fraction"}
