"""Sweep designs: one at a time, full grid, seeded Latin hypercube; baseline first."""

from __future__ import annotations

import numpy as np
import pytest

from intplan.services.sweep_design import MAX_VARIANTS, DesignError, build_design
from intplan.services.sweep_params import parse_vary

A = parse_vary("growth=0:2")
B = parse_vary("productive[GP]=0.6:0.9:4")


def test_oat_moves_one_parameter_at_a_time_through_its_levels() -> None:
    variants = build_design("oat", [A, B])
    assert variants[0].label == "baseline" and variants[0].values == ()
    assert [x.values for x in variants[1:]] == [
        (("growth", 0.0),),
        (("growth", 2.0),),
        *((("productive[GP]", pytest.approx(v)),) for v in (0.6, 0.7, 0.8, 0.9)),
    ]
    assert [x.index for x in variants] == list(range(7))


def test_grid_runs_every_combination() -> None:
    variants = build_design("grid", [A, B])
    assert len(variants) == 1 + 3 * 4  # growth gets the grid default of 3 levels
    combos = {tuple(round(v, 6) for _, v in x.values) for x in variants[1:]}
    assert combos == {(g, p) for g in (0.0, 1.0, 2.0) for p in (0.6, 0.7, 0.8, 0.9)}


def test_grid_too_large_is_refused() -> None:
    many = [parse_vary(f"productive[R{i}]=0.5:0.9:21") for i in range(3)]
    with pytest.raises(DesignError, match=f"at most {MAX_VARIANTS:,}"):
        build_design("grid", many)


def test_lhs_is_seeded_stratified_and_within_the_ranges() -> None:
    a, b = parse_vary("growth=0:2"), parse_vary("productive[GP]=0.6:0.9")
    first = build_design("lhs", [a, b], samples=10, seed=5)
    again = build_design("lhs", [a, b], samples=10, seed=5)
    other = build_design("lhs", [a, b], samples=10, seed=6)
    assert first == again and first != other
    points = np.array([[v for _, v in x.values] for x in first[1:]])
    assert points.shape == (10, 2)
    for col, v in enumerate((a, b)):
        assert points[:, col].min() >= v.low and points[:, col].max() <= v.high
        # a Latin hypercube puts exactly one point in each of the 10 equal slices
        bins = np.floor((points[:, col] - v.low) / (v.high - v.low) * 10).astype(int)
        assert sorted(bins) == list(range(10))


def test_lhs_refuses_steps() -> None:
    with pytest.raises(DesignError, match="drop the :STEPS"):
        build_design("lhs", [B])
