"""Move part of one person's FTE from one INT to another."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QWidget,
)

from intplan.domain import Staff


class ShareDialog(QDialog):
    """Choose the INT to take FTE from, the INT to give it to, and how much."""

    def __init__(
        self,
        person: Staff,
        int_codes: Sequence[str],
        target: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Move an FTE share — {person.name}")
        self.person = person
        self.from_combo = QComboBox()
        for a in person.assignments:
            self.from_combo.addItem(f"{a.int_code} ({a.fte:.2f} FTE)", a.int_code)
        self.to_combo = QComboBox()
        for code in int_codes:
            self.to_combo.addItem(code, code)
        if target is not None:
            self.to_combo.setCurrentIndex(max(0, self.to_combo.findData(target)))
        self.fte_spin = QDoubleSpinBox()
        self.fte_spin.setDecimals(2)
        self.fte_spin.setSingleStep(0.05)
        self.fte_spin.setSuffix(" FTE")
        self.from_combo.currentIndexChanged.connect(self._limit)
        self._limit()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(QLabel(f"{person.name}, {person.role}, {person.fte:.2f} FTE in total"))
        form.addRow("From INT", self.from_combo)
        form.addRow("To INT", self.to_combo)
        form.addRow("Share to move", self.fte_spin)
        form.addRow(buttons)

    def _limit(self) -> None:
        code = self.from_combo.currentData()
        have = next((a.fte for a in self.person.assignments if a.int_code == code), 0.0)
        self.fte_spin.setMaximum(have)
        self.fte_spin.setValue(round(have / 2, 2))

    def choice(self) -> tuple[str | None, str, float]:
        return (
            self.from_combo.currentData(),
            str(self.to_combo.currentData()),
            self.fte_spin.value(),
        )
