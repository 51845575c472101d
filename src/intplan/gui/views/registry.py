"""The analysis views in tab order."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from intplan.gui.views.capacity import CapacityView
from intplan.gui.views.context import ViewContext


def build_views(ctx: ViewContext) -> list[tuple[str, QWidget]]:
    from intplan.gui.views.simulate import SimulateView

    return [("Demand && capacity", CapacityView(ctx)), ("Simulate", SimulateView(ctx))]
