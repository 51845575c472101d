"""Tolerant header matching for staff registers: aliases, normalising, header-row search."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: the fields a register row can carry; ``role`` and ``fte`` (or ``hours``) are required
FIELDS: tuple[str, ...] = (
    "staff_number",
    "name",
    "first_name",
    "last_name",
    "role",
    "fte",
    "hours",
    "employer",
    "base",
    "base_kind",
    "int",
    "vacant",
    # ESR staff-list columns (docs/mapping.md, "ESR exports")
    "assignment_number",
    "position_title",
    "occupation_code",
    "assignment_category",
    "area_of_work",
    "cost_centre",
    "staff_group",
    "pay_band",
)

#: how many rows from the top are searched for the header row
HEADER_SCAN_ROWS = 20

_ALIASES: dict[str, tuple[str, ...]] = {
    "staff_number": (
        "staff number",
        "staff no",
        "staff id",
        "staff ref",
        "esr number",
        "employee number",
        "employee no",
        "employee id",
        "emp no",
        "emp number",
        "esr employee number",
        "payroll number",
        "payroll no",
        "person id",
        "person number",
        "pers ref",
        "id",
        "ref",
    ),
    "name": (
        "name",
        "employee name",
        "staff name",
        "full name",
        "employee",
        "person",
        "person name",
        "member of staff",
    ),
    "first_name": ("first name", "forename", "forenames", "given name"),
    "last_name": ("last name", "surname", "family name"),
    "role": (
        "role",
        "job title",
        "job role",
        "esr job role",
        "role title",
        "staff role",
        "position",
        "post",
        "post title",
        "title",
        "occupation",
        "designation",
        "job",
    ),
    "fte": (
        "fte",
        "wte",
        "whole time equivalent",
        "full time equivalent",
        "contracted fte",
        "contracted wte",
        "fte contracted",
        "wte contracted",
        "assignment wte",
        "assignment fte",
        "contracted fte wte",
    ),
    "hours": (
        "hours",
        "contracted hours",
        "hours per week",
        "weekly hours",
        "hours a week",
        "contract hours",
        "contracted hours per week",
        "assignment hours",
    ),
    "employer": (
        "employer",
        "employing organisation",
        "employing organization",
        "organisation",
        "organization",
        "org",
        "employer name",
        "provider",
    ),
    "base_kind": ("base type", "base kind"),
    "int": (
        "int",
        "int code",
        "assigned int",
        "neighbourhood",
        "neighbourhood team",
        "integrated neighbourhood team",
    ),
    "vacant": ("vacant", "vacancy", "post status", "status"),
    "assignment_number": (
        "assignment number",
        "assignment no",
        "esr assignment number",
        "assignment",
        "assignment id",
    ),
    "position_title": ("position title", "position name", "local job title"),
    "occupation_code": ("occupation code", "occ code", "occupation cd", "nhs occupation code"),
    "assignment_category": ("assignment category", "contract type", "employee category"),
    "area_of_work": ("area of work", "aow", "area of work description"),
    "cost_centre": (
        "cost centre",
        "cost center",
        "cost centre code",
        "cost center code",
        "cost centre description",
    ),
    "staff_group": ("staff group", "esr staff group"),
    "pay_band": ("pay band", "band", "afc band", "pay grade", "grade"),
}

#: base columns, each with the kind of base it names ("" = any)
_BASE_ALIASES: dict[str, str] = {
    "base": "",
    "base code": "",
    "site": "",
    "location": "",
    "practice": "practice",
    "practice code": "practice",
    "practice ods code": "practice",
    "ods code": "practice",
    "ods": "practice",
    "base practice": "practice",
    "gp practice": "practice",
    "pcn": "pcn",
    "pcn code": "pcn",
    "primary care network": "pcn",
    "team": "team",
    "team code": "team",
    "base team": "team",
}

#: alias -> (field, rank); a lower rank is a more specific name ("job title" beats "title")
_ALIAS_TO_FIELD: dict[str, tuple[str, int]] = {
    a: (f, rank) for f, aliases in _ALIASES.items() for rank, a in enumerate(aliases)
}
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def normalise_header(text: object) -> str:
    """Lower case, punctuation and spacing folded: ``' Job-Title '`` -> ``'job title'``."""
    if text is None:
        return ""
    s = str(text).strip().lower().replace("&", " and ").replace(".", "").replace("'", "")
    return _NON_ALNUM.sub(" ", s).strip()


def _alias(text: object) -> tuple[str, str, int] | None:
    """(field, base kind hint, rank) for a header cell, or None."""
    for candidate in (normalise_header(text), normalise_header(_PARENS.sub(" ", str(text or "")))):
        if not candidate:
            continue
        if candidate in _BASE_ALIASES:
            return "base", _BASE_ALIASES[candidate], 0
        if candidate in _ALIAS_TO_FIELD:
            field, rank = _ALIAS_TO_FIELD[candidate]
            return field, "", rank
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Column:
    """One register column the reader uses."""

    index: int  # 0-based
    header: str  # as the user wrote it
    field: str
    kind_hint: str = ""  # for base columns: practice, pcn, team or ""


@dataclass(frozen=True, slots=True, kw_only=True)
class HeaderMatch:
    row_index: int  # 0-based index in the grid
    columns: tuple[Column, ...]
    ignored: tuple[str, ...]  # headers that matched no field

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(c.field for c in self.columns)

    @property
    def usable(self) -> bool:
        f = self.fields
        names_role = bool(f & {"role", "position_title", "occupation_code"})
        return names_role and ("fte" in f or "hours" in f)

    @property
    def score(self) -> int:
        return len(self.fields) + (10 if self.usable else 0)


def match_row(
    cells: Sequence[object], row_index: int, explicit: Mapping[str, str] | None = None
) -> HeaderMatch:
    """Match one row's cells against the aliases (explicit ``field -> header`` first)."""
    by_header = {normalise_header(h): f for f, h in (explicit or {}).items()}
    columns: list[Column] = []
    ranks: dict[int, int] = {}  # column index -> alias rank
    ignored: list[str] = []
    taken: set[str] = set()
    for i, cell in enumerate(cells):
        if cell is None or not str(cell).strip():
            continue
        header = str(cell).strip()
        norm = normalise_header(header)
        if norm in by_header:
            field = by_header[norm]
            hint = _BASE_ALIASES.get(norm, "") if field == "base" else ""
            columns.append(Column(index=i, header=header, field=field, kind_hint=hint))
            taken.add(field)
            continue
        found = _alias(header)
        if found is None:
            ignored.append(header)
            continue
        field, hint, ranks[i] = found
        columns.append(Column(index=i, header=header, field=field, kind_hint=hint))
    # an explicit mapping wins over an alias for the same field; several base columns are
    # allowed (a row uses the first that is filled); other fields keep the column with the
    # most specific name ("Job Title" over "Title"), then the first
    kept: list[Column] = []
    explicit_headers = set(by_header)
    best: dict[str, Column] = {}
    for c in columns:
        is_explicit = normalise_header(c.header) in explicit_headers
        if c.field in taken and not is_explicit:
            ignored.append(c.header)
            continue
        if c.field == "base" or is_explicit:
            kept.append(c)
            continue
        other = best.get(c.field)
        if other is None or ranks[c.index] < ranks[other.index]:
            if other is not None:
                ignored.append(other.header)
            best[c.field] = c
        else:
            ignored.append(c.header)
    kept.extend(best.values())
    kept.sort(
        key=lambda c: (
            c.field != "base" or normalise_header(c.header) not in explicit_headers,
            c.index,
        )
    )
    return HeaderMatch(row_index=row_index, columns=tuple(kept), ignored=tuple(ignored))


def find_header(
    grid: Sequence[Sequence[object]], explicit: Mapping[str, str] | None = None
) -> HeaderMatch | None:
    """The best-matching header row among the first rows; None if none is usable."""
    best: HeaderMatch | None = None
    for i, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        m = match_row(row, i, explicit)
        if best is None or m.score > best.score:
            best = m
    return best if best is not None and best.usable else None
