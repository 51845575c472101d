from __future__ import annotations

import time
from typing import Any

import pytest
from gui_fakes import FakePrompts
from PySide6.QtCore import QElapsedTimer, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from intplan.domain import Scenario
from intplan.gui.main_window import MainWindow
from intplan.gui.views.simulate import SimulateView

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot: Any, tiny: Scenario, prompts: FakePrompts, settings: QSettings) -> MainWindow:
    w = MainWindow(tiny, prompts=prompts, settings=settings)
    qtbot.addWidget(w)
    w.show()
    return w


def _view(window: MainWindow) -> SimulateView:
    window.ensure_views()
    for n in range(window.tabs.count()):
        view = window.tabs.widget(n)
        if isinstance(view, SimulateView):
            window.tabs.setCurrentIndex(n)
            return view
    raise AssertionError("no Simulate tab")


def test_run_fills_kpis_and_charts_without_blocking(window: MainWindow, qtbot: Any) -> None:
    view = _view(window)
    # long enough (about a second) for the 10 ms timer to sample the run many times
    view.replications.setValue(6)
    view.weeks.setValue(26)
    # Let the newly shown tab lay out and paint first: that is not part of the run.
    qtbot.waitExposed(view)
    for _ in range(3):  # pyqtgraph settles its view ranges over a few paints
        view.grab()
        QApplication.processEvents()
    # A timer ticking every 10 ms measures the longest gap the event loop suffers.
    clock = QElapsedTimer()
    gaps: list[int] = []
    timer = QTimer()
    timer.setInterval(10)

    def tick() -> None:
        # Only gaps while the run is in progress: drawing the finished result is not "during".
        gap = clock.restart()
        if window.runner.busy and view.result is None:
            gaps.append(gap)

    timer.timeout.connect(tick)
    clock.start()
    timer.start()
    window.run_action.trigger()  # F5
    assert window.runner.busy
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=60000)
    timer.stop()
    assert view.result is not None
    assert len(gaps) > 3
    assert max(gaps[1:]) < 100, f"event loop blocked: {gaps}"
    assert view.kpi_model.rowCount() > 0
    assert view.runs.progress.value() == 1000
    acts = {r.activity for r in view.kpi_model.rows}
    assert acts <= {a.code for a in window.document.scenario.activities}


def test_cancel_simulation(window: MainWindow, qtbot: Any) -> None:
    view = _view(window)
    view.replications.setValue(200)
    view.weeks.setValue(104)
    view.run()
    started = time.monotonic()
    qtbot.waitUntil(
        lambda: view.runs.progress.value() > 0 or time.monotonic() - started > 2, timeout=5000
    )
    view.runs.cancel_button.click()
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=30000)
    assert view.result is None
    assert "Cancelled" in view.runs.status_label.text()


def test_workers_default_to_automatic(window: MainWindow) -> None:
    view = _view(window)
    assert view.workers.text() == "Automatic"
    assert view.options().workers is None  # the service picks (one per core, long runs)
    view.workers.setValue(1)
    assert view.options().workers == 1
