"""The ``Sweep`` result sheet: tables with a native tornado chart per KPI (horizontal
bars, sorted by swing) and a colour-scaled heat map per KPI for two-parameter grids.

``ChartSpec`` (io/results.py) draws vertical bars and no conditional formats, so this
sheet is built with openpyxl here and spliced into the user's workbook the same way as
every other result sheet (``result_package``): every other sheet is kept byte for byte,
and the save is atomic.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Any

from intplan.io.package import Package
from intplan.io.result_package import built_package, splice_file

SHEET = "Sweep"
_CHART_ROWS = 18  # rows a chart covers, so the next block starts below it

Cell = str | int | float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Tornado:
    """One KPI's swing per parameter, largest first."""

    kpi: str  # label with unit, e.g. "Mean wait (minutes)"
    parameters: tuple[str, ...]
    low_values: tuple[float, ...]
    high_values: tuple[float, ...]
    at_low: tuple[float, ...]  # KPI change from the baseline at the low end
    at_high: tuple[float, ...]
    baseline: float
    number_format: str = "0.000"  # of the changes and the chart's axis, e.g. "0.00%"


@dataclass(frozen=True, slots=True, kw_only=True)
class HeatMap:
    """One KPI's mean over a two-parameter grid."""

    kpi: str
    row_parameter: str
    column_parameter: str
    rows: tuple[float, ...]
    columns: tuple[float, ...]
    values: tuple[tuple[float, ...], ...]  # values[i][j]
    higher_is_better: bool = False  # colours: green is better, red is worse
    number_format: str = "0.000"


@dataclass(frozen=True, slots=True, kw_only=True)
class SweepSheet:
    title: str
    note: str
    tornados: tuple[Tornado, ...] = ()
    heat_maps: tuple[HeatMap, ...] = ()
    headers: tuple[str, ...] = ()  # the variants table (long: one row per variant x KPI)
    rows: tuple[tuple[Cell, ...], ...] = ()
    number_formats: dict[str, str] = field(default_factory=dict)


def _num(v: Cell) -> Cell:
    return None if isinstance(v, float) and not math.isfinite(v) else v


def _tornado(ws: Any, t: Tornado, row: int) -> int:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    ws.cell(row=row, column=1, value=f"Tornado: {t.kpi}").font = Font(bold=True, size=12)
    ws.cell(
        row=row + 1,
        column=1,
        value=f"change from the baseline ({_fmt(t.baseline)}) with each parameter at its low "
        "and high value, the others as in the workbook; largest swing first",
    ).font = Font(italic=True)
    header = row + 2
    heads = ("parameter", "low value", "high value", "change at low", "change at high")
    for c, h in enumerate(heads, start=1):
        ws.cell(row=header, column=c, value=h).font = Font(bold=True)
    for i, p in enumerate(t.parameters):
        values: tuple[Cell, ...] = (p, t.low_values[i], t.high_values[i], t.at_low[i], t.at_high[i])
        for c, v in enumerate(values, start=1):
            cell = ws.cell(row=header + 1 + i, column=c, value=_num(v))
            if c > 1:
                cell.number_format = "0.###" if c < 4 else t.number_format
    last = header + len(t.parameters)
    chart = BarChart()
    chart.type = "bar"  # horizontal bars
    chart.grouping = "clustered"
    chart.overlap = 100  # low and high on one line: a tornado
    chart.gapWidth = 40
    chart.title = t.kpi
    chart.add_data(
        Reference(ws, min_col=4, max_col=5, min_row=header, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=last))
    chart.x_axis.scaling.orientation = "maxMin"  # the largest swing on top
    chart.x_axis.tickLblPos = "low"  # parameter names at the left edge, clear of the bars
    chart.y_axis.title = "change from baseline"
    chart.y_axis.number_format = t.number_format
    chart.y_axis.numFmt.sourceLinked = False
    chart.y_axis.crosses = "max"  # with maxMin categories, keep the value axis at the bottom
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.width = 16
    chart.height = max(6.0, 1.0 + 0.7 * len(t.parameters))
    ws.add_chart(chart, f"G{row}")
    rows_used = max(last - row + 1, int(chart.height / 0.5) + 1)
    return row + rows_used + 2


def _heat_map(ws: Any, h: HeatMap, row: int) -> int:
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws.cell(row=row, column=1, value=f"Heat map: {h.kpi}").font = Font(bold=True, size=12)
    ws.cell(
        row=row + 1,
        column=1,
        value=f"mean over replications; rows: {h.row_parameter}, columns: {h.column_parameter}",
    ).font = Font(italic=True)
    top = row + 2
    ws.cell(row=top, column=1, value=f"{h.row_parameter} \\ {h.column_parameter}").font = Font(
        bold=True
    )
    for j, c in enumerate(h.columns):
        cell = ws.cell(row=top, column=2 + j, value=c)
        cell.font = Font(bold=True)
        cell.number_format = "0.###"
    for i, r in enumerate(h.rows):
        cell = ws.cell(row=top + 1 + i, column=1, value=r)
        cell.font = Font(bold=True)
        cell.number_format = "0.###"
        for j, v in enumerate(h.values[i]):
            ws.cell(row=top + 1 + i, column=2 + j, value=_num(v)).number_format = h.number_format
    ref = f"B{top + 1}:{get_column_letter(1 + len(h.columns))}{top + len(h.rows)}"
    good, bad = "63BE7B", "F8696B"  # Excel's green and red
    low, high = (bad, good) if h.higher_is_better else (good, bad)
    ws.conditional_formatting.add(
        ref,
        ColorScaleRule(
            start_type="min",
            start_color=low,
            mid_type="percentile",
            mid_value=50,
            mid_color="FFEB84",
            end_type="max",
            end_color=high,
        ),
    )
    return top + len(h.rows) + 3


def _fmt(x: float) -> str:
    return "-" if not math.isfinite(x) else f"{x:.4g}"


def _variants(ws: Any, s: SweepSheet, row: int, taken: set[str]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    ws.cell(row=row, column=1, value="Variants: mean and 95% CI per KPI").font = Font(
        bold=True, size=12
    )
    header = row + 1
    for c, h in enumerate(s.headers, start=1):
        ws.cell(row=header, column=c, value=h).font = Font(bold=True)
        letter = get_column_letter(c)
        ws.column_dimensions[letter].width = max(
            ws.column_dimensions[letter].width or 0, min(len(h) + 4, 40)
        )
    formats = [s.number_formats.get(h) for h in s.headers]
    for i, values in enumerate(s.rows, start=1):
        for c, v in enumerate(values, start=1):
            cell = ws.cell(row=header + i, column=c, value=_num(v))
            if formats[c - 1]:
                cell.number_format = formats[c - 1]
    if s.rows:
        name, n = "res_Sweep_variants", 1
        while name.lower() in taken:
            n += 1
            name = f"res_Sweep_variants_{n}"
        ref = f"A{header}:{get_column_letter(len(s.headers))}{header + len(s.rows)}"
        t = Table(displayName=name, ref=ref)
        t.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        ws.add_table(t)


def _build(s: SweepSheet, taken: set[str]) -> Package:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.cell(row=1, column=1, value=s.title).font = Font(bold=True, size=13)
    ws.cell(row=2, column=1, value=s.note).font = Font(italic=True)
    ws.column_dimensions["A"].width = 28
    for col in "BCDEF":
        ws.column_dimensions[col].width = 14
    row = 4
    for t in s.tornados:
        row = _tornado(ws, t, row)
    for h in s.heat_maps:
        row = _heat_map(ws, h, row)
    _variants(ws, s, row, taken)
    # printed (and rendered to PDF) one page wide, landscape: tables beside their charts
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    return built_package(wb)


def write_sweep_sheet(
    input_path: str | os.PathLike[str], output_path: str | os.PathLike[str], sheet: SweepSheet
) -> None:
    """Copy ``input_path`` to ``output_path`` with the ``Sweep`` sheet (replaced if there)."""

    def build(taken: set[str]) -> Package:
        return _build(sheet, taken)

    splice_file(input_path, output_path, [SHEET], build, "the Sweep sheet")
