"""Synthetic benchmark scenarios built from the tiny example's data (illustrative only)."""

from __future__ import annotations

import dataclasses
import math

from intplan.domain import (
    INT,
    Adjacency,
    Assignment,
    BaseKind,
    Eligibility,
    EmployerType,
    Practice,
    Role,
    Scenario,
    Staff,
    StaffGroup,
)
from intplan.examples import build_tiny
from intplan.sim.model import compile_scenario

B = "benchmark: synthetic, scaled from the tiny example"
#: target utilisation when sizing staff: busy but with queues that settle
TARGET_UTILISATION = 0.7


def one_int_year(requests_per_year: float = 107_000) -> Scenario:
    """One INT (4 practices) with ~``requests_per_year`` contacts and 4 roles."""
    return ics(1, requests_per_year=requests_per_year)


def ics(n_ints: int, *, requests_per_year: float = 107_000, population: int = 35_000) -> Scenario:
    """``n_ints`` INTs on a grid (adjacent neighbours cover), staffed to ~80% utilisation."""
    tiny = build_tiny()
    template = tiny.practices
    base_pop = sum(p.population for p in template)
    practices: list[Practice] = []
    ints: list[INT] = []
    side = math.ceil(math.sqrt(n_ints))
    for k in range(n_ints):
        gx, gy = (k % side) * 12.0, (k // side) * 12.0
        codes = []
        for j, p in enumerate(template):
            scale = population / base_pop
            practices.append(
                dataclasses.replace(
                    p,
                    code=f"P{k:03d}{j}",
                    name=f"Practice {k}-{j}",
                    list_by_age=tuple(round(n * scale) for n in p.list_by_age),  # type: ignore[arg-type]
                    x_km=gx + p.x_km,
                    y_km=gy + p.y_km,
                )
            )
            codes.append(f"P{k:03d}{j}")
        ints.append(INT(code=f"I{k:03d}", name=f"INT {k}", hcp="HCP1", practices=tuple(codes)))
    adj = []
    for k in range(n_ints):
        for other in (k + 1, k + side):
            if other < n_ints and (other == k + side or other % side != 0):
                adj.append(
                    Adjacency(
                        int_a=ints[k].code, int_b=ints[other].code, travel_minutes=20, source=B
                    )
                )
    hca = Role(
        code="HCA",
        name="Healthcare assistant",
        staff_group=StaffGroup.NURSING,
        employer_type=EmployerType.GP_PRACTICE,
        pay_cost_gbp_per_fte=26000,
        hours_per_fte_week=37.5,
        productive_fraction=0.85,
        skills=(),
        core=False,
        rota="WEEKDAY",
        population_per_fte=None,
        source=B,
    )
    elig = (
        *tiny.eligibilities,
        Eligibility(activity="LTC", role="HCA", duration_minutes=35, preference=3, source=B),
    )
    s = dataclasses.replace(
        tiny,
        name=f"Synthetic ICS ({n_ints} INTs)",
        pcns=(dataclasses.replace(tiny.pcns[0]),),
        practices=tuple(dataclasses.replace(p, pcn="PCN1") for p in practices),
        ints=tuple(ints),
        adjacencies=tuple(adj),
        teams=(),
        roles=(*tiny.roles, hca),
        staff=(),
        eligibilities=elig,
    )
    # scale demand rates so one INT has ~requests_per_year contacts
    model = compile_scenario(s, weeks=52, warmup_weeks=0, int_codes=(ints[0].code,))
    factor = requests_per_year / float(model.demand.sum())
    rates = tuple(
        dataclasses.replace(r, per_1000_per_week=r.per_1000_per_week * factor)
        for r in s.demand_rates
    )
    s = dataclasses.replace(s, demand_rates=rates)
    model = compile_scenario(s, weeks=52, warmup_weeks=0, int_codes=(ints[0].code,))
    # hours a week each role must supply for its preferred work, at the target utilisation
    need = {r.code: 0.0 for r in s.roles}
    for a in range(len(model.activity_codes)):
        (role_idx, minutes), *_ = model.eligibility[a]
        extra = model.travel_minutes[0] if model.home[a] else 0.0
        need[model.role_codes[role_idx]] += model.demand[0, a].mean() * (minutes + extra) / 60
    need["HCA"] = need["PN"] * 0.25  # HCAs relieve nurses of some LTC work
    need["PN"] *= 0.8
    staff: list[Staff] = []
    for i in ints:
        for role in s.roles:
            hours = need[role.code] / TARGET_UTILISATION
            per_person = role.hours_per_fte_week * role.productive_fraction * 0.97  # minus MDT
            people = max(1, round(hours / per_person))
            for n in range(people):
                fte = 0.6 if n % 4 == 3 else 1.0  # some part-timers
                staff.append(
                    Staff(
                        id=f"{i.code}-{role.code}-{n:03d}",
                        name=f"{role.code} {n}",
                        role=role.code,
                        employer="Synthetic",
                        base_kind=BaseKind.PRACTICE,
                        base=i.practices[0],
                        fte=fte,
                        assignments=(Assignment(int_code=i.code, fte=fte, rule="practice"),),
                    )
                )
    return dataclasses.replace(s, staff=tuple(staff))
