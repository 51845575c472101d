"""The shared Run / Cancel / progress panel of the Simulate, Optimise and Compare views."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from gui_fakes import FakePrompts
from PySide6.QtWidgets import QWidget

from intplan.domain import Scenario
from intplan.domain.errors import IntplanError
from intplan.gui.document import ScenarioDocument
from intplan.gui.views._run import PROGRESS_STEPS, RunPanel
from intplan.gui.views.context import ViewContext
from intplan.gui.worker import TaskRunner
from intplan.services.progress import Progress, check_cancel

pytestmark = pytest.mark.gui


@pytest.fixture
def panel(qtbot: Any, tiny: Scenario, prompts: FakePrompts) -> RunPanel:
    window = QWidget()
    qtbot.addWidget(window)
    runner = TaskRunner(window)
    ctx = ViewContext(
        document=ScenarioDocument(tiny, parent=window),
        prompts=prompts,
        runner=runner,
        window=window,
        status=lambda _: None,
    )
    return RunPanel(
        ctx,
        run_text="Run",
        on_run=lambda: None,
        failure_title="It failed",
        cancelled_text="Stopped",
        parent=window,
    )


def _wait_idle(qtbot: Any, panel: RunPanel) -> None:
    qtbot.waitUntil(lambda: not panel.ctx.runner.busy, timeout=10000)


def test_progress_result_and_buttons(qtbot: Any, panel: RunPanel) -> None:
    results: list[Any] = []
    seen: list[str] = []
    panel.status_label.setText("Ready")

    def job(progress: Progress, cancel: threading.Event) -> str:
        progress(1.0, "")  # no message: the panel says the percentage
        return "answer"

    def finished(result: Any) -> None:
        seen.append(panel.status_label.text())
        results.append(result)
        panel.finish("All done")

    panel.start(job, starting="Starting…", on_finished=finished)
    assert not panel.run_button.isEnabled() and panel.cancel_button.isEnabled()
    _wait_idle(qtbot, panel)
    assert results == ["answer"]
    assert seen == ["100%"]
    assert panel.status_label.text() == "All done"
    assert panel.progress.value() == PROGRESS_STEPS
    assert panel.run_button.isEnabled() and not panel.cancel_button.isEnabled()


def test_failure_shows_the_views_title(qtbot: Any, panel: RunPanel, prompts: FakePrompts) -> None:
    def job(progress: Progress, cancel: threading.Event) -> None:
        raise IntplanError("no INTs to simulate")

    panel.start(job, starting="Starting…", on_finished=lambda _: None)
    _wait_idle(qtbot, panel)
    assert prompts.errors == [("It failed", "no INTs to simulate")]
    assert panel.status_label.text() == "Failed"


def test_cancel_resets_the_bar_and_says_so(qtbot: Any, panel: RunPanel) -> None:
    started = threading.Event()
    finished: list[Any] = []

    def job(progress: Progress, cancel: threading.Event) -> None:
        progress(0.5, "half way")
        started.set()
        while True:
            check_cancel(cancel)
            cancel.wait(0.01)

    panel.start(job, starting="Starting…", on_finished=finished.append)
    assert started.wait(10)
    panel.cancel_button.click()
    _wait_idle(qtbot, panel)
    assert finished == []
    assert panel.progress.value() == 0
    assert panel.status_label.text() == "Stopped"
