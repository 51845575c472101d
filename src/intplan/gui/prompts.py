"""Every question the window asks the user, behind one object tests can replace.

The default uses native file dialogs and message boxes; tests pass a subclass
that answers without showing anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum

from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from intplan.gui.dialogs.columns import ColumnMappingDialog
from intplan.gui.dialogs.issues import IssueRow, IssuesDialog
from intplan.gui.dialogs.message import MessageDialog

WORKBOOK_FILTER = "Scenario workbooks (*.xlsx);;All files (*)"
REGISTER_FILTER = "Staff registers (*.xlsx *.csv);;All files (*)"


class SaveChoice(Enum):
    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class Prompts:
    """Native dialogs. Override any method to answer programmatically."""

    def open_workbook(self, parent: QWidget, directory: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(
            parent, "Open scenario workbook", directory, WORKBOOK_FILTER
        )
        return path or None

    def save_workbook(self, parent: QWidget, suggested: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(
            parent, "Save scenario workbook", suggested, WORKBOOK_FILTER
        )
        if path and not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        return path or None

    def save_pdf(self, parent: QWidget, suggested: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(
            parent, "Export board pack", suggested, "PDF documents (*.pdf)"
        )
        if path and not path.lower().endswith(".pdf"):
            path += ".pdf"
        return path or None

    def open_register(self, parent: QWidget, directory: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(
            parent, "Import staff register", directory, REGISTER_FILTER
        )
        return path or None

    def register_columns(
        self,
        parent: QWidget,
        file_name: str,
        headers: Sequence[str],
        fields: Sequence[str],
        guessed: Mapping[str, str],
    ) -> tuple[dict[str, str], bool] | None:
        """The column mapping and 'append' choice for a register; None if cancelled."""
        dialog = ColumnMappingDialog(file_name, headers, fields, guessed, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.columns(), dialog.append.isChecked()

    def unsaved_changes(self, parent: QWidget, name: str) -> SaveChoice:
        answer = QMessageBox.question(
            parent,
            "Unsaved changes",
            f"Save the changes to “{name}” before closing?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return SaveChoice.SAVE
        if answer == QMessageBox.StandardButton.Discard:
            return SaveChoice.DISCARD
        return SaveChoice.CANCEL

    def show_issues(
        self, parent: QWidget, title: str, summary: str, rows: Sequence[IssueRow]
    ) -> None:
        IssuesDialog(title, summary, rows, parent).exec()

    def show_error(self, parent: QWidget, title: str, text: str, details: str = "") -> None:
        # not QMessageBox: it grows with its text, off a laptop screen (issue 18)
        MessageDialog(title, text, details, parent).exec()

    def offer_recovery(self, parent: QWidget | None, description: str) -> bool:
        answer = QMessageBox.question(
            parent,
            "Recover unsaved work?",
            f"intplan closed unexpectedly last time. A recovery copy was kept:\n\n"
            f"{description}\n\nOpen it now? (No deletes the copy.)",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes
