"""Past results open with the workbook; the Optimise view shows a stored plan read-only;
File ▸ Export board pack writes the PDF."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from gui_fakes import FakePrompts

from intplan.domain import Scenario
from intplan.gui.main_window import MainWindow
from intplan.gui.views.optimise import OptimiseView
from intplan.gui.views.simulate import SimulateView
from intplan.io.workbook import write_scenario
from intplan.services.optimise import run_optimise, write_plan
from intplan.services.simulate import SimulationOptions, run_simulation, write_simulation_results

QUICK = SimulationOptions(replications=2, weeks=3, warmup_weeks=1, seed=11)


@pytest.fixture(scope="module")
def with_results(tiny: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("past") / "tiny-results.xlsx"
    write_scenario(tiny, path)
    write_simulation_results(run_simulation(tiny, QUICK), source=str(path), out=str(path))
    write_plan(run_optimise(tiny), source=str(path), out=str(path))
    return path


def _view(window: MainWindow, kind: type[Any]) -> Any:
    window.ensure_views()
    return next(
        window.tabs.widget(n)
        for n in range(window.tabs.count())
        if isinstance(window.tabs.widget(n), kind)
    )


@pytest.mark.parametrize("views_first", [True, False], ids=["views-built", "views-later"])
def test_a_workbook_with_results_opens_with_them_shown(
    window: MainWindow, with_results: Path, prompts: FakePrompts, views_first: bool
) -> None:
    if views_first:
        window.ensure_views()
    assert window.open_path(with_results)
    simulate: SimulateView = _view(window, SimulateView)
    optimise: OptimiseView = _view(window, OptimiseView)
    assert simulate.result is not None and simulate.result.seed == 11
    assert simulate.kpi_model.rowCount() > 0, "the KPI table is filled without a run"
    assert "Loaded from the workbook" in simulate.runs.status_label.text()
    assert optimise.outcome is not None
    assert optimise.plan_model.rowCount() == len(optimise.outcome.result.plan) > 0
    assert "Loaded from the workbook" in optimise.runs.status_label.text()
    # a stored plan is for reading: its staff moves are not stored
    assert not optimise.apply_button.isEnabled()
    assert "loaded from the workbook" in optimise.apply_button.toolTip()
    assert prompts.errors == [] and prompts.issues == []


def test_a_plain_workbook_shows_no_results(
    window: MainWindow, tiny: Scenario, tmp_path: Path
) -> None:
    path = tmp_path / "plain.xlsx"
    write_scenario(tiny, path)
    assert window.open_path(path)
    assert _view(window, SimulateView).result is None
    assert _view(window, OptimiseView).outcome is None


def test_damaged_results_are_listed_and_the_scenario_still_opens(
    window: MainWindow, with_results: Path, tmp_path: Path, prompts: FakePrompts
) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(with_results)
    for row in wb["Results Sim run"].iter_rows():
        if row[0].value == "seed":
            row[1].value = "eleven"
    damaged = tmp_path / "damaged.xlsx"
    wb.save(damaged)
    assert window.open_path(damaged)
    assert window.document.path == damaged
    ((title, rows),) = prompts.issues
    assert any("Results Sim run" in str(r) for r in rows)
    assert title == "Problems in the stored results"
    assert _view(window, SimulateView).result is None


def test_export_board_pack(
    window: MainWindow, with_results: Path, tmp_path: Path, prompts: FakePrompts
) -> None:
    out = tmp_path / "pack.pdf"
    prompts.pdf_answer = str(out)
    window.export_board_pack()  # nothing run, nothing stored: a message, no file
    assert prompts.errors and prompts.errors[0][0] == "Nothing to report yet"
    assert not out.exists()
    assert window.open_path(with_results)
    window.export_pack_action.trigger()
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data)) == 4  # overview, map, charts, plan
