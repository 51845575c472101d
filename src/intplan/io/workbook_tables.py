"""A scenario workbook's input sheets read as tables: headers matched, cells typed.

Headers are matched by name (case ignored), with a hint when a missing column looks
like a misspelt one; a value under no header, a missing sheet or a missing required
column makes the workbook incomplete (no Scenario is built, every problem is listed).
Cells are typed by :func:`intplan.io.table_rows.typed_rows`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

from intplan.io import schema as S
from intplan.io._convert import blank, closest
from intplan.io._xlsx import XlsxReader
from intplan.io.errors import Issue
from intplan.io.table_rows import Row, typed_rows


@dataclass(slots=True)
class Table:
    spec: S.SheetSpec
    rows: list[Row]
    extra_headers: list[str]


@dataclass(slots=True)
class ReadContext:
    """Everything read so far from one workbook, and every problem found."""

    file: str
    issues: list[Issue] = field(default_factory=list)
    complete: bool = True  # every sheet and required column is present
    tables: dict[str, Table] = field(default_factory=dict)
    #: sheet -> domain key -> spreadsheet rows holding it
    rows_by_key: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    #: sheet -> codes of rows that could not be read (references to them are not re-reported)
    failed: dict[str, set[str]] = field(default_factory=dict)
    known: dict[str, set[str]] = field(default_factory=dict)

    def issue(self, sheet: str | None, row: int | None, column: str | None, message: str) -> None:
        self.issues.append(
            Issue(file=self.file, sheet=sheet, row=row, column=column, message=message)
        )

    def remember(self, sheet: str, key: str, row: int) -> None:
        self.rows_by_key.setdefault(sheet, {}).setdefault(key, []).append(row)


def row_key(spec: S.SheetSpec, values: dict[str, Any]) -> str:
    """The key extra columns are kept by: the key columns' values joined by '/'."""
    return "/".join("" if (v := values.get(h)) is None else str(v) for h in spec.key)


def read_table(ctx: ReadContext, reader: XlsxReader, spec: S.SheetSpec) -> Table | None:
    """``spec``'s sheet as typed rows (kept in ``ctx.tables``), or None when its layout
    is broken (the problems are in ``ctx``)."""
    if spec.name not in reader.sheet_paths:
        hint = closest(spec.name, [n for n in reader.sheet_names if n not in S.SHEET_BY_NAME])
        did = f"; is {hint!r} meant to be it? Rename it to {spec.name!r}" if hint else ""
        ctx.issue(spec.name, None, None, f"sheet {spec.name!r} is missing{did}")
        ctx.complete = False
        return None
    rows = reader.rows(spec.name)
    if not rows or rows[0][0] != 1:
        ctx.issue(
            spec.name,
            1,
            None,
            f"row 1 must hold the column headers: {', '.join(spec.headers)}",
        )
        ctx.complete = False
        return None
    col_of, unknown = _match_headers(ctx, spec, rows[0][1])
    structural = _missing_columns(ctx, spec, col_of, unknown)
    data = rows[1:]
    structural = (
        _headless_values(ctx, spec, data, set(col_of.values()) | set(unknown.values()))
        or structural
    )
    if structural:
        ctx.complete = False
        return None

    def report(number: int, header: str, message: str) -> None:
        ctx.issue(spec.name, number, header, message)

    table = Table(
        spec=spec,
        rows=typed_rows(spec, col_of, data, report, unknown),
        extra_headers=list(unknown),
    )
    ctx.tables[spec.name] = table
    return table


def _match_headers(
    ctx: ReadContext, spec: S.SheetSpec, header_cells: list[Any]
) -> tuple[dict[str, int], dict[str, int]]:
    """(declared header -> cell index, unknown header -> cell index) of row 1."""
    col_of: dict[str, int] = {}
    unknown: dict[str, int] = {}
    expected_lower = {h.lower(): h for h in spec.headers}
    for i, h in enumerate(header_cells):
        if blank(h):
            continue
        name = str(h).strip()
        canonical = name if name in spec.headers else expected_lower.get(name.lower())
        if canonical is None:
            if name in unknown:
                ctx.issue(spec.name, 1, name, f"column {name!r} appears twice; rename one")
            unknown[name] = i
        elif canonical in col_of:
            ctx.issue(spec.name, 1, name, f"column {canonical!r} appears twice; delete one")
        else:
            col_of[canonical] = i
    return col_of, unknown


def _missing_columns(
    ctx: ReadContext, spec: S.SheetSpec, col_of: dict[str, int], unknown: dict[str, int]
) -> bool:
    """Report declared columns that are missing (a misspelt one: by its name); True when
    the sheet cannot be read. A misspelt header is taken out of ``unknown``."""
    structural = False
    for col in spec.columns:
        if col.header in col_of:
            continue
        hint = closest(col.header, unknown)
        if hint is not None:
            unknown.pop(hint)
            ctx.issue(
                spec.name,
                1,
                hint,
                f"column {hint!r} is not expected here; rename it to {col.header!r}",
            )
            structural = True
        elif col.required:
            ctx.issue(
                spec.name,
                1,
                None,
                f"required column {col.header!r} is missing ({col.description}); add it to row 1",
            )
            structural = True
    return structural


def _headless_values(
    ctx: ReadContext, spec: S.SheetSpec, data: list[tuple[int, list[Any]]], used: set[int]
) -> bool:
    """Report the first value of each row that sits under no header; True if any."""
    found = False
    for number, values in data:
        for i, cell in enumerate(values):
            if i not in used and not blank(cell):
                ctx.issue(
                    spec.name,
                    number,
                    get_column_letter(i + 1),
                    "a value in a column with no header; add a header in row 1 or clear it",
                )
                found = True
                break
    return found
