"""The mapping report: counts by role, group and employer; gaps; ratios; threshold."""

from __future__ import annotations

from dataclasses import replace

import pytest

from intplan.domain import Assignment, BaseKind, Scenario, Settings, Staff
from intplan.mapping.report import build_report, render_text
from intplan.mapping.rules import Geography, map_all


def test_counts_match_the_tiny_staff(tiny: Scenario) -> None:
    rep = build_report(tiny)
    a = {i.int_code: i for i in rep.ints}["INT-A"]
    gp = {r.role: r for r in a.roles}["GP"]
    expected_gp_fte = sum(
        x.fte for s in tiny.staff if s.role == "GP" for x in s.assignments if x.int_code == "INT-A"
    )
    assert gp.fte == pytest.approx(expected_gp_fte)
    assert gp.headcount == 6
    assert gp.population_per_fte == pytest.approx(tiny.int_population("INT-A") / gp.fte)
    assert gp.fte_at_reference == pytest.approx(tiny.int_population("INT-A") / 2000)
    # DN staff are split across both INTs: each person counts once in each INT
    assert {r.role: r for r in a.roles}["DN"].headcount == 4
    assert a.headcount == 6 + 4 + 4
    assert rep.fte_assigned == pytest.approx(rep.fte_total)
    assert rep.unmapped == ()
    assert sum(c.fte for c in a.employers) == pytest.approx(a.fte)
    assert sum(c.fte for c in a.staff_groups) == pytest.approx(a.fte)


def test_gaps_threshold_and_unmapped(tiny: Scenario) -> None:
    only_gps = tuple(s for s in tiny.staff if s.role == "GP")
    unmapped = Staff(
        id="U1", name="U", role="PN", employer="E", base_kind=BaseKind.PRACTICE, base="P1", fte=1
    )
    s = replace(
        tiny,
        staff=(*only_gps, unmapped),
        settings=replace(tiny.settings, team_size_threshold=5),
    )
    _, decisions = map_all(Geography.of(s), [unmapped])
    rep = build_report(s, [replace(decisions[0], rule=None, reason="because")])
    a = {i.int_code: i for i in rep.ints}["INT-A"]
    assert a.gaps == ("PN", "DN")
    assert a.core_headcount == 6 and a.over_threshold
    assert [(u.staff_id, u.reason) for u in rep.unmapped] == [("U1", "because")]
    text = render_text(rep)
    assert "gaps (core roles with no FTE): PN, DN" in text
    assert "above threshold" in text and "Not mapped (1)" in text


def test_vacant_posts_count_in_fte_not_headcount(tiny: Scenario) -> None:
    vacant = Staff(
        id="V1",
        name="Vacant post",
        role="PN",
        employer="E",
        base_kind=BaseKind.PRACTICE,
        base="P3",
        fte=1.0,
        vacant=True,
        assignments=(Assignment(int_code="INT-B", fte=1.0, rule="practice"),),
    )
    base = build_report(tiny)
    rep = build_report(replace(tiny, staff=(*tiny.staff, vacant)))
    b0 = {i.int_code: i for i in base.ints}["INT-B"]
    b1 = {i.int_code: i for i in rep.ints}["INT-B"]
    assert b1.headcount == b0.headcount
    assert b1.fte == pytest.approx(b0.fte + 1.0)
    assert (b1.vacant_posts, b1.vacant_fte) == (1, 1.0)


def test_threshold_source_is_reported(tiny: Scenario) -> None:
    rep = build_report(replace(tiny, settings=Settings()))
    assert "000:147" in rep.team_size_threshold_source
    assert rep.to_json()["team_size_threshold"] == 50
