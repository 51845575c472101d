"""Small widgets shared by the views."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QLayout,
    QScrollArea,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from intplan.io.schema import is_illustrative as is_illustrative  # the one rule, with the label


def make_table(parent: QWidget | None = None, *, sortable: bool = True) -> QTableView:
    """A table view with the app's conventions: rows selected whole, no row numbers."""
    table = QTableView(parent)
    table.setAlternatingRowColors(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    # No sort indicator at first: rows arrive in a meaningful order, and sorting
    # thousands of rows before the first paint would only slow start-up.
    table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    table.setSortingEnabled(sortable)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(24)
    table.horizontalHeader().setHighlightSections(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    table.setWordWrap(False)
    return table


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionHeading")
    return label


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def fit_columns(table: QTableView, widths: Sequence[int]) -> None:
    """Set column widths, never narrower than the header text (units must stay readable)."""
    model = table.model()
    header = table.horizontalHeader()
    metrics = header.fontMetrics()
    for col in range(model.columnCount()):
        text = str(model.headerData(col, Qt.Orientation.Horizontal) or "")
        wanted = widths[col] if col < len(widths) else 100
        # bold header font and the sort arrow need room beyond the plain text width
        table.setColumnWidth(col, max(wanted, int(metrics.horizontalAdvance(text) * 1.15) + 30))


def controls_scroll(box: QWidget, minimum: int, maximum: int) -> QScrollArea:
    """A view's column of run controls in a vertical scroll area: on a 768-pixel screen
    (or at 150% scaling) the controls are taller than the room left, and scroll rather
    than squash or clip the Run and Cancel buttons."""
    scroll = QScrollArea()
    scroll.setWidget(box)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setMinimumWidth(minimum)
    scroll.setMaximumWidth(maximum)
    return scroll


def spin_box(
    low: int, high: int, value: int | None = None, *, tip: str = "", suffix: str = ""
) -> QSpinBox:
    """A whole-number box from ``low`` to ``high`` (starting at ``value`` if given)."""
    box = QSpinBox()
    box.setRange(low, high)
    if value is not None:
        box.setValue(value)
    if tip:
        box.setToolTip(tip)
    if suffix:
        box.setSuffix(suffix)
    return box


def controls_column(parts: Sequence[QWidget | QLayout], width: int) -> QScrollArea:
    """Run controls stacked top down, in a ``controls_scroll`` ``width`` to ``width + 40``
    pixels wide."""
    box = QWidget()
    column = QVBoxLayout(box)
    for part in parts:
        if isinstance(part, QLayout):
            column.addLayout(part)
        else:
            column.addWidget(part)
    column.addStretch()
    return controls_scroll(box, width, width + 40)
