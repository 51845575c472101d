"""Read and write the scenario workbook (layout in :mod:`intplan.io.schema`).

``write_scenario`` writes every input sheet as an Excel Table with a frozen header,
widths, number formats and drop-down validations, plus the user's extra sheets and
columns, atomically. ``read_scenario`` reads it back, collecting *every* problem as an
:class:`~intplan.io.errors.Issue` (sheet, row, column, message) before raising one
:class:`~intplan.io.errors.WorkbookError`; files that are not workbooks at all raise
:class:`~intplan.io.errors.UnreadableFileError`. Result sheets (see
:func:`intplan.io.results.is_result_sheet`) are not inputs and are ignored.

The work is done by one module per job: :mod:`~intplan.io.workbook_write` (writing),
:mod:`~intplan.io.workbook_read` (opening the file, sorting its sheets),
:mod:`~intplan.io.workbook_tables` and :mod:`~intplan.io.table_rows` (headers and
cells), :mod:`~intplan.io.workbook_keyed` (About and Settings),
:mod:`~intplan.io.workbook_assemble` (the Scenario) and
:mod:`~intplan.io.workbook_problems` (the Scenario's problems back to cells).
"""

from __future__ import annotations

from intplan.io.workbook_keyed import is_illustrative
from intplan.io.workbook_read import read_scenario
from intplan.io.workbook_write import previous_created as _previous_created
from intplan.io.workbook_write import scenario_sheets, write_scenario

__all__ = [
    "_previous_created",
    "is_illustrative",
    "read_scenario",
    "scenario_sheets",
    "write_scenario",
]
