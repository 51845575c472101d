"""The Sweep view (not yet in the registry): parameters typed, run, tornado and table."""

from __future__ import annotations

from typing import Any

import pytest
from gui_fakes import FakePrompts
from PySide6.QtCore import QSettings

from intplan.domain import Scenario
from intplan.gui.main_window import MainWindow
from intplan.gui.views.context import ViewContext
from intplan.gui.views.sweep import SweepView

pytestmark = pytest.mark.gui


@pytest.fixture
def view(qtbot: Any, tiny: Scenario, prompts: FakePrompts, settings: QSettings) -> SweepView:
    w = MainWindow(tiny, prompts=prompts, settings=settings)
    qtbot.addWidget(w)
    ctx = ViewContext(
        document=w.document, prompts=prompts, runner=w.runner, window=w, status=lambda _t: None
    )
    v = SweepView(ctx)
    qtbot.addWidget(v)
    return v


def test_a_sweep_fills_the_tornado_and_the_variants(view: SweepView, qtbot: Any) -> None:
    view.engine.setCurrentIndex(view.engine.findData("local"))
    view.replications.setValue(2)
    view.weeks.setValue(4)
    view.workers.setValue(1)
    view.run()
    qtbot.waitUntil(lambda: not view.ctx.runner.busy, timeout=120000)
    assert view.result is not None
    rows = view.table_model.rows
    assert rows[0][0] == "baseline" and len(rows) == 7  # 1 + 3 parameters x 2
    assert rows[0][4] == 0.0  # the baseline's change from itself
    assert view.runs.progress.value() == 1000
    view.kpi.setCurrentIndex(view.kpi.findData("within_target"))
    assert view.table_model.rows[0][1] == view.result.estimates[0]["within_target"].mean
    # the tornado shows changes on both sides of the baseline (negative ones too)
    changes = [v for b in view.result.tornado("within_target") for v in (b.at_low, b.at_high)]
    (x_low, x_high), _ = view.tornado.getPlotItem().viewRange()
    assert x_low <= min(changes) and x_high >= max(changes)
    assert x_low < 0 < x_high


def test_bad_parameters_are_shown_not_run(view: SweepView, prompts: FakePrompts) -> None:
    view.varies.setPlainText("speed=1:2\ngrowth=2:1")
    view.run()
    assert not view.ctx.runner.busy and view.result is None
    title, text = prompts.errors[-1]
    assert title == "Sweep parameters"
    assert "unknown parameter 'speed'" in text and "LOW must be below HIGH" in text
