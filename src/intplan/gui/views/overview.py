"""ICS overview: every INT in one sortable table with traffic lights; click to open one.

The rows come from ``intplan.services.overview`` (the same rows as the ``Results
Overview`` sheet). Lights are a coloured dot *and* a word, so colour is never the only
cue. After a simulation of several INTs this is the view the window shows.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from intplan.gui.models.table import SORT_ROLE, Column, RecordTableModel, fmt_number
from intplan.gui.views.common import fit_columns, heading, hint, make_table
from intplan.gui.views.context import ViewContext
from intplan.gui.views.map import LIGHT_COLOURS
from intplan.services.overview import (
    BACKLOG,
    UNMET,
    UTILISATION,
    WITHIN_TARGET,
    Light,
    OverviewRow,
    overview_rows,
)
from intplan.services.simulate import SimulationResult

AnyIndex = QModelIndex | QPersistentModelIndex


def _num(value: float) -> float | None:
    return None if math.isnan(value) else value


#: (column, the light it shows or None); lights sort by severity, figures by value
COLUMNS: tuple[tuple[Column[OverviewRow], Callable[[OverviewRow], Light] | None], ...] = (
    (Column(header="INT", value=lambda r: r.int_code), None),
    (
        Column(
            header="Overall",
            value=lambda r: int(r.overall),
            fmt=lambda v: Light(v).label,
            header_tooltip="The worst of the INT's lights; sort to put red first",
        ),
        lambda r: r.overall,
    ),
    (
        Column(
            header="Within target",
            value=lambda r: _num(r.within_target_share),
            fmt=lambda v: "–" if v is None else f"{100 * v:.1f}%",
            numeric=True,
            tooltip=lambda r: f"{r.within_target_light.label}; lowest: {r.worst_activity or '–'}",
            header_tooltip="Share of requests seen within their response target, all "
            f"activities. {WITHIN_TARGET.describe('%', 100)}",
        ),
        lambda r: r.within_target_light,
    ),
    (
        Column(
            header="Lowest activity",
            value=lambda r: _num(r.worst_activity_share),
            fmt=lambda v: "–" if v is None else f"{100 * v:.0f}%",
            numeric=True,
            tooltip=lambda r: (
                f"{r.worst_activity}: the activity with the lowest share seen within its target"
            ),
            header_tooltip="The activity with the lowest share within target, and its share",
        ),
        None,
    ),
    (
        Column(
            header="Utilisation",
            value=lambda r: _num(r.utilisation),
            fmt=lambda v: "–" if v is None else f"{100 * v:.0f}%",
            numeric=True,
            header_tooltip="Contact and travel time over on-duty time, patient-serving roles. "
            f"{UTILISATION.describe('%', 100)}",
        ),
        lambda r: r.utilisation_light,
    ),
    (
        Column(
            header="Backlog trend",
            value=lambda r: len(r.backlog_growing),
            fmt=lambda v: "stable" if v == 0 else f"{v} growing",
            tooltip=lambda r: r.backlog_trend,
            header_tooltip="Activities whose backlog grew through the run. "
            f"{BACKLOG.describe(' activities')}",
        ),
        lambda r: r.backlog_light,
    ),
    (
        Column(
            header="Backlog at end",
            header_tooltip="Requests waiting at the end of the run, all activities",
            value=lambda r: _num(r.backlog_end),
            fmt=fmt_number(0),
            numeric=True,
        ),
        None,
    ),
    (
        Column(
            header="Unmet /1,000/wk",
            value=lambda r: _num(r.unmet_per_1000_per_week),
            fmt=fmt_number(2),
            numeric=True,
            header_tooltip="People who gave up waiting or were turned away, per 1,000 "
            f"registered a week. {UNMET.describe()}",
        ),
        lambda r: r.unmet_light,
    ),
    (
        Column(
            header="Population",
            value=lambda r: r.population,
            fmt=fmt_number(0),
            numeric=True,
            header_tooltip="Registered list",
        ),
        None,
    ),
)
LIGHT_OF = tuple(light for _, light in COLUMNS)
HEADERS = [c.header for c, _ in COLUMNS]
LOWEST = HEADERS.index("Lowest activity")  # shows the activity's name beside its share
OVERALL = HEADERS.index("Overall")  # its value is the light's word already


def _dot(colour: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(colour))
    painter.setPen(QColor("#555"))
    painter.drawEllipse(1, 1, 10, 10)
    painter.end()
    return QIcon(pixmap)


class OverviewModel(RecordTableModel[OverviewRow]):
    """The overview rows; light columns carry a coloured dot and the light's word."""

    def __init__(self) -> None:
        super().__init__([c for c, _ in COLUMNS])
        self._icons = {light: _dot(colour) for light, colour in LIGHT_COLOURS.items()}

    def light(self, row: int, column: int) -> Light | None:
        get = LIGHT_OF[column]
        return None if get is None else get(self.row_at(row))

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and index.column() == LOWEST and role == Qt.ItemDataRole.DisplayRole:
            row = self.row_at(index.row())
            return (
                f"{row.worst_activity} {super().data(index, role)}" if row.worst_activity else "–"
            )
        if index.isValid() and LIGHT_OF[index.column()] is not None:
            light = self.light(index.row(), index.column())
            assert light is not None
            if role == Qt.ItemDataRole.DecorationRole:
                return self._icons[light]
            if role == Qt.ItemDataRole.DisplayRole and index.column() != OVERALL:
                return f"{super().data(index, role)}  {light.label}"
            if role == Qt.ItemDataRole.ToolTipRole:
                base = super().data(index, role)
                return f"{light.label}" + (f": {base}" if base else "")
        return super().data(index, role)


def _key(value: Any) -> tuple[int, Any]:
    """Blanks last, numbers by value, text by its lower case (as the app's tables sort)."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return (2, 0)
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value).lower())


class OverviewProxy(QSortFilterProxyModel):
    """Sorts on the raw values (``SORT_ROLE``), blanks last."""

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:
        return _key(left.data(SORT_ROLE)) < _key(right.data(SORT_ROLE))


class OverviewView(QWidget):
    """The ICS overview tab. Clicking a row selects its INT and opens it in ``details``."""

    int_selected = Signal(str)

    def __init__(self, ctx: ViewContext, details: QWidget | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.details = details  # the Simulate view: where a clicked INT opens
        self.result: SimulationResult | None = None
        self.model = OverviewModel()
        self.proxy = OverviewProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = make_table()
        self.table.setModel(self.proxy)
        fit_columns(self.table, (100, 80, 110, 110, 100, 110, 100, 120, 90))
        self.table.clicked.connect(self._clicked)
        self.table.activated.connect(self._clicked)
        self.summary = QLabel("Run the simulation (F5 here runs every INT) to fill this table.")
        self.summary.setObjectName("hint")
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("ICS overview"))
        layout.addWidget(
            hint(
                "One row per INT from the last simulation, each figure with a traffic light "
                "against its target (hover a column heading for the limits and their "
                "source). Sort by any column; click an INT to open it in Simulate."
            )
        )
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    # -- results ----------------------------------------------------------------------
    def set_result(self, result: SimulationResult) -> None:
        """Show a finished run; a run of several INTs brings this view to the front."""
        self.result = result
        rows = overview_rows(result)
        self.model.set_rows(rows)
        counts = {light: sum(r.overall is light for r in rows) for light in Light}
        self.summary.setText(
            f"{len(rows)} INTs · {counts[Light.RED]} red · {counts[Light.AMBER]} amber · "
            f"{counts[Light.GREEN]} green"
            + (f" · {counts[Light.NONE]} not measured" if counts[Light.NONE] else "")
            + f" — {result.replications} replications × {result.weeks} weeks, seed "
            f"{result.seed}."
        )
        if len(rows) > 1:  # a one-INT quick look stays in Simulate
            _reveal(self)

    def row_of(self, int_code: str) -> int:
        """The table row (after sorting) showing ``int_code``, or -1."""
        for r in range(self.proxy.rowCount()):
            if self.proxy.index(r, 0).data() == int_code:
                return r
        return -1

    def _clicked(self, index: QModelIndex) -> None:
        source = self.proxy.mapToSource(index)
        if not source.isValid():
            return
        code = self.model.row_at(source.row()).int_code
        self.int_selected.emit(code)  # the window selects it everywhere
        if self.details is not None:
            _reveal(self.details)

    def select_int(self, code: str) -> None:
        row = self.row_of(code)
        if row >= 0:
            self.table.selectRow(row)

    # -- running ----------------------------------------------------------------------
    def run(self) -> None:
        """F5 here: the Simulate view's run with its settings."""
        run = getattr(self.details, "run", None)
        if run is not None:
            run()

    def prepare_screenshot(self) -> None:
        """A short run of every INT for the documentation pictures."""
        details: Any = self.details
        if details is None:
            return
        details.scope.setCurrentIndex(0)  # all INTs
        details.replications.setValue(3)
        details.weeks.setValue(13)
        details.run()


def _reveal(widget: QWidget) -> None:
    """Make ``widget`` the current page of the tab widget that holds it."""
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QTabWidget):
        parent = parent.parentWidget()
    if isinstance(parent, QTabWidget):
        parent.setCurrentWidget(widget)
