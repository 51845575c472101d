"""The Map view: one point per practice, hover details, a click selects the INT."""

from __future__ import annotations

from typing import Any

import pytest
from gui_fakes import FakePrompts, OpenWindow, open_tab
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QStandardItemModel
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from intplan.domain import Scenario
from intplan.examples import load_template
from intplan.gui.document import ScenarioDocument
from intplan.gui.main_window import MainWindow
from intplan.gui.models.navigator import CODE_ROLE, KIND_ROLE
from intplan.gui.views.context import ViewContext
from intplan.gui.views.map import LIGHT_COLOURS, MapView, MapWidget, draw_assignment
from intplan.gui.views.split_maps import MAX_MAPS, SplitMapsPanel
from intplan.gui.worker import TaskRunner
from intplan.services.overview import Light
from intplan.services.simulate import SimulationOptions, run_simulation
from intplan.services.splits import compare_splits
from intplan.services.splits_result import SplitsOptions

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def dorset() -> Scenario:
    return load_template("dorset-bcp")


@pytest.fixture
def window(open_window: OpenWindow, dorset: Scenario) -> MainWindow:
    return open_window(dorset, (1366, 768))


def _map_view(window: MainWindow, qtbot: Any) -> MapView:
    view = open_tab(window, MapView)
    qtbot.waitExposed(view)
    return view


def test_one_point_per_practice_at_its_place(window: MainWindow, qtbot: Any) -> None:
    view = _map_view(window, qtbot)
    scatter = view.map.scatter
    assert scatter is not None
    spots = scatter.points()
    assert len(spots) == len(window.document.scenario.practices)
    at = {str(s.data()): (s.pos().x(), s.pos().y()) for s in spots}
    assert at == {p.code: (p.x_km, p.y_km) for p in window.document.scenario.practices}


def test_click_on_a_practice_selects_its_int_in_the_navigator(
    window: MainWindow, qtbot: Any
) -> None:
    view = _map_view(window, qtbot)
    scenario = window.document.scenario
    practice = scenario.practice_by_code["DBP046"]  # Bournemouth East
    owner = scenario.int_of_practice[practice.code]
    pos = view.map.widget_pos(practice.x_km, practice.y_km)
    with qtbot.waitSignal(view.int_selected, timeout=2000) as picked:
        QTest.mouseClick(view.map.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert picked.args == [owner]
    current = window.navigator.currentIndex()
    assert (current.data(KIND_ROLE), current.data(CODE_ROLE)) == ("int", owner)
    assert view.map.selected_int == owner  # outlined on the map too


def test_choosing_an_int_in_the_navigator_outlines_it_on_the_map(
    window: MainWindow, qtbot: Any
) -> None:
    view = _map_view(window, qtbot)
    index = window.navigator_model.find("int", "INT-CHR")
    window.navigator.clicked.emit(index)
    assert view.map.selected_int == "INT-CHR"


def test_hover_shows_the_practice_list_size_and_int(window: MainWindow, qtbot: Any) -> None:
    view = _map_view(window, qtbot)
    practice = window.document.scenario.practice_by_code["DBP046"]  # Bournemouth East
    text = view.map.hover_text(practice.code)
    assert practice.name in text
    assert f"List size {practice.population:,}" in text
    assert window.document.scenario.int_of_practice[practice.code] in text
    # a real mouse move over the point puts the same text in the map's tooltip; pyqtgraph
    # drops moves closer together than its rate limit (10 ms), so keep moving until one lands
    view.map.grab()  # painted, as on a screen: pyqtgraph sizes the points when it paints them
    moves = iter(range(1000))

    def hovered() -> bool:
        # where the point is now: the layout may still settle the map's range
        at = view.map.widget_pos(practice.x_km, practice.y_km)
        QTest.mouseMove(view.map.viewport(), at + QPoint(next(moves) % 2, 0))
        return bool(view.map.vb.toolTip() == text)

    qtbot.waitUntil(hovered, timeout=3000)


def test_a_simulated_kpi_colours_the_ints(window: MainWindow, qtbot: Any, dorset: Scenario) -> None:
    view = _map_view(window, qtbot)
    choices = view.colour_by.model()
    assert isinstance(choices, QStandardItemModel)
    assert not choices.item(1).isEnabled()  # nothing simulated yet
    result = run_simulation(
        dorset, SimulationOptions(replications=2, weeks=2, warmup_weeks=1, seed=3)
    )
    view.set_result(result)
    view.colour_by.setCurrentIndex(2)  # utilisation
    row = view.rows["INT-PC"]
    expected = QColor(LIGHT_COLOURS[row.utilisation_light])
    assert view.map._fills["INT-PC"].brush().color().rgb() == expected.rgb()
    assert (
        f"{100 * row.utilisation:.0f}% · {row.utilisation_light.label}" in view.map.notes["INT-PC"]
    )
    assert row.utilisation_light is not Light.NONE
    assert "green" in view.legend.text()  # the lights are named, not only coloured


def test_draw_assignment_shows_a_split_option(qtbot: Any, dorset: Scenario) -> None:
    widget = MapWidget()
    qtbot.addWidget(widget)
    castleman = dorset.int_by_code["INT-CAS"].practices
    # split Castleman back into its three PCNs
    option = {p: f"INT-{dorset.practice_by_code[p].pcn}" for p in castleman}
    layout = draw_assignment(widget, dorset, option, title="Castleman as 3 INTs")
    assert {"INT-CSN", "INT-CSW", "INT-CSE"} <= set(layout.int_codes)
    assert "INT-CAS" not in layout.int_codes
    assert {c for b in layout.int_borders for c in b.sides} >= {"INT-CSN", "INT-CSW"}
    assert widget.layout_ is layout
    assert widget.getPlotItem().titleLabel.text == "Castleman as 3 INTs"


def test_split_maps_panel_draws_each_option_zoomed_to_the_pcn(
    qtbot: Any, tiny: Scenario, prompts: FakePrompts
) -> None:
    result = compare_splits(
        tiny,
        SplitsOptions(
            pcn="PCN1", replications=2, screen_replications=2, weeks=2, warmup_weeks=1, top=2
        ),
    )
    host = QWidget()
    qtbot.addWidget(host)
    ctx = ViewContext(
        document=ScenarioDocument(tiny),
        prompts=prompts,
        runner=TaskRunner(),
        window=host,
        status=lambda text: None,
    )
    panel = SplitMapsPanel(ctx)
    qtbot.addWidget(panel)
    panel.show_options(result)
    assert len(panel.maps) == min(MAX_MAPS, len(result.options))
    for widget, option in zip(panel.maps, result.options, strict=False):
        layout = widget.layout_
        assert layout is not None
        drawn = {p.code: p.int_code for p in layout.points}
        for group, code in zip(option.option.groups, option.int_codes, strict=True):
            assert {drawn[p] for p in group} == {code}  # each group is one INT on its map
        assert widget.getPlotItem().titleLabel.text.startswith(f"#{option.rank}:")
    # a second run replaces the maps rather than adding more
    panel.show_options(result)
    assert len(panel.maps) == min(MAX_MAPS, len(result.options))
