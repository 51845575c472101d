from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import pytest
from gui_fakes import open_tab
from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtWidgets import QApplication

from intplan.domain.settings import UNMET_DESTINATIONS
from intplan.gui.app import stylesheet_path
from intplan.gui.main_window import MainWindow
from intplan.gui.models.table import SORT_ROLE
from intplan.gui.views.simulate import SimulateView
from intplan.services.simulate import run_simulation

pytestmark = pytest.mark.gui


def _view(window: MainWindow) -> SimulateView:
    return open_tab(window, SimulateView)


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


# -- issue 13 figures, issue 15 charts and layout ----------------------------------------


@pytest.fixture
def ran(window: MainWindow, qtbot: Any) -> SimulateView:
    """The Simulate view after a short run of the tiny example with did-not-attend on."""
    view = _view(window)
    view.behaviour_boxes["dna_enabled"].click()
    view.replications.setValue(3)
    view.weeks.setValue(6)
    view.run()
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=60000)
    assert view.result is not None
    return view


def _cell(model: Any, row: int, header: str) -> Any:
    col = next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == header
    )
    value = model.index(row, col).data(SORT_ROLE)
    return None if value == "" else value  # a blank cell: the service gave no figure


def _figure(value: float | None) -> float | None:
    """The service's figure as the table shows it: none (a dash) for NaN."""
    return None if value is None or math.isnan(value) else value


def test_figures_shown_are_the_services_own(ran: SimulateView, window: MainWindow) -> None:
    # the same run through the service: the records `intplan simulate --json` is made from
    service = run_simulation(window.document.scenario, ran.options())
    acts = {(a.int_code, a.activity): a for a in service.activities}
    model = ran.kpi_model
    assert model.rowCount() > 0
    for row, record in enumerate(model.rows):
        want = acts[(record.int_code, record.activity)]
        assert _cell(model, row, "Seen same day") == want.booking_buckets["same_day"]
        assert _cell(model, row, "Did not attend") == _figure(want.dna_rate.mean)
        assert _cell(model, row, "Gave up per week") == _figure(want.reneged_per_week.mean)
        assert _cell(model, row, "Turned away per week") == _figure(want.turned_away_per_week.mean)
        tip = model.index(row, 5).data(Qt.ItemDataRole.ToolTipRole)
        assert tip.splitlines()[0].startswith("Same day: ")  # every category on hover
    assert any(_cell(model, row, "Did not attend") > 0 for row in range(model.rowCount()))
    ints = {i.int_code: i for i in service.ints}
    for row, int_record in enumerate(ran.int_model.rows):
        want_int = ints[int_record.int_code]
        assert _cell(ran.int_model, row, "Unmet need (per 1,000/week)") == _figure(
            want_int.unmet_per_1000_per_week.mean
        )
        for key, label, _ in UNMET_DESTINATIONS:
            shown = _cell(ran.int_model, row, f"To {label} (per 1,000/week)")
            assert shown == _figure(want_int.unmet_destinations_per_1000_per_week[key])
    # the booking chart: each activity's bar is its NHS categories, in order, in %
    code = ran.int_combo.currentData()
    bars = [i for i in ran.booking_chart.getPlotItem().items if type(i).__name__ == "BarGraphItem"]
    first = model.rows[0]
    buckets = acts[(code, first.activity)].booking_buckets
    names = ran.names
    label = names.activity(first.activity)
    ticks = [t for _, t in ran.booking_chart.getPlotItem().getAxis("left")._tickLevels[0]]
    row = ticks.index(label)
    widths = [float(b.opts["width"][row]) for b in bars]
    assert widths == pytest.approx([100 * (v or 0.0) for v in buckets.values()])
    assert ran.booking_chart.legend_names() == [
        "Same day", "Next day", "2–7 days", "8–14 days", "15–21 days", "22–28 days",
        "Over 28 days",
    ]  # fmt: skip


def test_charts_have_the_right_axis_titles_and_names(ran: SimulateView) -> None:
    assert ran.util_chart.axis_title("bottom") == "Utilisation (%)"
    assert ran.util_chart.axis_title("left") == ""  # role names label the bars
    assert ran.wait_chart.axis_title("bottom") == "Week after warm-up"
    assert ran.wait_chart.axis_title("left") in ("Mean wait (hours)", "Mean wait (days)")
    assert ran.dist_chart.axis_title("bottom") in ("Wait (hours)", "Wait (days)")
    assert ran.booking_chart.axis_title("bottom") == "Share of attended contacts (%)"
    # names on the axis, the code in the tooltip
    roles = [t for _, t in ran.util_chart.getPlotItem().getAxis("left")._tickLevels[0]]
    assert "Practice nurse" in roles
    row = roles.index("Practice nurse")
    assert ran.util_chart.tooltip_at(10.0, -row).startswith("Practice nurse (PN)\nUtilisation:")


def test_at_most_fifteen_bars_or_series(window: MainWindow, qtbot: Any) -> None:
    from intplan.examples import load_template

    window.document.reset(load_template("dorset-bcp"), None)  # 27 roles, 14 activities
    view = _view(window)
    view.scope.setCurrentIndex(1)
    view.replications.setValue(2)
    view.weeks.setValue(2)
    view.run()
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=120000)
    roles = view.util_chart.getPlotItem().getAxis("left")._tickLevels[0]
    assert len(roles) == 15 and roles[-1][1].startswith("Others (")
    lines = view.wait_chart.legend_names()
    assert len(lines) <= 15 and lines[-1].startswith("Others (")  # 14 activities: top 8
    others = view.util_chart.tooltip_at(1.0, -14.0)
    assert others.startswith("Others (") and "roles), weighted by on-duty hours: " in others
    assert "Receptionist / administrator (ADMIN)" in others
    for chart in (view.util_chart, view.dist_chart):  # bars side by side
        bars = [i for i in chart.getPlotItem().items if type(i).__name__ == "BarGraphItem"]
        assert sum(len(b.opts["width"]) for b in bars) <= 15
    assert view.dist_chart.title().startswith("Wait percentiles, the 5 longest p90 waits of 1")
    # stacked: one bar per activity, its parts the 7 NHS categories
    assert len(view.booking_chart.getPlotItem().getAxis("left")._tickLevels[0]) <= 15
    window.document.undo_stack.setClean()


def test_results_table_shows_several_rows_at_1366x768(
    window: MainWindow, qtbot: Any, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    style = stylesheet_path()
    assert style is not None
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setStyleSheet(style.read_text(encoding="utf-8"))  # the app's own padding and fonts
    request.addfinalizer(lambda: app.setStyleSheet(""))
    view = _view(window)
    # only this view: another view's minimum size must not decide this one's layout
    for n in reversed(range(window.tabs.count())):
        if window.tabs.widget(n) is not view:
            window.tabs.removeTab(n)
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.height() == 768)
    QApplication.processEvents()
    window.grab().save(str(tmp_path / "simulate-1366x768.png"))
    rows_in_view = (
        view.kpi_table.viewport().height() // view.kpi_table.verticalHeader().defaultSectionSize()
    )
    assert rows_in_view >= 5
    run = view.runs.run_button
    assert not run.visibleRegion().isEmpty()
    assert all(not box.visibleRegion().isEmpty() for box in view.behaviour_boxes.values())
