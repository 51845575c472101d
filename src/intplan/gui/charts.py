"""pyqtgraph charts used by the views: grouped and stacked bars, lines with CI bands.

One style for every chart (the rules themselves are in :mod:`intplan.gui.chart_style`):
the legend sits below the plot, never over the data; a single series is named by the
axis title instead; hovering a bar or a line shows what it is, by name and code, with
its figures.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QCursor, QFont, QResizeEvent
from PySide6.QtWidgets import QToolTip, QWidget

from intplan.gui.chart_style import WaitUnit

pg.setConfigOptions(antialias=True, background="w", foreground="#333")

#: a calm, colour-blind-safe palette (Okabe-Ito)
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
#: the legend's row and column in pyqtgraph's PlotItem grid: below the bottom axis
_LEGEND_CELL = (4, 1)
#: a legend entry's width in pixels, for choosing how many fit side by side
_LEGEND_ENTRY_PX = 165
_SAMPLE_PX = 24
_LEGEND_ROW_PX = 22  # a label in 8 pt is 21 pixels high
#: room the left axis (tick labels and title) takes from the chart's width
_AXIS_PX = 80


def colour(n: int, alpha: int = 255) -> QColor:
    c = QColor(PALETTE[n % len(PALETTE)])
    c.setAlpha(alpha)
    return c


def plain_number(value: float) -> str:
    return f"{value:,.1f}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Series:
    name: str
    values: Sequence[float]
    low: Sequence[float] | None = None  # lower CI bound
    high: Sequence[float] | None = None  # upper CI bound


@dataclass(frozen=True, slots=True, kw_only=True)
class BarData:
    """What a bar chart draws: labels, their tooltips and the series."""

    categories: list[str]  # axis labels (names, shortened)
    tips: list[str]  # full names with codes
    series: list[Series]
    unit: WaitUnit | None = None  # for waits: the unit the values are in
    left_out: int = 0  # items not drawn (they are in the table)


@dataclass(frozen=True, slots=True)
class _Tip:
    """A rectangle in data coordinates and what hovering it says."""

    x0: float
    x1: float
    y0: float
    y1: float
    text: str


class ChartWidget(pg.PlotWidget):  # type: ignore[misc]  # pyqtgraph is untyped
    """A plot with a title, axis titles with units, a grid, a legend below and tooltips.

    ``x_label`` titles the bottom axis and ``y_label`` the left one, whichever way the
    bars run: for :meth:`hbars` the values are on the bottom axis and the categories on
    the left (give ``y_label=""``: the category names say what they are).
    """

    def __init__(self, title: str, x_label: str, y_label: str, parent: QWidget | None = None):
        super().__init__(parent=parent)
        self.setMinimumHeight(180)
        item = self.getPlotItem()
        item.setTitle(title, size="10pt")
        item.setLabel("bottom", x_label)
        item.setLabel("left", y_label)
        if not y_label:
            item.getAxis("left").showLabel(False)  # no empty title taking a column
        item.showGrid(x=False, y=True, alpha=0.2)
        item.setMenuEnabled(False)
        font = QFont()
        font.setPointSize(8)
        for axis in ("bottom", "left"):
            item.getAxis(axis).setTickFont(font)
        # offset=None: laid out in the plot's grid below the axes, not floating over data
        self._legend = pg.LegendItem(offset=None, labelTextSize="8pt", verSpacing=0)
        self._legend.layout.setContentsMargins(0, 2, 0, 2)
        self._legend.setParentItem(item)
        item.layout.addItem(self._legend, *_LEGEND_CELL)
        item.layout.setAlignment(self._legend, Qt.AlignmentFlag.AlignHCenter)
        self._tips: list[_Tip] = []
        self._lines: tuple[np.ndarray, list[tuple[str, np.ndarray]], Callable[[float], str]] | None
        self._lines = None
        self.empty_text = pg.TextItem("", color="#888", anchor=(0.5, 0.5))
        self.addItem(self.empty_text)
        self.scene().sigMouseMoved.connect(self._hover)
        self.set_empty("Nothing to show yet")

    # -- what the tests and views read ------------------------------------------
    def axis_title(self, side: str) -> str:
        """The title of the ``bottom`` or ``left`` axis ("" when hidden)."""
        axis = self.getPlotItem().getAxis(side)
        return str(axis.labelText) if axis.label.isVisible() else ""

    def legend_names(self) -> list[str]:
        return [label.text for _, label in self._legend.items]

    def tooltip_at(self, x: float, y: float) -> str:
        """What hovering the data point (x, y) shows ("" over nothing)."""
        for tip in self._tips:
            if tip.x0 <= x <= tip.x1 and tip.y0 <= y <= tip.y1:
                return tip.text
        if self._lines is not None:
            return self._line_tip(x, y)
        return ""

    def set_title(self, title: str) -> None:
        self.getPlotItem().setTitle(title, size="10pt")

    def title(self) -> str:
        return str(self.getPlotItem().titleLabel.text)

    def set_axis_titles(self, x_label: str, y_label: str) -> None:
        item = self.getPlotItem()
        item.setLabel("bottom", x_label)
        item.setLabel("left", y_label)
        item.getAxis("left").showLabel(bool(y_label))

    # -- drawing ------------------------------------------------------------------
    def clear_chart(self) -> None:
        item = self.getPlotItem()
        item.clear()
        self._legend.clear()
        self._legend.hide()
        self._legend.setFixedHeight(0)
        self._tips = []
        self._lines = None
        self.addItem(self.empty_text)
        self.empty_text.setText("")

    def set_empty(self, message: str) -> None:
        self.clear_chart()
        self.empty_text.setText(message)
        self.empty_text.setPos(0.5, 0.5)
        self.getPlotItem().getAxis("bottom").setTicks(None)
        self.getPlotItem().getAxis("left").setTicks(None)
        self.setXRange(0, 1)
        self.setYRange(0, 1)

    def _begin(self, points: int, series: Sequence[Series]) -> bool:
        """Clear the chart; False, with "No data" shown, when there is nothing to draw."""
        self.clear_chart()
        if points == 0 or not series:
            self.set_empty("No data")
            return False
        return True

    def _add_bar(self, bar: pg.BarGraphItem, name: str, n: int) -> None:
        self.addItem(bar)
        self._add_legend(bar, name, n)

    def bars(
        self,
        categories: Sequence[str],
        series: Sequence[Series],
        *,
        tips: Sequence[str] | None = None,
        fmt: Callable[[float], str] = plain_number,
    ) -> None:
        """Grouped vertical bars, one group per category, with optional CI whiskers."""
        if not self._begin(len(categories), series):
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
            self._add_bar(bar, s.name, n)
            if (ci := _interval(s)) is not None:
                low, high = ci
                self.addItem(
                    pg.ErrorBarItem(
                        x=x, y=heights, top=high - heights, bottom=heights - low, beam=width * 0.4
                    )
                )
        self._category_tips(categories, series, tips, fmt, vertical=True)
        self.getPlotItem().getAxis("bottom").setTicks([list(enumerate(categories))])
        self.getPlotItem().getAxis("left").setTicks(None)
        self.setXRange(-0.6, len(categories) - 0.4, padding=0)
        self.enableAutoRange(axis="y")
        self._finish_legend(n)

    def hbars(
        self,
        categories: Sequence[str],
        series: Sequence[Series],
        *,
        tips: Sequence[str] | None = None,
        fmt: Callable[[float], str] = plain_number,
    ) -> None:
        """Grouped horizontal bars (first category at the top): readable with long names."""
        if not self._begin(len(categories), series):
            return
        n = len(series)
        height = 0.8 / n
        y0 = -np.arange(len(categories), dtype=float)
        top = 0.0
        for k, s in enumerate(series):
            y = y0 + 0.4 - height * (k + 0.5)
            widths = np.asarray(s.values, dtype=float)
            ends = np.asarray(s.high, dtype=float) if s.high is not None else widths
            both = np.concatenate([widths, ends])
            if np.isfinite(both).any():
                top = max(top, float(np.nanmax(both)))
            bar = pg.BarGraphItem(
                x0=0, y=y, width=widths, height=height * 0.9, brush=colour(k), pen=pg.mkPen(None)
            )
            self._add_bar(bar, s.name, n)
            if (ci := _interval(s)) is not None:
                low, high = ci
                self.addItem(
                    pg.ErrorBarItem(
                        x=widths, y=y, right=high - widths, left=widths - low, beam=height * 0.4
                    )
                )
        self._category_tips(categories, series, tips, fmt, vertical=False, right=top)
        self._category_axis_left(categories)
        self.setXRange(0, top * 1.05 if top > 0 else 1.0, padding=0)
        self._finish_legend(n)

    def stacked_hbars(
        self,
        categories: Sequence[str],
        series: Sequence[Series],
        *,
        tips: Sequence[str] | None = None,
        fmt: Callable[[float], str] = plain_number,
    ) -> None:
        """Horizontal bars made of the series end to end (e.g. shares adding up to 100%)."""
        if not self._begin(len(categories), series):
            return
        y = -np.arange(len(categories), dtype=float)
        left = np.zeros(len(categories))
        for k, s in enumerate(series):
            widths = np.nan_to_num(np.asarray(s.values, dtype=float))
            bar = pg.BarGraphItem(
                x0=left.copy(), y=y, width=widths, height=0.7, brush=colour(k), pen=pg.mkPen("w")
            )
            self._add_bar(bar, s.name, 2)  # each part needs its name, even alone
            left += widths
        right = float(left.max()) if len(left) else 0.0
        self._category_tips(categories, series, tips, fmt, vertical=False, right=right)
        self._category_axis_left(categories)
        self.setXRange(0, right if right > 0 else 1.0, padding=0.02)
        self._finish_legend(2)

    def lines(
        self,
        x: Sequence[float],
        series: Sequence[Series],
        *,
        tips: Sequence[str] | None = None,
        fmt: Callable[[float], str] = plain_number,
    ) -> None:
        """Lines over x, each with a shaded confidence band when low/high are given;
        ``tips`` names each series in full for the tooltip (default: its name)."""
        if not self._begin(len(x), series):
            return
        xs = np.asarray(x, dtype=float)
        for k, s in enumerate(series):
            if (ci := _interval(s)) is not None:
                lo = pg.PlotDataItem(xs, ci[0], pen=pg.mkPen(None))
                hi = pg.PlotDataItem(xs, ci[1], pen=pg.mkPen(None))
                self.addItem(pg.FillBetweenItem(lo, hi, brush=colour(k, 60)))
            # past the palette, colours repeat: dash the second round so lines stay distinct
            style = Qt.PenStyle.SolidLine if k < len(PALETTE) else Qt.PenStyle.DashLine
            curve = self.plot(
                xs,
                np.asarray(s.values, dtype=float),
                pen=pg.mkPen(colour(k), width=2, style=style),
            )
            self._add_legend(curve, s.name, len(series))
        names = tips if tips is not None else [s.name for s in series]
        self._lines = (
            xs,
            [
                (name, np.asarray(s.values, dtype=float))
                for name, s in zip(names, series, strict=True)
            ],
            fmt,
        )
        item = self.getPlotItem()
        item.getAxis("bottom").setTicks(None)
        item.getAxis("left").setTicks(None)
        self.enableAutoRange()
        self._finish_legend(len(series))

    # -- helpers --------------------------------------------------------------------
    def _add_legend(self, item: object, name: str, count: int) -> None:
        if count > 1:  # one series is named by the axis title
            self._legend.addItem(item, name)

    def _finish_legend(self, count: int) -> None:
        if count <= 1 or not self._legend.items:
            return
        self._fit_legend()
        self._legend.show()

    def _fit_legend(self) -> None:
        """As many legend entries side by side as the chart's width holds (at most 5)."""
        count = len(self._legend.items)
        if count:
            fits = max(1, (self.width() - _AXIS_PX) // _LEGEND_ENTRY_PX)
            columns = min(count, fits, 5)
            self._legend.setColumnCount(columns)
            grid = self._legend.layout
            for k in range(columns):  # samples keep their size; names take the width
                grid.setColumnMaximumWidth(2 * k, _SAMPLE_PX)
                grid.setColumnStretchFactor(2 * k + 1, 1)
            # its rows only: the plot's grid would otherwise stretch the legend's rows apart
            rows = math.ceil(count / columns)
            self._legend.setFixedHeight(rows * _LEGEND_ROW_PX + 4)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if getattr(self, "_legend", None) is not None:  # Qt resizes during __init__ too
            self._fit_legend()

    def _category_axis_left(self, categories: Sequence[str]) -> None:
        item = self.getPlotItem()
        ticks = [(-float(n), name) for n, name in enumerate(categories)]
        left = item.getAxis("left")
        left.setTicks([ticks])
        # the first and last names sit half a row from the ends: draw them all the same
        left.setStyle(hideOverlappingLabels=False)
        item.getAxis("bottom").setTicks(None)
        self.setYRange(-len(categories) + 0.4, 0.6, padding=0)

    def _category_tips(
        self,
        categories: Sequence[str],
        series: Sequence[Series],
        tips: Sequence[str] | None,
        fmt: Callable[[float], str],
        *,
        vertical: bool,
        right: float = 0.0,
    ) -> None:
        """One tooltip per category band: its full name (and code), then every series."""
        for n, name in enumerate(categories):
            lines = [tips[n] if tips is not None else name]
            for s in series:
                lines.append(f"{s.name}: {_figure(s, n, fmt)}")
            text = "\n".join(lines)
            if vertical:
                self._tips.append(_Tip(n - 0.5, n + 0.5, -math.inf, math.inf, text))
            else:
                self._tips.append(_Tip(-math.inf, math.inf, -n - 0.5, -n + 0.5, text))

    def _line_tip(self, x: float, y: float) -> str:
        assert self._lines is not None
        xs, values, fmt = self._lines
        if len(xs) == 0:
            return ""
        i = int(np.argmin(np.abs(xs - x)))
        near = [(abs(v[i] - y), name, v[i]) for name, v in values if math.isfinite(v[i])]
        if not near:
            return ""
        _, name, value = min(near)
        return f"{name}\n{self.axis_title('bottom')}: {xs[i]:g}\n{fmt(float(value))}"

    def _hover(self, pos: QPointF) -> None:
        box = self.getPlotItem().vb
        if not box.sceneBoundingRect().contains(pos):
            QToolTip.hideText()
            return
        point = box.mapSceneToView(pos)
        text = self.tooltip_at(point.x(), point.y())
        if text:
            QToolTip.showText(QCursor.pos(), text, self)
        else:
            QToolTip.hideText()


def _interval(s: Series) -> tuple[np.ndarray, np.ndarray] | None:
    """The series' confidence interval (low, high) as float arrays, when it has one."""
    if s.low is None or s.high is None:
        return None
    return np.asarray(s.low, dtype=float), np.asarray(s.high, dtype=float)


def _figure(s: Series, n: int, fmt: Callable[[float], str]) -> str:
    value = float(s.values[n])
    if not math.isfinite(value):
        return "–"
    text = fmt(value)
    if s.low is not None and s.high is not None:
        low, high = float(s.low[n]), float(s.high[n])
        if math.isfinite(low) and math.isfinite(high) and (low, high) != (value, value):
            text += f" (95% CI {fmt(low)}–{fmt(high)})"
    return text
