"""Everything the model needs, precomputed once from a Scenario and checked.

Staff count in an INT through their ``assignments``; a person without
assignments is shared by population across the INTs their base touches (the
mapping engineer's rules may refine this). Vacant posts are not capacity: the
plan may fill them (as recruits) or drop them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from intplan.demand import patient_activities
from intplan.demand.workload import (
    meeting_minutes_per_fte,
    on_duty_hours_per_fte,
    preferred_eligibility,
    workload_model,
)
from intplan.domain import Scenario
from intplan.domain.errors import IntplanError, Problem
from intplan.domain.units import MINUTES_PER_HOUR, WEEKS_PER_YEAR
from intplan.domain.workforce import BaseKind, Staff
from intplan.optimise.demand_hours import WeeklyDemand, weekly_demand
from intplan.optimise.options import OptimiseOptions, StaffingRuleName
from intplan.optimise.staffing import StaffingRule


class OptimiseInputError(IntplanError):
    """The scenario or the options cannot be optimised as given; lists every problem."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) before optimising:\n{lines}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Edge:
    """A directed cover edge: ``lender`` lends hours to ``borrower``."""

    lender: str
    borrower: str
    travel_minutes: float
    overhead_share: float  # extra lender hours per hour delivered (round trip per session)
    cost_gbp_per_hour: float  # mileage + coordination per hour delivered


@dataclass(frozen=True, kw_only=True)
class ModelInputs:
    ints: tuple[str, ...]
    roles: tuple[str, ...]
    activities: tuple[str, ...]  # patient activities
    int_names: dict[str, str]
    role_names: dict[str, str]
    activity_names: dict[str, str]
    existing_fte: dict[tuple[str, str], float]  # (int, role) -> filled FTE
    vacant_fte: dict[tuple[str, str], float]
    pay_gbp_per_fte: dict[str, float]
    hours_per_fte: dict[str, float]  # usable demand hours per FTE per week (on duty × ceiling)
    on_duty_hours_per_fte: dict[str, float]
    #: (int, role) -> usable hours per FTE a week under the staffing rule (on duty × ρ*);
    #: pools not listed use ``hours_per_fte`` (the flat ceiling)
    usable_hours: dict[tuple[str, str], float]
    staffing: StaffingRule | None  # None: the flat utilisation ceiling
    #: (int, activity, role) left out of the plan: the role's rota cannot see enough of the
    #: activity's arrivals within target while another eligible role's can (staffing rule)
    blocked: frozenset[tuple[str, str, str]] = frozenset()
    mdt_hours_per_fte: dict[str, float]
    core_roles: tuple[str, ...]
    demand: dict[tuple[str, str], WeeklyDemand]
    eligible: dict[str, tuple[tuple[str, float], ...]]  # activity -> (role, duration factor)
    minutes: dict[tuple[str, str], float]  # (activity, role) -> minutes per contact
    edges: tuple[Edge, ...]
    recruit_limit_fte: dict[str, float]
    max_fte: dict[str, float]
    #: activity -> requests a week that no role can serve (no eligibility; left out)
    unservable: dict[str, float]
    budget_gbp: float  # 0 = none
    move_cap_share: float
    cover_cap_share: float
    unmet_penalty_gbp_per_hour: float
    annual_weeks: float = WEEKS_PER_YEAR

    @property
    def working_roles(self) -> tuple[str, ...]:
        """Roles that can serve at least one patient activity."""
        used = {r for rows in self.eligible.values() for r, _ in rows}
        return tuple(r for r in self.roles if r in used)

    def usable(self, int_code: str, role: str) -> float:
        """Hours of demand one FTE of ``role`` may take in ``int_code`` a week."""
        return self.usable_hours.get((int_code, role), self.hours_per_fte[role])

    def factor(self, int_code: str, activity: str, role: str) -> float:
        """Hours of ``role`` per hour of planned demand (travel included on both sides)."""
        return self.demand[(int_code, activity)].duration_factor(self.minutes[(activity, role)])

    def current_cost_gbp(self) -> float:
        return sum(self.pay_gbp_per_fte[r] * f for (_, r), f in self.existing_fte.items())


def staff_int_shares(scenario: Scenario, person: Staff) -> dict[str, float]:
    """FTE of ``person`` in each INT: assignments if given, else shared by population."""
    if person.assignments:
        return {a.int_code: a.fte for a in person.assignments}
    if person.base_kind is BaseKind.PRACTICE:
        practices: tuple[str, ...] = (person.base,)
    elif person.base_kind is BaseKind.PCN:
        practices = scenario.practices_of_pcn.get(person.base, ())
    else:
        team = scenario.team_by_code.get(person.base)
        practices = team.practices if team else ()
    pop: dict[str, float] = defaultdict(float)
    for pc in practices:
        int_code = scenario.int_of_practice.get(pc)
        if int_code is not None:
            pop[int_code] += scenario.practice_by_code[pc].population
    total = sum(pop.values())
    if total <= 0:
        return {}
    return {i: person.fte * n / total for i, n in pop.items()}


def build_inputs(scenario: Scenario, options: OptimiseOptions) -> ModelInputs:
    """Precompute the model's data; raise OptimiseInputError listing every problem."""
    problems: list[Problem] = []
    st = scenario.settings
    ints = tuple(i.code for i in scenario.ints)
    roles = tuple(r.code for r in scenario.roles)
    role_set = set(roles)
    acts = patient_activities(scenario)

    existing: dict[tuple[str, str], float] = defaultdict(float)
    vacant: dict[tuple[str, str], float] = defaultdict(float)
    for person in scenario.staff:
        shares = staff_int_shares(scenario, person)
        if not shares:
            problems.append(
                Problem(
                    table="Staff",
                    key=person.id,
                    field="base",
                    message="this person maps to no INT; give an assignment or a base in an INT",
                )
            )
        target = vacant if person.vacant else existing
        for int_code, fte in shares.items():
            target[(int_code, person.role)] += fte

    for role in scenario.roles:
        if role.pay_cost_gbp_per_fte < 0:  # the domain rejects this; kept for hand-built data
            problems.append(
                Problem(
                    table="Roles",
                    key=role.code,
                    field="pay_cost_gbp_per_fte",
                    message=f"negative pay cost {role.pay_cost_gbp_per_fte:g}; costs must be ≥ 0",
                )
            )

    # capacity per FTE as the simulator rosters it: on-duty hours (rota time less
    # meetings, capped at the rota's open hours, less absence) × the utilisation ceiling
    mdt = {r: m / MINUTES_PER_HOUR for r, m in meeting_minutes_per_fte(scenario).items()}
    on_duty = on_duty_hours_per_fte(scenario)
    hours: dict[str, float] = {}
    for role in scenario.roles:
        hours[role.code] = on_duty[role.code] * st.utilisation_ceiling
        if hours[role.code] <= 0:
            problems.append(
                Problem(
                    table="Eligibility",
                    key=f"MDT/{role.code}",
                    field="duration_minutes",
                    message=f"meetings take {mdt.get(role.code, 0.0):.1f} h a week of a "
                    f"{role.code} FTE's {role.hours_per_fte_week:g} h, leaving no time on "
                    "duty for patients",
                )
            )

    workload = workload_model(scenario)
    demand = weekly_demand(scenario, workload)
    eligible: dict[str, tuple[tuple[str, float], ...]] = {}
    for a in acts:
        rows = [e for e in scenario.eligibilities if e.activity == a and e.role in role_set]
        pref = preferred_eligibility(rows)
        pref_minutes = pref.duration_minutes if pref else 0.0
        eligible[a] = tuple(
            (e.role, e.duration_minutes / pref_minutes) for e in rows if pref_minutes > 0
        )

    unservable: dict[str, float] = {}
    for a in acts:
        if not eligible[a]:
            requests = sum(demand[(i, a)].planned_requests_per_week for i in ints)
            if requests > 0:
                unservable[a] = requests

    int_set = set(ints)
    edges: list[Edge] = []
    for adj in scenario.adjacencies:
        bad = [v for v in (adj.int_a, adj.int_b) if v not in int_set]
        for v in bad:
            problems.append(
                Problem(
                    table="Adjacency",
                    key=adj.key,
                    field="int_a" if v == adj.int_a else "int_b",
                    message=f"unknown INT {v!r}; cover can only run between INTs in the scenario",
                )
            )
        if bad:
            continue
        round_trip_hours = 2.0 * adj.travel_minutes / MINUTES_PER_HOUR
        overhead = round_trip_hours / options.cover_session_hours
        mileage = round_trip_hours * st.travel_speed_kmh * options.mileage_gbp_per_km
        cost = mileage / options.cover_session_hours + options.cover_admin_gbp_per_hour
        for lender, borrower in ((adj.int_a, adj.int_b), (adj.int_b, adj.int_a)):
            edges.append(
                Edge(
                    lender=lender,
                    borrower=borrower,
                    travel_minutes=adj.travel_minutes,
                    overhead_share=overhead,
                    cost_gbp_per_hour=cost,
                )
            )

    total_existing: dict[str, float] = defaultdict(float)
    total_vacant: dict[str, float] = defaultdict(float)
    for (_, r), f in existing.items():
        total_existing[r] += f
    for (_, r), f in vacant.items():
        total_vacant[r] += f
    for key in (*options.recruit_limit_fte, *options.max_fte):
        if key not in role_set:
            problems.append(
                Problem(
                    table="Options",
                    key=key,
                    field="role",
                    message=f"unknown role {key!r} in a recruitment limit or supply cap",
                )
            )
    recruit: dict[str, float] = {}
    for r in roles:
        if r in options.recruit_limit_fte:
            recruit[r] = options.recruit_limit_fte[r]
            continue
        share = options.scarce_recruit_share if r in options.scarce_roles else options.recruit_share
        establishment = total_existing[r] + total_vacant[r]
        recruit[r] = max(options.recruit_floor_fte, total_vacant[r] + share * establishment)
    max_fte = {r: v for r, v in options.max_fte.items() if r in role_set}
    for r, cap in max_fte.items():
        if cap + 1e-9 < total_existing[r]:
            problems.append(
                Problem(
                    table="Options",
                    key=r,
                    field="max_fte",
                    message=f"supply cap {cap:g} FTE for {r} is below the "
                    f"{total_existing[r]:.2f} FTE already in post; the plan keeps existing "
                    "staff, so raise the cap to at least that",
                )
            )
    if problems:
        raise OptimiseInputError(problems)

    staffing: StaffingRule | None = None
    usable: dict[tuple[str, str], float] = {}
    if options.staffing_rule is StaffingRuleName.QUEUEING:
        staffing = StaffingRule(
            scenario,
            service_level=options.service_level,
            on_duty_hours_per_fte=on_duty,
            travel_minutes={k: d.travel_minutes for k, d in demand.items()},
            peak_factor={
                (w.int_code, a.activity): (
                    a.contacts.peak_contacts_per_week / a.contacts_per_week
                    if a.contacts_per_week > 0
                    else 1.0
                )
                for w in workload
                for a in w.activities
            },
            flat_ceiling=st.utilisation_ceiling,
        )
        # first linearisation: the load each pool carries today, as the workload model
        # routes it (at the planned demand level)
        for w in workload:
            routed: dict[str, dict[str, float]] = defaultdict(dict)
            for aw in w.activities:
                d = demand[(w.int_code, aw.activity)]
                scale = (
                    d.planned_requests_per_week / d.mean_requests_per_week
                    if d.mean_requests_per_week > 0
                    else 1.0
                )
                for r, role_hours in aw.hours_by_role:
                    routed[r][aw.activity] = role_hours * scale
            for r in roles:
                fte = existing.get((w.int_code, r), 0.0)
                rho = staffing.allowed_utilisation(w.int_code, r, routed.get(r, {}), fte)
                usable[(w.int_code, r)] = on_duty[r] * rho

    return ModelInputs(
        ints=ints,
        roles=roles,
        activities=acts,
        int_names={i.code: i.name for i in scenario.ints},
        role_names={r.code: r.name for r in scenario.roles},
        activity_names={a.code: a.name for a in scenario.activities},
        existing_fte={k: v for k, v in existing.items() if v > 0},
        vacant_fte={k: v for k, v in vacant.items() if v > 0},
        pay_gbp_per_fte={r.code: r.pay_cost_gbp_per_fte for r in scenario.roles},
        hours_per_fte=hours,
        on_duty_hours_per_fte=on_duty,
        usable_hours=usable,
        staffing=staffing,
        blocked=frozenset(
            staffing.blocked({a: tuple(r for r, _ in eligible[a]) for a in acts})
            if staffing is not None
            else ()
        ),
        mdt_hours_per_fte=mdt,
        core_roles=tuple(r.code for r in scenario.roles if r.core),
        demand=demand,
        eligible=eligible,
        minutes={(e.activity, e.role): e.duration_minutes for e in scenario.eligibilities},
        edges=tuple(edges),
        recruit_limit_fte=recruit,
        max_fte=max_fte,
        unservable=unservable,
        budget_gbp=st.budget_gbp,
        move_cap_share=st.move_fte_cap_share,
        cover_cap_share=st.cover_share_cap,
        unmet_penalty_gbp_per_hour=st.unmet_penalty_gbp_per_hour,
    )
