"""Apply plan is idempotent; long messages stay on screen and scroll (issue 18, item 9)."""

from __future__ import annotations

from typing import Any

import pytest
from gui_fakes import FakePrompts, open_tab
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea, QWidget

from intplan.gui.dialogs.message import MAX_MESSAGE_HEIGHT, MessageDialog
from intplan.gui.main_window import MainWindow
from intplan.gui.prompts import Prompts
from intplan.gui.views.optimise import OptimiseView

pytestmark = pytest.mark.gui

#: the shape of the issue's message: one line per problem, 500 of them
LONG = "500 problem(s) were found:\n" + "\n".join(
    f"Staff row {n}: staff id 'S{n:03d}' appears 2 times" for n in range(500)
)


def _optimise_view(window: MainWindow) -> OptimiseView:
    return open_tab(window, OptimiseView)


def _run(window: MainWindow, qtbot: Any) -> OptimiseView:
    view = _optimise_view(window)
    window.run_action.trigger()
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=120000)
    assert view.outcome is not None and view.outcome.result.feasible
    return view


def test_a_plan_cannot_be_applied_twice(
    window: MainWindow, qtbot: Any, prompts: FakePrompts
) -> None:
    view = _run(window, qtbot)
    doc = window.document
    planned_for = doc.scenario
    assert view.apply_button.isEnabled()
    view.apply_button.click()
    applied = doc.scenario
    assert applied is not planned_for
    assert not view.apply_button.isEnabled(), "applied: the button is off"
    view.apply_plan()  # a second apply (e.g. a queued click) does nothing
    assert doc.scenario is applied
    assert doc.undo_stack.count() == 1
    assert prompts.errors == []
    # undo brings back the scenario the plan was made for: it can be applied again
    window.undo_action.trigger()
    assert doc.scenario is planned_for and view.apply_button.isEnabled()
    window.redo_action.trigger()
    assert not view.apply_button.isEnabled()
    # a new plan, computed for the scenario as it is now, can be applied
    _run(window, qtbot)
    assert view.apply_button.isEnabled()


def test_a_plan_for_an_older_scenario_is_not_applied(window: MainWindow, qtbot: Any) -> None:
    view = _run(window, qtbot)
    window.mapping_view.move_people(["S001"], "INT-B")  # the scenario changes after the run
    assert not view.apply_button.isEnabled()
    assert "run the optimiser again" in view.apply_button.toolTip()
    before = window.document.scenario
    view.apply_plan()
    assert window.document.scenario is before


def test_a_long_message_is_bounded_and_scrolls(qtbot: Any) -> None:
    dialog = MessageDialog("Cannot apply the plan", LONG)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.height() <= 700, "fits a 1366x768 screen"
    assert dialog.height() <= MAX_MESSAGE_HEIGHT
    scroll = dialog.findChild(QScrollArea)
    assert scroll is not None
    assert scroll.verticalScrollBar().maximum() > 0, "the text scrolls"
    inner = scroll.widget()
    assert inner is not None
    label = inner.findChild(QLabel)
    assert label is not None and label.text() == LONG
    assert label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    ok = dialog.findChild(QPushButton)
    assert ok is not None and ok.isVisible()
    assert dialog.rect().contains(ok.geometry()), "the OK button is inside the dialog"


def test_a_short_message_is_not_padded(qtbot: Any) -> None:
    dialog = MessageDialog("Check the constraints", "The budget must be positive.")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.height() < 250


def test_prompts_show_errors_in_the_bounded_dialog(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[MessageDialog] = []

    def fake_exec(self: MessageDialog) -> int:
        self.show()
        shown.append(self)
        return 0

    monkeypatch.setattr(MessageDialog, "exec", fake_exec)
    parent = QWidget()
    qtbot.addWidget(parent)
    Prompts().show_error(parent, "Cannot apply the plan", LONG, details="Traceback …\n" * 400)
    (dialog,) = shown
    assert dialog.height() <= 700
    assert dialog.windowTitle() == "Cannot apply the plan"
    assert dialog.details is not None and not dialog.details.isVisible()
    assert dialog.details_button is not None
    dialog.details_button.click()  # the details open inside the same bounded dialog
    assert dialog.details.isVisible() and dialog.height() <= 700
