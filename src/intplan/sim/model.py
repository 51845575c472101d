"""Compile a Scenario into plain arrays so the engine's hot loop never touches dataclasses.

Everything here is picklable (spawned worker processes receive it) and independent of
replication: random draws happen in the engine.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from intplan.demand import hour_of_week_weights, patient_activities, weekly_contacts
from intplan.demand.travel import home_visit_travel_minutes
from intplan.domain import (
    MAX_LEAD_DAYS,
    PATIENCE_LOGNORMAL_CV,
    ActivityKind,
    ArrivalProfile,
    CareSetting,
    DurationDistribution,
    IntplanError,
    Patience,
    Scenario,
    lead_cdf,
)
from intplan.domain.units import MINUTES_PER_DAY, MINUTES_PER_HOUR
from intplan.sim.rotas import even_segments

DIST_FIXED, DIST_EXPONENTIAL, DIST_LOGNORMAL = 0, 1, 2
_DIST = {
    DurationDistribution.FIXED: DIST_FIXED,
    DurationDistribution.EXPONENTIAL: DIST_EXPONENTIAL,
    DurationDistribution.LOGNORMAL: DIST_LOGNORMAL,
}


PATIENCE_NONE, PATIENCE_EXPONENTIAL, PATIENCE_LOGNORMAL = 0, 1, 2
_PATIENCE = {
    Patience.NONE: PATIENCE_NONE,
    Patience.EXPONENTIAL: PATIENCE_EXPONENTIAL,
    Patience.LOGNORMAL: PATIENCE_LOGNORMAL,
}
#: sigma of the lognormal patience (mean 1 before scaling by the activity's mean)
PATIENCE_SIGMA = math.sqrt(math.log1p(PATIENCE_LOGNORMAL_CV**2))


def lead_days(cdf: tuple[float, ...], open_days: tuple[bool, ...], v: float, t: float) -> int:
    """Whole days ahead a request made at ``t`` is booked, for a uniform ``v`` (inverse
    of ``cdf``), moved on to the next day the activity is open: the kernel's rule too."""
    d = 1
    while d < len(cdf) and v >= cdf[d - 1]:
        d += 1
    day = int(t // MINUTES_PER_DAY)
    for _ in range(7):
        if open_days[(day + d) % 7]:
            break
        d += 1
    return d


class SimulationInputError(IntplanError):
    """The scenario or the options cannot be simulated as given."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CompiledModel:
    """Plain-data simulation inputs for a set of INTs (indices are local to ``int_codes``)."""

    int_codes: tuple[str, ...]
    int_seed_index: tuple[int, ...]  # position in scenario.ints: picks the INT's random stream
    activity_codes: tuple[str, ...]
    role_codes: tuple[str, ...]
    weeks: int
    warmup_weeks: int
    demand: NDArray[np.float64]  # expected contacts (INT, activity, week incl. warm-up)
    profiles: NDArray[np.float64]  # (activity, 168) hour-of-week weights
    priority: tuple[int, ...]
    target_minutes: tuple[float, ...]
    escalation_minutes: tuple[float, ...]  # inf = never
    dist_kind: tuple[int, ...]
    dist_sigma: tuple[float, ...]  # lognormal sigma
    contacts_per_episode: tuple[float, ...]
    followup_delay_minutes: tuple[float, ...]
    home: tuple[bool, ...]
    #: per activity: (role, minutes) in preference order
    eligibility: tuple[tuple[tuple[int, float], ...], ...]
    #: per activity: (to activity, cumulative probability, delay minutes, rejection probability)
    referrals: tuple[tuple[tuple[int, float, float, float], ...], ...]
    represent_activity: int  # -1 when the re-presentation activity is not a patient activity
    represent_delay_minutes: float
    integration_level: float
    #: did-not-attend probability per NHS booking category (all 0: off)
    dna_probability: tuple[float, ...]
    dna_represent_probability: float
    dna_represent_delay_minutes: float
    #: per activity: 0 waits as long as it takes, 1 exponential, 2 lognormal patience
    #: (all 0 unless Settings.patience_enabled)
    patience_kind: tuple[int, ...]
    patience_mean_minutes: tuple[float, ...]
    #: per activity: a request not seen this long after asking is turned away (inf: never)
    booking_horizon_minutes: tuple[float, ...]
    #: per activity: share of new episodes booked for a later day on purpose (0: none)
    booked_ahead_share: tuple[float, ...]
    #: per activity: P(lead <= d days) for d = 1 .. MAX_LEAD_DAYS, given booked ahead
    lead_cdf: tuple[tuple[float, ...], ...]
    #: per activity and day of the week (Monday first): its arrival profile has requests
    open_days: tuple[tuple[bool, ...], ...]
    unmet_destinations: tuple[tuple[str, float], ...]  # (destination, share) of those who give up
    travel_minutes: tuple[float, ...]  # per INT, added to each home visit
    neighbours: tuple[tuple[tuple[int, float], ...], ...]  # per INT: (INT, travel minutes)
    cover: bool
    overtime_limit_minutes: float
    staff_int: tuple[int, ...]
    staff_role: tuple[int, ...]
    staff_absence: tuple[float, ...]  # probability a working day is lost to leave/sickness
    staff_segments: tuple[tuple[tuple[int, float, float], ...], ...]  # (day, start, end) minutes
    population: tuple[int, ...]
    pay_cost_gbp: tuple[float, ...]  # per INT, annual pay cost of assigned FTE
    fte: NDArray[np.float64]  # (INT, role) assigned FTE (vacancies excluded)
    meeting_hours_per_week: NDArray[np.float64]  # (INT, role)
    issues: tuple[str, ...]

    @property
    def total_weeks(self) -> int:
        return self.weeks + self.warmup_weeks


def compile_scenario(
    scenario: Scenario,
    *,
    weeks: int,
    warmup_weeks: int,
    int_codes: tuple[str, ...] | None = None,
    cover: bool = True,
) -> CompiledModel:
    """Check the options and turn ``scenario`` into a :class:`CompiledModel`."""
    chosen = _chosen_ints(scenario, weeks, warmup_weeks, int_codes)
    acts = patient_activities(scenario)
    if not acts:
        raise SimulationInputError("the scenario has no patient activities to simulate")
    a_index = {c: k for k, c in enumerate(acts)}
    roles = tuple(r.code for r in scenario.roles)
    r_index = {c: k for k, c in enumerate(roles)}
    settings = scenario.settings
    activity = [scenario.activity_by_code[c] for c in acts]
    elig = _eligibility(scenario, acts, r_index)
    meeting_min = _meeting_minutes(scenario, r_index)
    staff = _staff(scenario, chosen, roles, meeting_min)
    travel = [home_visit_travel_minutes(scenario, c) for c in chosen]
    i_index = {c: k for k, c in enumerate(chosen)}
    nbrs = tuple(
        tuple((i_index[j], m) for j, m in scenario.neighbours(c) if j in i_index) if cover else ()
        for c in chosen
    )
    demand = weekly_contacts(scenario, chosen, acts, weeks=weeks, warmup_weeks=warmup_weeks)
    issues = _coverage_issues(chosen, acts, elig, demand, staff, nbrs, n_r=len(roles))
    issues += _long_contact_issues(scenario, acts, roles, elig, staff, travel)
    all_ints = tuple(i.code for i in scenario.ints)
    return CompiledModel(
        int_codes=chosen,
        int_seed_index=tuple(all_ints.index(c) for c in chosen),
        activity_codes=acts,
        role_codes=roles,
        weeks=weeks,
        warmup_weeks=warmup_weeks,
        demand=demand,
        profiles=np.stack(
            [hour_of_week_weights(scenario.profile_by_code[a.arrival_profile]) for a in activity]
        ),
        priority=tuple(a.priority for a in activity),
        target_minutes=tuple(a.response_target_hours * MINUTES_PER_HOUR for a in activity),
        escalation_minutes=tuple(
            math.inf if a.escalation_hours is None else a.escalation_hours * MINUTES_PER_HOUR
            for a in activity
        ),
        dist_kind=tuple(_DIST[a.duration_distribution] for a in activity),
        dist_sigma=tuple(_lognormal_sigma(a.duration_cv) for a in activity),
        contacts_per_episode=tuple(a.contacts_per_episode for a in activity),
        # assumption: the next contact of an episode is booked one response target later
        followup_delay_minutes=tuple(
            a.followup_interval_hours * MINUTES_PER_HOUR for a in activity
        ),
        home=tuple(a.setting is CareSetting.HOME for a in activity),
        eligibility=elig,
        referrals=_referrals(scenario, acts, a_index),
        represent_activity=a_index.get(settings.represent_activity, -1),
        represent_delay_minutes=settings.represent_delay_hours * MINUTES_PER_HOUR,
        integration_level=settings.integration_level,
        dna_probability=settings.dna_probabilities(),
        dna_represent_probability=settings.dna_represent_probability,
        dna_represent_delay_minutes=settings.dna_represent_delay_hours * MINUTES_PER_HOUR,
        patience_kind=tuple(
            _PATIENCE[a.patience] if settings.patience_enabled else 0 for a in activity
        ),
        patience_mean_minutes=tuple(
            (a.patience_mean_hours or 0.0) * MINUTES_PER_HOUR if settings.patience_enabled else 0.0
            for a in activity
        ),
        booking_horizon_minutes=tuple(
            a.booking_horizon_days * MINUTES_PER_DAY
            if settings.booking_horizon_enabled and a.booking_horizon_days is not None
            else math.inf
            for a in activity
        ),
        booked_ahead_share=tuple(
            (a.booked_ahead_share or 0.0) if a.books_ahead else 0.0 for a in activity
        ),
        lead_cdf=tuple(
            lead_cdf(a.booked_ahead_mean_days)
            if a.books_ahead and a.booked_ahead_mean_days is not None
            else (1.0,) * MAX_LEAD_DAYS
            for a in activity
        ),
        open_days=tuple(_open_days(scenario.profile_by_code[a.arrival_profile]) for a in activity),
        unmet_destinations=tuple(settings.unmet_destination_shares().items()),
        travel_minutes=tuple(travel),
        neighbours=nbrs,
        cover=cover,
        overtime_limit_minutes=settings.overtime_limit_hours_per_day * MINUTES_PER_HOUR,
        staff_int=tuple(staff.int_),
        staff_role=tuple(staff.role),
        staff_absence=tuple(staff.absence),
        staff_segments=tuple(staff.segments),
        population=tuple(scenario.int_population(c) for c in chosen),
        pay_cost_gbp=tuple(staff.cost),
        fte=staff.fte,
        meeting_hours_per_week=staff.fte * meeting_min[None, :] / MINUTES_PER_HOUR,
        issues=tuple(issues),
    )


def _chosen_ints(
    scenario: Scenario, weeks: int, warmup_weeks: int, int_codes: tuple[str, ...] | None
) -> tuple[str, ...]:
    """Check the run's length and the INTs asked for (all when none are)."""
    if isinstance(weeks, bool) or not isinstance(weeks, int) or weeks < 1:
        raise SimulationInputError(f"weeks must be a whole number of at least 1 (got {weeks!r})")
    if isinstance(warmup_weeks, bool) or not isinstance(warmup_weeks, int) or warmup_weeks < 0:
        raise SimulationInputError(f"warm-up weeks must be 0 or more (got {warmup_weeks!r})")
    all_ints = tuple(i.code for i in scenario.ints)
    if not all_ints:
        raise SimulationInputError("the scenario has no INTs to simulate")
    chosen = all_ints if not int_codes else tuple(int_codes)
    unknown = [c for c in chosen if c not in scenario.int_by_code]
    if unknown:
        raise SimulationInputError(
            f"unknown INT(s): {', '.join(unknown)}; known: {', '.join(all_ints)}"
        )
    if len(set(chosen)) != len(chosen):
        raise SimulationInputError("an INT is listed more than once")
    return chosen


def _lognormal_sigma(cv: float) -> float:
    """Sigma of a lognormal with coefficient of variation ``cv``."""
    return math.sqrt(math.log1p(cv * cv))


def _eligibility(
    scenario: Scenario, acts: tuple[str, ...], r_index: dict[str, int]
) -> tuple[tuple[tuple[int, float], ...], ...]:
    """Per activity: (role, minutes) in preference order."""
    elig: list[tuple[tuple[int, float], ...]] = []
    for c in acts:
        rows = sorted(
            (e for e in scenario.eligibilities if e.activity == c),
            key=lambda e: (e.preference, e.role),
        )
        elig.append(tuple((r_index[e.role], e.duration_minutes) for e in rows))
    return tuple(elig)


def _meeting_minutes(scenario: Scenario, r_index: dict[str, int]) -> NDArray[np.float64]:
    """Per role: minutes a week (per FTE) in meetings, taken out of its clinical time."""
    meeting_min = np.zeros(len(r_index))
    for e in scenario.eligibilities:
        if scenario.activity_by_code[e.activity].kind is ActivityKind.MEETING:
            meeting_min[r_index[e.role]] += e.duration_minutes
    return meeting_min


def _referrals(
    scenario: Scenario, acts: tuple[str, ...], a_index: dict[str, int]
) -> tuple[tuple[tuple[int, float, float, float], ...], ...]:
    """Per activity: (to activity, cumulative probability, delay minutes, rejection
    probability), by target activity."""
    refs: list[tuple[tuple[int, float, float, float], ...]] = []
    for c in acts:
        cum = 0.0
        out = []
        for ref in sorted(
            (x for x in scenario.referrals if x.from_activity == c), key=lambda x: x.to_activity
        ):
            if ref.to_activity not in a_index:
                continue  # referrals into meetings are meaningless; validation keeps codes known
            cum += ref.probability
            delay = ref.delay_hours * MINUTES_PER_HOUR
            out.append((a_index[ref.to_activity], cum, delay, ref.rejection_probability))
        if cum > 1.0 + 1e-9:
            raise SimulationInputError(f"referral probabilities from {c} add up to {cum:.3f} (> 1)")
        refs.append(tuple(out))
    return tuple(refs)


@dataclass(frozen=True, slots=True)
class _Staff:
    """The simulated staff: one individual per (person, INT share) with their shifts, and
    per INT the assigned FTE and pay cost."""

    int_: list[int]
    role: list[int]
    absence: list[float]  # probability a working day is lost to leave/sickness
    segments: list[tuple[tuple[int, float, float], ...]]  # (day, start, end) minutes
    fte: NDArray[np.float64]  # (INT, role); vacancies give no capacity
    cost: list[float]  # per INT


def _staff(
    scenario: Scenario,
    chosen: tuple[str, ...],
    roles: tuple[str, ...],
    meeting_min: NDArray[np.float64],
) -> _Staff:
    """One individual per (person, INT share), shifts spread evenly over their rota."""
    i_index = {c: k for k, c in enumerate(chosen)}
    r_index = {c: k for k, c in enumerate(roles)}
    fte = np.zeros((len(chosen), len(roles)))
    cost = [0.0] * len(chosen)
    groups: dict[tuple[int, int, str], list[tuple[str, float]]] = {}
    for person in sorted(scenario.staff, key=lambda s: s.id):
        if person.vacant:
            continue
        role = scenario.role_by_code[person.role]
        rota = scenario.rota_of(person)
        for asg in person.assignments:
            if asg.int_code not in i_index:
                continue
            i = i_index[asg.int_code]
            fte[i, r_index[role.code]] += asg.fte
            cost[i] += asg.fte * role.pay_cost_gbp_per_fte
            groups.setdefault((i, r_index[role.code], rota.code), []).append((person.id, asg.fte))
    out = _Staff(int_=[], role=[], absence=[], segments=[], fte=fte, cost=cost)
    for (i, r, rota_code), people in sorted(groups.items()):
        rota = scenario.rota_by_code[rota_code]
        role = scenario.role_by_code[roles[r]]
        open_min = sum(rota.days) * (rota.end_hour - rota.start_hour) * MINUTES_PER_HOUR
        full_week = role.hours_per_fte_week * MINUTES_PER_HOUR  # clinical and meetings
        weekly = [
            min(max(0.0, share * (full_week - meeting_min[r])), open_min) for _pid, share in people
        ]
        for segs in even_segments(rota.days, rota.start_hour, rota.end_hour, weekly):
            if not segs:
                continue
            out.int_.append(i)
            out.role.append(r)
            out.absence.append(1.0 - role.productive_fraction)
            out.segments.append(tuple(segs))
    return out


def _coverage_issues(
    chosen: tuple[str, ...],
    acts: tuple[str, ...],
    elig: tuple[tuple[tuple[int, float], ...], ...],
    demand: NDArray[np.float64],
    staff: _Staff,
    nbrs: tuple[tuple[tuple[int, float], ...], ...],
    *,
    n_r: int,
) -> list[str]:
    """Demand that no staff of its INT may serve, and INTs without staff."""
    issues: list[str] = []
    has_role = np.zeros((len(chosen), n_r), dtype=bool)
    for i, r in zip(staff.int_, staff.role, strict=True):
        has_role[i, r] = True
    for i, c in enumerate(chosen):
        for a, ac in enumerate(acts):
            if demand[i, a].sum() > 0 and not any(has_role[i, r] for r, _ in elig[a]):
                issues.append(
                    f"{c}: {ac} has demand ({demand[i, a].mean():.0f} a week) but no eligible "
                    "staff in this INT; its queue grows"
                    + (" unless adjacent INTs cover it" if nbrs[i] else "")
                )
    if not staff.int_:
        issues.append("no staff are assigned to the chosen INTs (run `intplan map` first?)")
    return issues


def _long_contact_issues(
    scenario: Scenario,
    acts: tuple[str, ...],
    roles: tuple[str, ...],
    elig: tuple[tuple[tuple[int, float], ...], ...],
    staff: _Staff,
    travel: list[float],
) -> list[str]:
    """Contacts longer than any shift plus the overtime limit: they can never start."""
    issues: list[str] = []
    longest = [0.0] * len(roles)
    for r, person_segs in zip(staff.role, staff.segments, strict=True):
        longest[r] = max(longest[r], max(b - a for _, a, b in person_segs))
    otl = scenario.settings.overtime_limit_hours_per_day * MINUTES_PER_HOUR
    for a, ac in enumerate(acts):
        home = scenario.activity_by_code[ac].setting is CareSetting.HOME
        for r, minutes in elig[a]:
            extra = max(travel) if home else 0.0
            if 0 < longest[r] < minutes + extra - otl:
                issues.append(
                    f"{ac} by {roles[r]} takes {minutes + extra:.0f} minutes, longer than any "
                    f"{roles[r]} shift plus the overtime limit; {roles[r]} will do it only "
                    "when a contact runs far below its mean"
                )
    return issues


def _open_days(profile: ArrivalProfile) -> tuple[bool, ...]:
    """Days of the week with requests (every day when the weights never overlap, as
    hour_of_week_weights then spreads requests evenly)."""
    w = hour_of_week_weights(profile).reshape(7, 24).sum(axis=1)
    return tuple(bool(x > 0) for x in w)


def independent_groups(model: CompiledModel, size: int) -> list[tuple[int, ...]]:
    """INTs that can be simulated apart, in runs of up to ``size``: every INT on its own
    when no INT covers another, else one group (cover couples the whole graph)."""
    n = len(model.int_codes)
    if any(model.neighbours):
        return [tuple(range(n))]
    return [tuple(range(g, min(n, g + size))) for g in range(0, n, size)]


def subset(model: CompiledModel, ints: tuple[int, ...]) -> CompiledModel:
    """The model restricted to INTs ``ints`` (which no INT outside covers)."""
    pos = {i: k for k, i in enumerate(ints)}
    staff = [s for s, i in enumerate(model.staff_int) if i in pos]
    idx = list(ints)
    return dataclasses.replace(
        model,
        int_codes=tuple(model.int_codes[i] for i in ints),
        int_seed_index=tuple(model.int_seed_index[i] for i in ints),
        demand=model.demand[idx],
        travel_minutes=tuple(model.travel_minutes[i] for i in ints),
        neighbours=tuple(
            tuple((pos[j], m) for j, m in model.neighbours[i] if j in pos) for i in ints
        ),
        staff_int=tuple(pos[model.staff_int[s]] for s in staff),
        staff_role=tuple(model.staff_role[s] for s in staff),
        staff_absence=tuple(model.staff_absence[s] for s in staff),
        staff_segments=tuple(model.staff_segments[s] for s in staff),
        population=tuple(model.population[i] for i in ints),
        pay_cost_gbp=tuple(model.pay_cost_gbp[i] for i in ints),
        fte=model.fte[idx],
        meeting_hours_per_week=model.meeting_hours_per_week[idx],
    )
