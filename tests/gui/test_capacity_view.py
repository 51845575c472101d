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
