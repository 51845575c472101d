"""Patient-behaviour switches in the Simulate view (issue 13: "each behaviour can be
switched on and off in Settings and in the GUI")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from gui_fakes import FakePrompts, open_tab

from intplan.domain import Scenario
from intplan.domain.settings import SETTING_SPECS
from intplan.gui import behaviours, edits
from intplan.gui.main_window import MainWindow
from intplan.gui.views.simulate import SimulateView

pytestmark = pytest.mark.gui


def _view(window: MainWindow) -> SimulateView:
    return open_tab(window, SimulateView)


def test_every_on_off_setting_has_a_switch() -> None:
    keys = [s.key for s in behaviours.behaviour_switches()]
    assert keys == [s.key for s in SETTING_SPECS if s.unit == "0/1"]
    assert {"dna_enabled", "patience_enabled", "booking_horizon_enabled"} <= set(keys)
    labels = {s.key: s.label for s in behaviours.behaviour_switches()}
    assert labels["dna_enabled"] == "Did not attend"


def test_a_new_behaviour_flag_appears_with_no_gui_change(monkeypatch: pytest.MonkeyPatch) -> None:
    new = type(SETTING_SPECS[0])(
        "walk_in_enabled", "0/1", 0, "assumption: a test", "1: people walk in"
    )
    monkeypatch.setattr(behaviours, "SETTING_SPECS", (*SETTING_SPECS, new))
    switch = behaviours.behaviour_switches()[-1]
    assert (switch.key, switch.label) == ("walk_in_enabled", "Walk in")


def test_switch_tooltips_say_what_it_does_and_its_source(window: MainWindow) -> None:
    view = _view(window)
    tip = view.behaviour_boxes["patience_enabled"].toolTip()
    assert "give up" in tip
    assert "No activity in this scenario has a patience" in tip  # the tiny example has none
    assert window.document.scenario.settings.source("patience_enabled") in tip
    dna = view.behaviour_boxes["dna_enabled"].toolTip()
    assert "for the same day 2%" in dna and "dna_enabled" in dna


def test_ticking_a_switch_edits_the_scenario_undoably_and_saving_keeps_it(
    window: MainWindow, prompts: FakePrompts, tmp_path: Path
) -> None:
    view = _view(window)
    box = view.behaviour_boxes["dna_enabled"]
    assert not box.isChecked() and window.document.scenario.settings.dna_enabled == 0
    box.click()
    assert window.document.scenario.settings.dna_enabled == 1
    assert window.document.dirty and window.windowTitle().startswith("*")
    assert "planner edit" in window.document.scenario.settings.source("dna_enabled")
    window.document.undo_stack.undo()
    assert window.document.scenario.settings.dna_enabled == 0
    assert not box.isChecked()  # the box follows Undo
    window.document.undo_stack.redo()
    assert box.isChecked()
    target = tmp_path / "dna-on.xlsx"
    prompts.save_answer = str(target)
    window.save_action.trigger()
    assert target.is_file() and not window.document.dirty
    assert window.open_path(target)
    assert window.document.scenario.settings.dna_enabled == 1
    assert view.behaviour_boxes["dna_enabled"].isChecked()  # shows the reopened file


def test_set_setting_leaves_an_unchanged_scenario_alone(tiny: Scenario) -> None:
    assert edits.set_setting(tiny, "dna_enabled", 0) is tiny
    twice = edits.set_setting(edits.set_setting(tiny, "dna_enabled", 1), "dna_enabled", 0)
    assert twice.settings.source("dna_enabled").count("planner edit") == 1


def test_the_run_uses_the_switch(window: MainWindow, qtbot: Any) -> None:
    view = _view(window)
    view.replications.setValue(2)
    view.weeks.setValue(4)
    view.run()
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=60000)
    assert view.result is not None
    assert not any(a.dna_rate.mean > 0 for a in view.result.activities)  # off: none missed
    view.behaviour_boxes["dna_enabled"].click()
    view.result = None
    view.run()
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=60000)
    assert view.result is not None
    assert any(a.dna_rate.mean > 0 for a in view.result.activities)
