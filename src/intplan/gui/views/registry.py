"""The analysis views in tab order (imported off the UI thread)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from intplan.gui.views.capacity import CapacityView
from intplan.gui.views.compare import CompareView
from intplan.gui.views.context import ViewContext
from intplan.gui.views.optimise import OptimiseView
from intplan.gui.views.simulate import SimulateView


def build_views(ctx: ViewContext) -> list[tuple[str, QWidget]]:
    return [
        ("Demand && capacity", CapacityView(ctx)),
        ("Simulate", SimulateView(ctx)),
        ("Optimise", OptimiseView(ctx)),
        ("Compare", CompareView(ctx)),
    ]
