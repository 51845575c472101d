"""The one number parser for the project: workbook cells, reference CSVs, staff registers.

Python's ``int()`` and ``float()`` accept more than a spreadsheet number: ``1_000``,
``nan``, ``inf``, ``Infinity``, non-ASCII digits (``١٢``) and more than 4,300 digits
raise or surprise. A number here is a plain decimal number, optionally signed, with an
optional exponent, and nothing else; anything else is not a number.

Rules (also in docs/workbook-format.md, "Numbers"):

- Scenario workbook cells and the reference CSVs: a decimal **point** only, no percent
  sign. ``0,5`` is not a number (it must never become 5, nor silently 0.5: in a
  scenario a comma is more likely a thousands separator typed as text).
- Staff registers (:func:`intplan.io.registers.read.parse_number`): HR and ESR exports
  write ``0,8`` and ``80%``, so they are read with ``decimal_comma=True`` (one ``,``
  taken as the decimal point when there is no ``.``) and ``percent=True`` (a trailing
  ``%`` divides by 100).

Never numbers, whatever the options: thousands separators (``1,000.5``), underscores,
``nan``, ``inf``, more than one decimal separator, more than 400 characters.
"""

from __future__ import annotations

import math
import re

_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_WHOLE = re.compile(r"[+-]?[0-9]{1,18}", re.ASCII)  # exact as int, never too long


def parse_number(
    text: str, *, decimal_comma: bool = False, percent: bool = False
) -> int | float | None:
    """``text`` as a finite number (int when written as a whole number), else None.

    Surrounding spaces are ignored; thousands separators, underscores, ``nan`` and
    ``inf`` are not numbers. A decimal comma ("0,5") is a number only with
    ``decimal_comma`` (then 0.5; without it, None: it must never become 5), and a
    trailing "%" only with ``percent`` ("80%" -> 0.8).
    """
    t = text.strip()
    if _WHOLE.fullmatch(t):
        return int(t)
    scale = 1.0
    if percent and t.endswith("%"):
        t, scale = t[:-1], 100.0
    if decimal_comma and "," in t and "." not in t:
        t = t.replace(",", ".", 1)  # a second comma stays and makes it not a number
    if len(t) > 400 or not _NUMBER.fullmatch(t):
        return None
    x = float(t) / scale
    return x if math.isfinite(x) else None
