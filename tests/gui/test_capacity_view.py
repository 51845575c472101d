"""Demand & capacity charts: axis titles, names with codes, at most 15 bars."""

from __future__ import annotations

from typing import Any

import pytest
from gui_fakes import OpenWindow, open_tab
from PySide6.QtCore import Qt

from intplan.domain import Scenario
from intplan.examples import load_template
from intplan.gui.views.capacity import CapacityView

pytestmark = pytest.mark.gui


def _capacity(open_window: OpenWindow, scenario: Scenario) -> CapacityView:
    window = open_window(scenario)
    view = open_tab(window, CapacityView)
    view.refresh()
    return view


def _ticks(chart: Any) -> list[str]:
    return [name for _, name in chart.getPlotItem().getAxis("left")._tickLevels[0]]


def test_axis_titles_and_names(open_window: OpenWindow, tiny: Scenario) -> None:
    view = _capacity(open_window, tiny)
    assert view.demand_chart.axis_title("bottom") == "Workload (hours/week)"
    assert view.demand_chart.axis_title("left") == ""
    assert view.role_chart.axis_title("bottom") == "Hours per week"
    assert view.role_chart.legend_names() == ["On duty", "Workload"]
    activities = _ticks(view.demand_chart)
    assert "Same-day consultation" in activities and "SDC" not in activities
    row = activities.index("Same-day consultation")
    assert view.demand_chart.tooltip_at(1.0, -row).startswith("Same-day consultation (SDC)\n")
    roles = _ticks(view.role_chart)
    assert "Practice nurse" in roles
    tip = view.role_chart.tooltip_at(1.0, -roles.index("Practice nurse"))
    assert tip.startswith("Practice nurse (PN)\nOn duty: ") and "\nWorkload: " in tip


def test_at_most_fifteen_bars_and_non_serving_roles_left_out(
    open_window: OpenWindow,
) -> None:
    dorset = load_template("dorset-bcp")  # 27 roles, some serving no modelled activity
    view = _capacity(open_window, dorset)
    roles = _ticks(view.role_chart)
    assert len(roles) <= 15 and roles[-1].startswith("Others (")
    assert len(_ticks(view.demand_chart)) <= 15
    assert view.table_data is not None
    unit = view.table_data.ints[0]
    left_out = [r.role for r in unit.roles if not r.serves_demand]
    assert left_out  # the example has admin and leads
    for code in left_out:
        assert f"({code})" in view.left_out.text()
        assert all(f"({code})" not in view.role_chart.tooltip_at(1.0, -n) for n in range(14))
    view.ctx.document.undo_stack.setClean()


def test_tables_name_roles_and_activities_with_codes_on_hover(
    open_window: OpenWindow, tiny: Scenario
) -> None:
    view = _capacity(open_window, tiny)
    roles = view.role_model
    shown = {roles.index(r, 0).data(): roles.index(r, 0).data(Qt.ItemDataRole.ToolTipRole)
             for r in range(roles.rowCount())}  # fmt: skip
    assert shown["Practice nurse"] == "Practice nurse (PN)"
    acts = view.activity_model
    activity_names = [acts.index(r, 0).data() for r in range(acts.rowCount())]
    assert "Same-day consultation" in activity_names
    # another workbook brings its own names
    view.ctx.document.reset(load_template("dorset-bcp"), None)
    view.refresh()
    roles = view.role_model
    names = {roles.index(r, 0).data() for r in range(roles.rowCount())}
    assert "Receptionist / administrator" in names
    view.ctx.document.undo_stack.setClean()


def test_a_role_is_red_only_when_it_does_not_keep_up(
    open_window: OpenWindow, tiny: Scenario
) -> None:
    """Utilisation and balance are red where the queue grows (beyond on-duty hours plus
    the overtime allowed), as `info`'s "stable" says; a little over 100% is overtime."""
    km = load_template("kent-medway")
    view = _capacity(open_window, km)
    assert view.table_data is not None
    unit, role = next(
        (i, r)
        for i in view.table_data.ints
        for r in i.roles
        if r.serves_demand and r.utilisation > 1 and r.keeps_up
    )
    assert unit.stable
    view.select_int(unit.int_code)
    assert "· stable" in view.summary.text()
    model = view.role_model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    util, balance = headers.index("Utilisation"), headers.index("Balance (hours/week)")
    assert "Overtime allowed (hours/week)" in headers
    row = [model.index(r, 0).data() for r in range(model.rowCount())].index(
        view.names.role(role.role)
    )
    assert model.index(row, util).data().endswith("%")
    assert model.index(row, util).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(row, balance).data(Qt.ItemDataRole.ForegroundRole) is None
    # the overloaded tiny example: its short roles are red
    view.ctx.document.reset(tiny, None)
    view.refresh()
    unit = view.table_data.ints[0]
    short = [r for r in unit.roles if r.serves_demand and not r.keeps_up]
    assert short and not unit.stable
    model = view.role_model
    names = [model.index(r, 0).data() for r in range(model.rowCount())]
    for r in short:
        row = names.index(view.names.role(r.role))
        assert model.index(row, util).data(Qt.ItemDataRole.ForegroundRole) is not None
    view.ctx.document.undo_stack.setClean()
