"""A dialog listing every problem in a file (file, sheet, row, column) — never a traceback."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from intplan.domain.errors import Problem
from intplan.gui.models.table import Column, RecordTableModel, fmt_number
from intplan.io.errors import Issue


@dataclass(frozen=True, slots=True, kw_only=True)
class IssueRow:
    file: str
    sheet: str
    row: int | None
    column: str
    message: str


def issue_rows(problems: Sequence[Issue | Problem], file: str = "") -> list[IssueRow]:
    """Workbook issues and domain problems in one shape for the table."""
    out = []
    for p in problems:
        if isinstance(p, Issue):
            out.append(
                IssueRow(
                    file=p.file,
                    sheet=p.sheet or "",
                    row=p.row,
                    column=p.column or "",
                    message=p.message,
                )
            )
        else:
            key = f" [{p.key}]" if p.key else ""
            out.append(
                IssueRow(
                    file=file, sheet=p.table, row=None, column=p.field, message=p.message + key
                )
            )
    return out


ISSUE_COLUMNS: tuple[Column[IssueRow], ...] = (
    Column(header="File", value=lambda r: r.file),
    Column(header="Sheet", value=lambda r: r.sheet),
    Column(header="Row", value=lambda r: r.row, fmt=fmt_number(0), numeric=True),
    Column(header="Column", value=lambda r: r.column),
    Column(header="Problem", value=lambda r: r.message, tooltip=lambda r: r.message),
)


class IssuesDialog(QDialog):
    def __init__(
        self, title: str, summary: str, rows: Sequence[IssueRow], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(820, 420)
        self.model = RecordTableModel(ISSUE_COLUMNS, rows)
        label = QLabel(summary)
        label.setWordWrap(True)
        label.setObjectName("dialogSummary")
        table = QTableView()
        table.setModel(self.model)
        table.setAlternatingRowColors(True)
        table.setWordWrap(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(table, 1)
        layout.addWidget(buttons)
