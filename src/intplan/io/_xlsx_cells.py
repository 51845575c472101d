"""The one decoder of SpreadsheetML cells, shared by every sheet scanner in ``_xlsx_read``.

A scanner finds a cell's reference, type (``t``), style (``s``), the text of its ``<v>``
(or inline string) and of its ``<f>``; :meth:`Cells.cell` turns that into a value and
puts it in its row. Every damaged shared-string index, cell reference, stored number,
flag or date raises one :class:`~intplan.io._parts.DamagedXlsxError` naming the sheet
and the cell.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from openpyxl.utils.datetime import from_excel

from intplan.io._parts import DamagedXlsxError
from intplan.io.cell_values import ErrorValue as ErrorValue
from intplan.io.cell_values import FormulaValue as FormulaValue
from intplan.io.cellnum import parse_number

MAX_COLUMN = 16_384  # XFD, Excel's last column
MAX_ROW = 1_048_576  # Excel's last row

Rows = list[tuple[int, list[Any]]]


_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#\d+|amp|lt|gt|quot|apos);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _unescape_one(m: re.Match[str]) -> str:
    code = int(m.group(1), 16)
    # A lone surrogate is not a character: keep the escape as written.
    return m.group(0) if 0xD800 <= code <= 0xDFFF else chr(code)


def unescape(text: str) -> str:
    """Excel's ``_xHHHH_`` escapes (ST_Xstring) decoded: the inverse of the writer's ``_xlsx._esc``."""
    return _ESCAPED.sub(_unescape_one, text) if "_x" in text else text


def _entity(m: re.Match[str]) -> str:
    # The part was checked well-formed by expat, so character references are valid.
    name = m.group(1)
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    return _ENTITIES[name]


def xml_text(text: str) -> str:
    """Character data as an XML parser reports it: references decoded, line ends ``\\n``.

    For scanners that read a part's text directly; only after the part was checked
    well-formed (``_parts.check_well_formed``).
    """
    text = _ENTITY.sub(_entity, text) if "&" in text else text
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


class Cells:
    """Decodes one sheet's cells into rows, refusing anything damaged (with its cell)."""

    def __init__(self, sheet: str, strings: list[str], dates: set[int]) -> None:
        self.sheet = sheet
        self.strings = strings
        self.dates = dates  # cellXfs indexes whose number format is a date
        self.rows: dict[int, list[Any]] = {}
        self.col_cache: dict[str, int] = {}

    def damaged(self, ref: str, why: str) -> DamagedXlsxError:
        return DamagedXlsxError(f"sheet {self.sheet!r}, cell {ref}: {why}")

    def column(self, letters: str, row_text: str) -> int:
        col = self.col_cache.get(letters)
        if col is None:
            col = 0
            if len(letters) <= 3:
                for ch in letters:
                    col = col * 26 + (ord(ch) - 64)
            if not 1 <= col <= MAX_COLUMN:
                raise self.damaged(
                    f"{letters[:12]}{row_text[:12]}", "the column is beyond XFD, Excel's last"
                )
            self.col_cache[letters] = col
        return col

    def row_number(self, text: str, ref: str) -> int:
        n = int(text) if text.isdigit() and len(text) <= 7 else 0
        if not 1 <= n <= MAX_ROW:
            raise self.damaged(ref[:24], f"row {text[:12]} is outside Excel's rows 1-1,048,576")
        return n

    def number(self, text: str, style: int, ref: str) -> Any:
        value = parse_number(text)
        if value is None:
            if not text.strip():
                return None  # <v></v>: an empty cell, however it was saved
            raise self.damaged(ref, f"{text[:40]!r} is stored as a number but is not one")
        if style and style in self.dates:
            try:
                return from_excel(value)
            except (ValueError, OverflowError):
                return value  # not a date Excel could show; read as the number it is
        return value

    def shared(self, text: str, ref: str) -> str:
        i = int(text) if text.strip().isdigit() and len(text) < 12 else -1
        if not 0 <= i < len(self.strings):
            raise self.damaged(
                ref,
                f"refers to shared text #{text[:12]}, but the workbook has "
                f"{len(self.strings)} (the file is damaged)",
            )
        return self.strings[i]

    def value(self, t: str, text: str, style: int, ref: str) -> Any:
        """The value of a cell of type ``t`` whose ``<v>`` holds ``text`` (XML-decoded)."""
        if t == "n":
            return self.number(text, style, ref)
        if t == "s":
            return self.shared(text, ref)
        if t in ("str", "inlineStr"):
            return unescape(text)
        if t == "b":
            flag = text.strip()
            if flag in ("1", "true"):
                return True
            if flag in ("0", "false"):
                return False
            raise self.damaged(ref, f"{text[:40]!r} is stored as TRUE/FALSE but is neither")
        if t == "e":
            return ErrorValue(text)
        if t == "d":
            try:
                return dt.datetime.fromisoformat(text.strip())
            except ValueError:
                raise self.damaged(
                    ref, f"{text[:40]!r} is stored as a date but is not one"
                ) from None
        raise self.damaged(ref, f"unknown cell type {t[:20]!r}")

    def cell(
        self,
        at: tuple[int, int, str],
        t: str,
        style: int,
        text: str | None,
        formula: str | None,
        formulas: bool,
    ) -> None:
        """Decode one cell at ``(row, column, reference)`` and put it in its row.

        ``text`` is the XML-decoded content of ``<v>`` (or of an inline string's ``<t>``
        runs), None when there is none; ``formula`` the text of ``<f>`` (``""`` for a
        shared-formula follower), None without one. A formula gives ``"=formula"`` when
        ``formulas`` is set, else its saved result; with no saved result (``<v/>``, as
        openpyxl writes) a :class:`FormulaValue`.
        """
        row, col, ref = at
        value: Any
        if formulas and formula:
            value = "=" + formula
        elif formula and (text is None or (not text and t != "str")):
            value = FormulaValue("=" + formula)
        elif text is None:
            return
        else:
            value = self.value(t, text, style, ref)
        if value is not None:
            self.put(row, col, value, ref)

    def put(self, row: int, col: int, value: Any, ref: str) -> None:
        cur = self.rows.get(row)
        if cur is None:
            cur = self.rows[row] = []
        n = len(cur)
        if n == col - 1:
            cur.append(value)
        elif n < col - 1:
            cur.extend([None] * (col - 1 - n))
            cur.append(value)
        elif cur[col - 1] is None:
            cur[col - 1] = value  # cells out of order within the row
        else:
            raise self.damaged(ref, "the cell appears twice")

    def result(self) -> Rows:
        return [(n, self.rows[n]) for n in sorted(self.rows) if self.rows[n]]
