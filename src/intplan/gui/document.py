"""The open scenario: the current frozen Scenario, its file, and its undo history."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from intplan.domain import Scenario

if TYPE_CHECKING:  # the results reader pulls in the engines: not on the start-up path
    from intplan.services.past_results import PastResults


class ReplaceScenarioCommand(QUndoCommand):
    """Every edit is 'scenario before' -> 'scenario after'; frozen values make that cheap."""

    def __init__(self, document: ScenarioDocument, before: Scenario, after: Scenario, text: str):
        super().__init__(text)
        self._document = document
        self._before = before
        self._after = after

    def redo(self) -> None:
        self._document._set(self._after)

    def undo(self) -> None:
        self._document._set(self._before)


class ScenarioDocument(QObject):
    """Holds the Scenario; views read it and change it only through :meth:`apply`."""

    scenario_changed = Signal()
    dirty_changed = Signal(bool)
    path_changed = Signal()
    #: the opened workbook's stored results were read (:attr:`past_results`)
    results_loaded = Signal()

    def __init__(self, scenario: Scenario, path: Path | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._scenario = scenario
        self._path = path
        self._past: PastResults | None = None
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._clean_changed)

    def _clean_changed(self, clean: bool) -> None:
        self.dirty_changed.emit(not clean)

    @property
    def scenario(self) -> Scenario:
        return self._scenario

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def past_results(self) -> PastResults | None:
        """Results stored in the opened workbook (None: none, or not read)."""
        return self._past

    def set_past_results(self, past: PastResults | None) -> None:
        self._past = past
        self.results_loaded.emit()

    @property
    def dirty(self) -> bool:
        # An untitled document differs from any file once it has been edited.
        return not self.undo_stack.isClean()

    @property
    def display_name(self) -> str:
        return self._path.name if self._path is not None else f"{self._scenario.name} (not saved)"

    def apply(self, new: Scenario, text: str) -> None:
        """Record an edit so it can be undone; no-op when nothing changed."""
        if new is self._scenario:
            return
        self.undo_stack.push(ReplaceScenarioCommand(self, self._scenario, new, text))

    def reset(self, scenario: Scenario, path: Path | None, *, dirty: bool = False) -> None:
        """Start over on a newly opened scenario (history cleared)."""
        self.undo_stack.clear()
        self._path = path
        self._past = None  # they belong to the previous file
        self._set(scenario)
        self.path_changed.emit()
        if dirty:
            # A recovered copy is unsaved work: mark it so closing prompts to save.
            self.undo_stack.resetClean()
            self.dirty_changed.emit(True)
        else:
            self.undo_stack.setClean()
            self.dirty_changed.emit(False)

    def mark_saved(self, path: Path) -> None:
        self._path = path
        self.undo_stack.setClean()
        self.path_changed.emit()
        self.dirty_changed.emit(False)

    def _set(self, scenario: Scenario) -> None:
        self._scenario = scenario
        self.scenario_changed.emit()
