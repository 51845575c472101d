"""Register import: confirm which register column feeds each staff field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

NOT_USED = ""

#: what each field means, shown beside its drop-down
FIELD_HELP: Mapping[str, str] = {
    "staff_number": "Staff or assignment number (keeps people apart)",
    "name": "Full name",
    "first_name": "First name (joined with last name)",
    "last_name": "Last name",
    "role": "Job title (matched to a role) — required",
    "fte": "FTE / WTE — required unless hours are given",
    "hours": "Contracted hours a week (turned into FTE)",
    "employer": "Employer (default: the file name)",
    "base": "Practice, PCN or team where the person is based",
    "base_kind": "Whether the base is a practice, PCN or team",
    "int": "INT named in the register (overrides the rules)",
    "vacant": "Vacant post (yes/no)",
}


class ColumnMappingDialog(QDialog):
    """One drop-down per field, pre-filled with the columns intplan recognised."""

    def __init__(
        self,
        file_name: str,
        headers: Sequence[str],
        fields: Sequence[str],
        guessed: Mapping[str, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import staff register — {file_name}")
        self.combos: dict[str, QComboBox] = {}
        form = QFormLayout()
        for field in fields:
            combo = QComboBox()
            combo.addItem("(not used)", NOT_USED)
            for h in headers:
                combo.addItem(h, h)
            combo.setCurrentIndex(max(0, combo.findData(guessed.get(field, NOT_USED))))
            combo.setToolTip(FIELD_HELP.get(field, field))
            self.combos[field] = combo
            form.addRow(f"{field.replace('_', ' ').capitalize()}", combo)
        self.append = QCheckBox(
            "Add to the scenario's staff (otherwise the register replaces its employers' staff)"
        )
        intro = QLabel(
            "intplan matched these columns by their headers. Check them, change any that are "
            "wrong, then import. Every row that cannot be used is listed afterwards."
        )
        intro.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.append)
        layout.addWidget(buttons)

    def columns(self) -> dict[str, str]:
        """field -> register header, for the fields given a column."""
        return {f: str(c.currentData()) for f, c in self.combos.items() if c.currentData()}
