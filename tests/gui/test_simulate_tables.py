"""The Simulate view's result tables over the service's records pass Qt's model checks."""

from __future__ import annotations

from typing import Any

import pytest

from intplan.domain import Scenario
from intplan.gui.chart_style import DisplayNames
from intplan.gui.models.table import RecordTableModel
from intplan.gui.views.simulate_tables import INT_COLUMNS, activity_columns
from intplan.services.simulate import SimulationOptions, run_simulation

pytestmark = pytest.mark.gui


def test_result_tables_pass_modeltester(qtmodeltester: Any, tiny: Scenario) -> None:
    sim = run_simulation(tiny, SimulationOptions(replications=2, weeks=3))
    names = DisplayNames.from_scenario(tiny)
    model = RecordTableModel(activity_columns(names), sim.activities)
    qtmodeltester.check(model)
    assert model.index(0, 0).data() == names.activity(sim.activities[0].activity)
    qtmodeltester.check(RecordTableModel(INT_COLUMNS, sim.ints))
