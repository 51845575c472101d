"""Column lookup and typed cells for the NHS readers; problems become :class:`Issue`s."""

from __future__ import annotations

import datetime as dt
import re

from intplan.io.errors import Issue
from intplan.io.nhs.tables import Table, normalise

_DDMONYYYY = re.compile(r"^(\d{1,2})([A-Za-z]{3})(\d{4})$")


class Cells:
    """Positions of the named columns in ``table`` (a missing required one is an issue)."""

    def __init__(
        self,
        table: Table,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
        *,
        issues: list[Issue],
    ) -> None:
        self.table = table
        self.issues = issues
        cols = table.columns
        self.pos: dict[str, int] = {}
        for name in required + optional:
            i = cols.get(normalise(name))
            if i is not None:
                self.pos[name] = i
            elif name in required:
                issues.append(table.issue(table.first_row, name, "this column is missing"))
        self.ok = all(n in self.pos for n in required)

    def get(self, cells: list[str], name: str) -> str:
        i = self.pos.get(name)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    def header(self, name: str) -> str:
        i = self.pos.get(name)
        return self.table.header[i] if i is not None else name

    def count(self, row: int, cells: list[str], name: str) -> int | None:
        """A whole number of people, or None (and an issue)."""
        text = self.get(cells, name)
        try:
            value = int(text)
        except ValueError:
            self.issues.append(
                self.table.issue(row, self.header(name), f"{text!r} is not a whole number")
            )
            return None
        if value < 0:
            self.issues.append(self.table.issue(row, self.header(name), f"{value} is negative"))
            return None
        return value

    def fte(self, row: int, cells: list[str], name: str) -> float | None:
        """An FTE; ``NA``/``ND``/blank (the workforce files' "not available") give None."""
        text = self.get(cells, name)
        if text.upper() in ("", "NA", "ND"):
            return None
        try:
            value = float(text)
        except ValueError:
            self.issues.append(
                self.table.issue(
                    row, self.header(name), f"{text!r} is not a number (nor NA/ND for missing)"
                )
            )
            return None
        if not 0.0 <= value < 1e6:
            self.issues.append(self.table.issue(row, self.header(name), f"{value} is out of range"))
            return None
        return value


def extract_date(text: str) -> str | None:
    """``2025-03-01``, ``01Mar2025`` or ``01APR2020`` -> ISO ``2025-03-01`` (None if not a date)."""
    text = text.strip()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    m = _DDMONYYYY.match(text)
    if m:
        try:
            return dt.datetime.strptime(f"{m[1]}{m[2].title()}{m[3]}", "%d%b%Y").date().isoformat()
        except ValueError:
            return None
    return None
