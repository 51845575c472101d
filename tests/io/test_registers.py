"""Register import: headers, encodings, delimiters, merged cells, blank and bad rows."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest

from intplan.io.errors import UnreadableFileError, WorkbookError
from intplan.io.registers import (
    RoleSynonyms,
    normalise_header,
    parse_number,
    read_mapping_file,
    read_register,
)


def _xlsx(path: Path, rows: Sequence[Sequence[object]], merges: tuple[str, ...] = ()) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Staff list"
    for r in rows:
        ws.append(r)
    for ref in merges:
        ws.merge_cells(ref)
    wb.save(path)
    return path


def _csv(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("WTE", "fte"),
        ("  F.T.E. ", "fte"),
        ("Whole Time Equivalent", "fte"),
        ("Job Title", "role"),
        ("ROLE", "role"),
        ("Practice Code", "base"),
        ("ODS code", "base"),
        ("Employee Name", "name"),
        ("Assignment Number", "assignment_number"),
        ("Employee Number", "staff_number"),
        ("Emp No.", "staff_number"),
        ("Position Title", "position_title"),
        ("Occupation Code", "occupation_code"),
        ("Cost Centre", "cost_centre"),
        ("Area of Work", "area_of_work"),
        ("Assignment Category", "assignment_category"),
        ("Pay Band", "pay_band"),
        ("Contracted WTE", "fte"),
        ("Staff_Number", "staff_number"),
        ("Organisation", "employer"),
        ("Team", "base"),
        ("FTE (contracted)", "fte"),
    ],
)
def test_header_variants_are_recognised(tmp_path: Path, header: str, field: str) -> None:
    cols = {"role": "Job Title", "fte": "WTE", "base": "Base", "name": "Name"}
    cols = {k: v for k, v in cols.items() if k != field}
    headers = [*cols.values(), header]
    values = {"role": "GP", "fte": 0.5, "base": "P1", "name": "A B"}
    row = [values[k] for k in cols] + [values.get(field, "X1")]
    reg = read_register(_xlsx(tmp_path / "r.xlsx", [headers, row]))
    assert (header.strip(), field) in reg.columns


def test_header_below_a_title_is_found(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Riverside Surgery staff list"],
        ["Printed 1 April"],
        [],
        ["Name", "Role", "FTE", "Practice Code"],
        ["Jane Smith", "Practice Nurse", 0.8, "P1"],
    ]
    reg = read_register(_xlsx(tmp_path / "r.xlsx", rows))
    assert reg.header_row == 4
    assert [(r.row, r.name, r.role_title, r.fte, r.base) for r in reg.rows] == [
        (5, "Jane Smith", "Practice Nurse", 0.8, "P1")
    ]


def test_unknown_headers_need_an_explicit_mapping(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "r.xlsx", [["Who", "What", "How much", "Where"], ["A", "GP", 1, "P1"]])
    with pytest.raises(WorkbookError, match="--column"):
        read_register(path)
    reg = read_register(
        path, columns={"name": "Who", "role": "What", "fte": "How much", "base": "Where"}
    )
    assert [(r.name, r.role_title, r.fte, r.base) for r in reg.rows] == [("A", "GP", 1.0, "P1")]


def test_explicit_mapping_beats_an_alias(tmp_path: Path) -> None:
    rows: list[list[object]] = [["Role", "Job Title", "FTE", "Base"], ["Clinician", "GP", 1, "P1"]]
    reg = read_register(_xlsx(tmp_path / "r.xlsx", rows), columns={"role": "Job Title"})
    assert reg.rows[0].role_title == "GP"
    assert "Role" in reg.ignored_columns


def test_blank_rows_are_skipped_and_counted(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Name", "Role", "FTE", "Base"],
        ["A", "GP", 1, "P1"],
        [None, None, None, None],
        ["B", "GP", 1, "P1"],
        [],
    ]
    reg = read_register(_xlsx(tmp_path / "r.xlsx", rows))
    assert [r.row for r in reg.rows] == [2, 4]
    assert reg.blank_rows == (3,)  # the trailing blank is not data
    assert reg.rejected == ()


def test_merged_cells_are_filled_from_their_top_left_cell(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Employer", "Name", "Role", "FTE", "Base"],
        ["Kent Community Health", "A", "District Nurse", 1, "DNTEAM"],
        [None, "B", "District Nurse", 0.6, "DNTEAM"],
        [None, "C", "Community Nurse", 0.4, "DNTEAM"],
    ]
    reg = read_register(_xlsx(tmp_path / "r.xlsx", rows, merges=("A2:A4",)))
    assert reg.merged_ranges == ("A2:A4",)
    assert [r.employer for r in reg.rows] == ["Kent Community Health"] * 3


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-8"])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_from_excel_on_windows(tmp_path: Path, encoding: str, delimiter: str) -> None:
    fte = "0,8" if delimiter == ";" else "0.8"  # a semicolon export uses decimal commas
    lines = [
        ["Staff Number", "Employee Name", "Job Title", "WTE", "Practice Code"],
        ["00123", "Zoë Brontë", "Practice Nurse", fte, "P1"],
        ["456", "Seán O'Neill", "GP Partner", "1", "P2"],
    ]
    text = "\r\n".join(delimiter.join(x) for x in lines) + "\r\n"
    reg = read_register(_csv(tmp_path / "r.csv", text, encoding))
    assert reg.delimiter == delimiter
    assert [(r.staff_number, r.name, r.fte) for r in reg.rows] == [
        ("00123", "Zoë Brontë", 0.8),
        ("456", "Seán O'Neill", 1.0),
    ]
    assert reg.encoding == ("cp1252" if encoding == "cp1252" else encoding)


def test_csv_with_a_title_line_and_decimal_commas(tmp_path: Path) -> None:
    text = "Staff list April\n\nName;Role;FTE;Base\nA;GP;0,5;P1\nB;GP;0,75;P2\n"
    reg = read_register(_csv(tmp_path / "r.csv", text, "cp1252"))
    assert reg.delimiter == ";"
    assert reg.header_row == 3
    assert [r.fte for r in reg.rows] == [0.5, 0.75]


def test_bad_rows_are_rejected_with_file_and_row(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Name", "Role", "FTE", "Base"],
        ["A", "GP", "two", "P1"],
        ["B", "", 1, "P1"],
        ["C", "GP", 37.5, "P1"],
        ["D", "GP", 0, "P1"],
        ["E", "GP", 1, ""],
        ["F", "GP", 1, "P1"],
    ]
    reg = read_register(_xlsx(tmp_path / "r.xlsx", rows))
    assert [r.name for r in reg.rows] == ["F"]
    got = {r.row: r.reason for r in reg.rejected}
    assert set(got) == {2, 3, 4, 5, 6}
    assert "'two' is not a number" in got[2]
    assert "no role title" in got[3]
    assert "hours a week" in got[4]
    assert "more than 0" in got[5]
    assert "missing base" in got[6]
    assert all(r.file == "r.xlsx" and r.sheet == "Staff list" for r in reg.rejected)
    assert reg.rows_read == 6


def test_hours_column_converts_to_fte(tmp_path: Path) -> None:
    rows: list[list[object]] = [["Name", "Role", "Contracted hours", "Base"], ["A", "GP", 30, "P1"]]
    reg = read_register(_xlsx(tmp_path / "r.xlsx", rows), week_hours=37.5)
    assert reg.rows[0].fte == pytest.approx(0.8)


def test_employer_comes_from_column_then_option_then_file_name(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Name", "Role", "FTE", "Base", "Employer"],
        ["A", "GP", 1, "P1", "X Ltd"],
    ]
    rows.append(["B", "GP", 1, "P1", None])
    path = _xlsx(tmp_path / "Riverside.xlsx", rows)
    assert [r.employer for r in read_register(path).rows] == ["X Ltd", "Riverside"]
    assert [r.employer for r in read_register(path, employer="KCHFT").rows] == ["X Ltd", "KCHFT"]


def test_several_base_columns_use_the_first_filled(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Name", "Role", "FTE", "Practice Code", "Team"],
        ["A", "GP", 1, "P1", None],
        ["B", "District Nurse", 1, None, "DNTEAM"],
    ]
    reg = read_register(_xlsx(tmp_path / "r.xlsx", rows))
    assert [(r.base, r.base_kind_hint) for r in reg.rows] == [
        ("P1", "practice"),
        ("DNTEAM", "team"),
    ]


def test_vacant_posts_are_recognised(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Name", "Role", "FTE", "Base", "Vacant"],
        ["Vacant", "GP", 1, "P1", None],
    ]
    rows.append(["A", "GP", 1, "P1", "no"])
    rows.append([None, "GP", 1, "P1", "Yes"])
    reg = read_register(_xlsx(tmp_path / "r.xlsx", rows))
    assert [r.vacant for r in reg.rows] == [True, False, True]


@pytest.mark.parametrize(
    ("content", "suffix", "match"),
    [
        (b"not a zip", ".xlsx", "not a readable"),
        (b"", ".xls", "save it as .xlsx or .csv"),
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, suffix: str, match: str) -> None:
    path = tmp_path / f"r{suffix}"
    path.write_bytes(content)
    with pytest.raises(UnreadableFileError, match=match):
        read_register(path)
    with pytest.raises(UnreadableFileError, match="not found"):
        read_register(tmp_path / "missing.csv")


def test_parse_number() -> None:
    assert parse_number("0,8") == 0.8
    assert parse_number("80%") == pytest.approx(0.8)
    assert parse_number(" 1 ") == 1.0
    assert parse_number("1,000.5") is None
    assert parse_number(True) is None
    assert parse_number("") is None


def test_normalise_header() -> None:
    assert normalise_header(" Job-Title ") == "job title"
    assert normalise_header("Health & Wellbeing") == "health and wellbeing"


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("Practice Nurse", "PN"),
        ("PN", "PN"),
        ("general practice nurse", "PN"),
        ("Band 6 District Nurse", "DN"),
        ("Band 7 District Nurse", "DN"),
        ("Salaried GP", "GP"),
        ("GP Partner", "GP"),
        ("ARRS Clinical Pharmacist", "CP"),
        ("Social Prescriber", "SPLW"),
        ("Care Co-ordinator", "CC"),
        ("Care Coordinator", "CC"),
        ("Health & Wellbeing Coach", "HWC"),
    ],
)
def test_role_synonyms(title: str, role: str) -> None:
    assert RoleSynonyms.load().match(title).role == role


def test_unknown_title_gets_close_suggestions() -> None:
    m = RoleSynonyms.load().match("Practise Nurse")
    assert m.role is None
    assert m.suggestions and m.suggestions[0].role == "PN"


def test_mapping_file(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["source_column", "field"])
    ws.append(["Hrs FTE", "fte"])
    ws2 = wb.create_sheet("Manual")
    ws2.append(["staff", "int", "fte"])
    ws2.append(["123", "INT-A", 0.5])
    ws2.append(["123", "INT-B", None])
    ws3 = wb.create_sheet("Titles")
    ws3.append(["title", "role"])
    ws3.append(["Frailty ANP", "FN"])
    wb.save(tmp_path / "map.xlsx")
    m = read_mapping_file(tmp_path / "map.xlsx")
    assert m.column_map() == {"fte": "Hrs FTE"}
    assert [(x.staff, x.int_code, x.fte) for x in m.manual] == [
        ("123", "INT-A", 0.5),
        ("123", "INT-B", None),
    ]
    assert RoleSynonyms.load().with_extra(m.synonyms).match("Frailty ANP").role == "FN"


def test_mapping_file_with_bad_field_lists_the_problem(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["source_column", "field"])
    ws.append(["Hrs", "hourz"])
    wb.save(tmp_path / "map.xlsx")
    with pytest.raises(WorkbookError, match="unknown field 'hourz'"):
        read_mapping_file(tmp_path / "map.xlsx")


def test_the_most_specific_header_wins(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Title", "Name", "Job Title", "FTE", "Base"],
        ["Mrs", "A", "GP", 1, "P1"],
    ]
    reg = read_register(_xlsx(tmp_path / "r.xlsx", rows))
    assert reg.rows[0].role_title == "GP"
    assert "Title" in reg.ignored_columns
