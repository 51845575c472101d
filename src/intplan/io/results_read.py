"""Read back the tables that runs wrote into result sheets (see :mod:`intplan.io.results`).

The writer stacks tables on a sheet: a bold title, an optional note, a header row, the
rows (or "(no rows)"), then a gap of blank rows. Charts hold no cells. A reader asks for
a table by the headers it needs: the first row of the sheet that holds all of them is
the header row, and the rows below it up to the next blank row are the table. That is
exact for every writer in intplan and keeps working when a writer adds columns.

Anything wrong (a missing sheet or column, text where a number belongs) is a
:class:`~intplan.io.errors.WorkbookError` naming the file, sheet, row and column.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intplan.io._open import damaged, open_workbook
from intplan.io._parts import DamagedXlsxError
from intplan.io._xlsx_read import ErrorValue, FormulaValue
from intplan.io.errors import Issue, UnreadableFileError, WorkbookError
from intplan.io.results import is_result_sheet

NO_ROWS = "(no rows)"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadTable:
    """One table of a result sheet: its headers and rows (with their sheet row numbers)."""

    file: str
    sheet: str
    title: str
    header_row: int
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[Any, ...]], ...]  # (1-based row, values by header)

    def records(self) -> list[tuple[int, dict[str, Any]]]:
        """Each row as (row number, {header: value})."""
        return [(n, dict(zip(self.headers, values, strict=True))) for n, values in self.rows]

    def issue(self, row: int | None, column: str | None, message: str) -> Issue:
        return Issue(file=self.file, sheet=self.sheet, row=row, column=column, message=message)


class ResultSheets:
    """The result sheets of one workbook, read once (values only)."""

    def __init__(self, file: str, sheets: dict[str, list[tuple[int, list[Any]]]]) -> None:
        self.file = file
        self._sheets = sheets

    @property
    def names(self) -> list[str]:
        return list(self._sheets)

    def has(self, sheet: str) -> bool:
        return sheet in self._sheets

    def find(self, sheet: str, required: Sequence[str]) -> ReadTable | None:
        """The first table on ``sheet`` whose header row holds every ``required`` name."""
        rows = self._sheets.get(sheet)
        if rows is None:
            return None
        wanted = set(required)
        for i, (_, values) in enumerate(rows):
            cells = [v for v in values if v is not None]
            if not wanted <= {c for c in cells if isinstance(c, str)}:
                continue
            return self._table(sheet, rows, i)
        return None

    def table(self, sheet: str, required: Sequence[str]) -> ReadTable:
        """Like :meth:`find`, but a missing sheet or table is a WorkbookError."""
        found = self.find(sheet, required)
        if found is not None:
            return found
        if not self.has(sheet):
            message = "the result sheet is missing"
        else:
            message = f"no table with the columns {', '.join(required)}; was it edited?"
        raise WorkbookError(
            [Issue(file=self.file, sheet=sheet, row=None, column=None, message=message)]
        )

    def _table(self, sheet: str, rows: list[tuple[int, list[Any]]], at: int) -> ReadTable:
        header_number, header_values = rows[at]
        # trailing blank header cells (a wider table above) are not columns
        while header_values and header_values[-1] is None:
            header_values = header_values[:-1]
        headers = tuple("" if h is None else str(h) for h in header_values)
        title = ""
        if at > 0 and rows[at - 1][0] >= header_number - 2:
            # the title is the first row of the block: one or two rows above the headers
            block_start = at - 1
            if block_start > 0 and rows[block_start - 1][0] == rows[block_start][0] - 1:
                block_start -= 1
            first = rows[block_start][1]
            title = str(first[0]) if first and first[0] is not None else ""
        body: list[tuple[int, tuple[Any, ...]]] = []
        expected = header_number + 1
        for number, values in rows[at + 1 :]:
            if number != expected:
                break  # a blank row ends the table
            expected += 1
            if values and values[0] == NO_ROWS and len(values) == 1:
                break
            cells = [_plain(v) for v in values[: len(headers)]]
            cells += [None] * (len(headers) - len(cells))
            body.append((number, tuple(cells)))
        return ReadTable(
            file=self.file,
            sheet=sheet,
            title=title,
            header_row=header_number,
            headers=headers,
            rows=tuple(body),
        )


def _plain(value: Any) -> Any:
    if isinstance(value, ErrorValue):
        return None  # #N/A and the like: no value
    if isinstance(value, FormulaValue):
        return None  # a formula Excel never calculated: no value
    return value


def read_result_sheets(path: str | Path) -> ResultSheets:
    """Every result sheet of the workbook at ``path`` (input sheets are not read)."""
    target = Path(path)
    reader = open_workbook(target)
    try:
        sheets = {name: reader.rows(name) for name in reader.sheet_names if is_result_sheet(name)}
    except DamagedXlsxError as e:
        raise damaged(str(path), e) from e
    except OSError as e:
        raise UnreadableFileError(str(path), f"cannot be read: {e.strerror or e}") from e
    finally:
        reader.close()
    return ResultSheets(str(path), sheets)


def number(table: ReadTable, row: int, column: str, value: Any) -> float:
    """A cell that must hold a number (blank: NaN, as the writer leaves non-finite values)."""
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WorkbookError([table.issue(row, column, f"expected a number, found {value!r}")])
    return float(value)
