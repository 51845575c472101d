"""What every view is given: the document, the user prompts and the background runner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from intplan.gui.document import ScenarioDocument
from intplan.gui.prompts import Prompts
from intplan.gui.worker import TaskRunner


@dataclass(frozen=True, slots=True, kw_only=True)
class ViewContext:
    document: ScenarioDocument
    prompts: Prompts
    runner: TaskRunner
    window: QWidget
    status: Callable[[str], None]  # a short message in the status bar
