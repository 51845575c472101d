"""A first answer: deterministic weekly demand against capacity, per INT.

In the spirit of the NHS demand-and-capacity workbooks: demand hours come from
rates x population (no queueing); capacity hours from assigned FTE x productive
hours, less MDT/huddle time. The simulator shows what these averages hide.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from intplan.demand.model import base_weekly_contacts
from intplan.domain import ActivityKind, Eligibility, Scenario
from intplan.domain.units import MINUTES_PER_HOUR, productive_hours_per_week
from intplan.optimise.demand_hours import preferred_eligibility


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityDemand:
    activity: str
    contacts_per_week: float
    hours_per_week: float  # at the preferred role's duration
    preferred_role: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleCapacity:
    role: str
    headcount: int
    fte: float
    capacity_hours_per_week: float  # productive hours less meeting time
    demand_hours_per_week: float  # demand whose preferred role this is
    serves_demand: bool  # eligible for a patient activity (admin, BI, leads are not)

    @property
    def balance_hours_per_week(self) -> float:
        return self.capacity_hours_per_week - self.demand_hours_per_week


@dataclass(frozen=True, slots=True, kw_only=True)
class IntCapacity:
    int_code: str
    name: str
    hcp: str
    population: int
    headcount: int
    fte: float
    fte_by_employer: tuple[tuple[str, float], ...]
    activities: tuple[ActivityDemand, ...]
    roles: tuple[RoleCapacity, ...]

    @property
    def demand_hours_per_week(self) -> float:
        return sum(a.hours_per_week for a in self.activities)

    @property
    def capacity_hours_per_week(self) -> float:
        """Capacity of the roles that can serve the modelled patient activities."""
        return sum(r.capacity_hours_per_week for r in self.roles if r.serves_demand)


@dataclass(frozen=True, slots=True, kw_only=True)
class CapacityTable:
    scenario_name: str
    ints: tuple[IntCapacity, ...]

    def to_json(self) -> list[dict[str, object]]:
        return [
            {
                "int": i.int_code,
                "name": i.name,
                "hcp": i.hcp,
                "population": i.population,
                "headcount": i.headcount,
                "fte": round(i.fte, 3),
                "demand_hours_per_week": round(i.demand_hours_per_week, 1),
                "capacity_hours_per_week": round(i.capacity_hours_per_week, 1),
                "fte_by_employer": {k: round(v, 3) for k, v in i.fte_by_employer},
                "activities": [
                    {
                        "activity": a.activity,
                        "contacts_per_week": round(a.contacts_per_week, 1),
                        "hours_per_week": round(a.hours_per_week, 1),
                        "preferred_role": a.preferred_role,
                    }
                    for a in i.activities
                ],
                "roles": [
                    {
                        "role": r.role,
                        "headcount": r.headcount,
                        "fte": round(r.fte, 3),
                        "capacity_hours_per_week": round(r.capacity_hours_per_week, 1),
                        "demand_hours_per_week": round(r.demand_hours_per_week, 1),
                        "balance_hours_per_week": round(r.balance_hours_per_week, 1),
                        "serves_demand": r.serves_demand,
                    }
                    for r in i.roles
                ],
            }
            for i in self.ints
        ]


def _preferred(scenario: Scenario) -> dict[str, tuple[str, float]]:
    """Activity -> (preferred role, minutes), chosen as the optimiser chooses it."""
    rows: dict[str, list[Eligibility]] = defaultdict(list)
    for e in scenario.eligibilities:
        rows[e.activity].append(e)
    out: dict[str, tuple[str, float]] = {}
    for activity, elig in rows.items():
        best = preferred_eligibility(elig)
        if best is not None:
            out[activity] = (best.role, best.duration_minutes)
    return out


def capacity_table(scenario: Scenario) -> CapacityTable:
    preferred = _preferred(scenario)
    meeting_minutes: dict[str, float] = defaultdict(float)  # role -> minutes per FTE-week
    for e in scenario.eligibilities:
        if scenario.activity_by_code[e.activity].kind is ActivityKind.MEETING:
            meeting_minutes[e.role] += e.duration_minutes
    patient = [a for a in scenario.activities if a.kind is ActivityKind.PATIENT]
    patient_codes = {a.code for a in patient}
    serving = {e.role for e in scenario.eligibilities if e.activity in patient_codes}

    # one pass over staff: FTE and heads per INT x role, FTE per INT x employer
    fte: dict[tuple[str, str], float] = defaultdict(float)
    heads: dict[tuple[str, str], set[str]] = defaultdict(set)
    by_employer: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    people: dict[str, set[str]] = defaultdict(set)
    for person in scenario.staff:
        if person.vacant:
            continue
        for a in person.assignments:
            fte[(a.int_code, person.role)] += a.fte
            heads[(a.int_code, person.role)].add(person.id)
            by_employer[a.int_code][person.employer] += a.fte
            people[a.int_code].add(person.id)

    out = []
    for unit in scenario.ints:
        acts = []
        demand_by_role: dict[str, float] = defaultdict(float)
        for act in patient:
            contacts = base_weekly_contacts(scenario, unit.code, act.code)
            pref_role, minutes = preferred.get(act.code, ("", 0.0))
            hours = contacts * minutes / MINUTES_PER_HOUR
            demand_by_role[pref_role] += hours
            acts.append(
                ActivityDemand(
                    activity=act.code,
                    contacts_per_week=contacts,
                    hours_per_week=hours,
                    preferred_role=pref_role,
                )
            )
        roles = []
        for role in scenario.roles:
            f = fte.get((unit.code, role.code), 0.0)
            demand = demand_by_role.get(role.code, 0.0)
            if f == 0 and demand == 0:
                continue
            hours = productive_hours_per_week(f, role.hours_per_fte_week, role.productive_fraction)
            hours -= f * meeting_minutes.get(role.code, 0.0) / MINUTES_PER_HOUR
            roles.append(
                RoleCapacity(
                    role=role.code,
                    headcount=len(heads.get((unit.code, role.code), ())),
                    fte=f,
                    capacity_hours_per_week=max(0.0, hours),
                    demand_hours_per_week=demand,
                    serves_demand=role.code in serving,
                )
            )
        out.append(
            IntCapacity(
                int_code=unit.code,
                name=unit.name,
                hcp=unit.hcp,
                population=scenario.int_population(unit.code),
                headcount=len(people.get(unit.code, ())),
                fte=sum(r.fte for r in roles),
                fte_by_employer=tuple(sorted(by_employer.get(unit.code, {}).items())),
                activities=tuple(acts),
                roles=tuple(roles),
            )
        )
    return CapacityTable(scenario_name=scenario.name, ints=tuple(out))
