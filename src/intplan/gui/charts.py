"""pyqtgraph charts used by the views: grouped bars, lines with CI bands, intervals."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QWidget

pg.setConfigOptions(antialias=True, background="w", foreground="#333")

#: a calm, colour-blind-safe palette (Okabe-Ito)
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


def colour(n: int, alpha: int = 255) -> QColor:
    c = QColor(PALETTE[n % len(PALETTE)])
    c.setAlpha(alpha)
    return c


@dataclass(frozen=True, slots=True, kw_only=True)
class Series:
    name: str
    values: Sequence[float]
    low: Sequence[float] | None = None  # lower CI bound
    high: Sequence[float] | None = None  # upper CI bound


class ChartWidget(pg.PlotWidget):  # type: ignore[misc]  # pyqtgraph is untyped
    """A plot with a title, axis labels with units, a grid and a legend."""

    def __init__(self, title: str, x_label: str, y_label: str, parent: QWidget | None = None):
        super().__init__(parent=parent)
        self.setMinimumHeight(220)
        item = self.getPlotItem()
        item.setTitle(title, size="11pt")
        item.setLabel("bottom", x_label)
        item.setLabel("left", y_label)
        item.showGrid(x=False, y=True, alpha=0.2)
        item.setMenuEnabled(False)
        font = QFont()
        font.setPointSize(8)
        for axis in ("bottom", "left"):
            item.getAxis(axis).setTickFont(font)
        self._legend = item.addLegend(offset=(-10, 10), labelTextSize="8pt")
        self.empty_text = pg.TextItem("", color="#888", anchor=(0.5, 0.5))
        self.addItem(self.empty_text)
        self.set_empty("Nothing to show yet")

    def clear_chart(self) -> None:
        item = self.getPlotItem()
        item.clear()
        self._legend.clear()
        self.addItem(self.empty_text)
        self.empty_text.setText("")

    def set_empty(self, message: str) -> None:
        self.clear_chart()
        self.empty_text.setText(message)
        self.empty_text.setPos(0.5, 0.5)
        self.getPlotItem().getAxis("bottom").setTicks(None)
        self.setXRange(0, 1)
        self.setYRange(0, 1)

    def bars(self, categories: Sequence[str], series: Sequence[Series]) -> None:
        """Grouped vertical bars, one group per category, with optional CI whiskers."""
        self.clear_chart()
        if not categories or not series:
            self.set_empty("No data")
            return
        n = len(series)
        width = 0.8 / n
        x0 = np.arange(len(categories), dtype=float)
        for k, s in enumerate(series):
            x = x0 - 0.4 + width * (k + 0.5)
            heights = np.asarray(s.values, dtype=float)
            bar = pg.BarGraphItem(
                x=x, height=heights, width=width * 0.9, brush=colour(k), pen=pg.mkPen(None)
            )
            self.addItem(bar)
            if n > 1:  # one series is named by the axis title; a legend would hide bars
                self._legend.addItem(bar, s.name)
            if s.low is not None and s.high is not None:
                low = np.asarray(s.low, dtype=float)
                high = np.asarray(s.high, dtype=float)
                self.addItem(
                    pg.ErrorBarItem(
                        x=x, y=heights, top=high - heights, bottom=heights - low, beam=width * 0.4
                    )
                )
        self.getPlotItem().getAxis("bottom").setTicks([list(enumerate(categories))])
        self.setXRange(-0.6, len(categories) - 0.4, padding=0)
        self.enableAutoRange(axis="y")

    def hbars(self, categories: Sequence[str], series: Sequence[Series]) -> None:
        """Grouped horizontal bars (first category at the top): readable with many roles."""
        self.clear_chart()
        if not categories or not series:
            self.set_empty("No data")
            return
        n = len(series)
        height = 0.8 / n
        y0 = -np.arange(len(categories), dtype=float)
        top = 0.0
        for k, s in enumerate(series):
            y = y0 + 0.4 - height * (k + 0.5)
            widths = np.asarray(s.values, dtype=float)
            ends = np.asarray(s.high, dtype=float) if s.high is not None else widths
            top = max(top, float(np.nanmax(np.concatenate([widths, ends]))) if len(widths) else 0.0)
            bar = pg.BarGraphItem(
                x0=0, y=y, width=widths, height=height * 0.9, brush=colour(k), pen=pg.mkPen(None)
            )
            self.addItem(bar)
            if n > 1:
                self._legend.addItem(bar, s.name)
            if s.low is not None and s.high is not None:
                low = np.asarray(s.low, dtype=float)
                high = np.asarray(s.high, dtype=float)
                self.addItem(
                    pg.ErrorBarItem(
                        x=widths, y=y, right=high - widths, left=widths - low, beam=height * 0.4
                    )
                )
        item = self.getPlotItem()
        item.getAxis("left").setTicks([list(zip(y0, categories, strict=True))])
        item.getAxis("bottom").setTicks(None)
        self.setYRange(-len(categories) + 0.4, 0.6, padding=0)
        self.setXRange(0, top * 1.05 if top > 0 else 1.0, padding=0)

    def lines(self, x: Sequence[float], series: Sequence[Series]) -> None:
        """Lines over x, each with a shaded confidence band when low/high are given."""
        self.clear_chart()
        if len(x) == 0 or not series:
            self.set_empty("No data")
            return
        xs = np.asarray(x, dtype=float)
        for k, s in enumerate(series):
            if s.low is not None and s.high is not None:
                lo = pg.PlotDataItem(xs, np.asarray(s.low, dtype=float), pen=pg.mkPen(None))
                hi = pg.PlotDataItem(xs, np.asarray(s.high, dtype=float), pen=pg.mkPen(None))
                self.addItem(pg.FillBetweenItem(lo, hi, brush=colour(k, 60)))
            # past the palette, colours repeat: dash the second round so lines stay distinct
            style = Qt.PenStyle.SolidLine if k < len(PALETTE) else Qt.PenStyle.DashLine
            curve = self.plot(
                xs,
                np.asarray(s.values, dtype=float),
                pen=pg.mkPen(colour(k), width=2, style=style),
            )
            self._legend.addItem(curve, s.name)
        self.getPlotItem().getAxis("bottom").setTicks(None)
        self.enableAutoRange()
        # many series: a short, wide legend in headroom above the lines, not over them
        columns = min(len(series), 5)  # five fit above a chart in a view's column
        rows = math.ceil(len(series) / columns)
        self._legend.setColumnCount(columns)
        tops = [np.nanmax(np.asarray(s.high if s.high is not None else s.values, dtype=float))
                for s in series]  # fmt: skip
        top = max((t for t in tops if np.isfinite(t)), default=0.0)
        if top > 0:
            self.setYRange(0, top * (1.0 + 0.2 * rows), padding=0)
