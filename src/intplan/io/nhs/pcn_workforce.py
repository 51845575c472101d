"""Primary Care Network Workforce, individual-level CSV -> FTE per PCN per role (ARRS).

One row per person (``UNIQUE_IDENTIFIER``) and PCN, with ``STAFF_ROLE`` and ``FTE``.
Which staff role feeds which intplan role is ``resources/nhs_pcn_roles.csv``
(``staff_role,role,source``); a blank role is deliberately not imported, and staff roles
the table does not list are reported with their FTE.
"""

from __future__ import annotations

from dataclasses import dataclass

from intplan.io.errors import Issue
from intplan.io.nhs._cells import Cells
from intplan.io.nhs.tables import Table, normalise
from intplan.io.nhs.workforce import RoleMap

PCN_MAPPING_FILE = "nhs_pcn_roles.csv"


@dataclass(frozen=True, slots=True, kw_only=True)
class PcnWorkforce:
    source: str
    period: str
    fte: dict[str, dict[str, float]]  # PCN -> role -> FTE
    unmapped: dict[str, float]  # staff role -> FTE (all PCNs in the file)
    rows_read: int


def read_pcn_workforce(table: Table, roles: RoleMap, issues: list[Issue]) -> PcnWorkforce:
    c = Cells(
        table, ("PCN_CODE", "STAFF_ROLE", "FTE"), ("CENSUS_YEAR", "CENSUS_MONTH"), issues=issues
    )
    fte: dict[str, dict[str, float]] = {}
    unmapped: dict[str, float] = {}
    periods: set[str] = set()
    n_rows = 0
    if c.ok:
        for row, cells in table.rows():
            n_rows += 1
            pcn = c.get(cells, "PCN_CODE").upper()
            if not pcn:
                issues.append(table.issue(row, c.header("PCN_CODE"), "the PCN code is blank"))
                continue
            value = c.fte(row, cells, "FTE")
            if value is None:
                continue
            year, month = c.get(cells, "CENSUS_YEAR"), c.get(cells, "CENSUS_MONTH")
            if year:
                periods.add(f"{year}-{month.zfill(2)}" if month else year)
            staff_role = c.get(cells, "STAFF_ROLE")
            role = roles.role_of.get(normalise(staff_role))
            if role is None:
                unmapped[staff_role] = unmapped.get(staff_role, 0.0) + value
                continue
            if role:
                by_role = fte.setdefault(pcn, {})
                by_role[role] = by_role.get(role, 0.0) + value
    return PcnWorkforce(
        source=table.describe(),
        period=", ".join(sorted(periods)) or "?",
        fte=fte,
        unmapped=unmapped,
        rows_read=n_rows,
    )
