"""A table's cells to typed rows, by its sheet declaration: the one generic reader.

Used for workbook sheets (:mod:`intplan.io.workbook_tables`) and the reference CSVs
(:mod:`intplan.io.reference`): each cell goes through its column's codec
(:func:`intplan.io._convert.convert`, numbers through :func:`intplan.io.cellnum.parse_number`)
and its plausible range; every problem is reported, not just the first of a row.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from intplan.io import schema as S
from intplan.io._convert import FAST_TYPES, YES_NO_WORDS, convert, limit_problem
from intplan.io.cell_values import ErrorValue, FormulaValue

#: (spreadsheet row, header, message): where a problem goes
Report = Callable[[int, str, str], None]


@dataclass(slots=True)
class Row:
    number: int  # spreadsheet row, 1-based
    values: dict[str, Any]  # header -> converted value (None when blank)
    extras: dict[str, Any]  # extra column header -> value as found
    ok: bool = True


def typed_rows(
    spec: S.SheetSpec,
    col_of: Mapping[str, int],
    data: Iterable[tuple[int, Sequence[Any]]],
    report: Report,
    extra_columns: Mapping[str, int] | None = None,
) -> list[Row]:
    """Rows of ``data`` ((row number, cells)) typed by ``spec``; fully blank rows are
    skipped. ``col_of`` is where each header's cells are (a missing optional column:
    absent); ``extra_columns`` are kept as they are, by header."""
    plan = [
        (c, c.header, col_of.get(c.header, -1), FAST_TYPES.get(c.kind, ()), c.limit)
        for c in spec.columns
    ]
    extras = extra_columns or {}
    out: list[Row] = []
    v: Any
    for number, values in data:
        if all(v is None or (type(v) is str and not v.strip()) for v in values):
            continue  # a blank row inside a table
        row = Row(number=number, values={}, extras={})
        got = row.values
        n = len(values)
        for col, header, ci, fast, limit in plan:
            v = values[ci] if 0 <= ci < n else None
            tv = type(v)
            if tv in fast:
                # The common case: the cell already holds the right type.
                if tv is str:
                    stripped = v.strip()
                    if stripped:
                        got[header] = stripped if col.kind is S.Kind.CODE else v
                        continue
                elif (tv is int or math.isfinite(v)) and (
                    limit is None or limit.low <= v <= limit.high
                ):
                    got[header] = v
                    continue
            elif col.kind is S.Kind.YES_NO and tv is str and v in YES_NO_WORDS:
                got[header] = YES_NO_WORDS[v]
                continue
            if v is None or (tv is str and not v.strip()):
                got[header] = None
                if col.required:
                    report(number, header, f"is blank; a value is required ({col.description})")
                    row.ok = False
                continue
            value, problem = convert(col, v)
            problem = problem or limit_problem(col, value)
            if problem:
                report(number, header, problem)
                row.ok = False
            got[header] = value
        for name, i in extras.items():
            v = values[i] if i < n else None
            if isinstance(v, ErrorValue):
                v = v.code
            elif isinstance(v, FormulaValue):
                v = v.formula
            row.extras[name] = v
        out.append(row)
    return out
