"""The Compare tab: PCN split options and scenario comparison, each a view of its own.

``SplitsView`` (gui/views/splits.py) asks whether a PCN should be one INT or two or
three; ``ScenarioCompareView`` (gui/views/scenario_compare.py) compares this scenario
with saved workbooks. This tab only holds the two and passes F5 (``run``) to the one
shown.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget

from intplan.gui.views.context import ViewContext
from intplan.gui.views.scenario_compare import ScenarioCompareView
from intplan.gui.views.splits import SplitsView
from intplan.services.past_results import PastResults


class CompareView(QTabWidget):
    def __init__(self, ctx: ViewContext) -> None:
        super().__init__()
        self.setDocumentMode(True)
        self.splits = SplitsView(ctx)
        self.scenarios = ScenarioCompareView(ctx)
        self.addTab(self.splits, "PCN split options")
        self.addTab(self.scenarios, "Compare scenarios")

    def run(self) -> None:
        """F5: run what the page shown runs."""
        page = self.currentWidget()
        if isinstance(page, SplitsView | ScenarioCompareView):
            page.run()

    def show_loaded(self, past: PastResults) -> None:
        """An opened workbook's stored split comparison, shown on its page."""
        if self.splits.show_loaded(past):
            self.setCurrentWidget(self.splits)

    def prepare_screenshot(self) -> None:
        self.splits.prepare_screenshot()
