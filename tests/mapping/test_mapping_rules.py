"""Each mapping rule, its order, exact FTE shares, and re-mapping to new INTs."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intplan.domain import INT, BaseKind, Scenario, Staff, Team
from intplan.mapping.rules import Geography, IntRequest, assign_all, decide, map_all, split_fte


def _person(base_kind: BaseKind, base: str, fte: float = 1.0, sid: str = "X1") -> Staff:
    return Staff(id=sid, name="A", role="GP", employer="E", base_kind=base_kind, base=base, fte=fte)


@pytest.fixture
def scenario(tiny: Scenario) -> Scenario:
    team = Team(code="MHT", name="MH team", employer="KMPT", practices=("P2", "P3"))
    return replace(tiny, teams=(*tiny.teams, team))


def _pop(s: Scenario, *codes: str) -> int:
    return sum(s.practice_by_code[c].population for c in codes)


def test_practice_staff_go_to_their_practices_int(scenario: Scenario) -> None:
    d = decide(_person(BaseKind.PRACTICE, "P3", 0.7), Geography.of(scenario))
    assert d.rule == "practice"
    assert [(a.int_code, a.fte, a.rule) for a in d.assignments] == [("INT-B", 0.7, "practice")]
    assert "P3" in d.reason and "INT-B" in d.reason


def test_pcn_staff_split_by_population_of_the_pcn_practices(scenario: Scenario) -> None:
    d = decide(_person(BaseKind.PCN, "PCN1"), Geography.of(scenario))
    a_pop, b_pop = _pop(scenario, "P1", "P2"), _pop(scenario, "P3")
    shares = {a.int_code: a.fte for a in d.assignments}
    assert d.rule == "pcn_share"
    assert shares["INT-A"] == pytest.approx(a_pop / (a_pop + b_pop), abs=1e-6)
    assert sum(shares.values()) == pytest.approx(1.0, abs=1e-12)


def test_team_staff_split_by_population_of_the_practices_covered(scenario: Scenario) -> None:
    d = decide(_person(BaseKind.TEAM, "MHT", 0.5), Geography.of(scenario))
    p2, p3 = _pop(scenario, "P2"), _pop(scenario, "P3")
    shares = {a.int_code: a.fte for a in d.assignments}
    assert d.rule == "team_share"
    # only P2 of INT-A is covered, so INT-A's share is P2's population, not INT-A's
    assert shares["INT-A"] == pytest.approx(0.5 * p2 / (p2 + p3), abs=1e-6)
    assert sum(shares.values()) == pytest.approx(0.5, abs=1e-12)


def test_named_int_overrides_the_pcn_split(scenario: Scenario) -> None:
    req = IntRequest(rule="named", shares=(("INT-B", None),))
    d = decide(_person(BaseKind.PCN, "PCN1", 0.6), Geography.of(scenario), req)
    assert [(a.int_code, a.fte, a.rule) for a in d.assignments] == [("INT-B", 0.6, "named")]


def test_manual_shares_are_used_as_given(scenario: Scenario) -> None:
    req = IntRequest(rule="manual", shares=(("INT-A", 0.2), ("INT-B", 0.8)))
    d = decide(_person(BaseKind.PRACTICE, "P1"), Geography.of(scenario), req)
    assert [(a.int_code, a.fte, a.rule) for a in d.assignments] == [
        ("INT-A", 0.2, "manual"),
        ("INT-B", 0.8, "manual"),
    ]


@pytest.mark.parametrize(
    ("shares", "why"),
    [
        ((("INT-Z", None),), "INT-Z"),
        ((("INT-A", 0.5), ("INT-B", 0.6)), "adding up to 1.1"),
        ((("INT-A", 0.5), ("INT-B", None)), "some INTs and not others"),
        ((("INT-A", None), ("INT-A", None)), "same INT twice"),
    ],
)
def test_bad_manual_requests_leave_the_person_unmapped_with_a_reason(
    scenario: Scenario, shares: tuple[tuple[str, float | None], ...], why: str
) -> None:
    d = decide(
        _person(BaseKind.PRACTICE, "P1"),
        Geography.of(scenario),
        IntRequest(rule="manual", shares=shares),
    )
    assert not d.mapped and d.assignments == ()
    assert why in d.reason


def test_several_named_ints_without_fte_split_by_int_population(scenario: Scenario) -> None:
    req = IntRequest(rule="named", shares=(("INT-A", None), ("INT-B", None)))
    d = decide(_person(BaseKind.PRACTICE, "P1"), Geography.of(scenario), req)
    a, b = scenario.int_population("INT-A"), scenario.int_population("INT-B")
    assert {x.int_code: x.fte for x in d.assignments}["INT-B"] == pytest.approx(
        b / (a + b), abs=1e-6
    )


def test_unknown_base_is_not_mapped(scenario: Scenario) -> None:
    geo = Geography.of(scenario)
    assert "no INT" in decide(_person(BaseKind.PRACTICE, "P9"), geo).reason
    assert "PCN P9" in decide(_person(BaseKind.PCN, "P9"), geo).reason
    assert "Teams" in decide(_person(BaseKind.TEAM, "P9"), geo).reason


def test_split_fte_adds_up_exactly_and_drops_zero_weights() -> None:
    parts = split_fte(1.0, {"A": 1, "B": 1, "C": 1, "D": 0})
    assert [c for c, _ in parts] == ["A", "B", "C"]
    assert parts[0][1] == 0.333333
    assert sum(f for _, f in parts) == pytest.approx(1.0, abs=1e-12)
    assert split_fte(0.5, {"A": 0, "B": 0}) == (("A", 0.25), ("B", 0.25))


@given(
    fte=st.floats(min_value=0.01, max_value=1.5),
    weights=st.dictionaries(
        st.sampled_from([f"I{k}" for k in range(8)]),
        st.integers(min_value=0, max_value=200_000),
        min_size=1,
    ),
)
def test_split_fte_conserves_fte(fte: float, weights: dict[str, int]) -> None:
    fte = round(fte, 6)
    parts = split_fte(fte, {k: float(v) for k, v in weights.items()})
    assert parts
    assert all(f > 0 for _, f in parts)
    assert abs(sum(f for _, f in parts) - fte) < 1e-9


@given(
    people=st.lists(
        st.tuples(
            st.sampled_from(
                [
                    (BaseKind.PRACTICE, "P1"),
                    (BaseKind.PRACTICE, "P3"),
                    (BaseKind.PCN, "PCN1"),
                    (BaseKind.TEAM, "DNTEAM"),
                    (BaseKind.TEAM, "MHT"),
                ]
            ),
            st.integers(min_value=1, max_value=150),
        ),
        max_size=40,
    )
)
def test_assigned_fte_equals_imported_fte_for_mapped_people(
    tiny: Scenario, people: list[tuple[tuple[BaseKind, str], int]]
) -> None:
    team = Team(code="MHT", name="MH team", employer="KMPT", practices=("P2", "P3"))
    scenario = replace(tiny, teams=(*tiny.teams, team))
    staff = [
        _person(kind, base, hundredths / 100, sid=f"S{k}")
        for k, ((kind, base), hundredths) in enumerate(people)
    ]
    mapped, decisions = map_all(Geography.of(scenario), staff)
    assert all(d.mapped for d in decisions)
    imported = sum(s.fte for s in staff)
    assigned = sum(a.fte for s in mapped for a in s.assignments)
    assert abs(assigned - imported) < 1e-9 * max(1, len(staff))


def test_remap_to_a_split_keeps_valid_manual_choices(scenario: Scenario) -> None:
    geo = Geography.of(scenario)
    manual = _person(BaseKind.PRACTICE, "P1", sid="M1")
    manual_old = _person(BaseKind.PRACTICE, "P1", sid="M2")
    pcn = _person(BaseKind.PCN, "PCN1", sid="C1")
    staff, _ = map_all(
        geo,
        [manual, manual_old, pcn],
        {
            "M1": IntRequest(rule="manual", shares=(("INT-B", None),)),
            "M2": IntRequest(rule="manual", shares=(("INT-A", None),)),
        },
    )
    # split INT-A into one INT per practice; INT-B stays
    new_ints = (
        INT(code="INT-A1", name="Riverside", hcp="HCP1", practices=("P1",)),
        INT(code="INT-A2", name="Hill", hcp="HCP1", practices=("P2",)),
        scenario.int_by_code["INT-B"],
    )
    out = assign_all(Geography.of(scenario, new_ints), staff)
    by_id = {s.id: s for s in out}
    assert [(a.int_code, a.rule) for a in by_id["M1"].assignments] == [("INT-B", "manual")]
    # INT-A no longer exists: the manual choice gives way to the practice rule
    assert [(a.int_code, a.rule) for a in by_id["M2"].assignments] == [("INT-A1", "practice")]
    assert {a.int_code for a in by_id["C1"].assignments} == {"INT-A1", "INT-A2", "INT-B"}
    assert sum(a.fte for a in by_id["C1"].assignments) == pytest.approx(1.0, abs=1e-12)
    assert [s.id for s in out] == ["M1", "M2", "C1"]
