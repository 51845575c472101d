"""General Practice Workforce, practice-level detailed CSV -> FTE per practice per role.

Which column feeds which intplan role is the table ``resources/nhs_workforce_roles.csv``
(columns ``column,role,source``): a blank role means the column is deliberately not
imported (an aggregate that would double count, trainees, or a role intplan does not
model). FTE columns of the file that the table does not list are reported as unmapped.
``NA`` and ``ND`` (the file's "not available") count as missing, never as zero.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

from intplan.io.errors import Issue, WorkbookError
from intplan.io.nhs._cells import Cells
from intplan.io.nhs.tables import Table, normalise
from intplan.io.reference import resources_dir

MAPPING_FILE = "nhs_workforce_roles.csv"


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleMap:
    role_of: dict[str, str]  # normalised column -> role code ("" = not imported)


def load_role_map(file: str = MAPPING_FILE, key: str = "column") -> RoleMap:
    """A ``key,role,source`` table from resources/ (keys compared normalised)."""
    path = resources_dir() / file
    issues: list[Issue] = []
    role_of: dict[str, str] = {}
    with path.open(newline="", encoding="utf-8") as f:
        for n, row in enumerate(csv.DictReader(f), start=2):
            column = (row.get(key) or "").strip()
            if not column or not (row.get("source") or "").strip():
                issues.append(
                    Issue(
                        file=str(path),
                        sheet=None,
                        row=n,
                        column=key if not column else "source",
                        message="must not be blank",
                    )
                )
                continue
            role_of[normalise(column)] = (row.get("role") or "").strip()
    if issues:
        raise WorkbookError(issues)
    return RoleMap(role_of=role_of)


@dataclass(frozen=True, slots=True, kw_only=True)
class Workforce:
    source: str
    fte: dict[str, dict[str, float]]  # practice -> role -> FTE
    missing: dict[str, set[str]]  # practice -> roles with a column that was NA/ND
    unmapped_columns: tuple[str, ...]  # FTE columns the mapping table does not list
    rows_read: int


def read_workforce(
    table: Table, roles: RoleMap, issues: list[Issue], *, only: frozenset[str] | None = None
) -> Workforce:
    """FTE per practice and role (with ``only``, other practices' rows are skipped unread)."""
    mapped = [
        h for h in table.header if roles.role_of.get(normalise(h))
    ]  # columns that feed a role
    unmapped = tuple(
        h
        for h in table.header
        if normalise(h).endswith("_FTE") and normalise(h) not in roles.role_of
    )
    c = Cells(table, ("PRAC_CODE",), tuple(mapped), issues=issues)
    fte: dict[str, dict[str, float]] = {}
    missing: dict[str, set[str]] = {}
    n_rows = 0
    if not c.ok:
        return Workforce(
            source=table.describe(), fte={}, missing={}, unmapped_columns=unmapped, rows_read=0
        )
    for row, cells in table.rows():
        n_rows += 1
        code = c.get(cells, "PRAC_CODE").upper()
        if only is not None and code not in only:
            continue
        if not code:
            issues.append(table.issue(row, c.header("PRAC_CODE"), "the practice code is blank"))
            continue
        by_role = fte.setdefault(code, {})
        for h in mapped:
            value = c.fte(row, cells, h)
            if value is None:
                if c.get(cells, h).upper() in ("NA", "ND"):
                    missing.setdefault(code, set()).add(roles.role_of[normalise(h)])
                continue
            role = roles.role_of[normalise(h)]
            by_role[role] = by_role.get(role, 0.0) + value
    return Workforce(
        source=table.describe(),
        fte=fte,
        missing=missing,
        unmapped_columns=unmapped,
        rows_read=n_rows,
    )


_MONTH = re.compile(
    r"(January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+(\d{4})",
    re.IGNORECASE,
)


def publication_month(name: str) -> str:
    """The publication month in a GP Workforce file name (the CSV itself has no date)."""
    m = _MONTH.search(name)
    return f"{m[1].title()} {m[2]}" if m else "?"
