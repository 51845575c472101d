"""One workload model: what the simulator will be asked to do, in expectation.

Per INT × patient activity: expected contacts a week (base demand with follow-ups,
referral episodes, re-presentations, seasonality: :mod:`intplan.demand.contacts`).
Per INT × role pool: the expected workload hours (contact minutes of the role that serves
them, plus home-visit travel) and the on-duty hours. ``intplan info``, the Demand &
capacity view and the optimiser all read these numbers from here.

On-duty hours, as the simulator lays out rotas (``intplan.sim.model``): each person's
clinical time on shift is ``share × (hours_per_fte_week − meeting minutes per FTE)``,
capped at their rota's open hours a week, less absence (× ``productive_fraction``: a
working day is lost with probability 1 − productive fraction).

Routing (a documented approximation of the simulator's): an arrival goes to the first
free person in preference order (ties by role code), and a queued request is pulled by
whichever eligible person frees first. Here (:func:`_route`), in two passes with the
most urgent activities first: each activity's contacts fill its eligible pools in that
order, each up to its :func:`overflow_threshold` (the utilisation at which half the
arrivals would find the whole pool busy, Erlang C = ½, with c its mean headcount on duty
while its rota is open); what is left queues and raises the least-used eligible pools to
one level (above 1 when they cannot cope). This gives lower-preference roles less work
than the simulator, where arrivals overflow to them at any load (docs/model.md, "Known
limit"). Cover from adjacent INTs is not counted (the simulator's default). A pool is
*stable* when its workload is below its on-duty hours plus the most overtime the
simulator allows (``overtime_limit_hours_per_day`` past the end of each person-day), so
utilisation (workload ÷ on-duty hours) may pass 1 a little; an INT is stable when every
pool is and every activity with demand has someone eligible on duty.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from intplan.demand.contacts import ActivityContacts, activity_contacts
from intplan.demand.model import patient_activities
from intplan.demand.queueing import erlang_c
from intplan.demand.travel import home_visit_travel_minutes
from intplan.domain import ActivityKind, CareSetting, Eligibility, Role, Scenario
from intplan.domain.units import MINUTES_PER_HOUR, fte_to_hours_per_week


@dataclass(frozen=True, slots=True, kw_only=True)
class PoolWorkload:
    """One role in one INT."""

    role: str
    headcount: int
    fte: float
    on_duty_hours_per_week: float
    servers_on_duty: float  # mean headcount on duty while the rota is open
    contact_hours_per_week: float
    travel_hours_per_week: float
    serves_patients: bool  # eligible for some patient activity (admin, BI, leads are not)
    #: the most the simulator's overtime rule adds: up to ``overtime_limit_hours_per_day``
    #: past the end of each person-day on duty (see :func:`overtime_hours`)
    overtime_hours_per_week: float = 0.0

    @property
    def workload_hours_per_week(self) -> float:
        return self.contact_hours_per_week + self.travel_hours_per_week

    @property
    def keeps_up(self) -> bool:
        """The queue does not grow: workload below on-duty hours plus the overtime the
        simulator allows (staff finish past their shift end; issue 13's calibrated
        examples run some general-practice pools at 101-109% of rostered hours)."""
        return self.workload_hours_per_week < self.on_duty_hours_per_week + (
            self.overtime_hours_per_week
        )

    @property
    def utilisation(self) -> float:
        """Workload ÷ on-duty hours (infinite with work and nobody on duty)."""
        if self.on_duty_hours_per_week > 0:
            return self.workload_hours_per_week / self.on_duty_hours_per_week
        return math.inf if self.workload_hours_per_week > 0 else 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityWorkload:
    """One patient activity in one INT."""

    contacts: ActivityContacts
    travel_minutes_per_contact: float  # home visits only
    preferred_role: str  # lowest preference number, then shortest duration ('' if none)
    preferred_minutes: float
    hours_by_role: tuple[tuple[str, float], ...]  # routed, travel included
    unserved_contacts_per_week: float  # demand with nobody eligible on duty

    @property
    def activity(self) -> str:
        return self.contacts.activity

    @property
    def contacts_per_week(self) -> float:
        return self.contacts.contacts_per_week

    @property
    def hours_per_week(self) -> float:
        """Routed workload hours (travel included)."""
        return sum(h for _, h in self.hours_by_role)

    @property
    def preferred_hours_per_week(self) -> float:
        """Contacts × (the preferred role's minutes + travel): what the optimiser plans."""
        minutes = self.preferred_minutes + self.travel_minutes_per_contact
        return self.contacts_per_week * minutes / MINUTES_PER_HOUR


@dataclass(frozen=True, slots=True, kw_only=True)
class IntWorkload:
    int_code: str
    travel_minutes_per_home_visit: float
    activities: tuple[ActivityWorkload, ...]
    pools: tuple[PoolWorkload, ...]  # roles with FTE or workload in the INT

    @property
    def workload_hours_per_week(self) -> float:
        """Contact plus travel hours of the patient-serving pools."""
        return sum(p.workload_hours_per_week for p in self.pools if p.serves_patients)

    @property
    def capacity_hours_per_week(self) -> float:
        """On-duty hours of the patient-serving pools."""
        return sum(p.on_duty_hours_per_week for p in self.pools if p.serves_patients)

    @property
    def utilisation_expected(self) -> float:
        cap = self.capacity_hours_per_week
        if cap > 0:
            return self.workload_hours_per_week / cap
        return math.inf if self.workload_hours_per_week > 0 else 0.0

    @property
    def stable(self) -> bool:
        """Every pool keeps up (overtime counted, as the simulator does) and every activity
        with demand served."""
        return all(p.keeps_up for p in self.pools if p.serves_patients) and not any(
            a.unserved_contacts_per_week > 0 for a in self.activities
        )


def preferred_eligibility(rows: Iterable[Eligibility]) -> Eligibility | None:
    """The eligibility the planners' figures use: lowest preference, then shortest."""
    best: Eligibility | None = None
    for e in rows:
        if best is None or (e.preference, e.duration_minutes) < (
            best.preference,
            best.duration_minutes,
        ):
            best = e
    return best


def meeting_minutes_per_fte(scenario: Scenario) -> dict[str, float]:
    """Role -> meeting (MDT/huddle) minutes per FTE-week."""
    out: dict[str, float] = defaultdict(float)
    for e in scenario.eligibilities:
        if scenario.activity_by_code[e.activity].kind is ActivityKind.MEETING:
            out[e.role] += e.duration_minutes
    return dict(out)


def on_duty_hours(
    scenario: Scenario, role: Role, share: float, rota_code: str, meeting_minutes: float
) -> tuple[float, float]:
    """(on-duty hours a week, mean headcount on duty while open) for ``share`` FTE of
    ``role`` on rota ``rota_code``: clinical time on shift capped at the rota's open
    hours, less absence."""
    rota = scenario.rota_by_code[rota_code]
    open_hours = sum(rota.days) * max(0.0, rota.end_hour - rota.start_hour)
    clinical = fte_to_hours_per_week(
        share, role.hours_per_fte_week - meeting_minutes / MINUTES_PER_HOUR
    )
    on_shift = max(0.0, min(clinical, open_hours))
    on_duty = on_shift * role.productive_fraction
    return on_duty, (on_duty / open_hours if open_hours > 0 else 0.0)


def on_duty_hours_per_fte(scenario: Scenario) -> dict[str, float]:
    """Role -> on-duty hours a week of one FTE on the role's own rota."""
    meeting = meeting_minutes_per_fte(scenario)
    return {
        r.code: on_duty_hours(scenario, r, 1.0, r.rota, meeting.get(r.code, 0.0))[0]
        for r in scenario.roles
    }


@dataclass(slots=True)
class _Pool:
    on_duty: float = 0.0
    servers: float = 0.0
    fte: float = 0.0
    people: set[str] | None = None
    overtime: float = 0.0


def overtime_hours(scenario: Scenario, rota_code: str, servers: float, present: float) -> float:
    """The most overtime a week of ``servers`` mean headcount on duty on ``rota_code``:
    the rota spread (``intplan.sim.rotas``) cuts a pool of coverage c into n x ceil(c)
    person-days a week (n open days); each may run ``overtime_limit_hours_per_day`` past
    its end, and a day is worked with probability ``present`` (productive fraction)."""
    rota = scenario.rota_by_code[rota_code]
    limit = scenario.settings.overtime_limit_hours_per_day
    coverage = servers / present if present > 0 else 0.0  # servers are after absence
    return limit * sum(rota.days) * math.ceil(coverage - 1e-9) * present


def _pools(scenario: Scenario) -> dict[tuple[str, str], _Pool]:
    """(INT, role) -> on-duty hours, servers, FTE and people, from assignments."""
    meeting = meeting_minutes_per_fte(scenario)
    pools: dict[tuple[str, str], _Pool] = defaultdict(_Pool)
    by_rota: dict[tuple[str, str, str], float] = defaultdict(float)  # servers per rota
    for person in scenario.staff:
        if person.vacant:
            continue
        role = scenario.role_by_code[person.role]
        rota = scenario.rota_of(person).code
        for asg in person.assignments:
            pool = pools[(asg.int_code, person.role)]
            hours, servers = on_duty_hours(
                scenario, role, asg.fte, rota, meeting.get(person.role, 0.0)
            )
            pool.on_duty += hours
            pool.servers += servers
            by_rota[(asg.int_code, person.role, rota)] += servers
            pool.fte += asg.fte
            if pool.people is None:
                pool.people = set()
            pool.people.add(person.id)
    for (int_code, role_code, rota), servers in by_rota.items():
        present = scenario.role_by_code[role_code].productive_fraction
        pools[(int_code, role_code)].overtime += overtime_hours(scenario, rota, servers, present)
    return pools


def overflow_threshold(servers: float) -> float:
    """Utilisation at which half the arrivals find the whole pool busy (Erlang C = ½):
    about 0.5 for one person, 0.8 for ten, 0.93 for forty; 0 below half a person."""
    if erlang_c(servers, 0.0) >= 0.5 or servers <= 0:
        return 0.0
    low, high = 0.0, 1.0
    for _ in range(40):  # bisection: Erlang C rises with the load
        mid = 0.5 * (low + high)
        if erlang_c(servers, mid * servers) < 0.5:
            low = mid
        else:
            high = mid
    return low


def _level(
    chain: list[tuple[str, float]],
    on_duty: dict[str, float],
    used: dict[str, float],
    contacts: float,
) -> float:
    """The utilisation L at which raising every pool in ``chain`` that is below L up to L
    takes ``contacts`` more contacts (bisection: the contacts taken rise with L)."""

    def taken(level: float) -> float:
        return sum(max(0.0, level * on_duty[r] - used[r]) / h for r, h in chain)

    low, high = 0.0, 1.0
    while taken(high) < contacts:
        low, high = high, 2.0 * high
    for _ in range(60):
        mid = 0.5 * (low + high)
        if taken(mid) < contacts:
            low = mid
        else:
            high = mid
    return high


def _route(
    demand: list[tuple[str, float, list[tuple[str, float]]]],
    on_duty: dict[str, float],
    servers: dict[str, float],
) -> dict[tuple[str, str], float]:
    """(activity, role) -> contacts a week served by the pool.

    ``demand``: (activity, contacts a week, [(role, hours per contact)]) with activities
    most urgent first and pools in the order the simulator tries them (pools with nobody
    on duty left out). Pass 1, arrivals served at once: each activity fills its pools in
    order up to their :func:`overflow_threshold`. Pass 2, queued work: what is left is
    pulled by whichever eligible person frees first, which evens out utilisation, so it
    raises the least-used eligible pools to a common level (above 1 when they cannot cope).
    """
    used = dict.fromkeys(on_duty, 0.0)
    served: dict[tuple[str, str], float] = defaultdict(float)
    left = {act: n for act, n, _ in demand}
    thresholds = {r: overflow_threshold(servers[r]) for r in on_duty}
    for act, _, chain in demand:
        for role, hours in chain:
            room = max(0.0, thresholds[role] * on_duty[role] - used[role])
            n = min(left[act], room / hours)
            served[(act, role)] += n
            used[role] += n * hours
            left[act] -= n
    for act, _, chain in demand:
        if left[act] <= 0:
            continue
        level = _level(chain, on_duty, used, left[act])
        take = {r: max(0.0, level * on_duty[r] - used[r]) / h for r, h in chain}
        scale = left[act] / sum(take.values())  # removes the bisection's last rounding
        for role, hours in chain:
            served[(act, role)] += scale * take[role]
            used[role] += scale * take[role] * hours
    return dict(served)


def workload_model(
    scenario: Scenario, *, weeks: int | None = None, int_codes: tuple[str, ...] | None = None
) -> tuple[IntWorkload, ...]:
    """The workload of every INT (or those in ``int_codes``), in scenario order.

    ``weeks``: measured weeks the demand mean runs over (default the horizon)."""
    chosen = tuple(i.code for i in scenario.ints) if int_codes is None else int_codes
    contacts = activity_contacts(scenario, weeks=weeks, int_codes=chosen)
    acts = patient_activities(scenario)
    order: dict[str, list[Eligibility]] = {}  # the simulator's: preference, then role
    for a in acts:
        order[a] = sorted(
            (e for e in scenario.eligibilities if e.activity == a),
            key=lambda e: (e.preference, e.role),
        )
    serving = {e.role for rows in order.values() for e in rows}
    urgent_first = sorted(acts, key=lambda a: (scenario.activity_by_code[a].priority, a))
    pools = _pools(scenario)
    out = []
    for ic in chosen:
        travel = home_visit_travel_minutes(scenario, ic)
        tr = {
            a: travel if scenario.activity_by_code[a].setting is CareSetting.HOME else 0.0
            for a in acts
        }
        here = {r.code: pools[(ic, r.code)] for r in scenario.roles if (ic, r.code) in pools}
        on_duty = {r: p.on_duty for r, p in here.items() if p.on_duty > 0}
        demand: list[tuple[str, float, list[tuple[str, float]]]] = []
        unserved: dict[str, float] = {}
        for a in urgent_first:
            n = contacts[(ic, a)].contacts_per_week
            chain = [
                (e.role, (e.duration_minutes + tr[a]) / MINUTES_PER_HOUR)
                for e in order[a]
                if e.role in on_duty
            ]
            if n > 0 and chain:
                demand.append((a, n, chain))
            elif n > 0:
                unserved[a] = n
        served = _route(demand, on_duty, {r: here[r].servers for r in on_duty})
        minutes = {(e.activity, e.role): e.duration_minutes for e in scenario.eligibilities}
        contact_h: dict[str, float] = defaultdict(float)
        travel_h: dict[str, float] = defaultdict(float)
        by_act: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for (a, r), n in served.items():
            contact_h[r] += n * minutes[(a, r)] / MINUTES_PER_HOUR
            travel_h[r] += n * tr[a] / MINUTES_PER_HOUR
            by_act[a].append((r, n * (minutes[(a, r)] + tr[a]) / MINUTES_PER_HOUR))
        activities = []
        for a in acts:
            pref = preferred_eligibility(order[a])
            activities.append(
                ActivityWorkload(
                    contacts=contacts[(ic, a)],
                    travel_minutes_per_contact=tr[a],
                    preferred_role=pref.role if pref else "",
                    preferred_minutes=pref.duration_minutes if pref else 0.0,
                    hours_by_role=tuple(by_act.get(a, ())),
                    unserved_contacts_per_week=unserved.get(a, 0.0),
                )
            )
        pool_rows = []
        for role in scenario.roles:
            p = here.get(role.code)
            if p is None and contact_h.get(role.code, 0.0) == 0:
                continue
            pool_rows.append(
                PoolWorkload(
                    role=role.code,
                    headcount=len(p.people or ()) if p else 0,
                    fte=p.fte if p else 0.0,
                    on_duty_hours_per_week=p.on_duty if p else 0.0,
                    servers_on_duty=p.servers if p else 0.0,
                    contact_hours_per_week=contact_h.get(role.code, 0.0),
                    travel_hours_per_week=travel_h.get(role.code, 0.0),
                    serves_patients=role.code in serving,
                    overtime_hours_per_week=p.overtime if p else 0.0,
                )
            )
        out.append(
            IntWorkload(
                int_code=ic,
                travel_minutes_per_home_visit=travel,
                activities=tuple(activities),
                pools=tuple(pool_rows),
            )
        )
    return tuple(out)
