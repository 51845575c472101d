"""The analysis views in tab order (imported off the UI thread)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from intplan.gui.views.capacity import CapacityView
from intplan.gui.views.compare import CompareView
from intplan.gui.views.context import ViewContext
from intplan.gui.views.map import MapView
from intplan.gui.views.optimise import OptimiseView
from intplan.gui.views.overview import OverviewView
from intplan.gui.views.simulate import SimulateView
from intplan.gui.views.split_maps import SplitMapsPanel
from intplan.gui.views.sweep import SweepView


def build_views(ctx: ViewContext) -> list[tuple[str, QWidget]]:
    simulate = SimulateView(ctx)
    overview = OverviewView(ctx, details=simulate)
    map_view = MapView(ctx)
    # A finished run colours the map and fills the overview (which then comes to the front).
    simulate.result_ready.connect(map_view.set_result)
    simulate.result_ready.connect(overview.set_result)
    compare = CompareView(ctx)
    _add_split_maps(ctx, compare)
    return [
        ("Map", map_view),
        ("Demand && capacity", CapacityView(ctx)),
        ("Simulate", simulate),
        ("Overview", overview),
        ("Optimise", OptimiseView(ctx)),
        ("Compare", compare),
        ("Sweep", SweepView(ctx)),
    ]


def _add_split_maps(ctx: ViewContext, compare: CompareView) -> None:
    """A "Maps" page in Compare's split results, fed each run's options."""
    panel = SplitMapsPanel(ctx)
    compare.splits.add_panel("Maps", panel)
    compare.splits.options_ready.connect(panel.show_options)
