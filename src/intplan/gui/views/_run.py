"""Run / Cancel buttons, a progress bar and a status line: one panel for every long run.

The Simulate, Optimise and Compare views all start a service on the window's
background runner and show its progress the same way; this panel owns that part so
the views only say what to run and what to do with the result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from intplan.gui.views.context import ViewContext
from intplan.gui.worker import Job

PROGRESS_STEPS = 1000  # the bar's range: fractions to a tenth of a percent


class RunPanel(QWidget):
    """``run_button`` (calls ``on_run``), ``cancel_button``, ``progress`` and ``status_label``.

    Buttons follow the runner: Run is enabled when nothing runs, Cancel while anything
    runs (it cancels the window's one job, as the toolbar's Cancel does).
    """

    def __init__(
        self,
        ctx: ViewContext,
        *,
        run_text: str,
        on_run: Callable[[], None],
        failure_title: str,
        cancelled_text: str = "Cancelled; nothing was changed",
        status_lines: int = 2,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.failure_title = failure_title
        self.cancelled_text = cancelled_text
        self.run_button = QPushButton(run_text)
        self.run_button.setObjectName("primary")
        self.run_button.clicked.connect(on_run)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(ctx.runner.cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setValue(0)
        self.status_label = QLabel("Ready")
        self.status_label.setObjectName("hint")
        # A fixed-size label: changing its text must not re-lay out (and repaint) the charts.
        self.status_label.setWordWrap(True)
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.status_label.setFixedHeight(status_lines * self.status_label.sizeHint().height())
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        ctx.runner.busy_changed.connect(self._busy)

    def start(self, job: Job, *, starting: str, on_finished: Callable[[Any], None]) -> None:
        """Run ``job`` on the window's runner; ``on_finished`` gets its result."""
        self.progress.setValue(0)
        self.status_label.setText(starting)
        self.ctx.runner.start(
            job,
            on_finished=on_finished,
            on_progress=self._progress,
            on_failed=self._failed,
            on_cancelled=self._cancelled,
        )

    def finish(self, text: str) -> None:
        """The view has shown a result: a full bar and what was done."""
        self.progress.setValue(PROGRESS_STEPS)
        self.status_label.setText(text)

    def _busy(self, busy: bool) -> None:
        self.run_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)

    def _progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(PROGRESS_STEPS * fraction))
        self.status_label.setText(message or f"{100 * fraction:.0f}%")

    def _failed(self, message: str, details: str) -> None:
        self.status_label.setText("Failed")
        self.ctx.prompts.show_error(self, self.failure_title, message, details)

    def _cancelled(self) -> None:
        self.progress.setValue(0)
        self.status_label.setText(self.cancelled_text)
