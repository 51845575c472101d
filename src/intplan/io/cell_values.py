"""What a read cell can hold besides text, numbers, booleans and dates.

Kept apart from the OOXML decoder so that code converting values (``_convert``,
``table_rows``, used by the bundled reference CSVs at start-up) does not import
openpyxl: the desktop app would otherwise load it before it is needed (~0.15 s).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ErrorValue:
    """A cell showing an Excel error such as #N/A or #REF!."""

    code: str


@dataclass(frozen=True, slots=True)
class FormulaValue:
    """A formula cell with no saved result (written by a program that does not calculate)."""

    formula: str
