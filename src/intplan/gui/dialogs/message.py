"""A message box for text of any length: it fits a small laptop screen and scrolls.

``QMessageBox`` grows with its text: 189 problems made one 6,126 pixels tall with its
OK button off screen. Every message the app shows goes through this dialog instead
(:meth:`intplan.gui.prompts.Prompts.show_error`); the text is selectable so it can be
copied into an e-mail or a ticket.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

#: tallest the dialog gets: a 1366x768 screen less its taskbar and the title bar
MAX_MESSAGE_HEIGHT = 600
MESSAGE_WIDTH = 560
#: room kept free above and below the dialog on screens smaller than 768 pixels
SCREEN_MARGIN = 80
#: height of the details box (e.g. a traceback) when it is open
DETAILS_HEIGHT = 220


class MessageDialog(QDialog):
    """A warning with bounded height: the text scrolls; optional details open below."""

    def __init__(
        self, title: str, text: str, details: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        screen = (parent.screen() if parent is not None else None) or (
            QGuiApplication.primaryScreen()
        )
        room = screen.availableGeometry().height() - SCREEN_MARGIN if screen else 10**6
        self.setMaximumHeight(max(200, min(MAX_MESSAGE_HEIGHT, room)))

        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        icon.setPixmap(warning.pixmap(size, size))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.message = QLabel(text)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.message.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        holder_layout.addWidget(self.message)
        holder_layout.addStretch()
        self.text_area = QScrollArea()
        self.text_area.setWidget(holder)
        self.text_area.setWidgetResizable(True)
        self.text_area.setFrameShape(QFrame.Shape.NoFrame)
        self.text_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.text_area.setMinimumWidth(MESSAGE_WIDTH)
        self.text_area.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        self.details: QPlainTextEdit | None = None
        self.details_button: QPushButton | None = None
        body = QHBoxLayout()
        body.addWidget(icon)
        body.addWidget(self.text_area, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        if details:
            self.details = QPlainTextEdit(details)
            self.details.setReadOnly(True)
            self.details.setMaximumHeight(DETAILS_HEIGHT)
            self.details.hide()
            self.details_button = buttons.addButton(
                "Show details…", QDialogButtonBox.ButtonRole.ActionRole
            )
            self.details_button.setCheckable(True)
            self.details_button.toggled.connect(self._toggle_details)
            layout.addWidget(self.details)
        layout.addWidget(buttons)
        # a short text asks for its own height; a long one for the room the buttons leave
        margins = layout.contentsMargins()
        self._spacing = layout.spacing()
        self._text_room = self.maximumHeight() - (
            margins.top() + margins.bottom() + layout.spacing() + buttons.sizeHint().height()
        )
        width = MESSAGE_WIDTH - self.text_area.verticalScrollBar().sizeHint().width()
        self.text_area.setMinimumHeight(min(self.message.heightForWidth(width), self._text_room))
        self.resize(self.sizeHint().boundedTo(self.maximumSize()))

    def _toggle_details(self, shown: bool) -> None:
        assert self.details is not None and self.details_button is not None
        if shown:
            # the message gives up height to the details: the dialog stays within bounds
            room = self._text_room - DETAILS_HEIGHT - self._spacing
            self.text_area.setMinimumHeight(min(self.text_area.minimumHeight(), room))
        self.details.setVisible(shown)
        self.details_button.setText("Hide details" if shown else "Show details…")
        self.resize(self.width(), min(self.sizeHint().height(), self.maximumHeight()))
