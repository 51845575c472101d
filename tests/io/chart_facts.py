"""What a reader sees in a result workbook's native charts, read back with openpyxl."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.cell import range_boundaries


@dataclass(frozen=True)
class ChartFacts:
    sheet: str
    title: str
    series: int
    points: tuple[int, ...]  # per series
    categories: tuple[Any, ...]  # the first series' category (x) cells
    x_title: str
    y_title: str
    legend: str | None  # position, or None when there is no legend
    legend_overlay: bool


def _text(title: Any) -> str:
    """The plain text of an openpyxl chart or axis title ('' when none)."""
    if title is None or title.tx is None or title.tx.rich is None:
        return ""
    return "".join(r.t for p in title.tx.rich.p for r in (p.r or []))


def _cells(wb: Any, ref: str) -> list[Any]:
    sheet, _, rng = ref.rpartition("!")
    ws = wb[sheet.strip("'").replace("''", "'")]
    c0, r0, c1, r1 = range_boundaries(rng.replace("$", ""))
    return [ws.cell(row=r, column=c).value for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]


def _ref(data: Any) -> str | None:
    if data is None:
        return None
    for attr in ("numRef", "strRef"):
        got = getattr(data, attr, None)
        if got is not None:
            return str(got.f)
    return None


def chart_facts(path: Path) -> list[ChartFacts]:
    wb = openpyxl.load_workbook(path)
    out = []
    for ws in wb.worksheets:
        for chart in ws._charts:
            points = []
            categories: list[Any] = []
            for k, s in enumerate(chart.series):
                ref = _ref(s.val) or _ref(s.yVal)
                points.append(len(_cells(wb, ref)) if ref else 0)
                cat = _ref(s.cat) or _ref(s.xVal)
                if k == 0 and cat:
                    categories = _cells(wb, cat)
            legend = chart.legend
            out.append(
                ChartFacts(
                    sheet=ws.title,
                    title=_text(chart.title),
                    series=len(chart.series),
                    points=tuple(points),
                    categories=tuple(categories),
                    x_title=_text(chart.x_axis.title),
                    y_title=_text(chart.y_axis.title),
                    legend=None if legend is None else str(legend.position),
                    legend_overlay=bool(legend is not None and legend.overlay),
                )
            )
    wb.close()
    return out
