"""A read-mostly table model over a tuple of records, driven by a declarative column list.

Each column says how to get a raw value (used for sorting), how to show it, and
where its numbers came from (tooltip). Nothing is precomputed per row, so the
model stays fast for tens of thousands of rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

R = TypeVar("R")

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # raw values, so 9 sorts before 10
AnyIndex = QModelIndex | QPersistentModelIndex


def fmt_number(decimals: int = 0) -> Callable[[Any], str]:
    def fmt(value: Any) -> str:
        if value is None or value == "":
            return "–"
        return f"{value:,.{decimals}f}"

    return fmt


def fmt_percent(decimals: int = 0) -> Callable[[Any], str]:
    def fmt(value: Any) -> str:
        return "–" if value is None else f"{100 * value:.{decimals}f}%"

    return fmt


def fmt_text(value: Any) -> str:
    return "" if value is None else str(value)


def _sort_key(value: Any) -> tuple[int, Any]:
    """Blanks last; numbers by value; anything else by its text."""
    if value is None or value == "":
        return (2, 0)
    if isinstance(value, bool | int | float):
        return (0, value) if value == value else (2, 0)  # NaN sorts with blanks
    return (1, str(value).lower())


@dataclass(frozen=True, slots=True, kw_only=True)
class Column(Generic[R]):
    header: str  # with the unit, e.g. "FTE" or "Demand (hours/week)"
    value: Callable[[R], Any]
    fmt: Callable[[Any], str] = fmt_text
    tooltip: Callable[[R], str] | None = None
    header_tooltip: str = ""
    numeric: bool = False  # right-aligned
    editable: bool = False
    checkable: bool = False  # shown as a check box (value is a bool)
    colour: Callable[[R], str | None] | None = None  # text colour, e.g. red for shortfalls


class RecordTableModel(QAbstractTableModel, Generic[R]):
    """Rows are records (often frozen dataclasses); columns come from ``Column`` specs."""

    def __init__(
        self,
        columns: Sequence[Column[R]],
        rows: Sequence[R] = (),
        *,
        on_edit: Callable[[R, Column[R], Any], bool] | None = None,
    ) -> None:
        super().__init__()
        self.columns = tuple(columns)
        self._rows: tuple[R, ...] = tuple(rows)
        self._on_edit = on_edit

    # -- data access -----------------------------------------------------
    @property
    def rows(self) -> tuple[R, ...]:
        return self._rows

    def row_at(self, row: int) -> R:
        return self._rows[row]

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def update_rows(self, rows: Sequence[R]) -> None:
        """Swap in new rows; keeps selection and scroll when only values changed."""
        new = tuple(rows)
        if len(new) != len(self._rows):
            self.set_rows(new)
            return
        old = self._rows
        self._rows = new
        changed = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a is not b]
        if changed:
            last = self.columnCount() - 1
            self.dataChanged.emit(self.index(changed[0], 0), self.index(changed[-1], last))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in Python with one key call per row (Qt's default compares via data())."""
        if not 0 <= column < len(self.columns):
            return
        get = self.columns[column].value
        keys = [_sort_key(get(r)) for r in self._rows]
        ranked = sorted(
            range(len(self._rows)),
            key=keys.__getitem__,
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        self.layoutAboutToBeChanged.emit()
        new_row = [0] * len(ranked)
        for new, old in enumerate(ranked):
            new_row[old] = new
        self._rows = tuple(self._rows[i] for i in ranked)
        before = self.persistentIndexList()
        after = [self.index(new_row[i.row()], i.column()) for i in before]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    # -- Qt overrides ----------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008  # Qt's signature: an invalid index, never mutated
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008  # Qt's signature: an invalid index, never mutated
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return None if col.checkable else col.fmt(col.value(row))
        if role == Qt.ItemDataRole.EditRole:
            return col.value(row)
        if role == SORT_ROLE:
            value = col.value(row)
            return "" if value is None else value
        if role == Qt.ItemDataRole.CheckStateRole and col.checkable:
            return Qt.CheckState.Checked if col.value(row) else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole and col.tooltip is not None:
            return col.tooltip(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and col.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col.colour is not None:
            name = col.colour(row)
            return QColor(name) if name else None
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        col = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.header
        if role == Qt.ItemDataRole.ToolTipRole and col.header_tooltip:
            return col.header_tooltip
        if role == Qt.ItemDataRole.TextAlignmentRole and col.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        col = self.columns[index.column()]
        if self._on_edit is not None:
            if col.editable:
                flags |= Qt.ItemFlag.ItemIsEditable
            if col.checkable:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or self._on_edit is None:
            return False
        col = self.columns[index.column()]
        if role == Qt.ItemDataRole.CheckStateRole and col.checkable:
            value = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role != Qt.ItemDataRole.EditRole or not col.editable:
            return False
        # The edit callback pushes an undo command; the new rows arrive via update_rows.
        return self._on_edit(self._rows[index.row()], col, value)
