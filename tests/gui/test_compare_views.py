"""The Compare tab: PCN split options and scenario comparison, each its own view."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gui_fakes import FakePrompts, open_tab
from PySide6.QtCore import QCoreApplication, QRect, QSettings, QSize, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QPushButton, QTableView, QWidget

from intplan.domain import Scenario
from intplan.gui import backend, worker
from intplan.gui.app import make_application
from intplan.gui.main_window import MainWindow
from intplan.gui.models.table import RecordTableModel
from intplan.gui.views.compare import CompareView
from intplan.gui.views.context import ViewContext
from intplan.gui.views.scenario_compare import (
    CLEAR,
    CLEAR_MARK,
    DIFFERENCE_COLUMNS,
    INT_DIFFERENCE_COLUMNS,
    SUMMARY_COLUMNS,
    ScenarioCompareView,
)
from intplan.gui.views.splits import SplitsView, table_columns
from intplan.io.results import ResultTable, write_results
from intplan.services.compare import CompareOptions, compare_scenarios
from intplan.services.scenario_summary import summarise


def _compare_tab(window: MainWindow) -> CompareView:
    return open_tab(window, CompareView)


def _more_gps(tiny: Scenario, tmp_path: Path) -> Path:
    extra = [dataclasses.replace(p, id=f"{p.id}X") for p in tiny.staff if p.role == "GP"][:3]
    more = dataclasses.replace(tiny, name="more GPs", staff=(*tiny.staff, *extra))
    path = tmp_path / "more.xlsx"
    backend.write_scenario(more, path)
    return path


def test_the_compare_tab_holds_two_views_with_one_job_each(window: MainWindow) -> None:
    tab = _compare_tab(window)
    assert [tab.tabText(n) for n in range(tab.count())] == [
        "PCN split options",
        "Compare scenarios",
    ]
    assert isinstance(tab.splits, SplitsView) and isinstance(tab.scenarios, ScenarioCompareView)
    # neither view carries the other's controls
    assert not hasattr(tab.splits, "compare_runs") and not hasattr(tab.scenarios, "pcn_combo")


def test_splits_run_from_f5_and_keep_added_panels(
    window: MainWindow, qtbot: Any, prompts: FakePrompts
) -> None:
    tab = _compare_tab(window)
    view = tab.splits
    extra = QLabel("a map of each option")
    view.add_panel("Map", extra)
    got: list[object] = []
    view.options_ready.connect(got.append)
    assert view.pcn_combo.currentData() == "PCN1"
    view.screen_reps.setValue(2)
    view.replications.setValue(2)
    window.run_action.trigger()  # F5 runs the page shown
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=120000)
    assert view.result is not None, (view.runs.status_label.text(), prompts.errors)
    assert got == [view.result]
    tabs = [view.result_tabs.tabText(n) for n in range(view.result_tabs.count())]
    assert tabs[0] == "Splits summary" and tabs[-1] == "Map"
    window.run_action.trigger()  # a second run replaces the tables, keeps the panel
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=120000)
    assert [view.result_tabs.tabText(n) for n in range(view.result_tabs.count())] == tabs
    assert view.result_tabs.indexOf(extra) == len(tabs) - 1
    assert prompts.errors == []


def test_scenario_comparison_shows_paired_differences_per_int_highlighted(
    window: MainWindow,
    qtbot: Any,
    prompts: FakePrompts,
    tmp_path: Path,
    tiny: Scenario,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tab = _compare_tab(window)
    tab.setCurrentWidget(tab.scenarios)
    view = tab.scenarios
    view.compare_workbooks()  # nothing added yet: says so, runs nothing
    assert not window.runner.busy and "Add a workbook" in view.compare_runs.status_label.text()
    path = _more_gps(tiny, tmp_path)
    assert view.add_scenario_file(path)
    assert [r.label for r in view.scenario_model.rows] == ["This scenario", "more.xlsx"]

    # every progress report reaches the view (no throttling), to count them
    monkeypatch.setattr(worker, "PROGRESS_INTERVAL_S", 0.0)
    seen: list[str] = []
    start = window.runner.start

    def spy(job: Any, **kw: Any) -> Any:
        shown = kw["on_progress"]

        def on_progress(fraction: float, message: str) -> None:
            seen.append(message)
            shown(fraction, message)

        return start(job, **{**kw, "on_progress": on_progress})

    monkeypatch.setattr(window.runner, "start", spy)
    view.compare_replications.setValue(3)
    view.compare_weeks.setValue(3)
    window.run_action.trigger()
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=120000)
    assert prompts.errors == []
    assert view.comparison is not None, view.compare_runs.status_label.text()
    done = [m for m in seen if "replication" in m and m.endswith("done")]
    assert len(done) == 3 * 2, seen  # one per replication per scenario
    assert view.compare_runs.progress.value() == view.compare_runs.progress.maximum()

    expected = compare_scenarios(
        [window.document.scenario, backend.read_scenario(path)],
        view.compare_options(),
        sources=["This scenario", "more.xlsx"],
    )
    assert view.difference_model.rows == expected.difference_rows()
    assert view.int_model.rows == expected.int_difference_rows()
    assert {r.where for r in view.int_model.rows} == {"INT-A", "INT-B"}
    # highlight: colour AND a text marker where the CI leaves zero out, neither elsewhere
    model = view.int_model
    marker = next(n for n, c in enumerate(model.columns) if c.header == "CI excludes 0")
    diff = next(n for n, c in enumerate(model.columns) if c.header == "Difference")
    clear = [n for n, r in enumerate(model.rows) if r.excludes_zero]
    assert clear, "three more GPs in tiny change something clearly"
    assert len(clear) < model.rowCount(), "and leave something unclear"
    for n, r in enumerate(model.rows):
        text = model.data(model.index(n, marker))
        colour = model.data(model.index(n, diff), Qt.ItemDataRole.ForegroundRole)
        if r.excludes_zero:
            assert text == CLEAR_MARK and colour == QColor(CLEAR)
        else:
            assert text == "no" and colour is None
    view.only_clear.setChecked(True)
    assert [r.excludes_zero for r in view.int_model.rows] == [True] * len(clear)


def _fully_visible(widget: QWidget, window: QWidget) -> bool:
    """Shown, not clipped by a parent, and inside the window."""
    if not widget.isVisible() or widget.width() < widget.minimumSizeHint().width():
        return False
    if widget.visibleRegion().boundingRect() != widget.rect():
        return False
    top_left = widget.mapTo(window, widget.rect().topLeft())
    return window.rect().contains(QRect(top_left, widget.size()))


@pytest.fixture
def km_window(
    qtbot: Any, prompts: FakePrompts, settings: QSettings, qapp: Any
) -> Iterator[MainWindow]:
    """Kent & Medway (long PCN names) with the app's stylesheet (its padded buttons)."""
    before = qapp.styleSheet()
    make_application()
    w = MainWindow(backend.load_example(), prompts=prompts, settings=settings)
    qtbot.addWidget(w)
    w.show()
    yield w
    qapp.setStyleSheet(before)


def test_buttons_and_status_fit_at_1366_by_768(
    km_window: MainWindow, qtbot: Any, prompts: FakePrompts
) -> None:
    window = km_window
    window.resize(1366, 768)
    tab = _compare_tab(window)
    QCoreApplication.processEvents()
    # The room the tab has in a 1366x768 window. Other views' minimum heights can make
    # the window itself taller (not this test's subject): take that off.
    room = QSize(tab.width(), tab.height() - max(0, window.height() - 768))
    ctx = ViewContext(
        document=window.document,
        prompts=prompts,
        runner=window.runner,
        window=window,
        status=lambda text: None,
    )
    alone = CompareView(ctx)
    qtbot.addWidget(alone)
    alone.resize(room)
    alone.show()
    QCoreApplication.processEvents()
    assert alone.size() == room, "the tab's minimum size fits the room"
    for page, run_text in (
        (alone.splits, "Compare splits"),
        (alone.scenarios, "Compare scenarios"),
    ):
        alone.setCurrentWidget(page)
        QCoreApplication.processEvents()
        buttons = {b.text(): b for b in page.findChildren(QPushButton)}
        status = next(
            label
            for label in page.findChildren(QLabel)
            if label.objectName() == "hint" and label.text() == "Ready"
        )
        for w in (buttons[run_text], buttons["Cancel"], status):
            assert _fully_visible(w, alone), (run_text, w.objectName() or w.text())
        # the results get most of the room
        assert page.result_tabs.width() > room.width() // 2


def test_models_pass_modeltester(qtmodeltester: Any, tiny: Scenario) -> None:
    fewer = dataclasses.replace(tiny, name="fewer", staff=tiny.staff[1:])
    result = compare_scenarios(
        [tiny, fewer], CompareOptions(replications=2, weeks=2, warmup_weeks=0)
    )
    rows = result.difference_rows()
    assert len(rows) == len(result.kpi_keys())  # one row per KPI of the second scenario
    qtmodeltester.check(RecordTableModel(DIFFERENCE_COLUMNS, rows))
    qtmodeltester.check(RecordTableModel(INT_DIFFERENCE_COLUMNS, result.int_difference_rows()))
    staff = next(r for r in rows if r.kpi == "staff_fte")
    assert staff.difference == pytest.approx(-tiny.staff[0].fte) and staff.low is None
    qtmodeltester.check(RecordTableModel(SUMMARY_COLUMNS, [summarise("tiny", tiny)]))
    qtmodeltester.check(RecordTableModel(table_columns(("a", "b")), [(1, "x"), (2.5, None)]))


STORED_SPLITS = ResultTable(
    sheet="Splits summary",
    title="PCN PCN1: split options, best score first",
    headers=("rank", "score", "INTs", "practice groups", "wait (hours)", "wait CI95 low"),
    rows=((1, 0.71, 2, "P1 | P2+P3", 1.5, 1.2), (2, 0.64, 1, "P1+P2+P3", 2.0, 1.7)),
)


def test_a_stored_split_comparison_opens_in_the_splits_page(
    window: MainWindow, tiny: Scenario, tmp_path: Path, prompts: FakePrompts
) -> None:
    import pyqtgraph as pg

    book = tmp_path / "stored-splits.xlsx"
    backend.write_scenario(tiny, book)
    write_results(book, book, [STORED_SPLITS])
    tab = _compare_tab(window)
    assert window.open_path(book), prompts.errors
    view = tab.splits
    assert tab.currentWidget() is view
    assert view.pcn_combo.currentData() == "PCN1"  # the stored comparison's PCN
    assert view.result_tabs.tabText(0) == "Splits summary"
    table = view.result_tabs.widget(0)
    assert isinstance(table, QTableView)
    model = table.model()
    assert model.rowCount() == 2
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == list(STORED_SPLITS.headers)
    assert model.data(model.index(0, 3)) == "P1 | P2+P3"
    # the charts draw the stored scores and waits, best option first
    (scores,) = [i for i in view.score_chart.getPlotItem().items if isinstance(i, pg.BarGraphItem)]
    assert list(scores.opts["height"]) == [0.71, 0.64]
    (waits,) = [i for i in view.wait_chart.getPlotItem().items if isinstance(i, pg.BarGraphItem)]
    assert list(waits.opts["height"]) == [1.5, 2.0]
    assert "stored-splits.xlsx" in view.runs.status_label.text()
    assert view.result is None  # nothing was run
    assert prompts.errors == []
