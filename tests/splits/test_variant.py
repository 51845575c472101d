from __future__ import annotations

import dataclasses

import pytest
from splits_layouts import pcn_scenario, practice

from intplan.domain import INT, PCN, Adjacency, Assignment, BaseKind, Scenario, Staff
from intplan.splits.enumerate import enumerate_splits
from intplan.splits.variant import build_variant, current_groups


def _two_pcn_scenario() -> Scenario:
    """PCN1 = P1..P3; PCN2 = Q1. INT1 spans P1, P2 and Q1 (cross-PCN); INT2 = P3."""
    s = pcn_scenario([("P1", 0, 0, 20000), ("P2", 2, 0, 20000), ("P3", 4, 0, 20000)])
    q1 = practice("Q1", 0, 5, 15000, pcn="PCN2")
    q_gp = Staff(
        id="Q-GP",
        name="Q GP",
        role="GP",
        employer="Q",
        base_kind=BaseKind.PRACTICE,
        base="Q1",
        fte=1.0,
        assignments=(Assignment(int_code="INT1", fte=1.0, rule="practice"),),
    )
    staff = tuple(
        dataclasses.replace(
            p,
            assignments=(Assignment(int_code="INT2", fte=p.fte, rule="practice"),),
        )
        if p.base == "P3"
        else p
        for p in s.staff
    )
    return dataclasses.replace(
        s,
        pcns=(*s.pcns, PCN(code="PCN2", name="Other PCN", hcp="HCP1")),
        practices=(*s.practices, q1),
        ints=(
            INT(code="INT1", name="Cross", hcp="HCP1", practices=("P1", "P2", "Q1")),
            INT(code="INT2", name="East", hcp="HCP1", practices=("P3",)),
        ),
        adjacencies=(Adjacency(int_a="INT1", int_b="INT2", travel_minutes=9, source="test"),),
        staff=(*staff, q_gp),
    )


def test_cross_pcn_int_keeps_other_practices_and_staff_follow_practices() -> None:
    s = _two_pcn_scenario()
    assert current_groups(s, "PCN1") == (("P1", "P2"), ("P3",))
    enum = enumerate_splits(s, "PCN1", population_min=0, population_max=10**6)
    option = next(o for o in enum.options if o.label == "P1 | P2+P3")
    v = build_variant(s, "PCN1", option)
    assert v.affected_ints == ("INT1", "INT2")
    assert v.remnant_ints == ("INT1",)
    assert v.scenario.int_by_code["INT1"].practices == ("Q1",)
    groups = {v.scenario.int_by_code[c].practices for c in v.new_ints}
    assert groups == {("P1",), ("P2", "P3")}
    int_of = v.scenario.int_of_practice
    for person in v.scenario.staff:
        if person.base_kind is BaseKind.PRACTICE:
            assert [a.int_code for a in person.assignments] == [int_of[person.base]]
        assert sum(a.fte for a in person.assignments) == pytest.approx(person.fte)
    # the DN team covers P1..P3: split by the population of its practices in each INT
    dn = [p for p in v.scenario.staff if p.role == "DN"]
    share = {a.int_code: a.fte for a in dn[0].assignments}
    assert share[int_of["P1"]] == pytest.approx(dn[0].fte / 3, abs=1e-6)
    # adjacency rebuilt for every changed INT, with centroid travel minutes
    pairs = {a.key: a.travel_minutes for a in v.scenario.adjacencies}
    p1_int, p23_int = int_of["P1"], int_of["P2"]
    assert f"{min(p1_int, p23_int)}~{max(p1_int, p23_int)}" in pairs
    assert pairs[f"{min(p1_int, p23_int)}~{max(p1_int, p23_int)}"] == pytest.approx(
        3.0 / s.settings.travel_speed_kmh * 60, abs=0.05
    )


def test_current_grouping_keeps_codes_and_staff() -> None:
    s = _two_pcn_scenario()
    enum = enumerate_splits(s, "PCN1", population_min=0, population_max=10**6)
    option = next(o for o in enum.options if o.groups == current_groups(s, "PCN1"))
    v = build_variant(s, "PCN1", option)
    assert "INT2" in v.new_ints
    for before, after in zip(s.staff, v.scenario.staff, strict=True):
        if before.base in ("P3", "Q1"):
            assert before.assignments == after.assignments


def test_every_option_builds_a_valid_scenario() -> None:
    s = _two_pcn_scenario()
    for option in enumerate_splits(s, "PCN1", population_min=0, population_max=10**6).options:
        v = build_variant(s, "PCN1", option)  # Scenario validates on construction
        assert sorted(p for c in v.new_ints for p in v.scenario.int_by_code[c].practices) == [
            "P1",
            "P2",
            "P3",
        ]


def test_interventions_follow_the_practices_of_a_replaced_int() -> None:
    from intplan.domain import Intervention

    s = _two_pcn_scenario()
    targeted = Intervention(
        code="IV1",
        name="Frailty MDT in the cross-PCN INT",
        activity="HV",
        int_code="INT1",
        effect_pct=-10,
        start_week=0,
        lag_weeks=4,
        ramp_weeks=4,
        source="test",
    )
    s = dataclasses.replace(s, interventions=(targeted,))
    enum = enumerate_splits(s, "PCN1", population_min=0, population_max=10**6)
    option = next(o for o in enum.options if o.label == "P1 | P2+P3")
    v = build_variant(s, "PCN1", option)
    int_of = v.scenario.int_of_practice
    got = {iv.int_code for iv in v.scenario.interventions}
    # INT1 held P1, P2 (and Q1, kept as the remnant): both INTs now serving them get it
    assert got == {"INT1", int_of["P1"], int_of["P2"]}
    assert all(iv.effect_pct == -10 for iv in v.scenario.interventions)
