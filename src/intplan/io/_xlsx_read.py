"""Cell values of an .xlsx file, read fast and defensively.

The scenario workbook only needs values (and which number formats are dates). The
package (zip, relationships) is opened by ``package.Package``; each sheet is checked to
be well-formed XML first (a truncated sheet is refused, never read as far as it goes),
then scanned by one of two scanners feeding the one cell decoder (``_xlsx_cells.Cells``):

- the common form, ``<c r="A1" s="1" t="s"><v>0</v></c>`` (intplan, Excel and
  LibreOffice write it; openpyxl too, but for formulas), is matched by one regular
  expression in one C-level ``findall``, counted against every ``<c`` so no cell is
  skipped silently;
- anything else (formulas, prefixed namespaces, cells without references, comments,
  CDATA) goes to expat.

Why not python-calamine (Rust): it reads Kent & Medway's values about 3.5x faster
(0.20 s against 0.70 s for every sheet), but on damaged files it reads on where
intplan must refuse and name the cell: a stored number that is not one comes back as
text, an out-of-range character reference as an empty string, a cell beyond XFD lands
in column 18,279, a cell given twice keeps the last, a shared-string index out of range
names no sheet or cell, and a row number past Excel's last makes it allocate 28 GB and
abort the interpreter (not an exception). Measured with 0.9.1; see
benchmarks/results/workbook.md.
"""

from __future__ import annotations

import re
from typing import Any

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

from intplan.io._parts import DamagedXlsxError, check_well_formed, parse, parser
from intplan.io._xlsx_cells import MAX_COLUMN as MAX_COLUMN
from intplan.io._xlsx_cells import MAX_ROW as MAX_ROW
from intplan.io._xlsx_cells import Cells, Rows, unescape, xml_text
from intplan.io._xlsx_cells import ErrorValue as ErrorValue
from intplan.io._xlsx_cells import FormulaValue as FormulaValue
from intplan.io.package import Package


class NotXlsxError(Exception):
    """The zip file is not a SpreadsheetML workbook."""


_REF = re.compile(r"([A-Z]+)([0-9]+)")
_SIMPLE_CELL = re.compile(
    r'<c r="([A-Z]+)(\d+)"(?: s="(\d+)")?(?: t="(\w+)")?(?: s="(\d+)")?'
    r'(?:(?: ?/>)|><v>([^<]*)</v></c>|><is><t(?: xml:space="preserve")?>([^<]*)</t></is></c>|(></c>))'
)
_ANY_CELL = re.compile(r"<c[\s>/]")


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def _style(text: str | None) -> int:
    return int(text) if text and text.isdigit() and len(text) < 10 else 0


class XlsxReader:
    """Cell values of an .xlsx file, sheet by sheet (values only; no styles but dates).

    Raises :class:`DamagedXlsxError` (a ValueError) for any damaged part, and
    :class:`NotXlsxError` for a zip that holds no workbook.
    """

    def __init__(self, path: str) -> None:
        self._pkg = Package.open(path)
        try:
            names = self._pkg.names
            if "xl/workbook.xml" not in names and "[Content_Types].xml" not in names:
                raise NotXlsxError("the zip file has no Excel workbook inside")
            self._workbook = self._pkg.main_part() or "xl/workbook.xml"
            if self._workbook not in names:
                raise NotXlsxError("the zip file has no Excel workbook inside")
            self.sheet_paths = self._sheets()
        except BaseException:
            self._pkg.close()
            raise
        self._strings: list[str] | None = None
        self._date_styles: set[int] | None = None

    def close(self) -> None:
        self._pkg.close()

    def __enter__(self) -> XlsxReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def sheet_names(self) -> list[str]:
        return list(self.sheet_paths)

    def _sheets(self) -> dict[str, str]:
        by_id = {r.id: r.part or "" for r in self._pkg.rels(self._workbook)}
        sheets: dict[str, str] = {}

        def start(name: str, attrs: dict[str, str]) -> None:
            if _local(name) == "sheet":
                rid = next((v for k, v in attrs.items() if k.endswith(":id") or k == "id"), "")
                sheets[attrs.get("name", "")] = by_id.get(rid, "")

        p = parser()
        p.StartElementHandler = start
        wb = self._workbook
        parse(p, self._pkg.read(wb, "the workbook part"), f"the workbook part {wb}")
        return sheets

    def _shared_strings(self) -> list[str]:
        if self._strings is not None:
            return self._strings
        strings: list[str] = []
        part = self._pkg.related(self._workbook, "sharedStrings")
        if part and part in self._pkg.names:
            buf: list[str] = []
            state = [False, 0]  # in <t>, depth inside <rPh> (phonetic runs are not text)

            def start(name: str, attrs: dict[str, str]) -> None:
                local = _local(name)
                if local == "si":
                    buf.clear()
                elif local == "t" and not state[1]:
                    state[0] = True
                elif local == "rPh":
                    state[1] = 1

            def end(name: str) -> None:
                local = _local(name)
                if local == "si":
                    strings.append(unescape("".join(buf)))
                elif local == "t":
                    state[0] = False
                elif local == "rPh":
                    state[1] = 0

            def data(text: str) -> None:
                if state[0]:
                    buf.append(text)

            p = parser()
            p.buffer_text = True
            p.StartElementHandler = start
            p.EndElementHandler = end
            p.CharacterDataHandler = data
            parse(p, self._pkg.read(part, "the shared strings"), f"the shared strings ({part})")
        self._strings = strings
        return strings

    def _dates(self) -> set[int]:
        if self._date_styles is not None:
            return self._date_styles
        dates: set[int] = set()
        part = self._pkg.related(self._workbook, "styles")
        if part and part in self._pkg.names:
            custom: dict[int, str] = {}
            xf_formats: list[int] = []
            where = [""]

            def fmt_id(attrs: dict[str, str]) -> int:
                text = attrs.get("numFmtId", "0")
                if not text.isdigit() or len(text) > 9:
                    raise DamagedXlsxError(f"number format id {text[:20]!r} is not a number")
                return int(text)

            def start(name: str, attrs: dict[str, str]) -> None:
                local = _local(name)
                if local in ("cellXfs", "cellStyleXfs"):
                    where[0] = local
                elif local == "numFmt":
                    custom[fmt_id(attrs)] = attrs.get("formatCode", "")
                elif local == "xf" and where[0] == "cellXfs":
                    xf_formats.append(fmt_id(attrs))

            def end(name: str) -> None:
                if _local(name) in ("cellXfs", "cellStyleXfs"):
                    where[0] = ""

            p = parser()
            p.StartElementHandler = start
            p.EndElementHandler = end
            parse(p, self._pkg.read(part, "the styles"), f"the styles ({part})")
            for i, f in enumerate(xf_formats):
                code = custom.get(f) or BUILTIN_FORMATS.get(f, "")
                if code and is_date_format(code):
                    dates.add(i)
        self._date_styles = dates
        return dates

    def rows(self, sheet: str, *, formulas: bool = False) -> Rows:
        """(1-based row number, values by 0-based column) for every row with a cell.

        A formula cell gives its saved result, or ``"=formula"`` when ``formulas`` is set
        (shared-formula followers have no text of their own and give their result).
        """
        part = self.sheet_paths[sheet]
        if part not in self._pkg.names:
            return []
        what = f"sheet {sheet!r} ({part})"
        data = self._pkg.read(part, f"sheet {sheet!r}")
        check_well_formed(data, what)  # a truncated sheet is refused, never half-read
        cells = Cells(sheet, self._shared_strings(), self._dates())
        if self._rows_simple(data, cells):
            return cells.result()
        cells = Cells(sheet, cells.strings, cells.dates)
        self._rows_expat(data, what, formulas, cells)
        return cells.result()

    @staticmethod
    def _rows_simple(data: bytes, cells: Cells) -> bool:
        """The common form in one C-level ``findall``: about 4x faster than expat callbacks.

        False (and nothing read) when any cell is written otherwise — formulas, other
        attribute orders, a prefixed namespace — or the part holds a comment, CDATA or
        a processing instruction after its start, or is not UTF-8: every ``<c`` must be
        matched, so nothing is skipped silently.
        """
        try:
            xml = data.decode("utf-8")
        except UnicodeDecodeError:
            return False  # another declared encoding: expat reads it
        start = xml.find("<sheetData")
        # a prefixed <x:sheetData> is not found; prefixed cells (":c ") go to expat too
        unusual = ("<![CDATA[", "<!--", "<?", ":c ", ":c>")
        if start < 0 or any(xml.find(s, start) >= 0 for s in unusual):
            return False
        found = _SIMPLE_CELL.findall(xml, start)
        if len(found) != len(_ANY_CELL.findall(xml, start)):
            return False
        cur_text = ""
        row = 0
        cur: list[Any] = []
        rows, col_cache = cells.rows, cells.col_cache
        strings, n_strings, dates = cells.strings, len(cells.strings), cells.dates
        for letters, row_text, style, t, style2, text, inline, closed in found:
            if row_text != cur_text:
                row = cells.row_number(row_text, letters + row_text)
                cur = rows.setdefault(row, [])
                cur_text = row_text
            col = col_cache.get(letters) or cells.column(letters, row_text)
            if closed or (not text and not inline):
                continue  # an empty cell, however it was saved (<c t="n"/>, <v></v>)
            # The decoder's two commonest cases inline (this loop runs once per cell of
            # every sheet); everything else goes through Cells.cell.
            if len(cur) == col - 1:
                if t == "s" and text.isdigit() and len(text) < 10 and int(text) < n_strings:
                    cur.append(strings[int(text)])
                    continue
                s = style or style2  # openpyxl writes t before s
                if (not t or t == "n") and "&" not in text and (not s or _style(s) not in dates):
                    value = cells.number(text, 0, letters + row_text)
                    if value is not None:
                        cur.append(value)
                    continue
            content = xml_text(inline if t == "inlineStr" else text)
            at = (row, col, letters + row_text)
            cells.cell(at, t or "n", _style(style or style2), content, None, formulas=False)
        return True

    def _rows_expat(self, data: bytes, what: str, formulas: bool, cells: Cells) -> None:
        """The general scanner: any SpreadsheetML, including cells without references."""
        st: dict[str, Any] = {"row": 0, "col": 0, "t": "n", "s": 0, "text": None, "f": None}
        buf: list[str] = []
        capture = [False]

        def start(name: str, attrs: dict[str, str]) -> None:
            name = _local(name)
            if name == "c":
                ref = attrs.get("r")
                if ref:
                    m = _REF.fullmatch(ref)
                    if m is None:
                        raise cells.damaged(ref[:24], "not a valid cell reference")
                    st["col"] = cells.column(m.group(1), m.group(2))
                else:
                    st["col"] += 1
                    if st["col"] > MAX_COLUMN:
                        raise cells.damaged(f"row {st['row']}", "more cells than Excel's columns")
                st["ref"] = ref or f"row {st['row']} column {st['col']}"
                st["t"] = attrs.get("t", "n")
                st["s"] = _style(attrs.get("s"))
                st["text"] = None
                st["f"] = None
            elif name in ("v", "t", "f"):
                buf.clear()
                capture[0] = True
            elif name == "row":
                r = attrs.get("r")
                st["row"] = cells.row_number(r, f"row {r}") if r else st["row"] + 1
                if st["row"] > MAX_ROW:
                    raise cells.damaged(f"row {st['row']}", "more rows than Excel's")
                st["col"] = 0
            elif name == "rPh":
                capture[0] = False

        def end(name: str) -> None:
            name = _local(name)
            if name == "v":
                st["text"] = "".join(buf)
            elif name == "t":
                st["text"] = (st["text"] or "") + "".join(buf)
            elif name == "f":
                st["f"] = "".join(buf)
            elif name == "c":
                at = (st["row"], st["col"], st["ref"])
                cells.cell(at, st["t"], st["s"], st["text"], st["f"], formulas)
            capture[0] = False

        def data_(text: str) -> None:
            if capture[0]:
                buf.append(text)

        p = parser()
        p.buffer_text = True
        p.StartElementHandler = start
        p.EndElementHandler = end
        p.CharacterDataHandler = data_
        parse(p, data, what)


__all__ = [
    "MAX_COLUMN",
    "MAX_ROW",
    "ErrorValue",
    "FormulaValue",
    "NotXlsxError",
    "XlsxReader",
]
