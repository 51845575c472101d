"""Cell values to typed column values: the one place a workbook cell is converted.

Numbers go through :func:`intplan.io.cellnum.parse_number` and every number column
is checked against its plausible range (:mod:`intplan.domain.limits`) here, cell by
cell, so every problem in a row is listed, not just the first the domain meets.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Iterable
from typing import Any

from intplan.io import schema as S
from intplan.io.cell_values import ErrorValue, FormulaValue
from intplan.io.cellnum import parse_number

#: cell types taken as they are (after the blank check for strings), per column kind
FAST_TYPES: dict[S.Kind, tuple[type, ...]] = {
    S.Kind.NUMBER: (int, float),
    S.Kind.INTEGER: (int,),
    S.Kind.CODE: (str,),
    S.Kind.TEXT: (str,),
}


YES_NO_WORDS = {"yes": True, "no": False}


def blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def closest(word: str, options: Iterable[str]) -> str | None:
    opts = list(options)
    got = difflib.get_close_matches(word, opts, n=1, cutoff=0.6)
    if not got:
        lower = {o.lower(): o for o in opts}
        got = [lower[m] for m in difflib.get_close_matches(word.lower(), lower, n=1, cutoff=0.6)]
    return got[0] if got else None


def as_number(v: Any) -> float | int | None:
    """A finite number from a cell, or None when the cell does not hold one."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return v if math.isfinite(v) else None
    if isinstance(v, str):
        return parse_number(v)  # no "1_000", "nan", "0,5" (a decimal comma must not become 5)
    return None


def describe(v: Any) -> str:
    if isinstance(v, dt.datetime | dt.date | dt.time):
        return "a date/time"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    return repr(v)


def convert(col: S.Column, v: Any) -> tuple[Any, str | None]:
    """(value, None) or (None, problem message) for one non-blank cell."""
    if isinstance(v, ErrorValue):
        return None, f"the cell shows the error {v.code}; enter a value"
    if isinstance(v, FormulaValue):
        return None, (
            "the cell holds a formula with no saved result; open the file in Excel or "
            "LibreOffice, save it, and load it again (or paste the values)"
        )
    kind = col.kind
    if kind is S.Kind.ANY:
        return v, None  # typed later, per key (About, Settings)
    unit = f" ({col.unit})" if col.unit else ""
    if kind is S.Kind.NUMBER:
        n = as_number(v)
        if n is None:
            return None, f"{describe(v)} is not a number; a number{unit} is expected"
        return n, None
    if kind is S.Kind.INTEGER:
        n = as_number(v)
        if n is None or (isinstance(n, float) and not n.is_integer()):
            return None, f"{describe(v)} is not a whole number; a whole number{unit} is expected"
        # LibreOffice and some tools store whole numbers as 3.0: integral floats are ints.
        return int(n), None
    if kind is S.Kind.YES_NO:
        if isinstance(v, bool):
            return v, None
        text = str(v).strip().lower()
        if text in ("yes", "y", "true", "1"):
            return True, None
        if text in ("no", "n", "false", "0"):
            return False, None
        return None, f"{describe(v)} is not yes or no"
    if isinstance(v, bool | dt.datetime | dt.date | dt.time):
        return None, f"{describe(v)} is not text; {kind.value} expected"
    if isinstance(v, float) and v.is_integer():
        v = int(v)  # a numeric code typed into Excel, e.g. 12345
    text = str(v)
    if kind is S.Kind.CODE:
        return text.strip(), None
    if kind is S.Kind.CHOICE:
        t = text.strip()
        if t in col.allowed:
            return t, None
        lower = {a.lower(): a for a in col.allowed}
        if t.lower() in lower:
            return lower[t.lower()], None
        hint = closest(t, col.allowed)
        did = f"; did you mean {hint!r}?" if hint else ""
        return None, f"{t!r} is not one of: {', '.join(col.allowed)}{did}"
    if kind is S.Kind.CODES:
        return tuple(p.strip() for p in text.split(S.LIST_SEPARATOR) if p.strip()), None
    if kind is S.Kind.NUMBERS:
        numbers = tuple(as_number(p) for p in text.split(S.LIST_SEPARATOR))
        if any(n is None for n in numbers):
            return None, f"{text!r} is not a {S.LIST_SEPARATOR!r}-separated list of numbers"
        return numbers, None
    return text, None  # TEXT


def limit_problem(col: S.Column, value: Any) -> str | None:
    """What is wrong with a converted number ``value`` (or list of numbers) in ``col``,
    given its range."""
    if col.limit is None:
        return None
    if isinstance(value, tuple):
        return next(filter(None, (limit_problem(col, v) for v in value)), None)
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    return col.limit.problem(value)
