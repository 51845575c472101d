"""ONS postcode directory (ONSPD/NSPL, or an extract with ``pcds``, ``lat``, ``long``).

Only the postcodes asked for are kept. ONSPD gives ``lat`` 99.999999 to postcodes with
no grid reference; those count as not found.
"""

from __future__ import annotations

from dataclasses import dataclass

from intplan.io.errors import Issue
from intplan.io.nhs._cells import Cells
from intplan.io.nhs.tables import Table


def postcode_key(text: str) -> str:
    """``'ts18  1hu'`` -> ``'TS181HU'``: compare postcodes without spaces or case."""
    return "".join(text.split()).upper()


@dataclass(frozen=True, slots=True, kw_only=True)
class Postcodes:
    source: str
    lat_long: dict[str, tuple[float, float]]  # postcode_key -> (lat, long)
    rows_read: int


def read_postcodes(table: Table, wanted: set[str], issues: list[Issue]) -> Postcodes:
    c = Cells(table, ("pcds", "lat", "long"), issues=issues)
    found: dict[str, tuple[float, float]] = {}
    n_rows = 0
    if c.ok:
        for row, cells in table.rows():
            n_rows += 1
            key = postcode_key(c.get(cells, "pcds"))
            if key not in wanted:
                continue
            try:
                lat, lon = float(c.get(cells, "lat")), float(c.get(cells, "long"))
            except ValueError:
                issues.append(table.issue(row, None, "lat or long is not a number"))
                continue
            if abs(lat) <= 90 and abs(lon) <= 180:
                found[key] = (lat, lon)
    return Postcodes(source=table.describe(), lat_long=found, rows_read=n_rows)
