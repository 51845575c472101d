"""A small, fast .xlsx writer and cell-value reader for the scenario workbook.

openpyxl is exact but slow for a Kent & Medway sized scenario (~15,000 staff rows:
about 2 s to write and 1.5 s to read just the Staff sheet here). The scenario workbook
only needs values, number formats, column widths, a frozen header, Excel Tables and
list validations, so this module writes that SpreadsheetML directly (shared strings,
one style per number format) and reads cell values (see _xlsx_read). Anything richer
(charts, result sheets, a user's formulas and dates in extra sheets) goes through
openpyxl, which reads and writes these files like any other.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

# The reader lives in _xlsx_read; its names stay importable from here.
from intplan.io._xlsx_read import ErrorValue, FormulaValue, NotXlsxError, XlsxReader

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"

_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DATE_FORMAT = "yyyy-mm-dd hh:mm:ss"
_FORMATS_START = 164  # first id for custom number formats (ECMA-376 18.8.30)


def _esc(text: str) -> str:
    out = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if _ILLEGAL.search(out):
        # Excel's own escape for characters XML 1.0 cannot hold (ST_Xstring).
        out = _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", out)
    return out


def _attr(text: str) -> str:
    return _esc(text).replace('"', "&quot;")


@dataclass(frozen=True, slots=True, kw_only=True)
class ListValidation:
    """A drop-down on one column's data cells: ``formula`` is a range or a quoted list."""

    column: int  # 1-based
    formula: str  # "'Roles'!$A$2:$A$500" or '"yes,no"'
    strict: bool  # True: reject other values; False: warn only
    prompt: str = ""


@dataclass(slots=True, kw_only=True)
class SheetData:
    """One sheet to write: rows of plain values, first row the header when ``table`` is set."""

    name: str
    rows: Sequence[Sequence[Any]]
    table: str | None = None  # Excel Table displayName covering every row
    widths: Sequence[float] = ()
    number_formats: Sequence[str | None] = ()  # per column, for data rows
    freeze_header: bool = True
    validations: Sequence[ListValidation] = ()
    formulas: bool = False  # strings starting with '=' are formulas (extra sheets)
    bold_cells: frozenset[tuple[int, int]] = field(default_factory=frozenset)  # (row, col) 1-based


class _Styles:
    """cellXfs: 0 default, then one per (number format, bold) pair on first use."""

    def __init__(self) -> None:
        self._formats: dict[str, int] = {}
        self._xfs: dict[tuple[int, bool], int] = {(0, False): 0}

    def xf(self, number_format: str | None, bold: bool = False) -> int:
        fmt_id = 0
        if number_format and number_format != "General":
            fmt_id = self._formats.setdefault(number_format, _FORMATS_START + len(self._formats))
        return self._xfs.setdefault((fmt_id, bold), len(self._xfs))

    def xml(self) -> str:
        fmts = "".join(
            f'<numFmt numFmtId="{i}" formatCode="{_attr(code)}"/>'
            for code, i in self._formats.items()
        )
        num_attr = ' applyNumberFormat="1"'
        font_attr = ' applyFont="1"'
        xfs = "".join(
            f'<xf numFmtId="{f}" fontId="{int(b)}" fillId="0" borderId="0" xfId="0"'
            f"{num_attr if f else ''}{font_attr if b else ''}/>"
            for (f, b) in self._xfs
        )
        font = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
        return (
            f'{_XML_HEAD}<styleSheet xmlns="{_NS_MAIN}">'
            + (f'<numFmts count="{len(self._formats)}">{fmts}</numFmts>' if self._formats else "")
            + f'<fonts count="2"><font>{font}</font><font><b/>{font}</font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            "</borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            "</cellStyleXfs>"
            f'<cellXfs count="{len(self._xfs)}">{xfs}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" '
            'defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
        )


class _Strings:
    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.count = 0

    def xml(self) -> str:
        items = "".join(
            f'<si><t xml:space="preserve">{_esc(s)}</t></si>'
            if s != s.strip() or "\n" in s
            else f"<si><t>{_esc(s)}</t></si>"
            for s in self.index
        )
        return (
            f'{_XML_HEAD}<sst xmlns="{_NS_MAIN}" count="{self.count}" '
            f'uniqueCount="{len(self.index)}">{items}</sst>'
        )


def _letters(n: int) -> list[str]:
    return [""] + [get_column_letter(i) for i in range(1, n + 1)]


def _sheet_xml(sheet: SheetData, styles: _Styles, strings: _Strings, table_rel: bool) -> str:
    n_cols = max((len(r) for r in sheet.rows), default=0)
    n_cols = max(n_cols, len(sheet.widths), 1)
    letters = _letters(n_cols)
    col_xf = [0] + [
        styles.xf(sheet.number_formats[i] if i < len(sheet.number_formats) else None)
        for i in range(n_cols)
    ]
    date_xf = styles.xf(_DATE_FORMAT)
    sidx = strings.index
    out: list[str] = []
    append = out.append
    first_data = 2 if sheet.table else 1
    for r, row in enumerate(sheet.rows, start=1):
        cells: list[str] = []
        for c, v in enumerate(row, start=1):
            if v is None:
                continue
            ref = f"{letters[c]}{r}"
            bold = (r, c) in sheet.bold_cells
            xf = col_xf[c] if r >= first_data else 0
            if bold:
                xf = styles.xf(None, True)
            s = f' s="{xf}"' if xf else ""
            if isinstance(v, bool):
                cells.append(f'<c r="{ref}"{s} t="b"><v>{int(v)}</v></c>')
            elif isinstance(v, int):
                cells.append(f'<c r="{ref}"{s}><v>{v}</v></c>')
            elif isinstance(v, float):
                if not math.isfinite(v):
                    raise ValueError(f"cannot write {v!r} to sheet {sheet.name!r}")
                cells.append(f'<c r="{ref}"{s}><v>{v!r}</v></c>')
            elif isinstance(v, str):
                if sheet.formulas and v.startswith("=") and len(v) > 1:
                    cells.append(f'<c r="{ref}"{s}><f>{_esc(v[1:])}</f></c>')
                    continue
                i = sidx.get(v)
                if i is None:
                    i = sidx[v] = len(sidx)
                strings.count += 1
                cells.append(f'<c r="{ref}"{s} t="s"><v>{i}</v></c>')
            elif isinstance(v, dt.datetime | dt.date | dt.time):
                cells.append(f'<c r="{ref}" s="{date_xf}"><v>{to_excel(v)!r}</v></c>')
            else:
                raise TypeError(f"cannot write a {type(v).__name__} to sheet {sheet.name!r}")
        append(f'<row r="{r}">{"".join(cells)}</row>')
    n_rows = max(len(sheet.rows), 1)
    parts = [
        f'{_XML_HEAD}<worksheet xmlns="{_NS_MAIN}" xmlns:r="{_NS_R}">',
        f'<dimension ref="A1:{letters[n_cols]}{n_rows}"/>',
    ]
    if sheet.freeze_header:
        parts.append(
            '<sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
            "</sheetView></sheetViews>"
        )
    else:
        parts.append('<sheetViews><sheetView workbookViewId="0"/></sheetViews>')
    parts.append('<sheetFormatPr defaultRowHeight="15"/>')
    if sheet.widths:
        parts.append(
            "<cols>"
            + "".join(
                f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
                for i, w in enumerate(sheet.widths, start=1)
            )
            + "</cols>"
        )
    parts.append("<sheetData>")
    parts.append("".join(out))
    parts.append("</sheetData>")
    if sheet.validations:
        last = max(n_rows, 2) + 1000  # head-room so rows typed below the table are checked
        dvs = []
        for v in sheet.validations:
            col = letters[v.column]
            style = "" if v.strict else ' errorStyle="warning"'
            prompt = (
                f' showInputMessage="1" promptTitle="{_attr(v.prompt[:32])}" prompt="{_attr(v.prompt[:255])}"'
                if v.prompt
                else ""
            )
            dvs.append(
                f'<dataValidation type="list" allowBlank="1" showErrorMessage="1"{style}{prompt} '
                f'sqref="{col}2:{col}{last}"><formula1>{_esc(v.formula)}</formula1>'
                "</dataValidation>"
            )
        parts.append(f'<dataValidations count="{len(dvs)}">{"".join(dvs)}</dataValidations>')
    parts.append(
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    )
    if table_rel:
        parts.append('<tableParts count="1"><tablePart r:id="rId1"/></tableParts>')
    parts.append("</worksheet>")
    return "".join(parts)


def _table_xml(sheet: SheetData, table_id: int) -> str:
    headers = [str(h) for h in sheet.rows[0]]
    n_rows = max(len(sheet.rows), 2)  # Excel needs at least one (possibly blank) data row
    ref = f"A1:{get_column_letter(len(headers))}{n_rows}"
    cols = "".join(
        f'<tableColumn id="{i}" name="{_attr(h)}"/>' for i, h in enumerate(headers, start=1)
    )
    return (
        f'{_XML_HEAD}<table xmlns="{_NS_MAIN}" id="{table_id}" name="{sheet.table}" '
        f'displayName="{sheet.table}" ref="{ref}" headerRowCount="1" totalsRowShown="0">'
        f'<autoFilter ref="{ref}"/><tableColumns count="{len(headers)}">{cols}</tableColumns>'
        '<tableStyleInfo name="TableStyleMedium2" showFirstColumn="0" showLastColumn="0" '
        'showRowStripes="1" showColumnStripes="0"/></table>'
    )


def write_xlsx(
    target: str | IO[bytes],
    sheets: Sequence[SheetData],
    *,
    title: str,
    created: dt.datetime,
    modified: dt.datetime,
) -> None:
    """Write ``sheets`` as a complete .xlsx package to ``target`` (a path or a binary file)."""
    styles = _Styles()
    strings = _Strings()
    overrides = [
        ("/xl/workbook.xml", f"{_CT}.sheet.main+xml"),
        ("/xl/styles.xml", f"{_CT}.styles+xml"),
        ("/xl/sharedStrings.xml", f"{_CT}.sharedStrings+xml"),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        (
            "/docProps/app.xml",
            "application/vnd.openxmlformats-officedocument.extended-properties+xml",
        ),
    ]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        wb_rels = []
        sheet_entries = []
        table_id = 0
        for i, sheet in enumerate(sheets, start=1):
            has_table = bool(sheet.table and sheet.rows)
            z.writestr(f"xl/worksheets/sheet{i}.xml", _sheet_xml(sheet, styles, strings, has_table))
            overrides.append((f"/xl/worksheets/sheet{i}.xml", f"{_CT}.worksheet+xml"))
            wb_rels.append(
                f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" '
                f'Target="worksheets/sheet{i}.xml"/>'
            )
            sheet_entries.append(f'<sheet name="{_attr(sheet.name)}" sheetId="{i}" r:id="rId{i}"/>')
            if has_table:
                table_id += 1
                z.writestr(f"xl/tables/table{table_id}.xml", _table_xml(sheet, table_id))
                overrides.append((f"/xl/tables/table{table_id}.xml", f"{_CT}.table+xml"))
                z.writestr(
                    f"xl/worksheets/_rels/sheet{i}.xml.rels",
                    f'{_XML_HEAD}<Relationships xmlns="{_NS_PKG_REL}">'
                    f'<Relationship Id="rId1" Type="{_REL}/table" '
                    f'Target="../tables/table{table_id}.xml"/></Relationships>',
                )
        n = len(sheets)
        wb_rels.append(
            f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{n + 2}" Type="{_REL}/sharedStrings" '
            'Target="sharedStrings.xml"/>'
        )
        z.writestr("xl/styles.xml", styles.xml())
        z.writestr("xl/sharedStrings.xml", strings.xml())
        z.writestr(
            "xl/workbook.xml",
            f'{_XML_HEAD}<workbook xmlns="{_NS_MAIN}" xmlns:r="{_NS_R}">'
            '<bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{''.join(sheet_entries)}</sheets>"
            '<calcPr calcId="191029" fullCalcOnLoad="1"/></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{_XML_HEAD}<Relationships xmlns="{_NS_PKG_REL}">{"".join(wb_rels)}</Relationships>',
        )
        stamp = "%Y-%m-%dT%H:%M:%SZ"
        z.writestr(
            "docProps/core.xml",
            f"{_XML_HEAD}<cp:coreProperties "
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{_esc(title)}</dc:title><dc:creator>intplan</dc:creator>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{created.strftime(stamp)}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{modified.strftime(stamp)}'
            "</dcterms:modified></cp:coreProperties>",
        )
        z.writestr(
            "docProps/app.xml",
            f'{_XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties"><Application>intplan</Application></Properties>',
        )
        z.writestr(
            "_rels/.rels",
            f'{_XML_HEAD}<Relationships xmlns="{_NS_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
            'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/extended-properties" '
            'Target="docProps/app.xml"/></Relationships>',
        )
        z.writestr(
            "[Content_Types].xml",
            f'{_XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
            + "</Types>",
        )


__all__ = [
    "ErrorValue",
    "FormulaValue",
    "ListValidation",
    "NotXlsxError",
    "SheetData",
    "XlsxReader",
    "write_xlsx",
]
