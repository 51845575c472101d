"""A first answer: expected weekly workload against on-duty hours, per INT.

In the spirit of the NHS demand-and-capacity workbooks, with the simulator's own rules
(:mod:`intplan.demand.workload`): contacts include follow-ups, referral episodes,
re-presentations and seasonality; workload hours are those of the role that serves them
(preference order, substitution) plus home-visit travel; capacity is the on-duty hours
of the rotas (less meetings and absence). No queueing waits: the simulator shows those.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from intplan.demand.workload import IntWorkload, workload_model
from intplan.domain import Scenario


def _finite(x: float, digits: int) -> float | None:
    """JSON has no infinity: ``None`` (null) where nobody is on duty for the work."""
    return round(x, digits) if math.isfinite(x) else None


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityDemand:
    activity: str
    contacts_per_week: float  # mean over the horizon: base + referred + re-presented
    base_contacts_per_week: float
    referred_contacts_per_week: float
    represented_contacts_per_week: float
    peak_contacts_per_week: float  # every activity at its highest week at once
    hours_per_week: float  # routed to the roles that serve it, travel included
    preferred_role: str
    preferred_hours_per_week: float  # at the preferred role's minutes, travel included
    unserved_contacts_per_week: float  # nobody eligible on duty in the INT


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleCapacity:
    role: str
    headcount: int
    fte: float
    capacity_hours_per_week: float  # on-duty hours: rota time less meetings and absence
    demand_hours_per_week: float  # workload routed to this role, travel included
    travel_hours_per_week: float
    serves_demand: bool  # eligible for a patient activity (admin, BI, leads are not)
    #: the most overtime the simulator lets this role work past its shift ends
    overtime_hours_per_week: float
    #: workload within on-duty hours plus that overtime: the role's queue does not grow
    #: (``PoolWorkload.keeps_up``; utilisation may pass 100% a little)
    keeps_up: bool

    @property
    def balance_hours_per_week(self) -> float:
        return self.capacity_hours_per_week - self.demand_hours_per_week

    @property
    def utilisation(self) -> float:
        if self.capacity_hours_per_week > 0:
            return self.demand_hours_per_week / self.capacity_hours_per_week
        return math.inf if self.demand_hours_per_week > 0 else 0.0


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
    travel_minutes_per_home_visit: float
    utilisation_expected: float  # workload ÷ capacity of the patient-serving roles
    stable: bool  # every role below full utilisation, every activity with demand served

    @property
    def workload_hours_per_week(self) -> float:
        """Expected contact plus travel hours of the patient-serving roles."""
        return sum(r.demand_hours_per_week for r in self.roles if r.serves_demand)

    @property
    def demand_hours_per_week(self) -> float:
        """The same as :attr:`workload_hours_per_week` (the name older callers use)."""
        return self.workload_hours_per_week

    @property
    def capacity_hours_per_week(self) -> float:
        """On-duty hours of the roles that can serve the modelled patient activities."""
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
                "workload_hours_per_week": round(i.workload_hours_per_week, 1),
                "capacity_hours_per_week": round(i.capacity_hours_per_week, 1),
                "utilisation_expected": _finite(i.utilisation_expected, 4),
                "stable": i.stable,
                "demand_hours_per_week": round(i.demand_hours_per_week, 1),
                "travel_minutes_per_home_visit": round(i.travel_minutes_per_home_visit, 2),
                "fte_by_employer": {k: round(v, 3) for k, v in i.fte_by_employer},
                "activities": [
                    {
                        "activity": a.activity,
                        "contacts_per_week": round(a.contacts_per_week, 1),
                        "base_contacts_per_week": round(a.base_contacts_per_week, 1),
                        "referred_contacts_per_week": round(a.referred_contacts_per_week, 1),
                        "represented_contacts_per_week": round(a.represented_contacts_per_week, 1),
                        "peak_contacts_per_week": round(a.peak_contacts_per_week, 1),
                        "hours_per_week": round(a.hours_per_week, 1),
                        "preferred_role": a.preferred_role,
                        "preferred_hours_per_week": round(a.preferred_hours_per_week, 1),
                        "unserved_contacts_per_week": round(a.unserved_contacts_per_week, 1),
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
                        "travel_hours_per_week": round(r.travel_hours_per_week, 1),
                        "balance_hours_per_week": round(r.balance_hours_per_week, 1),
                        "utilisation_expected": _finite(r.utilisation, 4),
                        "serves_demand": r.serves_demand,
                        "overtime_hours_per_week": round(r.overtime_hours_per_week, 1),
                        "keeps_up": r.keeps_up,
                    }
                    for r in i.roles
                ],
            }
            for i in self.ints
        ]


def _int_capacity(
    scenario: Scenario,
    w: IntWorkload,
    people: set[str],
    by_employer: dict[str, float],
) -> IntCapacity:
    unit = scenario.int_by_code[w.int_code]
    acts = tuple(
        ActivityDemand(
            activity=a.activity,
            contacts_per_week=a.contacts_per_week,
            base_contacts_per_week=a.contacts.base_per_week,
            referred_contacts_per_week=a.contacts.referred_per_week,
            represented_contacts_per_week=a.contacts.represented_per_week,
            peak_contacts_per_week=a.contacts.peak_contacts_per_week,
            hours_per_week=a.hours_per_week,
            preferred_role=a.preferred_role,
            preferred_hours_per_week=a.preferred_hours_per_week,
            unserved_contacts_per_week=a.unserved_contacts_per_week,
        )
        for a in w.activities
    )
    roles = tuple(
        RoleCapacity(
            role=p.role,
            headcount=p.headcount,
            fte=p.fte,
            capacity_hours_per_week=p.on_duty_hours_per_week,
            demand_hours_per_week=p.workload_hours_per_week,
            travel_hours_per_week=p.travel_hours_per_week,
            serves_demand=p.serves_patients,
            overtime_hours_per_week=p.overtime_hours_per_week,
            keeps_up=p.keeps_up,
        )
        for p in w.pools
    )
    return IntCapacity(
        int_code=unit.code,
        name=unit.name,
        hcp=unit.hcp,
        population=scenario.int_population(unit.code),
        headcount=len(people),
        fte=sum(r.fte for r in roles),
        fte_by_employer=tuple(sorted(by_employer.items())),
        activities=acts,
        roles=roles,
        travel_minutes_per_home_visit=w.travel_minutes_per_home_visit,
        utilisation_expected=w.utilisation_expected,
        stable=w.stable,
    )


def capacity_table(scenario: Scenario) -> CapacityTable:
    """Every INT's expected workload against its on-duty hours (one workload model)."""
    by_employer: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    people: dict[str, set[str]] = defaultdict(set)
    for person in scenario.staff:
        if person.vacant:
            continue
        for a in person.assignments:
            by_employer[a.int_code][person.employer] += a.fte
            people[a.int_code].add(person.id)
    return CapacityTable(
        scenario_name=scenario.name,
        ints=tuple(
            _int_capacity(scenario, w, people[w.int_code], by_employer[w.int_code])
            for w in workload_model(scenario)
        ),
    )
