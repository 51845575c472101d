from __future__ import annotations

import dataclasses

import pytest

from intplan.domain import (
    INT,
    SETTING_SPECS,
    Adjacency,
    Assignment,
    DomainError,
    Practice,
    Scenario,
    ScenarioError,
    Settings,
    Staff,
)
from intplan.domain.workforce import BaseKind


def test_a_practice_in_two_ints_or_none_is_named(tiny: Scenario) -> None:
    first, second, *rest = tiny.ints
    moved = first.practices[0]
    twice = (first, dataclasses.replace(second, practices=(*second.practices, moved)), *rest)
    with pytest.raises(ScenarioError, match=rf"{moved}.*practice is in 2 INTs"):
        dataclasses.replace(tiny, ints=twice)
    nowhere = (dataclasses.replace(first, practices=first.practices[1:]), second, *rest)
    with pytest.raises(ScenarioError, match="practice is in no INT"):
        dataclasses.replace(tiny, ints=nowhere)


def test_setting_defaults_match_specs() -> None:
    values = Settings().values()
    assert [s.key for s in SETTING_SPECS] == list(values)
    for s in SETTING_SPECS:
        assert values[s.key] == s.default, s.key
        assert s.source.strip()


@pytest.mark.parametrize("fte", [-0.1, 0.0, 1.6])
def test_staff_fte_out_of_range(fte: float) -> None:
    with pytest.raises(DomainError) as e:
        Staff(
            id="X",
            name="A",
            role="GP",
            employer="E",
            base_kind=BaseKind.PRACTICE,
            base="P1",
            fte=fte,
        )
    assert e.value.field == "fte"


def test_assignments_must_add_up_to_fte() -> None:
    with pytest.raises(DomainError) as e:
        Staff(
            id="X",
            name="A",
            role="GP",
            employer="E",
            base_kind=BaseKind.PRACTICE,
            base="P1",
            fte=1.0,
            assignments=(Assignment(int_code="I", fte=0.6, rule="manual"),),
        )
    assert e.value.field == "assignments"


def test_adjacency_to_itself_rejected() -> None:
    with pytest.raises(DomainError):
        Adjacency(int_a="A", int_b="A", travel_minutes=5, source="x")


def test_cross_table_problems_are_all_collected(tiny: Scenario) -> None:
    bad_practice = dataclasses.replace(tiny.practices[0], pcn="NOPE")
    orphan = Practice(
        code="P9",
        name="Orphan",
        pcn="PCN1",
        list_by_age=(1, 1, 1, 1, 1),
        deprivation_decile=5,
        x_km=0,
        y_km=0,
    )
    twice = INT(code="INT-C", name="Dup", hcp="HCP1", practices=("P1",))
    with pytest.raises(ScenarioError) as e:
        dataclasses.replace(
            tiny, practices=(bad_practice, *tiny.practices[1:], orphan), ints=(*tiny.ints, twice)
        )
    messages = [str(p) for p in e.value.problems]
    assert any("unknown PCN 'NOPE'" in m for m in messages)
    assert any("P9" in m and "in no INT" in m for m in messages)
    assert any("P1" in m and "in 2 INTs" in m for m in messages)


def test_intervention_ramp(tiny: Scenario) -> None:
    iv = tiny.interventions[0]
    assert iv.multiplier(0) == 1.0
    assert iv.multiplier(iv.lag_weeks) == 1.0
    assert iv.multiplier(iv.lag_weeks + iv.ramp_weeks / 2) == pytest.approx(1 + iv.effect_pct / 200)
    assert iv.multiplier(1000) == pytest.approx(1 + iv.effect_pct / 100)
