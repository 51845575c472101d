"""Prompts that answer themselves, and the types of shared fixtures, for GUI tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from PySide6.QtWidgets import QWidget

from intplan.gui.dialogs.issues import IssueRow
from intplan.gui.main_window import MainWindow
from intplan.gui.prompts import Prompts, SaveChoice

#: the ``open_window`` fixture: open_window(scenario, size=None) -> a shown MainWindow
OpenWindow = Callable[..., MainWindow]

View = TypeVar("View", bound=QWidget)


def open_tab(window: MainWindow, kind: type[View]) -> View:
    """Build the window's views, make the ``kind`` tab current and return it."""
    window.ensure_views()
    for n in range(window.tabs.count()):
        view = window.tabs.widget(n)
        if isinstance(view, kind):
            window.tabs.setCurrentIndex(n)
            return view
    raise AssertionError(f"no {kind.__name__} tab")


class FakePrompts(Prompts):
    """Answers every question from its attributes and records what was shown."""

    def __init__(self) -> None:
        self.open_answer: str | None = None
        self.save_answer: str | None = None
        self.pdf_answer: str | None = None
        self.register_answer: str | None = None
        self.unsaved_answer = SaveChoice.DISCARD
        self.recover_answer = False
        self.asked_unsaved = 0
        self.issues: list[tuple[str, list[IssueRow]]] = []
        self.errors: list[tuple[str, str]] = []
        self.recovery_offers: list[str] = []

    def open_workbook(self, parent: QWidget, directory: str) -> str | None:
        return self.open_answer

    def save_workbook(self, parent: QWidget, suggested: str) -> str | None:
        return self.save_answer

    def save_pdf(self, parent: QWidget, suggested: str) -> str | None:
        return self.pdf_answer

    def open_register(self, parent: QWidget, directory: str) -> str | None:
        return self.register_answer

    def unsaved_changes(self, parent: QWidget, name: str) -> SaveChoice:
        self.asked_unsaved += 1
        return self.unsaved_answer

    def show_issues(
        self, parent: QWidget, title: str, summary: str, rows: Sequence[IssueRow]
    ) -> None:
        self.issues.append((title, list(rows)))

    def show_error(self, parent: QWidget, title: str, text: str, details: str = "") -> None:
        self.errors.append((title, text))

    def offer_recovery(self, parent: QWidget | None, description: str) -> bool:
        self.recovery_offers.append(description)
        return self.recover_answer
