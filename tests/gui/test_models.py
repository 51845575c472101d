from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, Qt

from intplan.domain import Scenario
from intplan.gui.models.navigator import CODE_ROLE, KIND_ROLE, NavigatorModel
from intplan.gui.models.staff import STAFF_MIME, StaffTableModel
from intplan.gui.models.table import SORT_ROLE, RecordTableModel
from intplan.gui.views.mapping import SUMMARY_COLUMNS, StaffFilterModel, int_summaries

pytestmark = pytest.mark.gui


def test_staff_model_passes_modeltester(qtmodeltester: Any, tiny: Scenario) -> None:
    model = StaffTableModel(lambda: tiny)
    qtmodeltester.check(model)
    assert model.rowCount() == len(tiny.staff)


def test_staff_model_shows_units_and_raw_sort_values(tiny: Scenario) -> None:
    model = StaffTableModel(lambda: tiny)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert "FTE" in headers
    fte_col = headers.index("FTE")
    index = model.index(0, fte_col)
    assert model.data(index) == f"{tiny.staff[0].fte:.2f}"
    assert model.data(index, SORT_ROLE) == tiny.staff[0].fte


def test_filter_proxy_passes_modeltester(qtmodeltester: Any, tiny: Scenario) -> None:
    model = StaffTableModel(lambda: tiny)
    proxy = StaffFilterModel()
    proxy.setSourceModel(model)
    proxy.set_search("DN")
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == sum(1 for s in tiny.staff if s.role == "DN")
    proxy.set_search("")
    proxy.set_int("INT-B")
    assert proxy.rowCount() == sum(1 for s in tiny.staff if "INT-B" in s.ints)


def test_navigator_passes_modeltester(qtmodeltester: Any, tiny: Scenario) -> None:
    model = NavigatorModel(tiny)
    qtmodeltester.check(model)


def test_navigator_hierarchy(tiny: Scenario) -> None:
    model = NavigatorModel(tiny)
    hcp = model.index(0, 0)
    assert hcp.data(KIND_ROLE) == "hcp"
    pcn = model.index(0, 0, hcp)
    assert pcn.data(KIND_ROLE) == "pcn"
    ints = [model.index(r, 0, pcn) for r in range(model.rowCount(pcn))]
    assert {i.data(CODE_ROLE) for i in ints} == {i.code for i in tiny.ints}
    int_a = model.find("int", "INT-A")
    people = {model.index(r, 0, int_a).data(CODE_ROLE) for r in range(model.rowCount(int_a))}
    assert people == {s.id for s in tiny.staff if "INT-A" in s.ints}


def test_navigator_accepts_people_only_on_ints(qtbot: Any, tiny: Scenario) -> None:
    model = NavigatorModel(tiny)
    mime = QMimeData()
    mime.setData(STAFF_MIME, b"S001\nS002")
    int_b = model.find("int", "INT-B")
    pcn = model.index(0, 0, model.index(0, 0))
    assert model.canDropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, int_b)
    assert not model.canDropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, pcn)
    assert not model.canDropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, QModelIndex())
    with qtbot.waitSignal(model.people_dropped) as blocker:
        model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, int_b)
    assert blocker.args == [["S001", "S002"], "INT-B"]


def test_summary_model_passes_modeltester(qtmodeltester: Any, tiny: Scenario) -> None:
    model = RecordTableModel(SUMMARY_COLUMNS, int_summaries(tiny))
    qtmodeltester.check(model)
    total = sum(r.fte for r in model.rows)
    assert total == pytest.approx(sum(s.fte for s in tiny.staff))


def test_none_survives_qt_calls_returning_none(qtbot: Any, tiny: Scenario) -> None:
    # PySide6 6.12 on Python 3.11 drops a reference to None per override returning None;
    # intplan.gui makes None immortal so long sessions cannot abort.
    import sys

    from PySide6.QtWidgets import QTableView

    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(StaffTableModel(lambda: tiny))
    view.show()
    for _ in range(200):
        view.viewport().repaint()
    assert sys.getrefcount(None) > 1 << 59


def test_capacity_models_pass_modeltester(qtmodeltester: Any, tiny: Scenario) -> None:
    from intplan.gui.views.capacity import (
        ACTIVITY_COLUMNS,
        INTERVENTION_COLUMNS,
        RATE_COLUMNS,
        ROLE_COLUMNS,
    )
    from intplan.services.capacity import capacity_table

    unit = capacity_table(tiny).ints[0]
    for columns, rows in (
        (ROLE_COLUMNS, unit.roles),
        (ACTIVITY_COLUMNS, unit.activities),
        (RATE_COLUMNS, tiny.demand_rates),
        (INTERVENTION_COLUMNS, tiny.interventions),
    ):
        qtmodeltester.check(RecordTableModel[Any](columns, rows))


def test_result_models_pass_modeltester(qtmodeltester: Any, tiny: Scenario) -> None:
    from intplan.gui.views.optimise import PLAN_COLUMNS
    from intplan.gui.views.simulate import KPI_COLUMNS
    from intplan.services.optimise import run_optimise
    from intplan.services.simulate import SimulationOptions, run_simulation

    sim = run_simulation(tiny, SimulationOptions(replications=2, weeks=4))
    qtmodeltester.check(RecordTableModel(KPI_COLUMNS, sim.activities))
    plan = run_optimise(tiny).result.plan
    qtmodeltester.check(RecordTableModel(PLAN_COLUMNS, plan))
