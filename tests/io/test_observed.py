"""Reading a user's observed activity: the two CSV formats and their error messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from intplan.io.benchmarks import load_benchmarks
from intplan.io.errors import UnreadableFileError, WorkbookError
from intplan.io.observed import GP_ALL, read_observed

#: the real crosstab header (docs: /work/shared/domain/nhs-data-formats.md, section 4)
AGP_HEADER = (
    "APPOINTMENT_MONTH_START_DATE,GP_CODE,GP_NAME,SUPPLIER,PCN_CODE,PCN_NAME,"
    "SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_NAME,HCP_TYPE,APPT_MODE,NATIONAL_CATEGORY,"
    "TIME_BETWEEN_BOOK_AND_APPT,COUNT_OF_APPOINTMENTS,APPT_STATUS"
)


def agp_row(month: str, practice: str, bucket: str, count: int, status: str) -> str:
    return (
        f"{month},{practice},A SURGERY,TPP,U89141,A PCN,16C,NHS Somewhere ICB - 16C,"
        f"GP,Face-to-Face,General Consultation Routine,{bucket},{count},{status}"
    )


def test_an_appointments_extract_is_recognised_by_its_header(tmp_path: Path) -> None:
    f = tmp_path / "Practice_Level_Crosstab_Nov_25.csv"
    f.write_text(
        "\n".join(
            [
                AGP_HEADER,
                agp_row("01NOV2025", "P1", "Same Day", 40, "Attended"),
                agp_row("01NOV2025", "P1", "8  to 14 Days", 10, "DNA"),  # double space kept
                agp_row("01OCT2025", "P1", "Same Day", 20, "Attended"),
                agp_row("01NOV2025", "X99", "Unknown / Data Issue", 7, "Unknown"),
            ]
        )
        + "\n"
    )
    obs = read_observed(f)
    assert obs.kind == "appointments_extract"
    assert obs.counts[("P1", GP_ALL, "same_day", "attended")] == 60
    assert obs.counts[("P1", GP_ALL, "8_14_days", "dna")] == 10
    assert obs.counts[("X99", GP_ALL, "unknown", "unknown")] == 7
    assert obs.months == {"P1": 2.0, "X99": 1.0}
    assert obs.rows == {"P1": 3, "X99": 1}


def test_extract_errors_name_file_row_and_column(tmp_path: Path) -> None:
    f = tmp_path / "extract.csv"
    f.write_text(
        "\n".join(
            [
                AGP_HEADER,
                agp_row("01NOV2025", "P1", "Next week", 4, "Attended"),
                agp_row("01NOV2025", "P1", "Same Day", -3, "Attended"),
                agp_row("01NOV2025", "P1", "Same Day", 3, "Maybe"),
            ]
        )
        + "\n"
    )
    with pytest.raises(WorkbookError) as e:
        read_observed(f)
    where = {(i.file, i.row, i.column) for i in e.value.issues}
    assert where == {
        ("extract.csv", 2, "TIME_BETWEEN_BOOK_AND_APPT"),
        ("extract.csv", 3, "COUNT_OF_APPOINTMENTS"),
        ("extract.csv", 4, "APPT_STATUS"),
    }


def test_simple_counts_and_their_errors(tmp_path: Path) -> None:
    good = tmp_path / "counts.csv"
    good.write_text(
        "area,activity,bucket,count,months,status\n"
        "INT-A,SDC,same_day,300,3,\n"
        "INT-A,SDC,all,30,3,dna\n"
        "P3,LTC,,12,3,attended\n"
    )
    obs = read_observed(good)
    assert obs.kind == "activity_counts"
    assert obs.counts[("INT-A", "SDC", "same_day", "attended")] == 300
    assert obs.counts[("INT-A", "SDC", "unknown", "dna")] == 30
    assert obs.months == {"INT-A": 3.0, "P3": 3.0}

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "area,activity,bucket,count,months\n"
        ",SDC,same_day,1,1\n"
        "INT-A,SDC,next_week,1,1\n"
        "INT-A,SDC,same_day,lots,1\n"
        "INT-A,SDC,same_day,1,0\n"
    )
    with pytest.raises(WorkbookError) as e:
        read_observed(bad)
    assert {(i.row, i.column) for i in e.value.issues} == {
        (2, "area"),
        (3, "bucket"),
        (4, "count"),
        (5, "months"),
    }


def test_an_unrecognised_header_says_what_is_expected(tmp_path: Path) -> None:
    f = tmp_path / "staff.csv"
    f.write_text("Staff Number,Name\n1,A\n")
    with pytest.raises(UnreadableFileError, match=r"GP_CODE.*area, activity"):
        read_observed(f)


def test_every_benchmark_has_a_source_and_an_explained_tolerance() -> None:
    marks = load_benchmarks()
    assert len(marks) >= 8
    for b in marks:
        assert b.source
        assert b.tolerance_source.startswith("assumption:"), b.measure
    by = {b.measure: b for b in marks}
    assert by["gp_same_day_share"].value == 0.45
    assert by["gp_within_14_days_share"].value == 0.82
    assert by["tt_within_6_weeks_share"].value == 0.903
    assert by["ucr_within_2_hours_share"].comparison == "at_least"


def test_a_damaged_benchmark_file_names_row_and_column(tmp_path: Path) -> None:
    f = tmp_path / "national_benchmarks.csv"
    f.write_text(
        "measure,value,comparison,tolerance,unit,period,source,tolerance_source\n"
        "x,high,equal,1,u,p,s,assumption: t\n"
        "y,1,roughly,1,u,p,s,assumption: t\n"
    )
    with pytest.raises(WorkbookError) as e:
        load_benchmarks(f)
    assert {(i.row, i.column) for i in e.value.issues} == {(2, "value"), (3, "comparison")}
