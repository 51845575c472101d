"""The optimiser on an instance small enough to solve by hand."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from intplan.domain import Scenario, Settings
from intplan.optimise import OptimiseOptions, SolveStatus, StaffingRuleName, optimise

ADMIN = OptimiseOptions().cover_admin_gbp_per_hour
MOVE = OptimiseOptions().move_penalty_gbp_per_fte
#: the derivations below are for the flat utilisation ceiling (the queueing rule is
#: tested in test_staffing.py)
CEILING = OptimiseOptions(staffing_rule=StaffingRuleName.CEILING)


def test_hand_solved_optimum(handmade: Callable[..., Scenario]) -> None:
    """Derivation (utilisation ceiling 1, no growth, no MDT, 52 weeks a year).

    Usable hours per FTE: 40 h × 0.5 productive = 20 h a week, for X and Y.
    Demand (hours a week at the preferred duration, 60 min for both):
      A (10,000 people): P = 2 × 10 = 20 h, Q = 1 × 10 = 10 h.
      B ( 5,000 people): P = 10 h,          Q = 5 h.
    Capacity: A has X 1.25 FTE = 25 h and Y 0.5 FTE = 10 h; B has Y 1.0 = 20 h.
    A: X does P (20 h), Y does Q (10 h); X has 5 h spare.
    B: Y must do Q (5 h) and P at twice the preferred time (duration factor
    120/60 = 2), so P needs 20 h of Y: 25 h needed against 20 h, 5 Y-hours short.
    Each hour of P done by X frees 2 Y-hours, so B needs 2.5 h of X-type work.
    Ways to get it, cost a year:
      - cover from A's spare X at travel 0: 2.5 h × 52 × £2 admin = £260
        (A can lend 20% × 20 h × 1.25 FTE = 5 h ≥ 2.5 h, so the cap is slack);
      - move 0.125 FTE X from A to B: 0.125 × £6,000 penalty = £750;
      - recruit 0.125 FTE X in B: £6,250; or 0.25 FTE Y in B: £7,500;
      - leave 2.5 h unmet: 2.5 × 52 × £500 = £65,000.
    So the optimum lends 2.5 h a week of X from A to B, recruits and moves
    nobody, and costs today's pay (1.25 × £50,000 + 1.5 × £30,000 = £107,500)
    plus £260: objective £107,760.
    """
    result = optimise(handmade(), CEILING)
    assert result.status is SolveStatus.OPTIMAL
    assert result.objective == pytest.approx(107_500 + 2.5 * 52 * ADMIN, rel=1e-6)
    assert ADMIN * 2.5 * 52 < MOVE * 0.125  # the derivation's ordering of options holds
    flows = [(c.from_int, c.to_int, c.role, c.hours_per_week) for c in result.cover]
    assert len(flows) == 1
    assert flows[0][:3] == ("A", "B", "X")
    assert flows[0][3] == pytest.approx(2.5, rel=1e-6)
    assert not result.moves
    for row in result.plan:
        assert row.recommended_fte == pytest.approx(row.current_fte, abs=1e-9)
    assert result.costs is not None
    assert result.costs.unmet_hours_per_week == pytest.approx(0.0, abs=1e-9)
    served_b_p = next(d for d in result.demand if d.int_code == "B" and d.activity == "P")
    assert dict(served_b_p.served_hours_by_role) == pytest.approx({"X": 2.5, "Y": 7.5})


def test_no_cover_then_move_is_next_best(handmade: Callable[..., Scenario]) -> None:
    """With cover switched off (cap 0), moving 0.125 FTE X (£750) beats recruiting.

    The move cap is 10% × 1.25 FTE = 0.125 FTE, exactly what is needed.
    """
    settings = Settings(annual_growth_pct=0.0, utilisation_ceiling=1.0, cover_share_cap=0.0)
    result = optimise(handmade(settings=settings), CEILING)
    assert result.status is SolveStatus.OPTIMAL
    assert result.objective == pytest.approx(107_500 + 0.125 * MOVE, rel=1e-6)
    assert [(m.from_int, m.to_int, m.role) for m in result.moves] == [("A", "B", "X")]
    assert result.moves[0].fte == pytest.approx(0.125)
    assert not result.cover


def test_shadow_price_of_x_in_b(handmade: Callable[..., Scenario]) -> None:
    """One more FTE of X in B (20 h) replaces the 2.5 h of cover: saves exactly £260/yr.

    Marginal: an X-hour in B saves one cover hour (£2 × 52 = £104 a year), so
    the hours constraint of X in B has a shadow price of £104 per hour a week,
    £2,080 per FTE, while cover is still being used. (Only 2.5 h are needed, so
    a whole FTE would save £260; the shadow price is the marginal rate.)
    """
    result = optimise(handmade(), CEILING)
    b = next(
        x for x in result.binding if x.group == "hours" and x.int_code == "B" and x.role == "X"
    )
    assert b.value_gbp_per_year == pytest.approx(20 * 52 * ADMIN, rel=1e-6)
    assert "X" in b.sentence and "Beta" in b.sentence


def test_integer_posts_are_tenths(handmade: Callable[..., Scenario]) -> None:
    """With no cover and no moves, B needs 2.5 X-hours: 0.125 FTE → 0.2 in tenths? No:
    the cheapest integer answer mixes 0.1 FTE X (2 h, frees 4 Y-hours) with 0.1 FTE Y
    (2 h): 5,000 + 3,000 = £8,000, against 0.2 FTE X = £10,000 or 0.3 FTE Y = £9,000.
    """
    settings = Settings(
        annual_growth_pct=0.0,
        utilisation_ceiling=1.0,
        cover_share_cap=0.0,
        move_fte_cap_share=0.0,
    )
    result = optimise(
        handmade(settings=settings),
        OptimiseOptions(integer=True, staffing_rule=StaffingRuleName.CEILING),
    )
    assert result.status is SolveStatus.OPTIMAL
    recruited = {(p.int_code, p.role): p.recruited_fte for p in result.plan if p.recruited_fte}
    assert recruited == pytest.approx({("B", "X"): 0.1, ("B", "Y"): 0.1})
    assert result.objective == pytest.approx(107_500 + 8_000, rel=1e-6)
    lp = optimise(handmade(settings=settings), CEILING)
    assert lp.objective == pytest.approx(107_500 + 0.125 * 50_000, rel=1e-6)


def test_lexicographic_meets_demand_first(handmade: Callable[..., Scenario]) -> None:
    """With an unmet penalty of 0, the weighted plan leaves demand unmet; lexicographic
    minimises unmet hours first (to 0) and then cost (the same £260 of cover)."""
    settings = Settings(
        annual_growth_pct=0.0, utilisation_ceiling=1.0, unmet_penalty_gbp_per_hour=0
    )
    weighted = optimise(handmade(settings=settings), CEILING)
    assert weighted.costs is not None
    # unmet is free: nothing is spent, and at least 2.5 h (5 Y-hours of P at 2×) stay unmet
    assert weighted.objective == pytest.approx(107_500, rel=1e-9)
    assert weighted.costs.unmet_hours_per_week >= 2.5 - 1e-6
    lex = optimise(
        handmade(settings=settings),
        OptimiseOptions(lexicographic=True, staffing_rule=StaffingRuleName.CEILING),
    )
    assert lex.status is SolveStatus.OPTIMAL
    assert lex.costs is not None
    assert lex.costs.unmet_hours_per_week == pytest.approx(0.0, abs=1e-6)
    assert lex.objective == pytest.approx(107_500 + 2.5 * 52 * ADMIN, rel=1e-6)


def test_demand_percentile_raises_demand(handmade: Callable[..., Scenario]) -> None:
    """At the 90th percentile each weekly count λ becomes λ + 1.2816·√λ."""
    base = handmade()
    high = dataclasses.replace(
        base,
        settings=dataclasses.replace(base.settings, demand_percentile=0.9),
    )
    r0 = optimise(base, CEILING)
    r1 = optimise(high, CEILING)
    d0 = {(d.int_code, d.activity): d.demand_hours_per_week for d in r0.demand}
    d1 = {(d.int_code, d.activity): d.demand_hours_per_week for d in r1.demand}
    assert d0[("A", "P")] == pytest.approx(20.0)
    assert d1[("A", "P")] == pytest.approx(20.0 + 1.2815516 * 20.0**0.5, rel=1e-6)
    assert r1.objective is not None and r0.objective is not None
    assert r1.objective > r0.objective
