"""Whole-workflow tests: open → map → optimise → apply → save → reopen."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from gui_fakes import FakePrompts, open_tab
from PySide6.QtWidgets import QWidget

from intplan.gui.main_window import MainWindow
from intplan.gui.views.capacity import CapacityView
from intplan.gui.views.optimise import OptimiseView

pytestmark = pytest.mark.gui


def _tab(window: MainWindow, kind: type) -> Any:
    return open_tab(window, kind)


def test_save_and_reopen_round_trip(
    window: MainWindow, prompts: FakePrompts, tmp_path: Path, qtbot: Any
) -> None:
    window.mapping_view.move_people(["S001"], "INT-B")
    assert window.windowTitle().startswith("*")
    target = tmp_path / "edited.xlsx"
    prompts.save_answer = str(target)
    window.save_action.trigger()  # untitled: Save asks for a name
    assert target.is_file()
    assert not window.windowTitle().startswith("*")
    assert window.document.path == target
    assert window.recent_files()[0] == str(target)
    saved = window.document.scenario
    assert window.open_path(target)
    reopened = window.document.scenario
    assert reopened.staff == saved.staff
    assert reopened.staff[0].ints == ("INT-B",)
    assert prompts.errors == [] and prompts.issues == []


def test_capacity_view_shows_every_int(window: MainWindow) -> None:
    view = _tab(window, CapacityView)
    assert view.int_combo.count() == len(window.document.scenario.ints)
    assert view.role_model.rowCount() > 0
    demand = sum(r.demand_hours_per_week for r in view.role_model.rows)
    assert demand > 0


def test_rate_edit_changes_demand_and_undoes(window: MainWindow) -> None:
    view = _tab(window, CapacityView)
    before = view.table_data.ints[0].demand_hours_per_week if view.table_data else 0.0
    col = [c.header for c in view.rate_model.columns].index("Rate (per 1,000 per week)")
    row = next(
        n
        for n, r in enumerate(view.rate_model.rows)
        if r.activity == "SDC" and r.age_band == "18-64"
    )
    old = view.rate_model.rows[row].per_1000_per_week
    assert view.rate_model.setData(view.rate_model.index(row, col), old * 2)
    after = view.table_data.ints[0].demand_hours_per_week if view.table_data else 0.0
    assert after > before
    window.undo_action.trigger()
    assert view.rate_model.rows[row].per_1000_per_week == old


def test_optimise_run_and_apply_plan(window: MainWindow, qtbot: Any) -> None:
    view = _tab(window, OptimiseView)
    window.run_action.trigger()
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=120000)
    assert view.outcome is not None, view.runs.status_label.text()
    assert view.plan_model.rowCount() > 0
    assert view.explain.toPlainText().strip()
    if view.outcome.result.feasible:
        staff_before = len(window.document.scenario.staff)
        view.apply_button.click()
        assert window.windowTitle().startswith("*")
        window.undo_action.trigger()
        assert len(window.document.scenario.staff) == staff_before


def test_register_import_maps_people_and_reports(
    window: MainWindow, qtbot: Any, prompts: FakePrompts, tmp_path: Path
) -> None:
    register = tmp_path / "practice-staff.csv"
    register.write_text(
        "Staff number,Name,Job title,WTE,Practice code\n"
        "A1,Ann Lee,GP,0.6,P3\n"
        "A2,Bob Roy,Practice nurse,1.0,P1\n"
        "A3,No Role,,0.5,P1\n",
        encoding="utf-8",
    )
    asked: list[tuple[list[str], dict[str, str]]] = []

    def columns(
        parent: QWidget,
        file_name: str,
        headers: Sequence[str],
        fields: Sequence[str],
        guessed: Mapping[str, str],
    ) -> tuple[dict[str, str], bool] | None:
        asked.append((list(headers), dict(guessed)))
        return dict(guessed), False

    prompts.register_columns = columns  # type: ignore[method-assign]
    window.mapping_view.import_register(register)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=60000)
    assert asked and asked[0][1].get("role") == "Job title"
    staff = {s.name: s for s in window.document.scenario.staff}
    assert staff["Ann Lee"].ints == ("INT-B",)  # P3 is in INT-B
    assert staff["Bob Roy"].ints == ("INT-A",)
    report = window.mapping_view.report.toPlainText()
    assert "rejected" in report and "row" in report
    window.undo_action.trigger()  # the whole import is one undoable edit
    assert "Ann Lee" not in {s.name for s in window.document.scenario.staff}
