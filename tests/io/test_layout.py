"""What a person sees in Excel: tables, frozen headers, formats, drop-downs, About."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from intplan.domain import Scenario
from intplan.io.schema import ILLUSTRATIVE_LABEL, SCHEMA_VERSION, SHEETS
from intplan.io.workbook import write_scenario


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from intplan.examples import build_tiny

    path = tmp_path_factory.mktemp("layout") / "tiny.xlsx"
    write_scenario(build_tiny(), path)
    return openpyxl.load_workbook(path)


def test_every_input_sheet_is_a_table_with_a_frozen_header(book: Any) -> None:
    assert book.sheetnames == [s.name for s in SHEETS]
    names = set()
    for spec in SHEETS:
        ws = book[spec.name]
        assert [c.value for c in ws[1]] == list(spec.headers)
        (table,) = ws.tables.values()
        assert table.displayName == spec.table_name
        assert table.ref.startswith("A1:")
        assert [c.name for c in table.tableColumns] == list(spec.headers)
        names.add(table.displayName.lower())
        assert ws.freeze_panes == "A2"
        assert ws.column_dimensions["A"].width == spec.columns[0].width
    assert len(names) == len(SHEETS)


def test_number_formats_and_drop_downs(book: Any) -> None:
    staff = book["Staff"]
    assert staff["G2"].number_format == "0.00"  # fte
    rules = {str(dv.sqref).split(":")[0]: dv for dv in staff.data_validations.dataValidation}
    assert rules["C2"].type == "list" and rules["C2"].formula1.startswith("'Roles'!$A$2:")
    assert rules["E2"].formula1 == '"practice,pcn,team"'  # base_kind
    assert rules["H2"].formula1 == '"yes,no"'  # vacant
    assert rules["I2"].formula1.startswith("'Rotas'!$A$2:")
    practices = book["INTPractices"]
    refs = sorted(dv.formula1 for dv in practices.data_validations.dataValidation)
    assert refs[0].startswith("'INTs'!$A$2:") and refs[1].startswith("'Practices'!$A$2:")


def test_about_sheet(book: Any) -> None:
    about = {row[0]: row[1] for row in book["About"].iter_rows(min_row=2, values_only=True)}
    assert about["schema_version"] == SCHEMA_VERSION
    assert about["name"] == "Tiny (illustrative)"
    assert about["label"] == ILLUSTRATIVE_LABEL
    assert about["app_version"] and about["created"] and about["modified"]


def test_no_label_for_a_real_scenario(tiny: Scenario, tmp_path: Path) -> None:
    path = tmp_path / "real.xlsx"
    write_scenario(dataclasses.replace(tiny, name="Real", notes="from the register"), path)
    about = {
        row[0]: row[1]
        for row in openpyxl.load_workbook(path)["About"].iter_rows(min_row=2, values_only=True)
    }
    assert about["label"] is None
