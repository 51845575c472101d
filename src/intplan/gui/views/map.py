"""Map: practices at their places, coloured by INT, with INT and PCN boundaries and cover.

:class:`MapWidget` draws a :class:`~intplan.services.geography.MapLayout` (the geometry is
worked out without Qt in ``intplan.services.geography``); :class:`MapView` is the tab.
Another view can embed a ``MapWidget`` and draw any practice -> INT assignment on it with
:func:`draw_assignment` (a split option in Compare).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from intplan.domain import Scenario

# re-exported: other views take the colours from here
from intplan.gui.palette import INT_PALETTE as INT_PALETTE
from intplan.gui.palette import LIGHT_COLOURS as LIGHT_COLOURS
from intplan.gui.views.common import heading, hint
from intplan.gui.views.context import ViewContext
from intplan.services.geography import MapLayout, map_layout
from intplan.services.overview import (
    BACKLOG,
    UNMET,
    UTILISATION,
    WITHIN_TARGET,
    Light,
    OverviewRow,
    Threshold,
    overview_rows,
)
from intplan.services.simulate import SimulationResult

#: with more adjacency edges than this, travel minutes are written for the selected INT only
MAX_EDGE_LABELS = 30
FILL_ALPHA = 90  # area fills stay light so borders, points and names read over them


def practice_size_px(population: int) -> float:
    """Point diameter: area grows with the list (a 10,000 list is about 10 px)."""
    size = min(18.0, max(6.0, 10.0 * math.sqrt(max(population, 0) / 10_000)))
    return float(2 * round(size / 2))  # even sizes: pyqtgraph draws each size once


class MapWidget(pg.PlotWidget):  # type: ignore[misc]  # pyqtgraph is untyped
    """A km-true map of a :class:`MapLayout`; a click anywhere picks the nearest practice.

    Signals: ``practice_clicked(practice_code)``, ``int_clicked(int_code)``.
    """

    practice_clicked = Signal(str)
    int_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent, background="w")
        self.setMinimumSize(320, 240)
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideAxis("left")
        item.hideAxis("bottom")
        item.hideButtons()
        self.vb = item.getViewBox()
        self.vb.setAspectLocked(True)  # a km is a km both ways
        self.layout_: MapLayout | None = None
        self.notes: dict[str, str] = {}  # INT code -> a line for hover and labels (KPI layer)
        self.show_edges = True
        self.show_pcns = True
        self._xy = np.zeros((0, 2))
        self._selected: str | None = None
        # The items are made once and refilled on each draw: pyqtgraph's per-item
        # bookkeeping is what makes a map of hundreds of items slow to build.
        self._pcn_curve = self._curve(pg.mkPen("#555", width=1.2, style=Qt.PenStyle.DashLine), 5)
        self._int_curve = self._curve(pg.mkPen("#222", width=2), 10)
        self._edges_curve = self._curve(
            pg.mkPen("#6B7785", width=1.2, style=Qt.PenStyle.DotLine), 15
        )
        self._selection = self._curve(pg.mkPen("#111", width=4), 30)
        self.scatter = self._new_scatter()
        # Areas and names live in plain Qt items under one group each (cheap to make).
        self._fill_group = self._group(-10)
        self._edge_label_group = self._group(16)
        self._label_group = self._group(25)
        self._fills: dict[str, QGraphicsPathItem] = {}
        self._labels: dict[str, _Label] = {}
        self._edge_labels: list[tuple[tuple[str, str], _Label]] = []
        self._order: list[str] = []  # INT codes, largest population first
        self._drawing = False
        # names that would overlap at this zoom are hidden (the larger INT's stays)
        self.vb.sigTransformChanged.connect(lambda *_: self._declutter())
        self.scene().sigMouseClicked.connect(self._scene_clicked)

    def _new_scatter(self) -> pg.ScatterPlotItem:
        scatter = pg.ScatterPlotItem(
            pen=pg.mkPen("w", width=1),
            hoverable=True,
            hoverPen=pg.mkPen("#111", width=2),
            tip=lambda x, y, data: self.hover_text(str(data)),
        )
        scatter.setZValue(20)
        self.addItem(scatter)
        return scatter

    def _curve(self, pen: QPen, z: int) -> pg.PlotCurveItem:
        curve = pg.PlotCurveItem(pen=pen)
        curve.setZValue(z)
        self.addItem(curve)
        return curve

    def _group(self, z: int) -> pg.ItemGroup:
        group = pg.ItemGroup()
        group.setZValue(z)
        self.addItem(group, ignoreBounds=True)
        return group

    # -- drawing ----------------------------------------------------------------------
    def set_layout(
        self, layout: MapLayout, fills: Mapping[str, QColor] | None = None, title: str = ""
    ) -> None:
        """Draw ``layout``; ``fills`` colours INT areas (default: distinct INT colours)."""
        self.layout_ = layout
        self._drawing = True  # one declutter at the end, not one per step
        self.getPlotItem().setTitle(title or None, size="10pt")
        points = layout.points
        self._xy = np.array([(p.x_km, p.y_km) for p in points], dtype=float).reshape(-1, 2)
        for group in (self._fill_group, self._edge_label_group, self._label_group):
            for child in group.childItems():
                shiboken6.delete(child)  # leaves the scene with it; no C++ item is left behind
        self._fills.clear()
        self._labels.clear()
        paths: dict[str, QPainterPath] = {}
        for p, cell in zip(points, layout.cells, strict=True):
            if len(cell) < 3:
                continue
            path = paths.setdefault(p.int_code, QPainterPath())
            path.moveTo(*cell[0])
            for x, y in cell[1:]:
                path.lineTo(x, y)
            path.closeSubpath()
        for code, path in paths.items():
            area = QGraphicsPathItem(path, self._fill_group)
            area.setPen(QPen(Qt.PenStyle.NoPen))
            self._fills[code] = area
        _set_segments(self._pcn_curve, [(b.a, b.b) for b in layout.pcn_borders])
        _set_segments(self._int_curve, [(b.a, b.b) for b in layout.int_borders])
        _set_segments(self._edges_curve, [(e.a, e.b) for e in layout.edges])
        self._edge_labels = []
        for e in layout.edges:
            where = ((e.a[0] + e.b[0]) / 2, (e.a[1] + e.b[1]) / 2)
            label = _Label(f"{e.travel_minutes:g} min", where, self._edge_label_group, small=True)
            self._edge_labels.append(((e.int_a, e.int_b), label))
        brushes = {code: pg.mkBrush(c) for code, c in self._int_colours(layout).items()}
        self.scatter.setData(
            x=self._xy[:, 0],
            y=self._xy[:, 1],
            size=[practice_size_px(p.population) for p in points],
            brush=[brushes[p.int_code] for p in points],
            data=[p.code for p in points],
        )
        for code, where in layout.labels.items():
            self._labels[code] = _Label(code, where, self._label_group)
        self._order = sorted(layout.labels, key=lambda c: -_population(layout, c))
        self.set_overlays(edges=self.show_edges, pcns=self.show_pcns)
        self.set_fills(fills, self.notes)
        self._draw_selection()
        if layout.extent:
            xs = [x for x, _ in layout.extent]
            ys = [y for _, y in layout.extent]
            self.vb.setRange(xRange=(min(xs), max(xs)), yRange=(min(ys), max(ys)), padding=0.02)
        self._drawing = False
        self._declutter()

    def _int_colours(self, layout: MapLayout) -> dict[str, QColor]:
        return {
            code: QColor(INT_PALETTE[layout.colour_index.get(code, 0) % len(INT_PALETTE)])
            for code in layout.labels
        }

    def set_fills(
        self, fills: Mapping[str, QColor] | None, notes: Mapping[str, str] | None = None
    ) -> None:
        """Recolour the INT areas (None: distinct INT colours) and set each INT's note,
        shown under its name and on hover (e.g. "within target 82% · amber")."""
        if self.layout_ is None:
            return
        self.notes = dict(notes or {})
        base = self._int_colours(self.layout_)
        for code, area in self._fills.items():
            colour = QColor(fills[code]) if fills and code in fills else QColor(base[code])
            colour.setAlpha(FILL_ALPHA if fills is None else 150)
            area.setBrush(QBrush(colour))
        for code, label in self._labels.items():
            note = self.notes.get(code)
            label.set_text(f"{code}\n{note}" if note else code)
        self._declutter()

    def set_overlays(self, *, edges: bool | None = None, pcns: bool | None = None) -> None:
        if edges is not None:
            self.show_edges = edges
            self._edges_curve.setVisible(edges)
            self._edge_label_group.setVisible(edges)
        if pcns is not None:
            self.show_pcns = pcns
            self._pcn_curve.setVisible(pcns)

    def zoom_to(self, practice_codes: Sequence[str], margin_km: float = 2.0) -> None:
        """Show these practices (e.g. one PCN's) filling the view."""
        if self.layout_ is None:
            return
        wanted = set(practice_codes)
        xy = [(p.x_km, p.y_km) for p in self.layout_.points if p.code in wanted]
        if not xy:
            return
        xs, ys = [x for x, _ in xy], [y for _, y in xy]
        self.vb.setRange(
            xRange=(min(xs) - margin_km, max(xs) + margin_km),
            yRange=(min(ys) - margin_km, max(ys) + margin_km),
            padding=0,
        )

    def select_int(self, code: str | None) -> None:
        """Outline one INT's area (None: no outline)."""
        self._selected = code
        self._draw_selection()

    @property
    def selected_int(self) -> str | None:
        return self._selected

    def resizeEvent(self, event: QResizeEvent | None) -> None:
        super().resizeEvent(event)
        if "_order" in self.__dict__:  # pyqtgraph resizes while still being built
            self._declutter()

    def _declutter(self) -> None:
        """Show the names that fit: the selected INT's first, then by population; travel
        minutes only for the selected INT's edges when there are many."""
        if self.layout_ is None or self._drawing:
            return
        placed: list[QRectF] = []
        first = [self._selected] if self._selected in self._labels else []
        for code in first + [c for c in self._order if c != self._selected]:
            label = self._labels[code]
            box = label.screen_rect(self)
            fits = not any(box.intersects(other) for other in placed)
            label.setVisible(fits)
            if fits:
                placed.append(box)
        many = len(self._edge_labels) > MAX_EDGE_LABELS
        for sides, label in self._edge_labels:
            mine = self._selected in sides
            box = label.screen_rect(self)
            fits = (mine or not many) and not any(box.intersects(o) for o in placed)
            label.setVisible(fits)
            if fits:
                placed.append(box)

    def _draw_selection(self) -> None:
        layout = self.layout_
        segs = (
            [b for b in layout.int_borders if self._selected in b.sides]
            if layout is not None and self._selected
            else []
        )
        xs = np.array([c for b in segs for c in (b.a[0], b.b[0])], dtype=float)
        ys = np.array([c for b in segs for c in (b.a[1], b.b[1])], dtype=float)
        self._selection.setData(xs, ys, connect="pairs")
        self._declutter()

    # -- reading the map --------------------------------------------------------------
    def hover_text(self, practice_code: str) -> str:
        layout = self.layout_
        if layout is None:
            return ""
        p = next((q for q in layout.points if q.code == practice_code), None)
        if p is None:
            return ""
        lines = [
            f"{p.name} ({p.code})",
            f"List size {p.population:,}",
            f"INT {p.int_code} · PCN {p.pcn}",
        ]
        note = self.notes.get(p.int_code)
        if note:
            lines.append(note)
        return "\n".join(lines)

    def practice_at(self, x_km: float, y_km: float) -> str | None:
        """The practice whose catchment holds the point (its nearest), if on the map."""
        if self.layout_ is None or len(self._xy) == 0:
            return None
        if not _inside(self.layout_.extent, x_km, y_km):
            return None
        d = np.hypot(self._xy[:, 0] - x_km, self._xy[:, 1] - y_km)
        return self.layout_.points[int(np.argmin(d))].code

    def widget_pos(self, x_km: float, y_km: float) -> QPoint:
        """Where a map point is in the widget (for tests and the board pack)."""
        scene = self.vb.mapViewToScene(QPointF(x_km, y_km))
        return self.mapFromScene(scene)  # type: ignore[no-any-return]

    def _scene_clicked(self, event: object) -> None:
        button = getattr(event, "button", lambda: None)()
        if button != Qt.MouseButton.LeftButton or self.layout_ is None:
            return
        view = self.vb.mapSceneToView(event.scenePos())  # type: ignore[attr-defined]
        code = self.practice_at(view.x(), view.y())
        if code is None:
            return
        self.practice_clicked.emit(code)
        owner = next(p.int_code for p in self.layout_.points if p.code == code)
        self.int_clicked.emit(owner)


Segment = tuple[tuple[float, float], tuple[float, float]]


def _set_segments(curve: pg.PlotCurveItem, segments: list[Segment]) -> None:
    xs = np.array([c for a, b in segments for c in (a[0], b[0])], dtype=float)
    ys = np.array([c for a, b in segments for c in (a[1], b[1])], dtype=float)
    curve.setData(xs, ys, connect="pairs")


class _Label(QGraphicsRectItem):
    """Text centred on a map point, the same size at any zoom, on a pale backing that
    keeps it readable over borders and dotted edges."""

    def __init__(
        self, text: str, where: tuple[float, float], parent: QGraphicsItem, *, small: bool = False
    ) -> None:
        super().__init__(parent)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setPos(*where)
        self.setPen(QPen(Qt.PenStyle.NoPen))
        self.setBrush(QColor(255, 255, 255, 120 if small else 170))
        self.text = QGraphicsSimpleTextItem(self)
        self.text.setFont(_font(small))
        self.text.setBrush(QColor("#44505c" if small else "#111"))
        self.set_text(text)

    def screen_rect(self, view: pg.PlotWidget) -> QRectF:
        """Where the label is drawn, in the view's pixels."""
        centre = view.mapFromScene(self.scenePos())
        box = self.rect()
        return box.translated(centre.x(), centre.y())

    def set_text(self, text: str) -> None:
        self.text.setText(text)
        box = self.text.boundingRect()
        self.text.setPos(-box.width() / 2, -box.height() / 2)
        self.setRect(box.translated(-box.width() / 2, -box.height() / 2).adjusted(-2, 0, 2, 0))


@functools.cache
def _font(small: bool) -> QFont:
    font = QFont()
    font.setPointSize(7 if small else 8)
    font.setBold(not small)
    return font


def _population(layout: MapLayout, int_code: str) -> int:
    return sum(p.population for p in layout.points if p.int_code == int_code)


def _inside(polygon: tuple[tuple[float, float], ...], x: float, y: float) -> bool:
    """In a convex, counter-clockwise polygon (the map's extent)."""
    n = len(polygon)
    for k in range(n):
        (x0, y0), (x1, y1) = polygon[k], polygon[(k + 1) % n]
        if (x1 - x0) * (y - y0) - (y1 - y0) * (x - x0) < 0:
            return False
    return n >= 3


def draw_assignment(
    widget: MapWidget, scenario: Scenario, assignment: Mapping[str, str], title: str = ""
) -> MapLayout:
    """Draw ``scenario`` with practices grouped by ``assignment`` (practice -> INT code),
    e.g. one split option; adjacency edges are drawn where both INTs are the scenario's."""
    layout = map_layout(scenario, assignment)
    widget.set_layout(layout, title=title)
    return layout


# -- the tab ------------------------------------------------------------------------------

#: colour layers: (combo text, threshold, unit and scale of its limits in the legend)
_LAYERS: tuple[tuple[str, Threshold, str, float], ...] = (
    ("Within target (simulated)", WITHIN_TARGET, "%", 100.0),
    ("Utilisation (simulated)", UTILISATION, "%", 100.0),
    ("Backlog trend (simulated)", BACKLOG, " activities growing", 1.0),
    ("Unmet need per 1,000 a week (simulated)", UNMET, " per 1,000 a week", 1.0),
)


def _layer_value(row: OverviewRow, threshold: Threshold) -> tuple[Light, str]:
    if threshold is WITHIN_TARGET:
        v = row.within_target_share
        return row.within_target_light, "–" if math.isnan(v) else f"{100 * v:.0f}%"
    if threshold is UTILISATION:
        return row.utilisation_light, f"{100 * row.utilisation:.0f}%"
    if threshold is BACKLOG:
        return row.backlog_light, "growing" if row.backlog_growing else "stable"
    v = row.unmet_per_1000_per_week
    return row.unmet_light, "–" if math.isnan(v) else f"{v:.2f}"


class MapView(QWidget):
    """The Map tab: the scenario's INTs on a map; a click selects an INT."""

    int_selected = Signal(str)

    def __init__(self, ctx: ViewContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.rows: dict[str, OverviewRow] = {}
        self.map = MapWidget()
        self.map.int_clicked.connect(self._int_clicked)
        self.colour_by = QComboBox()
        self.colour_by.addItem("INT (distinct colours)")
        for text, *_ in _LAYERS:
            self.colour_by.addItem(text)
        self.colour_by.setToolTip(
            "Colour INT areas by a simulated figure against its target (run the simulation "
            "first); the value is written under each INT's name"
        )
        self.colour_by.currentIndexChanged.connect(lambda _: self._recolour())
        self.edges = QCheckBox("Adjacency (travel minutes)")
        self.edges.setChecked(True)
        self.edges.setToolTip("Dotted lines join INTs that cover each other, with travel minutes")
        self.edges.toggled.connect(lambda on: self.map.set_overlays(edges=on))
        self.pcns = QCheckBox("PCN boundaries")
        self.pcns.setChecked(True)
        self.pcns.setToolTip(
            "Dashed: a PCN boundary inside an INT (solid lines are INT boundaries)"
        )
        self.pcns.toggled.connect(lambda on: self.map.set_overlays(pcns=on))
        self.legend = QLabel()
        self.legend.setObjectName("hint")
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Colour by"))
        controls.addWidget(self.colour_by)
        controls.addWidget(self.edges)
        controls.addWidget(self.pcns)
        controls.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Map"))
        layout.addWidget(
            hint(
                "Practices at their locations (point size: list size), each INT's area as its "
                "practices' nearest-practice catchments. Hover a practice for its details; "
                "click to select its INT."
            )
        )
        layout.addLayout(controls)
        layout.addWidget(self.map, 1)
        layout.addWidget(self.legend)
        self._drawn_for: tuple[object, ...] | None = None
        self._set_layer_enabled(False)
        ctx.document.scenario_changed.connect(self._scenario_changed)
        # drawn when first shown (showEvent), not while the window is being built

    # -- scenario and results ---------------------------------------------------------
    def _geography_key(self) -> tuple[object, ...]:
        s = self.ctx.document.scenario
        return (s.practices, s.ints, s.adjacencies, s.pcns)

    def _scenario_changed(self) -> None:
        if self.isVisible():
            self.redraw()

    def showEvent(self, event: QShowEvent) -> None:
        if self._drawn_for != self._geography_key():
            self.redraw()
        super().showEvent(event)

    def redraw(self) -> None:
        """Lay out and draw the current scenario (only when its geography changed)."""
        key = self._geography_key()
        if key == self._drawn_for:
            return
        self._drawn_for = key
        self.map.set_layout(map_layout(self.ctx.document.scenario))
        self._recolour()

    def set_result(self, result: SimulationResult) -> None:
        """A finished simulation: its figures become colour layers."""
        self.rows = {r.int_code: r for r in overview_rows(result)}
        self._set_layer_enabled(bool(self.rows))
        self._recolour()

    def _set_layer_enabled(self, on: bool) -> None:
        model = self.colour_by.model()
        for n in range(1, self.colour_by.count()):
            item = model.item(n)  # type: ignore[attr-defined]  # a QStandardItemModel
            item.setEnabled(on)
        if not on:
            self.colour_by.setCurrentIndex(0)

    def _recolour(self) -> None:
        n = self.colour_by.currentIndex()
        if n <= 0 or not self.rows:
            self.map.set_fills(None, {})
            self.legend.setText(
                "Colours tell neighbouring INTs apart; solid lines: INT boundaries; dashed: "
                "PCN boundaries inside an INT; dotted: INTs that cover each other, with "
                "travel minutes. Names that would overlap are hidden: zoom with the mouse "
                "wheel, drag to pan."
                + ("" if self.rows else " Run the simulation to colour INTs by its figures.")
            )
            return
        text, threshold, unit, scale = _LAYERS[n - 1]
        codes = self.map.layout_.labels if self.map.layout_ is not None else {}
        fills = {code: QColor(LIGHT_COLOURS[Light.NONE]) for code in codes}  # not simulated
        notes: dict[str, str] = {}
        for code, row in self.rows.items():
            light, value = _layer_value(row, threshold)
            fills[code] = QColor(LIGHT_COLOURS[light])
            notes[code] = f"{value} · {light.label}"
        self.map.set_fills(fills, notes)
        swatches = " ".join(
            f'<span style="color:{LIGHT_COLOURS[light]}">■</span> {light.label}'
            for light in (Light.GREEN, Light.AMBER, Light.RED, Light.NONE)
        )
        self.legend.setText(
            f"<b>{text}</b>: {swatches} (n/a: not measured or not simulated). "
            f"{threshold.describe(unit, scale, with_source=False)}."
        )
        self.legend.setToolTip(f"Source of the limits: {threshold.source}")

    # -- selection --------------------------------------------------------------------
    def _int_clicked(self, code: str) -> None:
        self.map.select_int(code)
        self.int_selected.emit(code)

    def select_int(self, code: str) -> None:
        self.map.select_int(code)
