"""ODS ``epraccur.csv``: every GP practice and its status. The file has NO header row.

Columns by position (ODS data dictionary): 0 organisation code, 1 name, 9 postcode,
10 open date, 11 close date, 12 status code (A active, C closed, D dormant, P proposed),
25 prescribing setting (4 = GP practice). It is recognised by its first row's shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from intplan.io.errors import Issue
from intplan.io.nhs.tables import Table

_CODE = re.compile(r"^[A-Z]\d{5}$")
_DATE = re.compile(r"^\d{8}$")
STATUS = {"A": "active", "C": "closed", "D": "dormant", "P": "proposed"}
N_COLUMNS = 27


def looks_like_epraccur(first_row: tuple[str, ...]) -> bool:
    """27 fields, a practice code first, an 8-digit open date and a status code."""
    return (
        len(first_row) == N_COLUMNS
        and bool(_CODE.match(first_row[0].strip()))
        and bool(_DATE.match(first_row[10].strip()))
        and first_row[12].strip() in STATUS
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class PracticeStatus:
    source: str
    status: dict[str, str]  # practice -> A/C/D/P
    close_date: dict[str, str]
    rows_read: int


def read_epraccur(table: Table, issues: list[Issue]) -> PracticeStatus:
    status: dict[str, str] = {}
    closed: dict[str, str] = {}
    n_rows = 0
    rows = [(table.first_row, list(table.header)), *table.rows()]  # the "header" is data
    for row, cells in rows:
        n_rows += 1
        if len(cells) < 13:
            issues.append(
                table.issue(row, None, f"{len(cells)} fields; epraccur rows have {N_COLUMNS}")
            )
            continue
        code, code_status = cells[0].strip().upper(), cells[12].strip().upper()
        if code_status not in STATUS:
            issues.append(
                table.issue(row, "column 13 (status)", f"{code_status!r} is not A, C, D or P")
            )
            continue
        status[code] = code_status
        if cells[11].strip():
            closed[code] = cells[11].strip()
    return PracticeStatus(
        source=table.describe(), status=status, close_date=closed, rows_read=n_rows
    )
