"""Bad workbooks: every problem is reported with its sheet, row and column, all at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from intplan.domain import Scenario
from intplan.io.errors import Issue, UnreadableFileError, WorkbookError
from intplan.io.schema import SHEETS
from intplan.io.workbook import read_scenario, write_scenario

Edit = Callable[[Any], None]  # receives the openpyxl Workbook


@pytest.fixture
def tiny_path(tiny: Scenario, tmp_path: Path) -> Path:
    path = tmp_path / "tiny.xlsx"
    write_scenario(tiny, path)
    return path


def _col(ws: Any, header: str) -> int:
    for cell in ws[1]:
        if cell.value == header:
            return int(cell.column)
    raise AssertionError(f"no column {header!r} on {ws.title}")


def _set(wb: Any, sheet: str, row: int, header: str, value: object) -> None:
    ws = wb[sheet]
    ws.cell(row=row, column=_col(ws, header)).value = value  # cell(value=None) keeps the old value


def _edit(path: Path, *edits: Edit) -> Path:
    wb = openpyxl.load_workbook(path)
    for e in edits:
        e(wb)
    out = path.with_name("edited.xlsx")
    wb.save(out)
    return out


def _issues(path: Path) -> tuple[Issue, ...]:
    with pytest.raises(WorkbookError) as info:
        read_scenario(path)
    return info.value.issues


def _find(issues: tuple[Issue, ...], sheet: str, row: int | None, column: str | None) -> Issue:
    for i in issues:
        if (i.sheet, i.row, i.column) == (sheet, row, column):
            return i
    listing = "\n".join(str(i) for i in issues)
    raise AssertionError(f"no issue at {sheet}/{row}/{column}; got:\n{listing}")


# -- unreadable files -------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="not found"):
        read_scenario(tmp_path / "nope.xlsx")


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("id,name\n1,a\n")
    with pytest.raises(UnreadableFileError, match="not an Excel workbook"):
        read_scenario(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    with pytest.raises(UnreadableFileError, match="empty"):
        read_scenario(path)


def test_corrupt_zip(tiny_path: Path, tmp_path: Path) -> None:
    data = tiny_path.read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnreadableFileError, match="damaged"):
        read_scenario(path)


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(UnreadableFileError, match="not an Excel workbook"):
        read_scenario(path)


def test_password_protected_workbook(tmp_path: Path) -> None:
    # Excel saves an encrypted .xlsx as an OLE compound file with an EncryptionInfo stream.
    path = tmp_path / "locked.xlsx"
    path.write_bytes(
        bytes.fromhex("D0CF11E0A1B11AE1")
        + bytes(504)
        + "EncryptionInfo".encode("utf-16-le")
        + bytes(64)
    )
    with pytest.raises(UnreadableFileError) as info:
        read_scenario(path)
    assert "password-protected; remove the password in Excel" in str(info.value)


def test_old_xls_file(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(1024))
    with pytest.raises(UnreadableFileError, match=r"\.xls"):
        read_scenario(path)


# -- structure ----------------------------------------------------------------------


def test_empty_workbook_lists_every_missing_sheet(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    openpyxl.Workbook().save(path)
    issues = _issues(path)
    assert [i.sheet for i in issues] == [s.name for s in SHEETS]
    assert all("missing" in i.message and i.row is None for i in issues)


def test_missing_and_misnamed_sheets(tiny_path: Path) -> None:
    def drop_roles(wb: Any) -> None:
        del wb["Roles"]

    def rename_staff(wb: Any) -> None:
        wb["Staff"].title = "Staf"

    issues = _issues(_edit(tiny_path, drop_roles, rename_staff))
    assert "missing" in _find(issues, "Roles", None, None).message
    assert "'Staf'" in _find(issues, "Staff", None, None).message


def test_renamed_and_missing_columns(tiny_path: Path) -> None:
    def edit(wb: Any) -> None:
        ws = wb["Staff"]
        ws.cell(row=1, column=_col(ws, "fte"), value="ftee")
        ws.delete_cols(_col(ws, "employer"))
        roles = wb["Roles"]
        roles.cell(row=1, column=_col(roles, "pay_cost_gbp_per_fte"), value="pay")

    issues = _issues(_edit(tiny_path, edit))
    renamed = _find(issues, "Staff", 1, "ftee")
    assert "rename it to 'fte'" in renamed.message
    missing = [i for i in issues if i.sheet == "Staff" and "'employer'" in i.message]
    assert missing and missing[0].row == 1
    assert any(i.sheet == "Roles" and "pay_cost_gbp_per_fte" in i.message for i in issues)


def test_columns_in_any_order_and_blank_rows_are_fine(tiny: Scenario, tiny_path: Path) -> None:
    def edit(wb: Any) -> None:
        ws = wb["Practices"]
        ws.move_range("A1:A4", cols=20)  # code column to the far right
        ws.delete_cols(1)
        ws.insert_rows(3)  # a fully blank row inside the table

    assert read_scenario(_edit(tiny_path, edit)) == tiny


def test_integral_floats_are_whole_numbers_but_fractions_are_not(
    tiny: Scenario, tiny_path: Path
) -> None:
    ok = _edit(tiny_path, lambda wb: _set(wb, "Practices", 2, "list_0_17", 2000.0))
    assert read_scenario(ok) == tiny
    bad = _edit(tiny_path, lambda wb: _set(wb, "Practices", 2, "list_0_17", 2000.5))
    issue = _find(_issues(bad), "Practices", 2, "list_0_17")
    assert "whole number" in issue.message


# -- cells and rows -------------------------------------------------------------------


def test_wrong_types_and_fte_range_reported_together(tiny_path: Path) -> None:
    def edit(wb: Any) -> None:
        _set(wb, "Staff", 2, "fte", "two")
        _set(wb, "Staff", 3, "fte", -0.5)
        _set(wb, "Staff", 4, "fte", 2.0)
        _set(wb, "Staff", 5, "name", None)
        _set(wb, "Staff", 6, "vacant", "maybe")
        _set(wb, "Roles", 2, "staff_group", "medicl")

    issues = _issues(_edit(tiny_path, edit))
    assert "a number" in _find(issues, "Staff", 2, "fte").message
    assert (
        "at least" in _find(issues, "Staff", 3, "fte").message
        or "greater" in _find(issues, "Staff", 3, "fte").message
    )
    assert "at most 1.5" in _find(issues, "Staff", 4, "fte").message
    assert "blank" in _find(issues, "Staff", 5, "name").message
    assert "yes or no" in _find(issues, "Staff", 6, "vacant").message
    assert "did you mean 'medical'" in _find(issues, "Roles", 2, "staff_group").message
    assert len(issues) >= 6


def test_unknown_codes(tiny_path: Path) -> None:
    def edit(wb: Any) -> None:
        _set(wb, "Staff", 2, "role", "GPP")
        _set(wb, "INTPractices", 4, "practice", "P9")
        _set(wb, "Assignments", 3, "int", "INT-Z")
        _set(wb, "Practices", 2, "pcn", "PCN2")

    issues = _issues(_edit(tiny_path, edit))
    role = _find(issues, "Staff", 2, "role")
    assert "unknown role 'GPP'" in role.message and "did you mean 'GP'" in role.message
    assert "'P9'" in _find(issues, "INTPractices", 4, "practice").message
    assert "'INT-Z'" in _find(issues, "Assignments", 3, "int").message
    assert "'PCN2'" in _find(issues, "Practices", 2, "pcn").message


def test_duplicate_ids(tiny_path: Path) -> None:
    def edit(wb: Any) -> None:
        _set(wb, "Staff", 3, "id", "S001")  # row 3 repeats row 2's id
        _set(wb, "Roles", 3, "code", "GP")

    issues = _issues(_edit(tiny_path, edit))
    assert "appears 2 times" in _find(issues, "Staff", 3, "id").message
    assert "appears 2 times" in _find(issues, "Roles", 3, "code").message


def test_practice_in_two_ints_and_int_with_no_practices(tiny_path: Path) -> None:
    # INTPractices rows: 2 INT-A/P1, 3 INT-A/P2, 4 INT-B/P3.
    def edit(wb: Any) -> None:
        _set(wb, "INTPractices", 4, "practice", "P1")  # P1 now in INT-A and INT-B; P3 in none

    issues = _issues(_edit(tiny_path, edit))
    assert "2 INTs" in _find(issues, "INTPractices", 4, "practice").message
    assert "no INT" in _find(issues, "Practices", 4, "code").message  # P3 is row 4


def test_int_with_no_practices(tiny_path: Path) -> None:
    def edit(wb: Any) -> None:
        wb["INTPractices"].delete_rows(4)  # INT-B's only practice

    issues = _issues(_edit(tiny_path, edit))
    assert "no practices" in _find(issues, "INTs", 3, "code").message  # INT-B is row 3
    assert "no INT" in _find(issues, "Practices", 4, "code").message


def test_adjacency_to_itself_and_to_unknown_int(tiny_path: Path) -> None:
    def edit(wb: Any) -> None:
        ws = wb["Adjacency"]
        ws.append(["INT-A", "INT-Q", 10, "test"])
        _set(wb, "Adjacency", 2, "int_b", "INT-A")

    issues = _issues(_edit(tiny_path, edit))
    assert "itself" in _find(issues, "Adjacency", 2, "int_b").message
    assert "'INT-Q'" in _find(issues, "Adjacency", 3, "int_b").message


def test_negative_rates_and_bad_settings(tiny_path: Path) -> None:
    def edit(wb: Any) -> None:
        _set(wb, "DemandRates", 2, "per_1000_per_week", -1)
        _set(wb, "Seasonality", 2, "factor", -0.5)
        settings = wb["Settings"]
        for row in range(2, settings.max_row + 1):
            if settings.cell(row=row, column=1).value == "replications":
                settings.cell(row=row, column=2, value="ten")
            if settings.cell(row=row, column=1).value == "represent_activity":
                settings.cell(row=row, column=2, value="NOPE")
        settings.append(["seeed", 1])

    issues = _issues(_edit(tiny_path, edit))
    assert "at least 0" in _find(issues, "DemandRates", 2, "per_1000_per_week").message
    assert "at least 0" in _find(issues, "Seasonality", 2, "factor").message
    assert any(
        i.sheet == "Settings" and i.column == "value" and "whole number" in i.message
        for i in issues
    )
    assert any(i.sheet == "Settings" and "'seeed'" in i.message for i in issues)


def test_represent_activity_must_exist(tiny_path: Path) -> None:
    def edit(wb: Any) -> None:
        settings = wb["Settings"]
        for row in range(2, settings.max_row + 1):
            if settings.cell(row=row, column=1).value == "represent_activity":
                settings.cell(row=row, column=2).value = "NOPE"

    issues = _issues(_edit(tiny_path, edit))
    (issue,) = issues
    assert (issue.sheet, issue.column) == ("Settings", "value")
    assert "NOPE" in issue.message and issue.row is not None and issue.row > 1


def test_assignment_shares_must_add_up(tiny_path: Path) -> None:
    issues = _issues(_edit(tiny_path, lambda wb: _set(wb, "Assignments", 2, "fte", 0.5)))
    issue = _find(issues, "Staff", 2, "fte")
    assert "Assignments" in issue.message


def test_partly_filled_row_is_reported_not_dropped(tiny_path: Path) -> None:
    def edit(wb: Any) -> None:
        ws = wb["HCPs"]
        ws.cell(row=3, column=_col(ws, "name"), value="Orphan name")

    issues = _issues(_edit(tiny_path, edit))
    assert "blank" in _find(issues, "HCPs", 3, "code").message


def test_a_broken_role_is_reported_once_not_for_every_person(tiny_path: Path) -> None:
    issues = _issues(_edit(tiny_path, lambda wb: _set(wb, "Roles", 2, "hours_per_fte_week", 0)))
    assert [(i.sheet, i.row, i.column) for i in issues] == [("Roles", 2, "hours_per_fte_week")]


def test_newer_schema_version_is_refused(tiny_path: Path) -> None:
    issues = _issues(_edit(tiny_path, lambda wb: _set(wb, "About", 2, "value", 2)))
    assert "newer intplan" in _find(issues, "About", 2, "value").message


def test_issue_text_names_file_sheet_row_column(tiny_path: Path) -> None:
    path = _edit(tiny_path, lambda wb: _set(wb, "Staff", 2, "fte", "two"))
    with pytest.raises(WorkbookError) as info:
        read_scenario(path)
    text = str(info.value)
    assert str(path) in text and "sheet 'Staff'" in text and "row 2" in text
    assert "column 'fte'" in text
