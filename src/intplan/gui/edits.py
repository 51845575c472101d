"""Scenario edits the GUI offers, as pure functions: old Scenario in, new Scenario out.

Qt-free so they are easy to test; the window wraps each in an undo command.
Every edit goes through ``dataclasses.replace`` so the Scenario re-validates itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from intplan.domain import Assignment, Intervention, Scenario, Staff
from intplan.domain.errors import DomainError
from intplan.domain.settings import spec

MANUAL_RULE = "manual"  # the Assignment.rule for shares a planner set by hand
_FTE_EPS = 1e-9


def _replace_staff(scenario: Scenario, changed: Mapping[str, Staff]) -> Scenario:
    staff = tuple(changed.get(s.id, s) for s in scenario.staff)
    return dataclasses.replace(scenario, staff=staff)


def move_people(scenario: Scenario, staff_ids: Iterable[str], int_code: str) -> Scenario:
    """Give each person's whole FTE to ``int_code`` (a drag of people onto an INT)."""
    if int_code not in scenario.int_by_code:
        raise DomainError("int_code", f"unknown INT {int_code!r}")
    wanted = set(staff_ids)
    changed = {
        s.id: dataclasses.replace(
            s, assignments=(Assignment(int_code=int_code, fte=s.fte, rule=MANUAL_RULE),)
        )
        for s in scenario.staff
        if s.id in wanted
    }
    return _replace_staff(scenario, changed)


def move_share(
    scenario: Scenario, staff_id: str, from_int: str | None, to_int: str, fte: float
) -> Scenario:
    """Move ``fte`` of one person's time from ``from_int`` (None: spread) to ``to_int``."""
    person = _person(scenario, staff_id)
    if to_int not in scenario.int_by_code:
        raise DomainError("int_code", f"unknown INT {to_int!r}")
    shares = {a.int_code: a.fte for a in person.assignments}
    if not shares:
        shares = {}
    if from_int is None:
        # Take proportionally from the INTs the person is not moving to.
        donors = {k: v for k, v in shares.items() if k != to_int}
        available = sum(donors.values())
        if fte > available + _FTE_EPS:
            raise DomainError("fte", f"only {available:.2f} FTE can move to {to_int}")
        for k, v in donors.items():
            shares[k] = v - fte * v / available if available else v
    else:
        have = shares.get(from_int, 0.0)
        if fte > have + _FTE_EPS:
            raise DomainError("fte", f"{person.name} has only {have:.2f} FTE in {from_int}")
        shares[from_int] = have - fte
    shares[to_int] = shares.get(to_int, 0.0) + fte
    return set_shares(scenario, staff_id, shares)


def set_shares(scenario: Scenario, staff_id: str, shares: Mapping[str, float]) -> Scenario:
    """Replace one person's INT shares; shares must add up to the person's FTE."""
    person = _person(scenario, staff_id)
    kept = {k: round(v, 6) for k, v in shares.items() if v > _FTE_EPS}
    total = sum(kept.values())
    if kept and abs(total - person.fte) > 1e-4:
        raise DomainError(
            "assignments",
            f"shares add up to {total:.3f} FTE but {person.name} has {person.fte:.3f}",
        )
    if kept:
        # Absorb rounding in the largest share so the total matches exactly.
        biggest = max(kept, key=lambda k: kept[k])
        kept[biggest] = round(kept[biggest] + person.fte - total, 9)
    new = dataclasses.replace(
        person,
        assignments=tuple(
            Assignment(int_code=k, fte=v, rule=MANUAL_RULE) for k, v in sorted(kept.items())
        ),
    )
    return _replace_staff(scenario, {staff_id: new})


def set_staff_fte(scenario: Scenario, staff_id: str, fte: float) -> Scenario:
    """Change a person's FTE, scaling their INT shares in proportion."""
    person = _person(scenario, staff_id)
    factor = fte / person.fte
    assignments = tuple(
        dataclasses.replace(a, fte=round(a.fte * factor, 9)) for a in person.assignments
    )
    if assignments:
        drift = fte - sum(a.fte for a in assignments)
        last = assignments[-1]
        assignments = (*assignments[:-1], dataclasses.replace(last, fte=last.fte + drift))
    new = dataclasses.replace(person, fte=fte, assignments=assignments)
    return _replace_staff(scenario, {staff_id: new})


def set_staff_field(scenario: Scenario, staff_id: str, field: str, value: object) -> Scenario:
    """Change one plain field of a person (name, role, employer, vacant)."""
    if field not in {"name", "role", "employer", "vacant"}:
        raise DomainError(field, "cannot be edited here")
    person = _person(scenario, staff_id)
    changes: dict[str, Any] = {field: value}
    new = dataclasses.replace(person, **changes)
    return _replace_staff(scenario, {staff_id: new})


def set_demand_rate(
    scenario: Scenario, activity: str, age_band: str, per_1000_per_week: float
) -> Scenario:
    """Change one demand rate; the source records that a planner set it."""
    found = False
    rates = []
    for r in scenario.demand_rates:
        if r.activity == activity and r.age_band == age_band:
            found = True
            r = dataclasses.replace(
                r,
                per_1000_per_week=per_1000_per_week,
                source=f"planner edit (was {r.per_1000_per_week:g}: {r.source})",
            )
        rates.append(r)
    if not found:
        raise DomainError("activity", f"no demand rate for {activity} / {age_band}")
    return dataclasses.replace(scenario, demand_rates=tuple(rates))


def upsert_intervention(scenario: Scenario, intervention: Intervention) -> Scenario:
    """Add an intervention, or replace the one with the same code."""
    items = [i for i in scenario.interventions if i.code != intervention.code]
    position = next(
        (n for n, i in enumerate(scenario.interventions) if i.code == intervention.code),
        len(items),
    )
    items.insert(position, intervention)
    return dataclasses.replace(scenario, interventions=tuple(items))


def _person(scenario: Scenario, staff_id: str) -> Staff:
    for s in scenario.staff:
        if s.id == staff_id:
            return s
    raise DomainError("id", f"unknown member of staff {staff_id!r}")


def set_setting(scenario: Scenario, key: str, value: float | int | str) -> Scenario:
    """Change one Settings value; its source records that a planner set it here."""
    settings = scenario.settings
    if key not in settings.values():
        raise DomainError(key, "is not a setting")
    if getattr(settings, key) == value:
        return scenario
    sources = dict(settings.sources)
    # the default's source, not the previous note, so toggling twice does not nest notes
    sources[key] = f"planner edit in intplan (default {spec(key).default}: {spec(key).source})"
    changes: dict[str, Any] = {key: value, "sources": sources}
    return dataclasses.replace(scenario, settings=dataclasses.replace(settings, **changes))
