"""Known-answer tests for PCN split comparison (seed 000:746 trade-off)."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import TypedDict

import pytest

from intplan.domain import Scenario

sys.path.insert(0, str(Path(__file__).parents[1] / "splits"))
from splits_layouts import pcn_scenario

from intplan.services.progress import Cancelled
from intplan.services.splits import OptionResult, SplitsOptions, compare_splits
from intplan.splits.enumerate import SplitError


class _Fast(TypedDict):
    weeks: int
    warmup_weeks: int
    screen_replications: int
    replications: int


class _Size(TypedDict):
    population_min: int
    population_max: int


class _Run(TypedDict):
    seed: int
    weeks: int
    warmup_weeks: int


FAST: _Fast = {"weeks": 6, "warmup_weeks": 1, "screen_replications": 3, "replications": 8}
ANY_SIZE: _Size = {"population_min": 0, "population_max": 10**6}


def _travel(option: OptionResult) -> float:
    travel = option.kpis["travel"]
    assert travel is not None, "every option has a travel figure"
    return travel


@pytest.fixture(scope="module")
def clusters() -> Scenario:
    """Two pairs of practices 30 km apart; enough staff for ~80% utilisation."""
    return pcn_scenario(
        [("A1", 0, 0, 9000), ("A2", 1, 0, 9000), ("B1", 30, 0, 9000), ("B2", 31, 1, 9000)],
        gp_fte_per_practice=6.0,
        pn_fte_per_practice=3.0,
        dn_fte=6.0,
    )


@pytest.fixture(scope="module")
def small() -> Scenario:
    """Two neighbouring practices of 8,000 people: too small to split."""
    return pcn_scenario(
        [("P1", 0, 0, 8000), ("P2", 2, 0, 8000)],
        gp_fte_per_practice=5.0,
        pn_fte_per_practice=3.0,
        dn_fte=2.0,
    )


def test_far_apart_clusters_are_best_as_two_ints(clusters: Scenario) -> None:
    # 12 replications: the wait gap (about 10 minutes) needs more than FAST's 8 to be clear
    opts: _Fast = {**FAST, "replications": 12}
    result = compare_splits(clusters, SplitsOptions(pcn="PCN1", max_ints=2, **opts, **ANY_SIZE))
    by_label = {o.option.label: o for o in result.options}
    split, whole = by_label["A1+A2 | B1+B2"], by_label["A1+A2+B1+B2"]
    assert result.options[0] is split, "the two-cluster split ranks first"
    assert _travel(split) == min(_travel(o) for o in result.options)
    assert _travel(split) < _travel(whole) / 5
    assert whole.reference and whole.current
    # travel eats home-visit time in one INT: the split also waits less (paired CI < 0)
    assert split.stage == whole.stage == "final"
    assert split.differences["wait"].high < 0
    assert split.pareto


def test_small_pcn_is_best_as_one_pooled_int(small: Scenario) -> None:
    # 12 replications: the wait gap needs more than FAST's 8 to be clear (after the merge
    # with per-episode referrals, 8 left its CI touching zero)
    opts: _Fast = {**FAST, "replications": 12}
    result = compare_splits(small, SplitsOptions(pcn="PCN1", **opts, **ANY_SIZE))
    assert [o.option.label for o in result.options] == ["P1+P2", "P1 | P2"]
    pooled, split = result.options
    assert split.differences["wait"].low > 0, "pooling: two small teams wait longer"
    assert pooled.kpis["resilience"] < split.kpis["resilience"]  # type: ignore[operator]
    assert pooled.kpis["team_size"] > split.kpis["team_size"]  # type: ignore[operator]
    assert pooled.pareto and split.pareto  # a real trade-off: waits vs team size
    assert pooled.score > split.score


def test_same_seed_same_results_and_weights_change_the_ranking(small: Scenario) -> None:
    opts = SplitsOptions(pcn="PCN1", **FAST, **ANY_SIZE)
    a = compare_splits(small, opts).to_json()
    b = compare_splits(small, opts).to_json()
    assert a == b
    team_only = SplitsOptions(pcn="PCN1", weights={"team_size": 1.0}, **FAST, **ANY_SIZE)
    c = compare_splits(small, team_only).to_json()
    assert c["options"][0]["label"] == "P1 | P2"
    assert c["weights_used"] == {"team_size": 1.0}
    assert {"pcn", "options"} <= set(a)
    for o in a["options"]:
        assert {"ints", "groups", "rank", "score", "pareto", "kpis"} <= set(o)


def test_out_of_bounds_is_said_and_cancel_stops(small: Scenario) -> None:
    result = compare_splits(small, SplitsOptions(pcn="PCN1", **FAST))  # 30-50k bounds
    assert not result.enumeration.bounds_applied
    assert "ignoring the bounds" in result.notes[0]
    assert all(not o.option.within_bounds for o in result.options)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        compare_splits(small, SplitsOptions(pcn="PCN1", **FAST), cancel=cancel)
    with pytest.raises(SplitError, match="--replications must be between"):
        compare_splits(small, SplitsOptions(pcn="PCN1", replications=0, **ANY_SIZE))


def test_final_stage_reuses_screening_replications(small: Scenario) -> None:
    from intplan.services.splits import simulate_ints

    run: _Run = {"seed": 3, "weeks": 3, "warmup_weeks": 1}
    ints = tuple(i.code for i in small.ints)
    whole = simulate_ints(small, ints, replications=4, **run)
    first = simulate_ints(small, ints, replications=2, **run)
    topped_up = simulate_ints(small, ints, replications=4, earlier=first, **run)
    assert topped_up.per_replication == whole.per_replication
    assert topped_up.estimates["wait"] == whole.estimates["wait"]
