from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from splits_layouts import pcn_scenario

from intplan.splits.adjacency import delaunay_edges, is_connected, neighbour_sets
from intplan.splits.enumerate import SplitError, enumerate_partitions, enumerate_splits


def _brute_force(
    pops: list[int], edges: frozenset[tuple[int, int]], max_parts: int, lo: int, hi: int
) -> set[tuple[tuple[int, ...], ...]]:
    """Every labelling of nodes, kept when each part is connected and within bounds."""
    nb = neighbour_sets(len(pops), edges)
    out: set[tuple[tuple[int, ...], ...]] = set()
    for labels in itertools.product(range(max_parts), repeat=len(pops)):
        groups: dict[int, list[int]] = {}
        for node, label in enumerate(labels):
            groups.setdefault(label, []).append(node)
        parts = tuple(sorted(tuple(g) for g in groups.values()))
        if all(
            is_connected(frozenset(g), nb) and lo <= sum(pops[i] for i in g) <= hi for g in parts
        ):
            out.add(parts)
    return out


layouts = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=20).map(float),
        st.integers(min_value=0, max_value=20).map(float),
        st.integers(min_value=2000, max_value=25000),
    ),
    min_size=1,
    max_size=7,
)


@settings(max_examples=60, deadline=None)
@given(layouts, st.sampled_from([(0, 10**9), (15000, 40000), (30000, 50000)]))
def test_matches_brute_force_and_parts_are_contiguous(
    layout: list[tuple[float, float, int]], bounds: tuple[int, int]
) -> None:
    xy = [(x, y) for x, y, _ in layout]
    pops = [p for _, _, p in layout]
    edges = delaunay_edges(xy)
    nb = neighbour_sets(len(xy), edges)
    got = list(enumerate_partitions(pops, edges, max_parts=3, pop_min=bounds[0], pop_max=bounds[1]))
    assert len(got) == len(set(got)), "no option twice"
    assert set(got) == _brute_force(pops, edges, 3, *bounds)
    for parts in got:
        assert sorted(i for g in parts for i in g) == list(range(len(xy)))
        assert all(is_connected(frozenset(g), nb) for g in parts)
        assert list(parts) == sorted(parts, key=min), "groups ordered by smallest member"


def test_adjacency_is_connected_for_any_layout() -> None:
    for xy in (
        [(0.0, 0.0)],
        [(0.0, 0.0), (5.0, 5.0)],
        [(0.0, 0.0), (1.0, 1.0), (2.0, 2.0), (3.0, 3.0)],  # collinear
        [(0.0, 0.0), (0.0, 0.0), (3.0, 1.0)],  # two at one place
        [(0.0, 0.0), (4.0, 0.0), (0.0, 4.0), (4.0, 4.0), (2.0, 2.0)],
    ):
        nb = neighbour_sets(len(xy), delaunay_edges(xy))
        assert is_connected(frozenset(range(len(xy))), nb)


def test_collinear_practices_chain_in_order() -> None:
    # Shuffled along a line: only consecutive practices touch.
    xy = [(2.0, 4.0), (0.0, 0.0), (3.0, 6.0), (1.0, 2.0)]
    assert delaunay_edges(xy) == {(1, 3), (0, 3), (0, 2)}


def test_two_far_clusters_and_canonical_order() -> None:
    scenario = pcn_scenario(
        [
            ("A1", 0, 0, 18000),
            ("A2", 1, 0, 17000),
            ("B1", 30, 0, 16000),
            ("B2", 31, 1, 19000),
        ],
    )
    result = enumerate_splits(scenario, "PCN1", population_min=25000, population_max=75000)
    labels = [o.label for o in result.options]
    assert labels[0] == "A1+A2+B1+B2"
    assert "A1+A2 | B1+B2" in labels
    # the triangulation's long hull edge A1-B2 spans the gap: not contiguous
    assert "A1+B2 | A2+B1" not in labels
    assert ("A1", "B2") not in result.edges
    assert result.bounds_applied
    ints = [o.ints for o in result.options]
    assert ints == sorted(ints)
    for o in result.options:
        assert list(o.groups) == sorted(o.groups, key=lambda g: g[0])
        assert all(list(g) == sorted(g) for g in o.groups)


def test_nothing_within_bounds_offers_flagged_options() -> None:
    scenario = pcn_scenario([("P1", 0, 0, 5000), ("P2", 2, 0, 6000)])
    result = enumerate_splits(scenario, "PCN1")  # 30-50k from the settings (003:95)
    assert not result.bounds_applied
    assert "ignoring the bounds" in result.message
    assert [o.label for o in result.options] == ["P1+P2", "P1 | P2"]
    assert not any(o.within_bounds for o in result.options)


def test_torbay_band_flag() -> None:
    scenario = pcn_scenario([("P1", 0, 0, 30000), ("P2", 2, 0, 30000)])
    result = enumerate_splits(scenario, "PCN1", population_min=0, population_max=100000)
    flags = {o.label: o.within_torbay_band for o in result.options}
    assert flags == {"P1+P2": False, "P1 | P2": True}


def test_bad_requests_are_clear_errors() -> None:
    scenario = pcn_scenario([("P1", 0, 0, 30000)])
    with pytest.raises(SplitError, match="unknown PCN"):
        enumerate_splits(scenario, "NOPE")
    with pytest.raises(SplitError, match="1, 2 or 3"):
        enumerate_splits(scenario, "PCN1", max_ints=4)
