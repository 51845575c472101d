"""The mapping service end to end: accounting, replace/append, manual file, round trip."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from intplan.domain import Scenario
from intplan.services.mapping import MappingOptions, remap, remap_staff, run_mapping
from intplan.services.progress import Cancelled


def _xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


@pytest.fixture
def registers(tmp_path: Path) -> list[Path]:
    practice = _xlsx(
        tmp_path / "practices.xlsx",
        {
            "Staff": [
                ["Practice staff, April"],
                ["Staff Number", "Employee Name", "Job Title", "WTE", "Practice Code"],
                ["1001", "Ann Able", "GP Partner", 1.0, "P1"],
                ["1002", "Bea Bold", "Practice Nurse", 0.8, "P2"],
                ["1003", "Cy Calm", "Salaried GP", 0.6, "P3"],
                [None, None, None, None, None],
                ["1004", "Di Dee", "Practise Nurse", 0.5, "P3"],
                ["1005", "Ed Eve", "GP", 0.4, "Z99"],
            ]
        },
    )
    community = tmp_path / "community.csv"
    community.write_bytes(
        (
            "Assignment Number;Name;Role;FTE;Team;Organisation\r\n"
            "2001;Fay Fox;Band 6 District Nurse;1,0;DNTEAM;Kent Community Health\r\n"
            "2002;Gus Gale;District Nurse;0,6;DNTEAM;Kent Community Health\r\n"
            "1002;Bea Bold;Practice Nurse;0,8;P2;Kent Community Health\r\n"
            "2003;Hal Hope;GP;0,5;PCN1;Kent Community Health\r\n"
        ).encode("cp1252")
    )
    return [practice, community]


def test_every_row_is_accounted_for(tiny: Scenario, registers: list[Path]) -> None:
    r = run_mapping(tiny, registers)
    assert r.rows_read == 9
    assert r.rows_read == r.rows_imported + r.rows_merged + len(r.rejected)
    assert (r.rows_imported, r.rows_merged, r.rows_blank) == (6, 1, 1)
    assert [(x.file, x.row) for x in r.rejected] == [
        ("practices.xlsx", 7),
        ("practices.xlsx", 8),
    ]
    assert r.merged[0].file == "community.csv" and r.merged[0].kept_row == 4
    assert r.fte_imported == pytest.approx(1.0 + 0.8 + 0.6 + 1.0 + 0.6 + 0.5)
    assert abs(r.fte_assigned - r.fte_imported) < 1e-9
    j = r.to_json()
    for key in ("rows_read", "rows_imported", "rows_merged", "rows_rejected", "fte_imported"):
        assert key in j
    ints = j["ints"]
    assert isinstance(ints, list)
    assert {i["int"] for i in ints} == {"INT-A", "INT-B"}


def test_registers_merge_by_employer_by_default_replace_or_append_on_request(
    tiny: Scenario, registers: list[Path]
) -> None:
    merged = run_mapping(tiny, registers).scenario  # employers the scenario does not have
    assert merged.staff[: len(tiny.staff)] == tiny.staff
    assert len(merged.staff) == len(tiny.staff) + 6
    replaced = run_mapping(tiny, registers, MappingOptions(replace=True)).scenario
    assert len(replaced.staff) == 6
    appended = run_mapping(tiny, registers, MappingOptions(append=True)).scenario
    assert len(appended.staff) == len(tiny.staff) + 6
    assert appended.staff[: len(tiny.staff)] == tiny.staff
    # everything but the staff is untouched
    assert replace(replaced, staff=tiny.staff) == tiny


def test_mapping_file_overrides_rules_and_teaches_titles(
    tiny: Scenario, registers: list[Path], tmp_path: Path
) -> None:
    mapping = _xlsx(
        tmp_path / "map.xlsx",
        {
            "Assignments": [["staff", "int", "fte"], ["2003", "INT-B", None]],
            "Titles": [["title", "role"], ["Practise Nurse", "PN"]],
        },
    )
    r = run_mapping(tiny, registers, MappingOptions(mapping_path=mapping))
    by_id = {s.id: s for s in r.imported}
    assert [(a.int_code, a.rule) for a in by_id["2003"].assignments] == [("INT-B", "manual")]
    assert "1004" in by_id and len(r.rejected) == 1


def test_pseudonymise_removes_names(tiny: Scenario, registers: list[Path]) -> None:
    r = run_mapping(tiny, registers, MappingOptions(pseudonymise_key="k"))
    assert all(s.name.startswith("Staff-") for s in r.scenario.staff)
    assert "Ann Able" not in repr(r.scenario.staff)


def test_progress_and_cancel(tiny: Scenario, registers: list[Path]) -> None:
    seen: list[float] = []
    run_mapping(tiny, registers, progress=lambda f, _m: seen.append(f))
    assert seen[-1] == 1.0 and seen == sorted(seen)
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        run_mapping(tiny, registers, cancel=stop)


def test_remap_reproduces_the_rules(tiny: Scenario) -> None:
    again = remap(tiny)
    for old, new in zip(tiny.staff, again.staff, strict=True):
        assert [a.int_code for a in old.assignments] == [a.int_code for a in new.assignments]
        assert sum(a.fte for a in new.assignments) == pytest.approx(new.fte, abs=1e-9)
    assert len(remap_staff(tiny, tiny.ints[:1])) == len(tiny.staff)


def test_round_trip_through_the_workbook_keeps_assignments(
    tiny: Scenario, registers: list[Path], tmp_path: Path
) -> None:
    workbook = pytest.importorskip("intplan.io.workbook")
    r = run_mapping(tiny, registers)
    out = tmp_path / "mapped.xlsx"
    workbook.write_scenario(r.scenario, out)
    back = workbook.read_scenario(out)
    assert back.staff == r.scenario.staff


def test_report_sheet_is_a_result_sheet_and_inputs_survive(
    tiny: Scenario, registers: list[Path], tmp_path: Path
) -> None:
    from intplan.io import results as io_results

    if getattr(io_results, "write_results", None) is None:
        pytest.skip("intplan.io.results.write_results is not available yet")
    from intplan.services.files import load_scenario, save_scenario
    from intplan.services.mapping import REPORT_SHEET, write_report_sheet

    r = run_mapping(tiny, registers)
    out = tmp_path / "mapped.xlsx"
    save_scenario(r.scenario, out)
    write_report_sheet(r, out)
    wb = openpyxl.load_workbook(out, read_only=True)
    cells = [c for row in wb[REPORT_SHEET].iter_rows(values_only=True) for c in row]
    wb.close()
    assert "INT-A" in cells and "Register rows not imported" in cells
    assert load_scenario(out).staff == r.scenario.staff
