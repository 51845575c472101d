"""The About box: version, and where the numbers come from."""

from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from intplan import __version__

DATA_SOURCES = (
    "NAPC, <i>Developing INTs across Kent &amp; Medway: Development Framework</i>, Jul 2024 "
    "(seed 000)",
    "NHS Providers / Newton, <i>Integration at place: from ambition to delivery</i>, Nov 2022 "
    "(seed 001)",
    "NAPC, <i>Creating INTs: Learning from Experience</i>, Nov 2024 (seed 002)",
    "Cambridgeshire &amp; Peterborough, <i>Integrated Neighbourhoods Framework</i> v14, "
    "Nov 2018 (seed 003)",
    "Dorset BCP, <i>INT Programme Summary</i> (seed 004)",
    "Public statistics named beside each default, e.g. the NHS Agenda for Change handbook "
    "(37.5-hour week) and NHS Digital workforce and registered-patient series",
)


def about_html() -> str:
    sources = "".join(f"<li>{s}</li>" for s in DATA_SOURCES)
    return (
        f"<h2>intplan {__version__}</h2>"
        "<p>Workforce and capacity planning for NHS Integrated Neighbourhood Teams: "
        "map staff into INTs, compare demand with capacity, simulate waits and "
        "optimise the skill mix.</p>"
        "<p><b>Data sources.</b> Every default number carries its source (see the "
        "<i>Source</i> columns and tooltips). Defaults come from:</p>"
        f"<ul>{sources}</ul>"
        "<p>The bundled Kent &amp; Medway and tiny scenarios are <b>illustrative</b>: "
        "fictional people, realistic scale.</p>"
        f"<p style='color:#667'>Python {platform.python_version()} · Qt for Python "
        f"{pyside_version}</p>"
    )


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About intplan")
        self.resize(560, 460)
        self.label = QLabel(about_html())
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(buttons)
