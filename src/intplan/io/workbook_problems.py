"""A Scenario's own problems (cross-table checks) mapped back to workbook cells.

A problem names a table, a key and a domain field; this finds the rows and the column,
adds a "did you mean" hint for unknown codes, and drops problems about a code whose
own row could not be read (that row's problem is already listed).
"""

from __future__ import annotations

from typing import Any

from intplan.domain import Problem
from intplan.io import schema as S
from intplan.io._convert import closest
from intplan.io.errors import Issue
from intplan.io.workbook_tables import ReadContext

#: how a problem names one row of a sheet ("unknown practice 'P9'")
SINGULAR = {"Practices": "practice", "INTs": "INT", "Teams": "team", "Staff": "staff id"}


def map_problem(ctx: ReadContext, p: Problem) -> list[Issue]:
    """The cells a Scenario problem is about (none when it repeats one already listed)."""
    out: list[Issue] = []

    def add(sheet: str, row: int | None, column: str | None, message: str) -> None:
        out.append(Issue(file=ctx.file, sheet=sheet, row=row, column=column, message=message))

    def suppressed(column: S.Column | None, value: Any) -> bool:
        if column is None or value is None:
            return False
        targets = (
            ("Practices", "PCNs", "Teams")
            if column.header == "base"
            else (column.codes_from,)
            if column.codes_from
            else ()
        )
        return any(str(value) in ctx.failed.get(t, set()) for t in targets)

    def hint(column: S.Column | None, value: Any) -> str:
        if column is None or not column.codes_from or value is None:
            return ""
        near = closest(str(value), ctx.known.get(column.codes_from, set()))
        return f"; did you mean {near!r}?" if near else ""

    def link_rows(sheet: str, owner_h: str, owner: str, member_h: str, known: str) -> None:
        table = ctx.tables[sheet]
        spec = table.spec
        for row in table.rows:
            if row.values.get(owner_h) != owner:
                continue
            member = row.values.get(member_h)
            if member is None or member in ctx.known.get(known, set()):
                continue
            col = spec.column(member_h)
            if not suppressed(col, member):
                what = SINGULAR.get(known, known)
                add(sheet, row.number, member_h, f"unknown {what} {member!r}{hint(col, member)}")

    if p.table == "INTs" and p.field == "practices":
        link_rows("INTPractices", "int", p.key, "practice", "Practices")
        return out
    if p.table == "Teams" and p.field == "practices":
        link_rows("TeamPractices", "team", p.key, "practice", "Practices")
        return out
    if p.table == "Assignments":
        link_rows("Assignments", "staff_id", p.key, "int", "INTs")
        return out
    if p.table == "Practices" and p.field == "code" and "INT" in p.message:
        memberships = [
            r for r in ctx.tables["INTPractices"].rows if r.values.get("practice") == p.key
        ]
        if len(memberships) > 1:
            for r in memberships[1:]:
                add("INTPractices", r.number, "practice", p.message)
            return out
        if memberships:
            return out  # its INT row could not be read; that problem is already listed
        rows = ctx.rows_by_key.get("Practices", {}).get(p.key, [None])
        add(
            "Practices",
            rows[0],
            "code",
            "the practice is in no INT; add a row for it to the INTPractices sheet",
        )
        return out
    if p.table == "Settings":
        rows = ctx.rows_by_key.get("Settings", {}).get(p.key, [None])
        add("Settings", rows[0], "value", f"{p.key}: {p.message}")
        return out
    spec = S.SHEET_BY_NAME.get(p.table)
    if spec is None:
        add(p.table, None, None, str(p))
        return out
    table = ctx.tables.get(spec.name)
    rows = ctx.rows_by_key.get(spec.name, {}).get(p.key, [])
    if not rows and table is not None:
        # Table-level keys (e.g. Referrals by from_activity) match a row's first key column.
        rows = [r.number for r in table.rows if str(r.values.get(spec.key[0])) == p.key][:1]
    column = spec.column_for_field(p.field) if p.field else None
    if "appears" in p.message and len(rows) > 1:
        rows = rows[1:]
    by_number = {r.number: r for r in table.rows} if table else {}
    numbers: list[int | None] = list(rows) or [None]
    for n in numbers:
        row = by_number.get(n) if n is not None else None
        value = row.values.get(column.header) if row and column else None
        if suppressed(column, value):
            continue
        extra = hint(column, value) if p.message.startswith("unknown") else ""
        add(spec.name, n, column.header if column else None, p.message + extra)
    return out


def sorted_issues(issues: list[Issue]) -> list[Issue]:
    """Issues in workbook order: by sheet, then row."""
    order = {s.name: i for i, s in enumerate(S.SHEETS)}
    return sorted(
        issues,
        key=lambda i: (order.get(i.sheet or "", -1), i.row if i.row is not None else 0),
    )
