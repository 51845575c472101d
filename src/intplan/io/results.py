"""Put run results into a workbook: result sheets with Excel Tables and native charts.

This is the one way every engine writes results (simulate, optimise, compare-splits,
compare, map). Inputs are never touched: the input workbook is opened, the named
result sheets are replaced (or added at the end), and the file is saved atomically.

Usage::

    from intplan.io.results import ChartSpec, ResultTable, write_results

    table = ResultTable(
        sheet="ResultsWaits",                      # must start with a RESULT_SHEET_PREFIXES entry
        title="Waits by INT (mean of 10 replications, 95% CI)",
        headers=("int", "wait_p90_hours", "ci_low", "ci_high"),
        rows=(("INT-A", 20.5, 18.1, 22.9), ("INT-B", 31.0, 27.4, 34.6)),
        number_formats={"wait_p90_hours": "0.0"},
        charts=(
            ChartSpec(kind="bar", title="p90 wait", x_column="int",
                      y_columns=("wait_p90_hours",), y_title="hours"),
        ),
        note="Illustrative scenario",
    )
    write_results("scenario.xlsx", "out.xlsx", [table])   # out may equal the input

Several tables may share a sheet: they are stacked top to bottom in the order given.
A table's title is in bold above it, its note (if any) below the title, then the header
row; each non-empty table is an Excel Table named ``res_<sheet>_<n>``. Charts sit to the
right of their table unless ``anchor`` gives a cell. ``read_scenario`` ignores every
result sheet, so an output workbook still loads as the same scenario.

Known limit: openpyxl does not keep charts or images it did not create, so charts on
*other* sheets of the input (a user's own charts on an extra sheet, or result sheets of
an earlier run that are not being replaced) are lost when results are written. Cell
values, tables, validations and formats of every sheet are kept.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import posixpath
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from intplan.io.atomic import atomic_write
from intplan.io.errors import UnreadableFileError

#: Sheet-name prefixes that mark result sheets; the scenario reader skips them.
RESULT_SHEET_PREFIXES: tuple[str, ...] = ("Results", "Plan", "Splits", "Compare", "Mapping")

Cell = str | int | float | bool | dt.datetime | dt.date | None
ChartKind = Literal["bar", "line", "scatter"]

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_CHART_ROWS = 16  # rows a default-size chart covers (7.5 cm at 15 pt rows)


def is_result_sheet(name: str) -> bool:
    """True for sheets written by runs (never read as scenario inputs).

    A result sheet is a prefix alone or followed by anything but a lower-case letter:
    ``Results``, ``ResultsWaits``, ``Plan_FTE``, ``Compare 2`` are results;
    ``Planning notes`` is a user's sheet.
    """
    for prefix in RESULT_SHEET_PREFIXES:
        if name.startswith(prefix):
            rest = name[len(prefix) :]
            if not rest or not rest[0].islower():
                return True
    return False


@dataclass(frozen=True, slots=True, kw_only=True)
class ChartSpec:
    """A native Excel chart of some of a table's columns against one column."""

    kind: ChartKind
    title: str
    x_column: str  # categories (bar, line) or x values (scatter)
    y_columns: tuple[str, ...]  # one series each
    y_title: str = ""
    x_title: str = ""
    anchor: str | None = None  # top-left cell, e.g. "H3"; default: right of the table
    width_cm: float = 16.0
    height_cm: float = 7.5

    def __post_init__(self) -> None:
        if self.kind not in ("bar", "line", "scatter"):
            raise ValueError(f"chart kind {self.kind!r} is not bar, line or scatter")
        if not self.y_columns:
            raise ValueError(f"chart {self.title!r} has no y_columns")


@dataclass(frozen=True, slots=True, kw_only=True)
class ResultTable:
    sheet: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    number_formats: Mapping[str, str] | None = None  # header -> Excel format, e.g. "0.0%"
    charts: tuple[ChartSpec, ...] = ()
    note: str = ""
    widths: Mapping[str, float] = field(default_factory=dict)  # header -> column width

    def __post_init__(self) -> None:
        # Programming errors, caught by the callers' tests: fail loudly and early.
        if not is_result_sheet(self.sheet):
            raise ValueError(
                f"result sheet {self.sheet!r} must start with one of {RESULT_SHEET_PREFIXES}"
            )
        if len(self.sheet) > 31 or _BAD_SHEET_CHARS.search(self.sheet):
            raise ValueError(f"{self.sheet!r} is not a valid Excel sheet name")
        if not self.headers or any(not isinstance(h, str) or not h for h in self.headers):
            raise ValueError("headers must be non-empty strings")
        if len(set(self.headers)) != len(self.headers):
            raise ValueError(f"duplicate headers in {self.title!r}")
        for i, row in enumerate(self.rows):
            if len(row) != len(self.headers):
                raise ValueError(
                    f"row {i} of {self.title!r} has {len(row)} values for "
                    f"{len(self.headers)} headers"
                )
        known = set(self.headers)
        for chart in self.charts:
            missing = [c for c in (chart.x_column, *chart.y_columns) if c not in known]
            if missing:
                raise ValueError(f"chart {chart.title!r} names unknown columns {missing}")
        for h in (self.number_formats or {}, self.widths):
            extra = set(h) - known
            if extra:
                raise ValueError(f"formats/widths for unknown columns {sorted(extra)}")


def _table_name(sheet: str, n: int, taken: set[str]) -> str:
    base = "res_" + re.sub(r"[^A-Za-z0-9_]", "_", sheet) + f"_{n}"
    name, i = base, 1
    while name.lower() in taken:
        i += 1
        name = f"{base}_{i}"
    taken.add(name.lower())
    return name


def _value(v: Cell) -> Any:
    if isinstance(v, float) and v != v:  # NaN: Excel has no such number; leave blank
        return None
    return v


def _chart(ws: Any, spec: ChartSpec, table: ResultTable, header_row: int, col0: int) -> Any:
    from openpyxl.chart import BarChart, LineChart, Reference, ScatterChart, Series

    last = header_row + max(len(table.rows), 1)
    x_col = col0 + table.headers.index(spec.x_column)
    chart: Any
    if spec.kind == "scatter":
        chart = ScatterChart()
        chart.style = 13
        xs = Reference(ws, min_col=x_col, min_row=header_row + 1, max_row=last)
        for y in spec.y_columns:
            y_col = col0 + table.headers.index(y)
            values = Reference(ws, min_col=y_col, min_row=header_row, max_row=last)
            series = Series(values, xs, title_from_data=True)
            series.marker.symbol = "circle"
            series.graphicalProperties.line.noFill = True  # points, not a joined line
            chart.series.append(series)
    else:
        chart = BarChart() if spec.kind == "bar" else LineChart()
        for y in spec.y_columns:
            y_col = col0 + table.headers.index(y)
            chart.add_data(
                Reference(ws, min_col=y_col, min_row=header_row, max_row=last),
                titles_from_data=True,
            )
        chart.set_categories(Reference(ws, min_col=x_col, min_row=header_row + 1, max_row=last))
    chart.title = spec.title
    chart.y_axis.title = spec.y_title or None
    chart.x_axis.title = spec.x_title or spec.x_column
    # openpyxl 3.1 marks axes deleted unless told otherwise; Excel then hides them.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.width = spec.width_cm
    chart.height = spec.height_cm
    return chart


def _write_sheet(ws: Any, tables: Sequence[ResultTable], taken: set[str]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    row = 1
    widths: dict[int, float] = {}
    for n, table in enumerate(tables, start=1):
        ws.cell(row=row, column=1, value=table.title).font = Font(bold=True, size=13)
        row += 1
        if table.note:
            ws.cell(row=row, column=1, value=table.note).font = Font(italic=True)
            row += 1
        header_row = row
        for c, h in enumerate(table.headers, start=1):
            ws.cell(row=row, column=c, value=h).font = Font(bold=True)
            width = table.widths.get(h) or min(max(len(h) + 2, 10), 40)
            widths[c] = max(widths.get(c, 0), width)
        formats = [(table.number_formats or {}).get(h) for h in table.headers]
        for values in table.rows:
            row += 1
            for c, v in enumerate(values, start=1):
                cell = ws.cell(row=row, column=c, value=_value(v))
                fmt = formats[c - 1]
                if fmt:
                    cell.number_format = fmt
        if table.rows:
            ref = f"A{header_row}:{get_column_letter(len(table.headers))}{row}"
            t = Table(displayName=_table_name(ws.title, n, taken), ref=ref)
            t.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
            ws.add_table(t)
        else:
            row += 1
            ws.cell(row=row, column=1, value="(no rows)").font = Font(italic=True)
        chart_col = get_column_letter(len(table.headers) + 2)
        chart_row = header_row
        for spec in table.charts:
            chart = _chart(ws, spec, table, header_row, 1)
            ws.add_chart(chart, spec.anchor or f"{chart_col}{chart_row}")
            if spec.anchor is None:
                chart_row += _CHART_ROWS
        # the next table starts below this one and below its default-placed charts
        row = max(row, chart_row - 1) + 3
    for c, w in widths.items():
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = None


def write_results(
    input_path: str | os.PathLike[str],
    output_path: str | os.PathLike[str],
    tables: Sequence[ResultTable],
) -> None:
    """Copy ``input_path`` to ``output_path`` with ``tables`` in their result sheets.

    Result sheets named by ``tables`` are replaced whole; every other sheet is kept.
    ``output_path`` may be ``input_path``. The save is atomic.

    The result sheets are built with openpyxl in a package of their own and merged into
    the input's zip package part by part, so input sheets are copied byte for byte (fast
    for a 15,000-staff workbook, and exact). Packages the merge does not understand are
    loaded and saved whole by openpyxl instead.
    """
    source = Path(input_path)
    if not source.is_file():
        raise UnreadableFileError(str(source), "file not found")
    by_sheet: dict[str, list[ResultTable]] = {}
    for t in tables:
        by_sheet.setdefault(t.sheet, []).append(t)
    try:
        zin = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as e:
        raise UnreadableFileError(str(source), f"cannot be opened as a workbook: {e}") from e
    with zin:
        try:
            merged = _merge_plan(zin, by_sheet)
        except _Unsupported:
            merged = None
        if merged is not None:
            with atomic_write(output_path) as tmp:
                _write_merged(zin, merged, tmp)
            return
    _write_with_openpyxl(source, output_path, by_sheet)


def _write_with_openpyxl(
    source: Path, output_path: str | os.PathLike[str], by_sheet: dict[str, list[ResultTable]]
) -> None:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(source)
    except Exception as e:  # openpyxl raises many types for damaged or foreign files
        raise UnreadableFileError(str(source), f"cannot be opened as a workbook: {e}") from e
    taken = {name.lower() for ws in wb.worksheets for name in ws.tables}
    for sheet, group in by_sheet.items():
        position = None
        if sheet in wb.sheetnames:
            old = wb[sheet]
            position = wb.sheetnames.index(sheet)
            taken -= {name.lower() for name in old.tables}
            wb.remove(old)
        ws = wb.create_sheet(sheet, position)
        _write_sheet(ws, group, taken)
    with atomic_write(output_path) as tmp:
        wb.save(tmp)


# -- merging result sheets into an existing package ------------------------------

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RELATIONSHIP = re.compile(r"<Relationship\b[^>]*?/>")
_SHEET_ENTRY = re.compile(r"<sheet\b[^>]*?/>")
_ATTR = re.compile(r'([\w:]+)="([^"]*)"')
_CELL_STYLE = re.compile(r'(<c\b[^>]*?\bs=")(\d+)(")')
_ROW_STYLE = re.compile(r'(<row\b[^>]*?\bs=")(\d+)(")')
_COL_STYLE = re.compile(r'(<col\b[^>]*?\bstyle=")(\d+)(")')


class _Unsupported(Exception):
    """The input package is laid out in a way the merge does not handle."""


def _attrs(tag: str) -> dict[str, str]:
    return dict(_ATTR.findall(tag))


def _rels(zin: zipfile.ZipFile, part: str) -> list[dict[str, str]]:
    folder, name = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", name + ".rels")
    try:
        xml = zin.read(rels_part).decode("utf-8")
    except KeyError:
        return []
    out = []
    for tag in _RELATIONSHIP.findall(xml):
        a = _attrs(tag)
        if a.get("TargetMode") == "External":
            continue
        target = a.get("Target", "")
        a["part"] = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        out.append(a)
    return out


def _rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


@dataclass(slots=True)
class _Merged:
    replace: dict[str, bytes]  # part -> new content (existing or new part)
    delete: set[str]


def _block(xml: str, tag: str) -> re.Match[str] | None:
    return re.search(rf"<{tag}\b[^>]*?(?:/>|>(.*?)</{tag}>)", xml, re.S)


def _elements(xml: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}\b[^>]*?/>|<{tag}\b[^>]*?>.*?</{tag}>", xml, re.S)


def _set_block(xml: str, tag: str, items: list[str], after: str) -> str:
    """Replace (or create after the element ``after``) ``<tag count=n>items</tag>``."""
    new = f'<{tag} count="{len(items)}">{"".join(items)}</{tag}>'
    m = _block(xml, tag)
    if m:
        return xml[: m.start()] + new + xml[m.end() :]
    m = re.search(rf"<{after}\b[^>]*>", xml)
    if not m:
        raise _Unsupported(f"no <{after}> in styles")
    return xml[: m.end()] + new + xml[m.end() :]


def _merge_styles(base: str, extra: str) -> tuple[str, dict[int, int]]:
    """Append ``extra``'s fonts, number formats and cell formats to ``base``.

    Returns the new styles XML and the map from ``extra``'s cellXfs index to ``base``'s.
    """
    if "<x:" in base[:500] or "<cellXfs" not in base or "<fonts" not in base:
        raise _Unsupported("styles.xml layout")
    fonts_m = _block(base, "fonts")
    xfs_m = _block(base, "cellXfs")
    if not fonts_m or not xfs_m:
        raise _Unsupported("styles.xml layout")
    base_fonts = _elements(fonts_m.group(1) or "", "font")
    base_xfs = _elements(xfs_m.group(1) or "", "xf")
    nf_m = _block(base, "numFmts")
    base_fmts = _elements(nf_m.group(1) or "", "numFmt") if nf_m else []
    fmt_by_code = {_attrs(f).get("formatCode", ""): int(_attrs(f)["numFmtId"]) for f in base_fmts}
    next_fmt = max([163, *fmt_by_code.values()]) + 1

    extra_fonts = _elements((_block(extra, "fonts") or _never()).group(1) or "", "font")
    extra_fmts = {
        int(_attrs(f)["numFmtId"]): _attrs(f)["formatCode"]
        for f in _elements((_block(extra, "numFmts") or re.search("", "")).group(1) or "", "numFmt")  # type: ignore[union-attr]
    }
    extra_xfs = _elements((_block(extra, "cellXfs") or _never()).group(1) or "", "xf")

    fonts = list(base_fonts)
    font_map: dict[int, int] = {}
    for i, font in enumerate(extra_fonts):
        # Rebuilt without theme colours: the input package may have no theme part.
        bold = "<b/>" if re.search(r"<b\b(?![^>]*val=\"0\")", font) else ""
        italic = "<i/>" if re.search(r"<i\b(?![^>]*val=\"0\")", font) else ""
        size = re.search(r'<sz val="([\d.]+)"', font)
        name = re.search(r'<name val="([^"]+)"', font)
        font_map[i] = len(fonts)
        fonts.append(
            f'<font>{bold}{italic}<sz val="{size.group(1) if size else "11"}"/>'
            f'<name val="{name.group(1) if name else "Calibri"}"/><family val="2"/></font>'
        )
    fmts = list(base_fmts)
    xfs = list(base_xfs)
    xf_map: dict[int, int] = {0: 0}
    for i, xf in enumerate(extra_xfs):
        if i == 0:
            continue
        a = _attrs(xf)
        fmt = int(a.get("numFmtId", "0"))
        if fmt in extra_fmts:
            code = extra_fmts[fmt]
            if code not in fmt_by_code:
                fmt_by_code[code] = next_fmt
                fmts.append(f'<numFmt numFmtId="{next_fmt}" formatCode="{_xml_attr(code)}"/>')
                next_fmt += 1
            fmt = fmt_by_code[code]
        font_id = font_map.get(int(a.get("fontId", "0")), 0)
        xf_map[i] = len(xfs)
        apply_fmt = ' applyNumberFormat="1"' if fmt else ""
        apply_font = ' applyFont="1"' if font_id else ""
        xfs.append(
            f'<xf numFmtId="{fmt}" fontId="{font_id}" fillId="0" borderId="0" xfId="0"'
            f"{apply_fmt}{apply_font}/>"
        )
    out = _set_block(base, "fonts", fonts, "numFmts" if nf_m else "styleSheet")
    out = _set_block(out, "cellXfs", xfs, "cellStyleXfs")
    if fmts:
        out = _set_block(out, "numFmts", fmts, "styleSheet")
    return out, xf_map


def _never() -> re.Match[str]:
    raise _Unsupported("result package has no styles")


def _xml_attr(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _restyle(xml: str, xf_map: dict[int, int]) -> str:
    def sub(m: re.Match[str]) -> str:
        return f"{m.group(1)}{xf_map.get(int(m.group(2)), 0)}{m.group(3)}"

    return _COL_STYLE.sub(sub, _ROW_STYLE.sub(sub, _CELL_STYLE.sub(sub, xml)))


def _merge_plan(zin: zipfile.ZipFile, by_sheet: dict[str, list[ResultTable]]) -> _Merged:
    from openpyxl import Workbook

    names = set(zin.namelist())
    wb_part = next(
        (r["part"] for r in _rels(zin, "") if r.get("Type", "").endswith("/officeDocument")),
        "",
    )
    if wb_part != "xl/workbook.xml" or "[Content_Types].xml" not in names:
        raise _Unsupported("workbook part")
    wb_xml = zin.read(wb_part).decode("utf-8")
    wb_rels_part = _rels_path(wb_part)
    wb_rels_xml = zin.read(wb_rels_part).decode("utf-8")
    wb_rels = {r["Id"]: r for r in _rels(zin, wb_part)}
    styles_part = next(
        (r["part"] for r in wb_rels.values() if r.get("Type", "").endswith("/styles")), ""
    )
    if not styles_part:
        raise _Unsupported("no styles part")
    sheets = []
    for tag in _SHEET_ENTRY.findall(wb_xml):
        a = _attrs(tag)
        rid = a.get("r:id")
        if rid is None or rid not in wb_rels:
            raise _Unsupported("sheet relationship")
        sheets.append((a.get("name", ""), int(a.get("sheetId", "0")), wb_rels[rid]["part"]))
    existing = {_unescape_attr(n): part for n, _, part in sheets}

    # Table names and ids already in the package (must stay unique workbook-wide).
    taken: set[str] = set()
    table_ids = [0]
    for name in names:
        if name.startswith("xl/tables/") and name.endswith(".xml"):
            head = zin.read(name)[:600].decode("utf-8", "replace")
            a = _attrs(re.search(r"<table\b[^>]*>", head).group(0)) if "<table" in head else {}  # type: ignore[union-attr]
            if a.get("displayName"):
                taken.add(a["displayName"].lower())
            table_ids.append(int(a.get("id", "0")))

    # Parts of result sheets being replaced go, with everything they own.
    delete: set[str] = set()
    for sheet in by_sheet:
        part = existing.get(sheet)
        if part is None:
            continue
        stack = [part]
        while stack:
            p = stack.pop()
            for r in _rels(zin, p):
                if r["part"] not in delete and r["part"] in names:
                    delete.add(r["part"])
                    stack.append(r["part"])
            delete.add(_rels_path(p))
        for r in _rels(zin, part):
            if r.get("Type", "").endswith("/table") and r["part"] in names:
                head = zin.read(r["part"])[:600].decode("utf-8", "replace")
                m = re.search(r'displayName="([^"]+)"', head)
                if m:
                    taken.discard(m.group(1).lower())

    # Build the result sheets alone with openpyxl.
    wb = Workbook()
    wb.remove(wb.active)
    for sheet, group in by_sheet.items():
        _write_sheet(wb.create_sheet(sheet), group, taken)
    buf = io.BytesIO()
    wb.save(buf)
    res = zipfile.ZipFile(buf)
    res_wb_rels = {r["Id"]: r for r in _rels(res, "xl/workbook.xml")}
    res_sheets = [
        res_wb_rels[_attrs(t)["r:id"]]["part"]
        for t in _SHEET_ENTRY.findall(res.read("xl/workbook.xml").decode("utf-8"))
    ]
    res_types = dict(
        re.findall(
            r'<Override PartName="/([^"]+)" ContentType="([^"]+)"',
            res.read("[Content_Types].xml").decode("utf-8"),
        )
    )
    styles_xml, xf_map = _merge_styles(
        zin.read(styles_part).decode("utf-8"), res.read("xl/styles.xml").decode("utf-8")
    )

    replace: dict[str, bytes] = {styles_part: styles_xml.encode("utf-8")}
    new_types: dict[str, str] = {}
    uid = 0
    used = names | set()

    def fresh(folder: str, stem: str) -> str:
        nonlocal uid
        while True:
            uid += 1
            name = f"{folder}/{stem}_intplan{uid}.xml"
            if name not in used:
                used.add(name)
                return name

    next_table_id = max(table_ids) + 1
    next_sheet_id = max([0, *(sid for _, sid, _ in sheets)]) + 1
    new_entries: list[str] = []
    new_rels: list[str] = []
    for sheet, res_part in zip(by_sheet, res_sheets, strict=True):
        part = existing.get(sheet)
        if part is None:
            part = fresh("xl/worksheets", "sheet")
            rid = f"rIdIntplan{next_sheet_id}"
            new_rels.append(
                f'<Relationship Id="{rid}" Type="{_REL_NS}/worksheet" Target="/{part}"/>'
            )
            new_entries.append(
                f'<sheet name="{_xml_attr(sheet)}" sheetId="{next_sheet_id}" r:id="{rid}"/>'
            )
            next_sheet_id += 1
        new_types[part] = res_types[res_part]
        replace[part] = _restyle(res.read(res_part).decode("utf-8"), xf_map).encode("utf-8")
        # Copy the sheet's own parts (tables, drawing, charts) under fresh names.
        sheet_rels = []
        for r in _rels(res, res_part):
            target = r["part"]
            folder, base = posixpath.split(target)
            new_target = fresh(folder, base.rsplit(".", 1)[0].rstrip("0123456789"))
            content = res.read(target)
            if r.get("Type", "").endswith("/table"):
                content = re.sub(
                    rb'(<table\b[^>]*?\bid=")\d+(")',
                    rb"\g<1>" + str(next_table_id).encode() + rb"\g<2>",
                    content,
                    count=1,
                )
                next_table_id += 1
            replace[new_target] = content
            new_types[new_target] = res_types[target]
            sub_rels = []
            for sr in _rels(res, target):
                sf, sb = posixpath.split(sr["part"])
                sub_target = fresh(sf, sb.rsplit(".", 1)[0].rstrip("0123456789"))
                replace[sub_target] = res.read(sr["part"])
                new_types[sub_target] = res_types[sr["part"]]
                sub_rels.append(
                    f'<Relationship Id="{sr["Id"]}" Type="{sr["Type"]}" Target="/{sub_target}"/>'
                )
            if sub_rels:
                replace[_rels_path(new_target)] = _rels_xml(sub_rels)
            sheet_rels.append(
                f'<Relationship Id="{r["Id"]}" Type="{r["Type"]}" Target="/{new_target}"/>'
            )
        if sheet_rels:
            replace[_rels_path(part)] = _rels_xml(sheet_rels)
        else:
            delete.add(_rels_path(part))
    delete -= set(replace)
    if new_entries:
        if "</sheets>" not in wb_xml:
            raise _Unsupported("workbook sheets")
        wb_xml = wb_xml.replace("</sheets>", "".join(new_entries) + "</sheets>", 1)
        replace[wb_part] = wb_xml.encode("utf-8")
        wb_rels_xml = wb_rels_xml.replace(
            "</Relationships>", "".join(new_rels) + "</Relationships>", 1
        )
        replace[wb_rels_part] = wb_rels_xml.encode("utf-8")
    types = zin.read("[Content_Types].xml").decode("utf-8")
    for part in delete:
        types = re.sub(rf'<Override PartName="/{re.escape(part)}"[^>]*/>', "", types)
    for part, ctype in new_types.items():
        types = re.sub(rf'<Override PartName="/{re.escape(part)}"[^>]*/>', "", types)
        types = types.replace(
            "</Types>", f'<Override PartName="/{part}" ContentType="{ctype}"/></Types>', 1
        )
    replace["[Content_Types].xml"] = types.encode("utf-8")
    return _Merged(replace=replace, delete=delete)


def _unescape_attr(text: str) -> str:
    return (
        text.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    )


def _rels_xml(items: list[str]) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(items)
        + "</Relationships>"
    ).encode("utf-8")


def _write_merged(zin: zipfile.ZipFile, merged: _Merged, tmp: Path) -> None:
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        written: set[str] = set()
        for info in zin.infolist():
            name = info.filename
            if name in merged.delete or name in written:
                continue
            data = merged.replace.get(name)
            zout.writestr(name, data if data is not None else zin.read(name))
            written.add(name)
        for name, data in merged.replace.items():
            if name not in written:
                zout.writestr(name, data)
