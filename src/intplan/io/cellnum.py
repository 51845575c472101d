"""The one number parser for workbook cells.

Python's ``int()`` and ``float()`` accept more than a spreadsheet number: ``1_000``,
``nan``, ``inf``, ``Infinity``, non-ASCII digits (``١٢``) and more than 4,300 digits
raise or surprise. A cell holds a plain decimal number, optionally signed, with an
optional exponent, and nothing else; anything else is not a number.
"""

from __future__ import annotations

import math
import re

_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_WHOLE = re.compile(r"[+-]?[0-9]{1,18}", re.ASCII)  # exact as int, never too long


def parse_number(text: str) -> int | float | None:
    """``text`` as a finite number (int when written as a whole number), else None.

    Surrounding spaces are ignored; thousands separators, underscores, decimal commas,
    ``nan`` and ``inf`` are not numbers (a decimal comma "0,5" must never become 5).
    """
    t = text.strip()
    if _WHOLE.fullmatch(t):
        return int(t)
    if len(t) > 400 or not _NUMBER.fullmatch(t):
        return None
    x = float(t)
    return x if math.isfinite(x) else None
