"""The split comparison cannot mislead (issue 18, item 8).

- With many options the score still includes the simulated KPIs (screening is cheaper
  instead: a shorter horizon).
- Options are ranked only among options run the same way; the others say so.
- Today's grouping is always simulated and shown, flagged when outside the bounds.
- ``replications`` below the screening count screens at that count.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TypedDict

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "splits"))
from splits_layouts import pcn_scenario

from intplan.domain import Scenario
from intplan.services.splits import (
    MIN_SCREEN_REPLICATIONS,
    MIN_SCREEN_WEEKS,
    SIM_KPIS,
    SplitsOptions,
    SplitsResult,
    compare_splits,
)


class _Size(TypedDict):
    population_min: int
    population_max: int


ANY_SIZE: _Size = {"population_min": 0, "population_max": 10**6}
SCORED_SIM_KPIS = ("wait", "within_target", "escalations", "continuity")


@pytest.fixture(scope="module")
def six_in_a_row() -> Scenario:
    """Six practices in a zig-zag row: 51 options into 1-3 INTs with no bounds (> 40)."""
    return pcn_scenario(
        [(f"P{i}", i * 3, (i % 2) * 2, 9000) for i in range(6)],
        gp_fte_per_practice=6.0,
        pn_fte_per_practice=3.0,
        dn_fte=6.0,
    )


@pytest.fixture(scope="module")
def many(six_in_a_row: Scenario) -> SplitsResult:
    options = SplitsOptions(
        pcn="PCN1",
        weeks=8,
        warmup_weeks=1,
        screen_replications=2,
        replications=4,
        top=2,
        workers=1,
        **ANY_SIZE,
    )
    return compare_splits(six_in_a_row, options)


def test_many_options_keep_the_simulated_kpis_in_the_score(many: SplitsResult) -> None:
    assert len(many.options) > 40
    for key in SCORED_SIM_KPIS:
        assert many.weights_used.get(key, 0) > 0, f"{key} dropped from the score"
    assert all(o.kpis["wait"] is not None for o in many.options), "every option simulated"
    # cheaper screening instead: a shorter horizon, stated in the result
    assert MIN_SCREEN_WEEKS <= many.screen_weeks < many.weeks
    assert any(str(many.screen_weeks) in note for note in many.notes)
    screened = [o for o in many.options if o.screened_only]
    assert screened and all(o.weeks == many.screen_weeks for o in screened)


@pytest.mark.parametrize(
    ("n_options", "expected"),
    [
        (40, (5, 26)),  # up to --screen-limit: as asked
        (51, (5, 20)),  # Kent & Medway's EK07: a shorter horizon
        (290, (4, 4)),  # 15 practices within 30-50k: the shortest horizon, fewer replications
        (9797, (MIN_SCREEN_REPLICATIONS, MIN_SCREEN_WEEKS)),  # the floors
    ],
)
def test_screening_gets_cheaper_with_many_options(
    n_options: int, expected: tuple[int, int]
) -> None:
    options = SplitsOptions(pcn="X")  # 5 screening replications, 26 weeks, limit 40
    assert options.screening(n_options) == expected
    reps, weeks = expected
    budget = 40 * 5 * 26
    assert n_options * reps * weeks <= budget or expected == (
        MIN_SCREEN_REPLICATIONS,
        MIN_SCREEN_WEEKS,
    )
    # fewer final replications than screening ones: screening runs at that count
    assert SplitsOptions(pcn="X", replications=3).screening(10) == (3, 26)


def test_ranked_only_among_options_run_the_same_way(many: SplitsResult) -> None:
    finals = [o for o in many.options if not o.screened_only]
    screened = [o for o in many.options if o.screened_only]
    assert len(finals) == 3  # --top 2 plus today's grouping
    assert all(o.replications == 4 and o.weeks == 8 and o.stage == "final" for o in finals)
    assert all(o.replications == 2 and o.stage == "screen" for o in screened)
    assert sorted(o.rank for o in finals) == [1, 2, 3], "finals are ranked among themselves"
    assert min(o.rank for o in screened) == 4
    assert [o.rank for o in many.options] == list(range(1, len(many.options) + 1))
    # every option also carries its screening rank, on one basis for all
    assert sorted(o.screen_rank for o in many.options) == list(range(1, len(many.options) + 1))
    doc = many.to_json()
    assert doc["screen_weeks"] == many.screen_weeks
    for o in doc["options"]:
        assert {"replications", "weeks", "screened_only", "screen_rank", "screen_score"} <= set(o)
    # differences vs today exist only for options run like today
    assert all(o.differences for o in finals)
    assert not any(o.differences for o in screened)


def test_replications_below_the_screening_count_screen_at_that_count(
    six_in_a_row: Scenario,
) -> None:
    options = SplitsOptions(
        pcn="PCN1",
        max_ints=2,
        weeks=3,
        warmup_weeks=1,
        screen_replications=5,
        replications=3,
        workers=1,
        **ANY_SIZE,
    )
    result = compare_splits(six_in_a_row, options)
    assert result.screen_replications == 3
    assert all(o.replications == 3 and not o.screened_only for o in result.options)
    assert any("screened at 3" in note for note in result.notes)


def test_todays_grouping_outside_the_bounds_is_simulated_and_flagged() -> None:
    # today: one INT of 36,000 people; the bounds allow only 15,000-20,000 per INT
    s = pcn_scenario(
        [("A1", 0, 0, 9000), ("A2", 1, 0, 9000), ("B1", 30, 0, 9000), ("B2", 31, 1, 9000)],
        gp_fte_per_practice=6.0,
        pn_fte_per_practice=3.0,
        dn_fte=6.0,
    )
    options = SplitsOptions(
        pcn="PCN1",
        weeks=4,
        warmup_weeks=1,
        screen_replications=2,
        replications=3,
        top=1,
        population_min=15000,
        population_max=20000,
        workers=1,
    )
    result = compare_splits(s, options)
    today = [o for o in result.options if o.current]
    assert len(today) == 1, "today's grouping is always shown"
    t = today[0]
    assert t.option.label == "A1+A2+B1+B2"
    assert not t.option.within_bounds and not t.enumerated
    assert t.reference and t.stage == "final" and not t.screened_only
    assert t.kpis["wait"] is not None
    assert any("today's grouping" in n and "outside" in n for n in result.notes)
    others = [o for o in result.options if not o.current and not o.screened_only]
    assert others and all(set(o.differences) == set(SIM_KPIS) for o in others)
    doc = result.to_json()
    (t_json,) = [o for o in doc["options"] if o["current"]]
    assert t_json["within_bounds"] is False and t_json["enumerated"] is False


def test_kent_medway_ek01_today_outside_the_bounds_is_compared() -> None:
    """The issue's case: EK01's three INTs today hold 28,806, 14,201 and 21,993 people."""
    from intplan.examples import build_kent_medway

    km = build_kent_medway()
    options = SplitsOptions(
        pcn="EK01",
        weeks=2,
        warmup_weeks=1,
        screen_replications=1,
        replications=2,
        top=1,
        workers=1,
    )
    result = compare_splits(km, options)
    (today,) = [o for o in result.options if o.current]
    assert today.option.ints == 3 and not today.option.within_bounds and not today.enumerated
    assert today.reference and not today.screened_only and today.kpis["wait"] is not None
    assert any(
        "today's grouping" in n and "outside the population bounds" in n for n in result.notes
    )
    assert all(o.differences for o in result.options if not o.screened_only)
