"""Fingertips indicator 93553, "Deprivation score (IMD 2019)", per GP practice -> decile.

The score is a practice's registered population's average IMD 2019 score (higher =
more deprived). intplan wants an IMD-style decile (1 = most deprived), so practices are
ranked by score over *every practice in the file* and cut into ten equal groups: with
the national file that is a national decile; with a part of England it is relative to
that part (the build says which).
"""

from __future__ import annotations

from dataclasses import dataclass

from intplan.io.errors import Issue
from intplan.io.nhs._cells import Cells
from intplan.io.nhs.tables import Table

INDICATOR_ID = "93553"
#: fewer practices than this in the file and the deciles are called "relative to the file"
NATIONAL_MIN_PRACTICES = 5000


@dataclass(frozen=True, slots=True, kw_only=True)
class Deprivation:
    source: str
    period: str
    decile: dict[str, int]  # practice -> 1 (most deprived) .. 10
    national: bool
    rows_read: int


def read_deprivation(table: Table, issues: list[Issue]) -> Deprivation | None:
    """Deciles from the indicator's practice rows; None if the file holds no 93553 rows."""
    c = Cells(
        table,
        ("Indicator ID", "Area Code", "Value"),
        ("Area Type", "Sex", "Age", "Time period", "Category Type"),
        issues=issues,
    )
    if not c.ok:
        return None
    score: dict[str, float] = {}
    periods: set[str] = set()
    n_rows = 0
    for row, cells in table.rows():
        n_rows += 1
        if c.get(cells, "Indicator ID") != INDICATOR_ID:
            continue
        area_type = c.get(cells, "Area Type").lower()
        if area_type and not area_type.startswith("gp"):
            continue  # England, PCN or ICB summary rows
        if c.get(cells, "Category Type"):
            continue  # breakdowns by category
        value = c.get(cells, "Value")
        if not value:
            continue  # Fingertips leaves suppressed values blank
        try:
            score[c.get(cells, "Area Code").upper()] = float(value)
        except ValueError:
            issues.append(table.issue(row, c.header("Value"), f"{value!r} is not a number"))
            continue
        periods.add(c.get(cells, "Time period"))
    if not score:
        return None
    # most deprived (highest score) first; ties keep code order so the result is stable
    ranked = sorted(score, key=lambda code: (-score[code], code))
    n = len(ranked)
    decile = {code: min(10, 1 + (i * 10) // n) for i, code in enumerate(ranked)}
    return Deprivation(
        source=table.describe(),
        period=", ".join(sorted(p for p in periods if p)) or "?",
        decile=decile,
        national=n >= NATIONAL_MIN_PRACTICES,
        rows_read=n_rows,
    )
