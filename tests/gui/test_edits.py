from __future__ import annotations

import pytest

from intplan.domain import DomainError, Scenario, ScenarioError
from intplan.gui import edits


def _person(s: Scenario, sid: str):  # type: ignore[no-untyped-def]
    return next(p for p in s.staff if p.id == sid)


def test_move_people_gives_whole_fte_to_target(tiny: Scenario) -> None:
    new = edits.move_people(tiny, ["S001", "S016"], "INT-B")
    for sid in ("S001", "S016"):
        p = _person(new, sid)
        assert [(a.int_code, a.fte, a.rule) for a in p.assignments] == [
            ("INT-B", p.fte, edits.MANUAL_RULE)
        ]
    assert _person(new, "S002") is _person(tiny, "S002")  # others untouched


def test_move_people_rejects_unknown_int(tiny: Scenario) -> None:
    with pytest.raises(DomainError):
        edits.move_people(tiny, ["S001"], "NOPE")


def test_move_share_keeps_total_fte(tiny: Scenario) -> None:
    new = edits.move_share(tiny, "S001", "INT-A", "INT-B", 0.3)
    p = _person(new, "S001")
    shares = {a.int_code: a.fte for a in p.assignments}
    assert shares == pytest.approx({"INT-A": 0.5, "INT-B": 0.3})
    assert sum(shares.values()) == pytest.approx(p.fte)


def test_move_share_cannot_take_more_than_held(tiny: Scenario) -> None:
    with pytest.raises(DomainError, match="only"):
        edits.move_share(tiny, "S001", "INT-A", "INT-B", 0.9)


def test_set_fte_scales_shares(tiny: Scenario) -> None:
    new = edits.set_staff_fte(tiny, "S016", 0.5)
    p = _person(new, "S016")
    before = {a.int_code: a.fte for a in _person(tiny, "S016").assignments}
    after = {a.int_code: a.fte for a in p.assignments}
    assert sum(after.values()) == pytest.approx(0.5)
    assert after["INT-A"] / after["INT-B"] == pytest.approx(before["INT-A"] / before["INT-B"])


def test_unknown_role_is_rejected_by_the_scenario(tiny: Scenario) -> None:
    with pytest.raises(ScenarioError, match="unknown role"):
        edits.set_staff_field(tiny, "S001", "role", "ZZZ")


def test_demand_rate_edit_records_source(tiny: Scenario) -> None:
    new = edits.set_demand_rate(tiny, "SDC", "85+", 150.0)
    rate = next(r for r in new.demand_rates if r.key == "SDC/85+")
    assert rate.per_1000_per_week == 150.0
    assert "planner edit" in rate.source
