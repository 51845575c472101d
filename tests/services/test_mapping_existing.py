"""What a register does to the scenario's existing staff: by employer, replace, append."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from intplan.domain import Scenario
from intplan.mapping.existing import TooManyRemovedError
from intplan.services.mapping import MappingOptions, run_mapping

COMMUNITY = "Fictional Community Health"  # employs S016-S019 (DN, team DNTEAM) in tiny


def _register(tmp_path: Path, rows: list[str], name: str = "reg.csv") -> Path:
    path = tmp_path / name
    head = "Staff Number,Name,Job Title,WTE,Team,Practice Code,Employer\n"
    path.write_text(head + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_register_replaces_only_the_staff_of_its_employers(
    tiny: Scenario, tmp_path: Path
) -> None:
    reg = _register(
        tmp_path,
        [
            f"S016,Person 016,District Nurse,0.6,DNTEAM,,{COMMUNITY}",  # the same person
            f"N1,New Nurse,District Nurse,1,DNTEAM,,{COMMUNITY}",
        ],
    )
    r = run_mapping(tiny, [reg])
    others = [s for s in tiny.staff if s.employer != COMMUNITY]
    assert r.scenario.staff[: len(others)] == tuple(others)
    ids = [s.id for s in r.scenario.staff[len(others) :]]
    assert ids == ["S016", "N1"]
    c = r.staff_change
    assert (c.before, c.kept, c.replaced, len(c.removed)) == (19, 15, 1, 3)
    assert [s.id for s in c.removed] == ["S017", "S018", "S019"]
    assert c.employers == (COMMUNITY,)
    assert "kept 15, replaced 1, removed 3" in c.text()
    j = r.to_json()["existing_staff"]
    assert j["removed"] == 3 and j["employers_replaced"] == [COMMUNITY]  # type: ignore[index]


def test_employers_compare_without_case_or_spacing(tiny: Scenario, tmp_path: Path) -> None:
    reg = _register(
        tmp_path, ["S016,Person 016,District Nurse,1,DNTEAM,,fictional  community HEALTH"]
    )
    assert run_mapping(tiny, [reg]).staff_change.replaced == 1


def test_removing_more_than_half_needs_replace(tiny: Scenario, tmp_path: Path) -> None:
    one_employer = replace(tiny, staff=tuple(replace(s, employer="Kent") for s in tiny.staff))
    reg = _register(tmp_path, ["N1,New Nurse,District Nurse,1,DNTEAM,,Kent"])
    with pytest.raises(TooManyRemovedError, match="remove 19 of the scenario's 19 staff"):
        run_mapping(one_employer, [reg])
    r = run_mapping(one_employer, [reg], MappingOptions(replace=True))
    assert [s.id for s in r.scenario.staff] == ["N1"]
    assert len(r.staff_change.removed) == 19


def test_half_exactly_is_allowed(tiny: Scenario, tmp_path: Path) -> None:
    staff = tuple(
        replace(s, employer="Kent" if k < 9 else "Other") for k, s in enumerate(tiny.staff[:18])
    )
    reg = _register(tmp_path, ["N1,New Nurse,District Nurse,1,DNTEAM,,Kent"])
    r = run_mapping(replace(tiny, staff=staff), [reg])  # removes 9 of 18
    assert len(r.staff_change.removed) == 9


def test_append_adds_and_never_double_counts(tiny: Scenario, tmp_path: Path) -> None:
    reg = _register(
        tmp_path,
        [
            f"S016,Person 016,District Nurse,1,DNTEAM,,{COMMUNITY}",  # already there
            "N1,New Nurse,District Nurse,1,DNTEAM,,Anyone",
        ],
    )
    r = run_mapping(tiny, [reg], MappingOptions(append=True))
    assert r.scenario.staff[: len(tiny.staff)] == tiny.staff
    assert [s.id for s in r.scenario.staff[len(tiny.staff) :]] == ["N1"]
    assert [(m.row, m.reason) for m in r.merged] == [
        (2, "already in the scenario's staff as S016; not added twice (--append)")
    ]
    assert r.rows_read == r.rows_imported + r.rows_merged + len(r.rejected)
    assert r.staff_change.already_present == 1


def test_append_and_replace_together_are_refused() -> None:
    with pytest.raises(Exception, match="cannot both"):
        MappingOptions(append=True, replace=True)
