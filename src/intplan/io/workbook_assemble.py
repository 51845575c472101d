"""Typed tables to a Scenario: each sheet's rows built by its declaration, the links
between sheets (an INT's practices, a person's INT shares) joined and checked here.

Rows that failed are remembered by code so a reference to them is not reported again;
the Scenario's own cross-table checks are mapped back to cells by
:mod:`intplan.io.workbook_problems`.
"""

from __future__ import annotations

from typing import Any

from intplan.domain import (
    Assignment,
    DomainError,
    ExtraColumn,
    ExtraSheet,
    Scenario,
    ScenarioError,
)
from intplan.io import schema as S
from intplan.io._convert import closest
from intplan.io.errors import WorkbookError
from intplan.io.table_rows import Row
from intplan.io.workbook_keyed import read_about, read_settings
from intplan.io.workbook_problems import SINGULAR, map_problem, sorted_issues
from intplan.io.workbook_tables import ReadContext, row_key

#: sheets whose objects take attributes from a link sheet (built below, after the links)
_JOINED = ("INTs", "Teams", "Staff")
#: owner sheet -> (its link sheet, the link sheet's owner and member columns, attribute)
_LINKED = {
    "INTs": ("INTPractices", "int", "practice", "practices"),
    "Teams": ("TeamPractices", "team", "practice", "practices"),
}


def assemble(ctx: ReadContext, extra_sheets: tuple[ExtraSheet, ...]) -> Scenario:
    """The Scenario of the tables in ``ctx``; raise one WorkbookError listing every
    problem (those found while reading, and the Scenario's own checks)."""
    name, notes = read_about(ctx)
    settings = read_settings(ctx)
    parts = {
        spec.scenario_field: tuple(_build(ctx, spec.name))
        for spec in S.SHEETS
        if spec.scenario_field and spec.name not in _JOINED
    }
    parts["ints"] = tuple(_build_linked(ctx, "INTs"))
    parts["teams"] = tuple(_build_linked(ctx, "Teams"))
    parts["staff"] = tuple(_build_staff(ctx))
    scenario: Scenario | None = None
    if ctx.complete:
        try:
            scenario = Scenario(
                name=name or "unnamed",
                notes=notes,
                settings=settings,
                extra_sheets=extra_sheets,
                extra_columns=extra_columns(ctx),
                **parts,
            )
        except ScenarioError as e:
            for p in e.problems:
                ctx.issues.extend(map_problem(ctx, p))
    if ctx.issues or scenario is None:
        raise WorkbookError(sorted_issues(ctx.issues))
    return scenario


def _build(ctx: ReadContext, sheet: str, **links: dict[str, Any]) -> list[Any]:
    """Domain objects of one sheet's readable rows; failed rows' codes are remembered.

    ``links`` maps an attribute (an INT's practices) to owner code -> its value.
    """
    table = ctx.tables.get(sheet)
    if table is None:
        return []
    spec = table.spec
    out = []
    failed = ctx.failed.setdefault(sheet, set())
    known = ctx.known.setdefault(sheet, set())
    key_header = spec.key[0]
    for row in table.rows:
        obj = None
        if row.ok:
            owner = str(row.values.get(key_header))
            try:
                obj = spec.build(row.values, **{k: v.get(owner, ()) for k, v in links.items()})
            except DomainError as e:
                _domain_error(ctx, spec, row, e)
        if obj is None:
            code = row.values.get(key_header)
            if code is not None:
                failed.add(str(code))
            continue
        code = str(row.values[key_header])
        # the domain's own key (Adjacency: the sorted pair), as the Scenario's problems name it
        ctx.remember(sheet, obj.key if len(spec.key) > 1 else code, row.number)
        known.add(code)
        out.append(obj)
    return out


def _build_linked(ctx: ReadContext, sheet: str) -> list[Any]:
    """INTs or Teams, each with the practices its link sheet lists (orphans reported)."""
    link_sheet, owner_header, member_header, attribute = _LINKED[sheet]
    members = _links(ctx, link_sheet, owner_header, member_header)
    built = _build(
        ctx,
        sheet,
        **{attribute: {k: tuple(m for m, _ in v) for k, v in members.items()}},
    )
    _orphans(ctx, link_sheet, owner_header, members, sheet)
    return built


def _build_staff(ctx: ReadContext) -> list[Any]:
    """People, each with the INT shares the Assignments sheet lists (orphans reported)."""
    assignments = _assignments(ctx)
    built = _build(
        ctx,
        "Staff",
        assignments={k: tuple(a for a, _ in v) for k, v in assignments.items()},
    )
    _orphans(ctx, "Assignments", "staff_id", assignments, "Staff")
    return built


def _domain_error(ctx: ReadContext, spec: S.SheetSpec, row: Row, e: DomainError) -> None:
    col = spec.column_for_field(e.field)
    message = e.message
    if e.field == "practices" and spec.name == "INTs":
        message = "the INT has no practices; add rows for it to the INTPractices sheet"
    elif e.field == "practices" and spec.name == "Teams":
        message = "the team covers no practices; add rows for it to the TeamPractices sheet"
    elif e.field == "assignments":
        message = f"{e.message} (see the Assignments sheet)"
    ctx.issue(spec.name, row.number, col.header if col else None, message)
    row.ok = False


def _links(
    ctx: ReadContext, sheet: str, owner_header: str, member_header: str
) -> dict[str, list[tuple[str, int]]]:
    """Owner code -> [(member code, row)] from a link sheet, with duplicates reported."""
    table = ctx.tables.get(sheet)
    out: dict[str, list[tuple[str, int]]] = {}
    if table is None:
        return out
    seen: set[tuple[str, str]] = set()
    for row in table.rows:
        if not row.ok:
            continue
        owner, member = row.values[owner_header], row.values[member_header]
        if (owner, member) in seen:
            ctx.issue(sheet, row.number, member_header, f"{member!r} is listed twice for {owner!r}")
            continue
        seen.add((owner, member))
        out.setdefault(owner, []).append((member, row.number))
    return out


def _assignments(ctx: ReadContext) -> dict[str, list[tuple[Assignment, int]]]:
    table = ctx.tables.get("Assignments")
    out: dict[str, list[tuple[Assignment, int]]] = {}
    if table is None:
        return out
    seen: set[tuple[str, str]] = set()
    for row in table.rows:
        if not row.ok:
            continue
        v = row.values
        if (v["staff_id"], v["int"]) in seen:
            ctx.issue(
                "Assignments",
                row.number,
                "int",
                f"{v['int']!r} is listed twice for {v['staff_id']!r}; merge the rows",
            )
            continue
        try:
            a = table.spec.build(v)
        except DomainError as e:
            _domain_error(ctx, table.spec, row, e)
            continue
        seen.add((v["staff_id"], v["int"]))
        out.setdefault(v["staff_id"], []).append((a, row.number))
        ctx.remember("Assignments", f"{v['staff_id']}/{v['int']}", row.number)
    return out


def _orphans(
    ctx: ReadContext, sheet: str, header: str, links: dict[str, list[Any]], owner_sheet: str
) -> None:
    """Link rows whose owner code is not on the owner sheet."""
    known = ctx.known.get(owner_sheet, set())
    failed = ctx.failed.get(owner_sheet, set())
    for owner, members in links.items():
        if owner in known or owner in failed:
            continue
        near = closest(owner, known)
        did = f"; did you mean {near!r}?" if near else ""
        for _, number in members:
            ctx.issue(
                sheet,
                number,
                header,
                f"unknown {SINGULAR.get(owner_sheet, owner_sheet)} {owner!r}{did}",
            )


def extra_columns(ctx: ReadContext) -> tuple[ExtraColumn, ...]:
    """The user's own columns on the input sheets, kept by each row's key."""
    out = []
    for spec in S.SHEETS:
        table = ctx.tables.get(spec.name)
        if table is None:
            continue
        for header in table.extra_headers:
            values = tuple(
                (row_key(spec, r.values), r.extras[header])
                for r in table.rows
                if r.extras.get(header) is not None
            )
            out.append(ExtraColumn(sheet=spec.name, header=header, values=values))
    return tuple(out)
