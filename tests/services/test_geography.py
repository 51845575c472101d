"""The map's geometry: one catchment per practice, borders where INTs or PCNs change."""

from __future__ import annotations

import dataclasses
import math

import pytest

from intplan.domain import Scenario
from intplan.examples import load_template
from intplan.services.geography import COLOURS, MapLayout, colour_ints, map_layout


@pytest.fixture(scope="module")
def dorset() -> Scenario:
    return load_template("dorset-bcp")


def _inside(polygon: tuple[tuple[float, float], ...], x: float, y: float) -> bool:
    """Ray casting (any simple polygon), independent of the module's own convex test."""
    inside = False
    for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def _area(polygon: tuple[tuple[float, float], ...]) -> float:
    ring = zip(polygon, polygon[1:] + polygon[:1], strict=True)
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in ring)) / 2


def test_each_practice_has_a_cell_around_it_and_the_cells_tile_the_extent(
    dorset: Scenario,
) -> None:
    layout = map_layout(dorset)
    assert [p.code for p in layout.points] == [p.code for p in dorset.practices]
    assert len(layout.cells) == len(dorset.practices)
    for p, cell in zip(layout.points, layout.cells, strict=True):
        assert _inside(cell, p.x_km, p.y_km), p.code
        assert p.int_code == dorset.int_of_practice[p.code]
    # the catchments neither overlap nor leave gaps: their areas add up to the extent's
    assert sum(_area(c) for c in layout.cells) == pytest.approx(_area(layout.extent), rel=1e-9)


def test_borders_separate_different_ints_and_pcns(dorset: Scenario) -> None:
    layout = map_layout(dorset)
    assert layout.int_borders
    assert all(a != b for a, b in (border.sides for border in layout.int_borders))
    int_codes = {i.code for i in dorset.ints}
    assert {s for border in layout.int_borders for s in border.sides} == int_codes
    # a PCN border is drawn only inside an INT (Dorset's Castleman INT spans three PCNs)
    assert layout.pcn_borders
    assert {s for border in layout.pcn_borders for s in border.sides} == {"CSN", "CSW", "CSE"}


def test_touching_ints_get_different_colours(dorset: Scenario) -> None:
    layout = map_layout(dorset)
    assert set(layout.colour_index) == {i.code for i in dorset.ints}
    assert all(0 <= c < COLOURS for c in layout.colour_index.values())
    for border in layout.int_borders:
        a, b = border.sides
        assert layout.colour_index[a] != layout.colour_index[b], border.sides


def test_adjacency_edges_carry_the_scenario_travel_minutes(dorset: Scenario) -> None:
    layout = map_layout(dorset)
    got = {(e.int_a, e.int_b): e.travel_minutes for e in layout.edges}
    assert got == {(a.int_a, a.int_b): a.travel_minutes for a in dorset.adjacencies}
    for e in layout.edges:
        assert (e.a, e.b) == (layout.labels[e.int_a], layout.labels[e.int_b])


def test_labels_sit_inside_their_int(dorset: Scenario) -> None:
    layout = map_layout(dorset)
    for code, (x, y) in layout.labels.items():
        nearest = min(layout.points, key=lambda p: math.hypot(p.x_km - x, p.y_km - y))
        assert nearest.int_code == code  # the label's catchment is one of the INT's own


def test_an_alternative_assignment_redraws_the_borders(tiny: Scenario) -> None:
    before = map_layout(tiny)
    assert before.int_codes == ("INT-A", "INT-B")
    # all three practices in one INT: no INT border is left, only the outline
    after = map_layout(tiny, {"P1": "ONE", "P2": "ONE", "P3": "ONE"})
    assert after.int_codes == ("ONE",)
    assert after.int_borders == ()
    assert after.edges == ()  # the scenario's adjacency is between INTs no longer drawn


def test_odd_layouts_do_not_break_the_map(tiny: Scenario) -> None:
    # all practices on one line, and two practices at the same place
    line = dataclasses.replace(
        tiny,
        practices=tuple(
            dataclasses.replace(p, x_km=float(k), y_km=0.0) for k, p in enumerate(tiny.practices)
        ),
    )
    layout = map_layout(line)
    assert all(len(c) >= 3 for c in layout.cells)
    same = dataclasses.replace(
        tiny,
        practices=tuple(dataclasses.replace(p, x_km=1.0, y_km=1.0) for p in tiny.practices),
    )
    layout = map_layout(same)
    assert len(layout.cells) == 3 and layout.cells[0] == layout.cells[2]
    assert isinstance(layout, MapLayout)


def test_colouring_reuses_colours_only_when_it_must() -> None:
    codes = [f"I{n}" for n in range(COLOURS + 1)]
    everyone = {(a, b) for a in codes for b in codes if a < b}  # a clique: more than COLOURS
    colours = colour_ints(codes, everyone)
    assert len(set(colours.values())) == COLOURS
