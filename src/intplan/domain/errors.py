"""Error and problem types shared by every layer.

The domain reports problems against *entities* (table, key, field); the workbook
reader translates them to cells (file, sheet, row, column).
"""

from __future__ import annotations

from dataclasses import dataclass


class IntplanError(Exception):
    """Base class for errors a user can act on (never shown as a traceback)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One thing wrong with one entity, found by domain validation."""

    table: str  # e.g. "Practices"; matches the workbook sheet name
    key: str  # the entity's id within its table ("" for table-level problems)
    field: str  # the attribute name, e.g. "fte"; "" when the whole row is wrong
    message: str

    def __str__(self) -> str:
        where = f"{self.table}[{self.key}]" if self.key else self.table
        if self.field:
            where += f".{self.field}"
        return f"{where}: {self.message}"


class DomainError(IntplanError, ValueError):
    """A single value object rejected its own fields on construction."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class ScenarioError(IntplanError):
    """A scenario failed cross-table validation; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in scenario:\n{lines}")
