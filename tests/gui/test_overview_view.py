"""The ICS overview: shown after a run, sortable, a click opens the INT in Simulate."""

from __future__ import annotations

from typing import Any, TypeVar

import pytest
from gui_fakes import OpenWindow
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from intplan.domain import Scenario
from intplan.examples import load_template
from intplan.gui.main_window import MainWindow
from intplan.gui.models.navigator import CODE_ROLE, KIND_ROLE
from intplan.gui.views.overview import OverviewModel, OverviewProxy, OverviewView
from intplan.gui.views.simulate import SimulateView
from intplan.services.overview import overview_rows
from intplan.services.simulate import SimulationOptions, SimulationResult, run_simulation

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def dorset() -> Scenario:
    return load_template("dorset-bcp")


@pytest.fixture(scope="module")
def dorset_result(dorset: Scenario) -> SimulationResult:
    return run_simulation(
        dorset, SimulationOptions(replications=2, weeks=2, warmup_weeks=1, seed=5)
    )


def _window(open_window: OpenWindow, scenario: Scenario) -> MainWindow:
    w = open_window(scenario, (1366, 768))
    w.ensure_views()
    return w


View = TypeVar("View", bound=QWidget)


def _find(window: MainWindow, kind: type[View]) -> View:
    for n in range(window.tabs.count()):
        widget = window.tabs.widget(n)
        if isinstance(widget, kind):
            return widget
    raise AssertionError(f"no {kind.__name__} tab")


def _column(view: OverviewView, header: str) -> int:
    model = view.proxy
    for c in range(model.columnCount()):
        if model.headerData(c, Qt.Orientation.Horizontal) == header:
            return c
    raise AssertionError(header)


def test_overview_is_shown_after_a_run_of_several_ints(
    qtbot: Any, open_window: OpenWindow, tiny: Scenario
) -> None:
    window = _window(open_window, tiny)
    simulate, overview = _find(window, SimulateView), _find(window, OverviewView)
    window.tabs.setCurrentWidget(simulate)
    simulate.replications.setValue(2)
    simulate.weeks.setValue(2)
    simulate.run()
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=60000)
    assert window.tabs.currentWidget() is overview
    assert overview.model.rowCount() == len(tiny.ints)
    assert simulate.result is not None
    assert [r.int_code for r in overview.model.rows] == [
        r.int_code for r in overview_rows(simulate.result)
    ]


def test_sorting_by_a_column(
    qtbot: Any,
    open_window: OpenWindow,
    dorset: Scenario,
    dorset_result: SimulationResult,
) -> None:
    window = _window(open_window, dorset)
    overview = _find(window, OverviewView)
    overview.set_result(dorset_result)
    column = _column(overview, "Utilisation")
    header = overview.table.horizontalHeader()
    # a click on the heading sorts ascending; a second click descending
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        QTest.mouseClick(
            header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
        )
        assert header.sortIndicatorOrder() == order
        shown = [overview.proxy.index(r, 0).data() for r in range(overview.proxy.rowCount())]
        by_util = sorted(
            overview.model.rows,
            key=lambda r: r.utilisation,
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        assert shown == [r.int_code for r in by_util]
    # the light columns show a word beside the coloured dot (not colour alone)
    text = overview.proxy.index(0, column).data()
    assert text.split()[-1] in {"green", "amber", "red", "n/a"}


def test_click_on_an_int_selects_it_and_opens_simulate(
    qtbot: Any,
    open_window: OpenWindow,
    dorset: Scenario,
    dorset_result: SimulationResult,
) -> None:
    window = _window(open_window, dorset)
    overview, simulate = _find(window, OverviewView), _find(window, SimulateView)
    simulate._finished(dorset_result)  # as if this run had just finished
    assert window.tabs.currentWidget() is overview
    qtbot.waitExposed(overview.table)
    row = overview.row_of("INT-CB")
    rect = overview.table.visualRect(overview.proxy.index(row, 2))
    QTest.mouseClick(overview.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.tabs.currentWidget() is simulate
    assert simulate.int_combo.currentData() == "INT-CB"
    current = window.navigator.currentIndex()
    assert (current.data(KIND_ROLE), current.data(CODE_ROLE)) == ("int", "INT-CB")


def test_overview_models_pass_the_model_checks(
    qtmodeltester: Any, dorset_result: SimulationResult
) -> None:
    model = OverviewModel()
    model.set_rows(overview_rows(dorset_result))
    proxy = OverviewProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)
