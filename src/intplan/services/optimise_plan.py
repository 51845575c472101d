"""A recommended plan applied to a scenario: moves, recruits and cover flows become staff
rows and assignments, so the planned scenario can be simulated or saved."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from intplan.demand.workload import on_duty_hours_per_fte
from intplan.domain import Assignment, BaseKind, Scenario, Staff
from intplan.domain.units import MINUTES_PER_HOUR
from intplan.optimise import CoverFlow, OptimisationResult, OptimiseOptions
from intplan.optimise.inputs import staff_int_shares

PLANNED_EMPLOYER = "Planned post (optimiser)"
MAX_POST_FTE = 1.0  # planned posts are split into whole-time rows


def apply_plan(
    scenario: Scenario,
    result: OptimisationResult,
    *,
    with_cover: bool = True,
    cover_session_hours: float = OptimiseOptions().cover_session_hours,
) -> Scenario:
    """A copy of ``scenario`` with the plan's moves, recruits and cover as staff rows.

    Moves scale down the moved people's share in the INT they leave (everyone in
    that role there, in proportion) and add a row in the receiving INT; recruits
    are added as "planned post" rows of at most 1.0 FTE each. Cover (``with_cover``)
    becomes sessions: everyone of the role in the lending INT gives, in proportion, a
    share of their FTE to the borrowing INT as an assignment (hours ÷ on-duty hours per
    FTE), and loses the round trip's share too (2 × travel per ``cover_session_hours``).
    """
    if not result.feasible:
        return scenario
    out_share: dict[tuple[str, str], float] = defaultdict(float)
    existing: dict[tuple[str, str], float] = defaultdict(float)
    for person in scenario.staff:
        if person.vacant:
            continue
        for i, f in staff_int_shares(scenario, person).items():
            existing[(i, person.role)] += f
    for mv in result.moves:
        out_share[(mv.from_int, mv.role)] += mv.fte
    keep: dict[tuple[str, str], float] = {
        k: max(0.0, 1.0 - v / existing[k]) for k, v in out_share.items() if existing[k] > 0
    }
    staff: list[Staff] = []
    for person in scenario.staff:
        shares = staff_int_shares(scenario, person)
        if person.vacant or not any((i, person.role) in keep for i in shares):
            staff.append(person)
            continue
        new = {i: f * keep.get((i, person.role), 1.0) for i, f in shares.items()}
        new = {i: f for i, f in new.items() if f > 1e-6}
        if not new:
            continue  # the whole person moves; their row is re-added below
        total = sum(new.values())
        staff.append(
            dataclasses.replace(
                person,
                fte=total,
                assignments=tuple(
                    Assignment(int_code=i, fte=f, rule="manual") for i, f in new.items()
                ),
            )
        )
    n = 0

    def add_rows(int_code: str, role: str, fte: float, label: str) -> None:
        nonlocal n
        first_practice = scenario.int_by_code[int_code].practices[0]
        while fte > 1e-6:
            part = min(MAX_POST_FTE, fte)
            fte -= part
            n += 1
            staff.append(
                Staff(
                    id=f"PLAN{n:05d}",
                    name=f"{label} {n}",
                    role=role,
                    employer=PLANNED_EMPLOYER,
                    base_kind=BaseKind.PRACTICE,
                    base=first_practice,
                    fte=part,
                    assignments=(Assignment(int_code=int_code, fte=part, rule="manual"),),
                )
            )

    for mv in result.moves:
        add_rows(mv.to_int, mv.role, mv.fte, f"Moved from {mv.from_int}")
    for row in result.plan:
        if row.recruited_fte > 1e-6:
            add_rows(row.int_code, row.role, row.recruited_fte, "Planned post")
    if with_cover and result.cover:
        staff = _lend_cover(scenario, staff, result.cover, cover_session_hours)
    return dataclasses.replace(
        scenario, name=f"{scenario.name} (optimised plan)", staff=tuple(staff)
    )


def _lend_cover(
    scenario: Scenario, staff: list[Staff], cover: tuple[CoverFlow, ...], session_hours: float
) -> list[Staff]:
    """Cover flows as assignments of the lenders' people to the borrowing INTs."""
    on_duty = on_duty_hours_per_fte(scenario)
    out_share: dict[tuple[str, str], float] = defaultdict(float)  # FTE leaving (i, r)
    to: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for c in cover:
        if on_duty.get(c.role, 0.0) <= 0:
            continue
        delivered = c.hours_per_week / on_duty[c.role]
        overhead = 2.0 * c.travel_minutes / MINUTES_PER_HOUR / session_hours
        out_share[(c.from_int, c.role)] += delivered * (1.0 + overhead)
        to[(c.from_int, c.role)][c.to_int] += delivered
    pool: dict[tuple[str, str], float] = defaultdict(float)
    for person in staff:
        if not person.vacant:
            for i, f in staff_int_shares(scenario, person).items():
                pool[(i, person.role)] += f
    result: list[Staff] = []
    for person in staff:
        shares = staff_int_shares(scenario, person)
        lends = [i for i in shares if (i, person.role) in out_share and pool[(i, person.role)] > 0]
        if person.vacant or not lends:
            result.append(person)
            continue
        new: dict[str, float] = defaultdict(float, shares)
        for i in lends:
            key = (i, person.role)
            part = shares[i] / pool[key]  # this person's part of the pool
            new[i] = max(0.0, shares[i] - part * out_share[key])
            for j, fte in to[key].items():
                new[j] += part * fte
        kept = {i: f for i, f in new.items() if f > 1e-6}
        if not kept:
            continue
        result.append(
            dataclasses.replace(
                person,
                fte=sum(kept.values()),
                assignments=tuple(
                    Assignment(int_code=i, fte=f, rule="manual") for i, f in kept.items()
                ),
            )
        )
    return result
