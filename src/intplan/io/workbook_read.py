"""Read a scenario workbook: open it, sort its sheets (inputs, the user's own sheets,
result sheets), read the input tables and assemble the Scenario.

A file that is not a workbook at all raises UnreadableFileError; every problem inside
one is collected and raised as one WorkbookError (see :mod:`intplan.io.workbook_assemble`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from intplan.domain import ExtraSheet, Scenario
from intplan.io import schema as S
from intplan.io._open import damaged, open_workbook
from intplan.io._parts import DamagedXlsxError
from intplan.io._xlsx import ErrorValue, FormulaValue, XlsxReader
from intplan.io.errors import UnreadableFileError
from intplan.io.results import is_result_sheet
from intplan.io.workbook_assemble import assemble
from intplan.io.workbook_tables import ReadContext, read_table

PathLike = str | os.PathLike[str]


def read_scenario(path: PathLike) -> Scenario:
    """Read a scenario workbook; raise one WorkbookError listing every problem found.

    A file that cannot be read as a workbook at all (missing, not a zip, a damaged zip
    entry or XML part, a cell pointing at nothing) raises UnreadableFileError.
    """
    target = Path(path)
    ctx = ReadContext(file=str(path))
    reader = open_workbook(target)
    try:
        for spec in S.SHEETS:
            read_table(ctx, reader, spec)
        extra_names = [
            n for n in reader.sheet_names if n not in S.SHEET_BY_NAME and not is_result_sheet(n)
        ]
        extra_sheets = tuple(_extra_sheet(reader, n) for n in extra_names)
    except DamagedXlsxError as e:
        raise damaged(str(path), e) from e
    except OSError as e:
        raise UnreadableFileError(str(path), f"cannot be read: {e.strerror or e}") from e
    finally:
        reader.close()
    return assemble(ctx, extra_sheets)


def _extra_sheet(reader: XlsxReader, name: str) -> ExtraSheet:
    """A user's own sheet, kept as found: values, formulas as text, error codes."""
    rows = reader.rows(name, formulas=True)
    last = rows[-1][0] if rows else 0
    by_number = dict(rows)
    out: list[tuple[Any, ...]] = []
    for n in range(1, last + 1):
        values = [
            v.code if isinstance(v, ErrorValue) else v.formula if isinstance(v, FormulaValue) else v
            for v in by_number.get(n, [])
        ]
        while values and values[-1] is None:
            values.pop()
        out.append(tuple(values))
    return ExtraSheet(name=name, rows=tuple(out))
