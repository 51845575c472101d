from __future__ import annotations

import dataclasses
import math

import pytest
from splits_layouts import pcn_scenario

from intplan.domain import INT, Assignment
from intplan.splits.evaluate import (
    default_weights,
    option_structural,
    pareto_front,
    rank_options,
    structural_kpis,
)


def test_resilience_matches_binomial_by_hand() -> None:
    # One practice: 2 GPs (1.0 FTE each), 1 PN, 2 DNs. WEEKDAY rota = 5 days, so a
    # full-timer works every rota day and is present with productive_fraction.
    s = pcn_scenario([("P1", 0, 0, 30000)], gp_fte_per_practice=2.0, dn_fte=2.0)
    k = structural_kpis(s, "INT1")
    gp, pn, dn = (s.role_by_code[c] for c in ("GP", "PN", "DN"))
    dn_days = 37.5 / 7.5 / 7  # DN works a 7-day rota: 5 of 7 days
    p_gp = (1 - gp.productive_fraction) ** 2
    p_pn = 1 - pn.productive_fraction
    p_dn = (1 - dn_days * dn.productive_fraction) ** 2
    expected = 1 - (1 - p_gp) * (1 - p_pn) * (1 - p_dn)
    assert k.core_gap_day_probability == pytest.approx(expected)
    assert k.core_headcount == 5
    assert k.empty_core_roles == ()


def test_travel_grows_with_practice_spread() -> None:
    near = pcn_scenario([("P1", 0, 0, 20000), ("P2", 1, 0, 20000)])
    far = pcn_scenario([("P1", 0, 0, 20000), ("P2", 30, 0, 20000)])
    speed = near.settings.travel_speed_kmh
    assert structural_kpis(near, "INT1").travel_minutes == pytest.approx(2.0 / speed * 60)
    assert structural_kpis(far, "INT1").travel_minutes == pytest.approx(30.0 / speed * 60)


def test_cover_dependence_is_the_share_of_reference_hours_missing() -> None:
    s = pcn_scenario([("P1", 0, 0, 12000)], gp_fte_per_practice=3.0, pn_fte_per_practice=3.0)
    # tiny roles: GP 1 per 2000 (needs 6, has 3), PN 1 per 4000 (needs 3, has 3),
    # DN 1 per 6000 (needs 2, has 2); all 37.5 h a week.
    k = structural_kpis(s, "INT1")
    assert k.cover_dependence == pytest.approx(3 / (6 + 3 + 2))


def test_split_people_count_in_each_int_they_serve() -> None:
    s = pcn_scenario([("P1", 0, 0, 20000), ("P2", 5, 0, 20000)], dn_fte=1.0)
    dn = next(p for p in s.staff if p.role == "DN")
    halves = (
        Assignment(int_code="A", fte=0.5, rule="team_share"),
        Assignment(int_code="B", fte=0.5, rule="team_share"),
    )
    others = [
        dataclasses.replace(
            p,
            assignments=(
                Assignment(int_code="A" if p.base == "P1" else "B", fte=p.fte, rule="practice"),
            ),
        )
        for p in s.staff
        if p.role != "DN"
    ]
    s2 = dataclasses.replace(
        s,
        ints=(
            INT(code="A", name="A", hcp="HCP1", practices=("P1",)),
            INT(code="B", name="B", hcp="HCP1", practices=("P2",)),
        ),
        staff=(*others, dataclasses.replace(dn, assignments=halves)),
    )
    a, b = structural_kpis(s2, "A"), structural_kpis(s2, "B")
    assert a.core_headcount == b.core_headcount == 2 + 1 + 1
    assert a.core_fte == pytest.approx(3.5)
    both = option_structural([a, b], population_min=25000, population_max=50000)
    assert both["population_fit"] == 0.0
    assert both["team_size"] == 4.0


def test_rank_is_transparent_weighted_normalised_sum() -> None:
    kpis = [
        {"wait": 10.0, "team_size": 40.0, "travel": 20.0},
        {"wait": 20.0, "team_size": 20.0, "travel": 10.0},
        {"wait": 30.0, "team_size": 30.0, "travel": 30.0},
    ]
    ranks = rank_options(kpis, {"wait": 0.5, "team_size": 0.25, "travel": 0.25})
    # option 0: wait best (1), team worst (0), travel mid (0.5) -> 0.5 + 0 + 0.125
    assert ranks[0].score == pytest.approx(0.625)
    assert ranks[1].score == pytest.approx(0.5 * 0.5 + 0.25 + 0.25)
    assert ranks[2].score == pytest.approx(0.25 * 0.5)
    assert [r.rank for r in ranks] == [2, 1, 3]
    assert math.fsum(ranks[1].contributions.values()) == pytest.approx(ranks[1].score)
    assert [r.pareto for r in ranks] == [True, True, False]


def test_weights_of_missing_kpis_are_dropped_and_unknown_rejected() -> None:
    kpis = [{"wait": 1.0, "cost": None}, {"wait": 2.0, "cost": None}]
    ranks = rank_options(kpis, default_weights())
    assert set(ranks[0].contributions) == {"wait"}
    assert ranks[0].score == pytest.approx(1.0)
    with pytest.raises(ValueError, match="unknown KPI"):
        rank_options(kpis, {"speed": 1.0})


def test_pareto_keeps_ties() -> None:
    pts = [{"wait": 1.0, "team_size": 5.0}, {"wait": 1.0, "team_size": 5.0}]
    assert pareto_front(pts, ("wait", "team_size")) == [True, True]
