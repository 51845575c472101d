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

Everything else in the workbook is kept exactly: the user's own sheets with their
charts, images, comments, defined names, formats, validations and conditional formats,
and result sheets of earlier runs that are not being replaced.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from intplan.io.chart_data import ChartData, cut
from intplan.io.package import Package
from intplan.io.result_package import built_package, splice_file

#: Sheet-name prefixes that mark result sheets; the scenario reader skips them.
RESULT_SHEET_PREFIXES: tuple[str, ...] = (
    *("Results", "Plan", "Splits", "Compare", "Mapping", "Calibration", "Sweep"),
    "Model report",  # a run's STRESS-DES report (intplan.services.model_report)
)

Cell = str | int | float | bool | dt.datetime | dt.date | None
ChartKind = Literal["bar", "line", "scatter"]

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_ROW_CM = 0.53  # a default 15 pt row
#: at most this many bars or series in a chart (issue 15: "at most ~15")
MAX_CHART_ITEMS = 15
#: columns a default-width chart covers (16 cm over 1.7 cm default columns), plus a gap:
#: a chart's own data block starts there
_CHART_COLUMNS = 11


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
    #: most bars (bar) or series (line) drawn; beyond it the chart shows the first
    #: ``limit - 1`` by ``rank_by`` and one "others" bar or series (intplan.io.chart_data)
    limit: int = MAX_CHART_ITEMS
    rank_by: str | None = None  # the column that ranks bars (default: the first y column)
    keep: Literal["highest", "lowest"] = "highest"  # which end of the ranking is shown
    others: Literal["mean", "sum"] = "mean"  # how the rest are combined
    worst_first: bool = True  # the caption says "worst N of M" (else "top N of M")
    y_max: float | None = None  # the value axis' maximum (1 for a share); None: automatic

    def __post_init__(self) -> None:
        if self.kind not in ("bar", "line", "scatter"):
            raise ValueError(f"chart kind {self.kind!r} is not bar, line or scatter")
        if not self.y_columns:
            raise ValueError(f"chart {self.title!r} has no y_columns")
        if self.limit < 2:
            raise ValueError(f"chart {self.title!r}: limit must be at least 2")


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
            named = (chart.x_column, *chart.y_columns, *([chart.rank_by] if chart.rank_by else []))
            missing = [c for c in named if c not in known]
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


def _chart(
    ws: Any,
    spec: ChartSpec,
    headers: Sequence[str],
    y_names: Sequence[str],
    n_rows: int,
    header_row: int,
    col0: int,
) -> Any:
    """A chart of the ``y_names`` columns of ``headers`` (written at ``header_row`` from
    column ``col0``) against ``spec.x_column``."""
    from openpyxl.chart import BarChart, LineChart, Reference, ScatterChart, Series
    from openpyxl.chart.legend import Legend

    last = header_row + max(n_rows, 1)
    x_col = col0 + list(headers).index(spec.x_column)
    y_cols = [col0 + list(headers).index(y) for y in y_names]
    chart: Any
    if spec.kind == "scatter":
        chart = ScatterChart()
        chart.style = 13
        xs = Reference(ws, min_col=x_col, min_row=header_row + 1, max_row=last)
        for y_col in y_cols:
            values = Reference(ws, min_col=y_col, min_row=header_row, max_row=last)
            series = Series(values, xs, title_from_data=True)
            series.marker.symbol = "circle"
            series.graphicalProperties.line.noFill = True  # points, not a joined line
            chart.series.append(series)
    else:
        chart = BarChart() if spec.kind == "bar" else LineChart()
        for y_col in y_cols:
            chart.add_data(
                Reference(ws, min_col=y_col, min_row=header_row, max_row=last),
                titles_from_data=True,
            )
        chart.set_categories(Reference(ws, min_col=x_col, min_row=header_row + 1, max_row=last))
        for series in chart.series:
            series.smooth = False  # openpyxl smooths lines; a curve overshoots the data
    chart.title = _title(spec.title, 11)
    chart.y_axis.title = _title(spec.y_title, 9) if spec.y_title else None
    chart.x_axis.title = _title(spec.x_title or spec.x_column, 9)
    # openpyxl 3.1 marks axes deleted unless told otherwise; Excel then hides them.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    if spec.kind == "bar":
        # horizontal bars: labels such as "INT-CHR MHA" read across, first row at the
        # top (the category axis runs downwards, so the value axis sits at its far end)
        chart.type = "bar"
        chart.x_axis.scaling.orientation = "maxMin"
        chart.y_axis.crosses = "max"
        chart.y_axis.scaling.min = 0
        chart.x_axis.tickLblSkip = 1  # every bar labelled (LibreOffice skips some otherwise)
    if spec.y_max is not None:
        chart.y_axis.scaling.max = spec.y_max
    # one series needs no legend (the axis title names it); several get one beside the
    # plot, never over it
    chart.legend = Legend(legendPos="r", overlay=False) if len(y_cols) > 1 else None
    chart.width = spec.width_cm
    chart.height = _height_cm(spec, n_rows, len(y_cols))
    return chart


def _height_cm(spec: ChartSpec, n_rows: int, n_series: int) -> float:
    """Tall enough for every bar's label (bar) or every legend entry (line)."""
    if spec.kind == "bar":
        return max(spec.height_cm, 3.0 + 0.55 * n_rows * (1 + 0.5 * (n_series - 1)))
    if n_series > 1:
        return max(spec.height_cm, 3.0 + 0.5 * n_series)
    return spec.height_cm


def _rows_for(height_cm: float) -> int:
    return math.ceil(height_cm / _ROW_CM) + 1


def _title(text: str, size_pt: int) -> Any:
    """A chart or axis title in bold at ``size_pt`` (openpyxl's default is large)."""
    from openpyxl.chart.text import RichText, Text
    from openpyxl.chart.title import Title
    from openpyxl.drawing.text import (
        CharacterProperties,
        Paragraph,
        ParagraphProperties,
        RegularTextRun,
    )

    font = CharacterProperties(sz=size_pt * 100, b=True)
    para = Paragraph(pPr=ParagraphProperties(defRPr=font), r=[RegularTextRun(rPr=font, t=text)])
    return Title(tx=Text(rich=RichText(p=[para])), overlay=False)


def _anchor_cell(anchor: str) -> tuple[int, int]:
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    letters, row = coordinate_from_string(anchor)
    return row, column_index_from_string(letters)


def _write_chart_data(ws: Any, data: ChartData, title: str, row: int, col: int) -> None:
    """The rows a cut-down chart plots, titled, beside the chart."""
    from openpyxl.styles import Font

    ws.cell(row=row, column=col, value=f"Chart data: {title}").font = Font(italic=True)
    for c, h in enumerate(data.headers):
        ws.cell(row=row + 1, column=col + c, value=h).font = Font(bold=True)
    for r, values in enumerate(data.rows, start=row + 2):
        for c, v in enumerate(values):
            ws.cell(row=r, column=col + c, value=_value(v))


def _place_chart(ws: Any, spec: ChartSpec, table: ResultTable, header_row: int, at: str) -> int:
    """Add ``spec``'s chart at cell ``at``; rows it needs (with its data block, if cut)."""
    from openpyxl.utils import get_column_letter

    data = cut(spec, table.headers, table.rows)
    if data is None:
        chart = _chart(ws, spec, table.headers, spec.y_columns, len(table.rows), header_row, 1)
        ws.add_chart(chart, at)
        return _rows_for(chart.height)
    title = f"{spec.title} ({data.caption})"
    row, col = _anchor_cell(at)
    block_col = col + _CHART_COLUMNS
    _write_chart_data(ws, data, title, row, block_col)
    chart = _chart(
        ws,
        dataclasses.replace(spec, title=title),
        data.headers,
        data.headers[1:],
        len(data.rows),
        row + 1,
        block_col,
    )
    ws.add_chart(chart, at)
    ws.column_dimensions[get_column_letter(block_col)].width = 24
    return max(_rows_for(chart.height), len(data.rows) + 3)


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
            used = _place_chart(
                ws, spec, table, header_row, spec.anchor or f"{chart_col}{chart_row}"
            )
            if spec.anchor is None:
                chart_row += used
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

    The result sheets are built with openpyxl in a package of their own and spliced into
    the input's zip package (``result_package``): every part that is not ours, on every
    other sheet, is copied byte for byte, so nothing a user added is lost and a
    15,000-staff workbook is written in a fraction of a second.
    """
    by_sheet: dict[str, list[ResultTable]] = {}
    for t in tables:
        by_sheet.setdefault(t.sheet, []).append(t)

    def build(taken: set[str]) -> Package:
        return _result_package(by_sheet, taken)

    splice_file(input_path, output_path, list(by_sheet), build, "result sheets")


def _result_package(by_sheet: dict[str, list[ResultTable]], taken: set[str]) -> Package:
    """The result sheets alone, in a workbook package built by openpyxl (in memory)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for sheet, group in by_sheet.items():
        _write_sheet(wb.create_sheet(sheet), group, taken)
    return built_package(wb)
