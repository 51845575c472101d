"""The NHS file readers: recognised by header, read by column name, damage reported by cell."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from nhs_fixtures import PRACTICES, list_by_age, quin_csv, write_folder

from intplan.io.errors import Issue
from intplan.io.nhs import Kind, recognise
from intplan.io.nhs._cells import extract_date
from intplan.io.nhs.epcn import read_epcn
from intplan.io.nhs.fingertips import read_deprivation
from intplan.io.nhs.patients import read_practice_map, read_quin_age, to_scenario_bands
from intplan.io.nhs.workforce import load_role_map, read_workforce


def test_every_file_is_recognised_by_its_header_or_listed(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "dl", notes=True, system_files=True, appointments=True)
    (folder / "readme.pdf").write_bytes(b"%PDF-1.4")
    found = recognise(folder)
    kinds = {k: [t.describe() for t in ts] for k, ts in found.found.items()}
    assert set(kinds) == {
        Kind.QUIN_AGE,
        Kind.PRACTICE_MAP,
        Kind.EPCN_DETAILS,
        Kind.EPCN_PARTNERS,
        Kind.GPW_PRACTICE,
        Kind.APPOINTMENTS,
    }
    # the zipped CSV is found inside the zip, whatever the zip is called
    assert kinds[Kind.QUIN_AGE] == [f"{folder / 'download (3).zip'} » gp-reg-pat-prac-quin-age.csv"]
    messages = found.unrecognised_messages()
    assert any("my notes.csv" in m and "not recognised" in m for m in messages)
    assert any("readme.pdf" in m and "not a CSV, xlsx or zip" in m for m in messages)
    # system litter (.DS_Store, Thumbs.db, desktop.ini, __MACOSX/ inside and outside the
    # zip) is skipped silently: only the two files above are reported
    assert len(messages) == 2, messages
    assert found.folder_messages() == []


def test_quin_age_bands_map_onto_the_scenario_bands(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "dl")
    table = recognise(folder).found[Kind.QUIN_AGE][0]
    issues: list[Issue] = []
    quin = read_quin_age(table, issues)
    assert issues == []
    assert quin.extract_date == "2025-03-01"
    # only practice rows (ORG_TYPE=GP): the PCN and Comm Region rows are skipped
    assert set(quin.practices) == set(PRACTICES)
    for code in PRACTICES:  # A81003 has MALE + FEMALE rows only: summed
        assert quin.practices[code].bands == list_by_age(code)
        assert sum(quin.practices[code].bands) == quin.practices[code].stated_total


def test_15_to_19_is_split_between_children_and_adults() -> None:
    assert to_scenario_bands({"15_19": 10}) == (6, 4, 0, 0, 0)
    assert to_scenario_bands({"15_19": 7, "85_89": 1, "95+": 2}) == (4, 3, 0, 0, 3)


def test_a_damaged_count_names_file_row_and_column(tmp_path: Path) -> None:
    text = quin_csv().replace(",ALL,25_29,100\n", ",ALL,25_29,1OO\n", 1)
    with zipfile.ZipFile(tmp_path / "q.zip", "w") as z:
        z.writestr("quin.csv", text)
    table = recognise(tmp_path).found[Kind.QUIN_AGE][0]
    issues: list[Issue] = []
    read_quin_age(table, issues)
    row = text.splitlines().index(next(x for x in text.splitlines() if x.endswith(",1OO"))) + 1
    assert [str(i) for i in issues] == [
        f"{tmp_path / 'q.zip'} » quin.csv, row {row}, column 'NUMBER_OF_PATIENTS': "
        "'1OO' is not a whole number"
    ]


@pytest.mark.parametrize(
    ("text", "iso"),
    [("2025-03-01", "2025-03-01"), ("01Mar2025", "2025-03-01"), ("04JAN2021", "2021-01-04")],
)
def test_extract_dates_in_all_three_formats(text: str, iso: str) -> None:
    assert extract_date(text) == iso


@pytest.mark.parametrize("ccg", [False, True])
def test_practice_map_in_both_layouts(tmp_path: Path, ccg: bool) -> None:
    folder = write_folder(tmp_path / "dl", ccg=ccg)
    issues: list[Issue] = []
    pmap = read_practice_map(recognise(folder).found[Kind.PRACTICE_MAP][0], issues)
    assert issues == []
    assert pmap.layout == ("CCG" if ccg else "sub-ICB")
    row = next(r for r in pmap.rows if r.practice == "G82001")
    assert (row.pcn, row.sub_icb, row.icb, row.icb_ons) == ("U12345", "91Q", "QKS", "E54000032")


def test_epcn_ignores_ended_relationships(tmp_path: Path) -> None:
    found = recognise(write_folder(tmp_path / "dl")).found
    issues: list[Issue] = []
    epcn = read_epcn(found[Kind.EPCN_DETAILS], found[Kind.EPCN_PARTNERS], issues)
    assert issues == []
    assert epcn.practice_pcn == {"A81001": "U89141", "A81002": "U89141", "A81003": "U89142"}
    assert epcn.ended == 1
    assert epcn.pcn_names["U89142"] == "TEES VALLEY PCN"


def test_workforce_fte_by_role_with_na_as_missing(tmp_path: Path) -> None:
    table = recognise(write_folder(tmp_path / "dl")).found[Kind.GPW_PRACTICE][0]
    issues: list[Issue] = []
    gpw = read_workforce(table, load_role_map(), issues)
    assert issues == []
    # GP trainees (TOTAL_GP_TRN_GR_ST1_FTE) and the TOTAL_GP_FTE aggregate are not counted
    assert gpw.fte["A81001"] == {"GP": 2.5, "PN": 1.2, "HCA": 0.6, "ADMIN": 3.0}
    assert gpw.fte["A81002"] == {"PN": 0.8, "ADMIN": 2.0}
    assert gpw.missing == {"A81002": {"GP", "HCA"}}  # NA and ND: missing, never zero
    assert gpw.unmapped_columns == ("TOTAL_DPC_FUTURE_ROLE_FTE",)


def test_a_workforce_cell_that_is_not_a_number_is_reported(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "dl")
    name = next(p for p in folder.iterdir() if "Detailed" in p.name)
    name.write_text(name.read_text(encoding="utf-8").replace(",1.2,", ",1.2 FTE,", 1))
    table = recognise(folder).found[Kind.GPW_PRACTICE][0]
    issues: list[Issue] = []
    read_workforce(table, load_role_map(), issues)
    assert len(issues) == 1
    assert (issues[0].row, issues[0].column) == (2, "TOTAL_N_PRAC_NURSE_FTE")


def test_fingertips_scores_become_deciles_most_deprived_first(tmp_path: Path) -> None:
    table = recognise(write_folder(tmp_path / "dl", imd=True)).found[Kind.FINGERTIPS][0]
    issues: list[Issue] = []
    imd = read_deprivation(table, issues)
    assert issues == [] and imd is not None
    # 4 practices ranked by score, England's row skipped: 45.0, 31.2, 20.1, 12.5
    assert imd.decile == {"A81003": 1, "A81001": 3, "G82001": 6, "A81002": 8}
    assert imd.period == "2019"
    assert not imd.national  # a 4-practice file gives deciles relative to the file


def test_an_epcn_problem_names_the_sheet_and_row(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "dl")
    book = openpyxl.load_workbook(folder / "ePCN.xlsx")
    book["PCN Core Partner Details"]["E3"] = None  # A81002's ended row loses its PCN code
    book.save(folder / "ePCN.xlsx")
    found = recognise(folder).found
    issues: list[Issue] = []
    read_epcn(found[Kind.EPCN_DETAILS], found[Kind.EPCN_PARTNERS], issues)
    assert [str(i) for i in issues] == [
        f"{folder / 'ePCN.xlsx'}, sheet 'PCN Core Partner Details', row 3: "
        "the practice or PCN code is blank"
    ]


def test_a_windows_1252_file_is_read(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "dl")
    mapping = folder / "mapping.csv"
    text = mapping.read_text(encoding="utf-8").replace("KENT HOUSE", "KENT HOUSE \u2013 ASHFORD")
    mapping.write_bytes(text.encode("cp1252"))
    issues: list[Issue] = []
    pmap = read_practice_map(recognise(folder).found[Kind.PRACTICE_MAP][0], issues)
    assert issues == []
    assert next(r.name for r in pmap.rows if r.practice == "G82001") == "KENT HOUSE \u2013 ASHFORD"


def test_a_definitions_file_beside_a_recognised_table_in_a_zip_is_not_an_error(
    tmp_path: Path,
) -> None:
    folder = write_folder(tmp_path / "dl")
    with zipfile.ZipFile(folder / "download (3).zip", "a") as z:
        z.writestr("0 Overall Definitions.csv", "Field,Definition\nPRAC_CODE,practice\n")
    found = recognise(folder)
    assert found.unrecognised_messages() == []
    assert any("0 Overall Definitions.csv: not used" in m for m in found.folder_messages())
    # an unrecognised file in a zip with nothing recognised is still an error
    with zipfile.ZipFile(folder / "other.zip", "w") as z:
        z.writestr("notes.csv", "Meeting,Date\n")
    assert [m.split(":")[0] for m in recognise(folder).unrecognised_messages()] == [
        f"{folder / 'other.zip'} » notes.csv"
    ]
