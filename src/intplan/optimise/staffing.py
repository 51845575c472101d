"""The staffing rule: how busy each INT × role pool may be, from a queueing model.

A pool is the role's people in one INT, on the role's rota. While the rota is open it
has ``c`` servers (its mean headcount on duty: on-duty hours ÷ open hours, as in
:mod:`intplan.demand.workload`) and an offered load ``A`` (workload hours ÷ open hours).
Each patient activity the pool serves is one class of a non-preemptive priority M/M/c
queue (:func:`intplan.demand.queueing.priority_tail`): urgent classes jump the queue,
all classes wait for the pool as a whole.

A class meets its target when at least ``service_level`` of the arrivals that *can* be
seen within the response target are (``share ≥ level × reach``). Time only runs for the
queue while the rota is open, so an arrival at hour h of the week has, as its budget,
the rota's open time in the target window after it (:func:`target_windows`); an arrival
whose window holds no time at which the contact can still start (the shift ends before
it fits, with the overtime allowed) is a sure miss: ``reach`` is the share that is not.

Required servers ``c*`` = the fewest that meet every class's target at the *peak-week*
load (the workload model's busiest week per activity), and never fewer than that load.
The LP cannot hold Erlang C, so each pool gets a linear requirement through the origin:
``load ≤ ρ*·c`` with ``ρ* = A/c*`` at the pool's anticipated mean load ``A`` (the
allowed utilisation: about 0.5 for a pool of one or two people, above 0.9 for forty).
A chord through the origin is exact at ``A`` and conservative above it (``c*`` grows
less than linearly with the load), so the optimiser solves, re-linearises at the
plan's loads and solves again (:data:`ROUNDS`), then checks every pool exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray
from scipy.stats import norm

from intplan.demand import hour_of_week_weights
from intplan.demand.queueing import (
    priority_tail,
    required_servers,
    share_within_windows,
    window_capacity_met,
)
from intplan.domain import Rota, Scenario
from intplan.domain.units import MINUTES_PER_HOUR

HOURS_PER_WEEK = 168
MATERIAL_LOAD_ERLANGS = 0.05
#: re-linearisations of the staffing curves at the plan's loads (the first solve counts)
ROUNDS = 5
#: assumption: a pool with less anticipated load is judged at this load (erlangs) or at
#: the flat ceiling × its servers, so an idle pool is not shut out of the plan
MIN_LOAD_ERLANGS = 0.5


@dataclass(frozen=True, slots=True, kw_only=True)
class QueueClass:
    """One activity served by a pool."""

    activity: str
    priority: int
    hours_per_contact: float  # the role's minutes + travel, in hours
    peak_factor: float  # busiest-week contacts ÷ mean contacts
    service_scv: float  # squared coefficient of variation of the contact's duration
    windows: NDArray[np.float64]  # open hours before the target runs out, per arrival hour
    weights: NDArray[np.float64]  # arrival share per hour of the week

    @property
    def reach(self) -> float:
        """Share of arrivals that can be seen within target at all on this rota."""
        return float(self.weights[self.windows > 0].sum())

    @property
    def mean_window(self) -> float:
        """Mean open hours before the target, over arrivals that can make it."""
        ok = self.windows > 0
        w = float(self.weights[ok].sum())
        return float(np.dot(self.weights[ok], self.windows[ok])) / w if w > 0 else 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class PoolCheck:
    """A pool's load, its servers and what the queueing model requires of them."""

    int_code: str
    role: str
    open_hours_per_week: float
    load_erlangs: float  # mean planned load while the rota is open
    servers: float  # mean headcount on duty while open
    servers_required: float  # at the peak-week load
    shares: tuple[tuple[str, float, float], ...]  # (activity, expected share, reach) at mean

    @property
    def allowed_utilisation(self) -> float:
        if self.servers_required <= 0:
            return 1.0
        return min(1.0, self.load_erlangs / self.servers_required)

    @property
    def short(self) -> bool:
        """Fewer servers than required, for a load that matters (≥ 0.05 erlangs: the LP
        may leave slivers of work on a pool, which the simulator's routing ignores)."""
        material = self.load_erlangs >= MATERIAL_LOAD_ERLANGS
        return material and self.servers + 1e-6 < self.servers_required * (1.0 - 1e-3)


def _open_intervals(rota: Rota, shrink_hours: float) -> list[tuple[float, float]]:
    """Start-able intervals (hours from Monday 00:00) over three weeks."""
    out = []
    end = rota.end_hour - shrink_hours
    if end <= rota.start_hour:
        return []
    for day in range(21):
        if rota.days[day % 7]:
            out.append((day * 24.0 + rota.start_hour, day * 24.0 + end))
    return out


@lru_cache(maxsize=4096)
def _windows_cached(rota: Rota, target_hours: float, shrink_hours: float) -> tuple[float, ...]:
    intervals = _open_intervals(rota, shrink_hours)
    weekly = sum(b - a for a, b in intervals) / 3.0
    full_weeks = math.floor(target_hours / HOURS_PER_WEEK)
    rest = target_hours - full_weeks * HOURS_PER_WEEK
    out = []
    for h in range(HOURS_PER_WEEK):
        start = h + 0.5  # arrivals spread over the hour: take its middle
        stop = start + rest
        part = sum(max(0.0, min(b, stop) - max(a, start)) for a, b in intervals)
        out.append(full_weeks * weekly + part)
    return tuple(out)


def target_windows(
    rota: Rota, target_hours: float, contact_hours: float, overtime_hours: float
) -> NDArray[np.float64]:
    """Per hour of the week: the rota's open hours between an arrival in that hour and its
    target, counting only times when a contact of ``contact_hours`` can still start (the
    shift plus ``overtime_hours`` must hold it)."""
    shrink = max(0.0, contact_hours - overtime_hours)
    return np.asarray(
        _windows_cached(rota, round(target_hours, 6), round(shrink, 6)), dtype=np.float64
    )


def needed_share(reach: float, level: float) -> float:
    """The share a class must see within target: the service level, or, on a rota that
    cannot reach it (the optimiser uses such a rota only when no eligible one can), the
    level among the arrivals it can reach."""
    return level if reach >= level else level * reach


def pool_servers_required(
    classes: list[tuple[QueueClass, float]], level: float, day_hours: float, absence: float
) -> float:
    """Fewest servers meeting every class's target; ``classes``: (class, load in erlangs).

    Two conditions per class: the priority M/M/c share seen within target
    (:func:`class_shares`), and the window check
    (:func:`intplan.demand.queueing.window_capacity_met`) on the load of the class and
    every more urgent one, over the class's mean target window."""
    load = sum(a for _, a in classes)
    if load <= 0:
        return 0.0
    service = sum(a * q.hours_per_contact for q, a in classes) / load  # mean hours per contact
    scv = sum(a * q.service_scv for q, a in classes) / load
    by_priority: dict[int, float] = {}
    for q, a in classes:
        by_priority[q.priority] = by_priority.get(q.priority, 0.0) + a
    higher = {p: sum(a for pp, a in by_priority.items() if pp < p) for p in by_priority}
    reach = [(q, needed_share(q.reach, level), q.mean_window) for q, a in classes if a > 0]
    z = float(norm.ppf(level))

    def meets(servers: float) -> bool:
        for q, needed, window in reach:
            own = by_priority[q.priority]
            up_to = higher[q.priority] + own
            if not window_capacity_met(
                servers,
                up_to,
                service_time=service,
                service_scv=scv,
                window=window,
                day_hours=day_hours,
                absence=absence,
                z=z,
            ):
                return False
            p, rate = priority_tail(servers, load, higher[q.priority], own, service)
            if share_within_windows(p, rate, q.windows, q.weights) < needed - 1e-9:
                return False
        return True

    return required_servers(meets, load)


def class_shares(
    classes: list[tuple[QueueClass, float]], servers: float
) -> tuple[tuple[str, float, float], ...]:
    """(activity, expected share seen within target, reach) for a pool of ``servers``."""
    load = sum(a for _, a in classes)
    if load <= 0:
        return ()
    service = sum(a * q.hours_per_contact for q, a in classes) / load
    by_priority: dict[int, float] = {}
    for q, a in classes:
        by_priority[q.priority] = by_priority.get(q.priority, 0.0) + a
    out = []
    for q, a in classes:
        if a <= 0:
            continue
        higher = sum(x for p, x in by_priority.items() if p < q.priority)
        p, rate = priority_tail(servers, load, higher, by_priority[q.priority], service)
        out.append((q.activity, share_within_windows(p, rate, q.windows, q.weights), q.reach))
    return tuple(out)


class StaffingRule:
    """Precomputed queue classes for every INT × role × activity, and the pool checks."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        service_level: float,
        on_duty_hours_per_fte: Mapping[str, float],
        travel_minutes: Mapping[tuple[str, str], float],  # (INT, activity) per contact
        peak_factor: Mapping[tuple[str, str], float],  # (INT, activity)
        flat_ceiling: float,
    ) -> None:
        self.level = service_level
        self.flat_ceiling = flat_ceiling
        self.on_duty = dict(on_duty_hours_per_fte)
        self._rota = {r.code: scenario.rota_by_code[r.rota] for r in scenario.roles}
        self.open_hours = {
            code: sum(rota.days) * max(0.0, rota.end_hour - rota.start_hour)
            for code, rota in self._rota.items()
        }
        # a person's working day is lost with probability 1 − productive fraction, so
        # capacity varies from day to day (window check)
        self._absence = {r.code: 1.0 - r.productive_fraction for r in scenario.roles}
        self._day_hours = {
            code: max(0.0, rota.end_hour - rota.start_hour) for code, rota in self._rota.items()
        }
        overtime = scenario.settings.overtime_limit_hours_per_day
        weights = {
            a.code: hour_of_week_weights(scenario.profile_by_code[a.arrival_profile])
            for a in scenario.activities
        }
        self._classes: dict[tuple[str, str, str], QueueClass] = {}
        self._serves: dict[tuple[str, str], list[str]] = {}
        travel_by_activity: dict[str, list[tuple[str, float]]] = {}
        for (ic, ac), travel in travel_minutes.items():
            travel_by_activity.setdefault(ac, []).append((ic, travel))
        for e in scenario.eligibilities:
            act = scenario.activity_by_code[e.activity]
            if e.role not in self._rota:
                continue
            for ic, travel in travel_by_activity.get(e.activity, ()):
                hours = (e.duration_minutes + travel) / MINUTES_PER_HOUR
                self._classes[(ic, e.role, e.activity)] = QueueClass(
                    activity=e.activity,
                    priority=act.priority,
                    hours_per_contact=hours,
                    peak_factor=peak_factor.get((ic, e.activity), 1.0),
                    service_scv=act.duration_cv**2,
                    windows=target_windows(
                        self._rota[e.role], act.response_target_hours, hours, overtime
                    ),
                    weights=weights[e.activity],
                )
                self._serves.setdefault((ic, e.role), []).append(e.activity)

    def servers(self, role: str, fte: float) -> float:
        """Mean headcount on duty while the role's rota is open, for ``fte``."""
        open_h = self.open_hours[role]
        return fte * self.on_duty[role] / open_h if open_h > 0 else 0.0

    def check(
        self, int_code: str, role: str, hours_by_activity: Mapping[str, float], fte: float
    ) -> PoolCheck:
        """The pool's requirement at the given mean workload (hours a week by activity,
        in the role's own hours, travel included)."""
        open_h = self.open_hours[role]
        classes = [
            (self._classes[(int_code, role, a)], h / open_h)
            for a, h in hours_by_activity.items()
            if h > 0 and open_h > 0 and (int_code, role, a) in self._classes
        ]
        load = sum(x for _, x in classes)
        peak = [(q, x * q.peak_factor) for q, x in classes]
        servers = self.servers(role, fte)
        return PoolCheck(
            int_code=int_code,
            role=role,
            open_hours_per_week=open_h,
            load_erlangs=load,
            servers=servers,
            servers_required=pool_servers_required(
                peak, self.level, self._day_hours[role], self._absence[role]
            ),
            shares=class_shares(classes, servers),
        )

    def allowed_utilisation(
        self, int_code: str, role: str, hours_by_activity: Mapping[str, float], fte: float
    ) -> float:
        """ρ* = A / c* at the anticipated load. An idle pool is judged with an even mix of
        the activities it may serve at :data:`MIN_LOAD_ERLANGS` or the flat ceiling × its
        servers, whichever is more, so that it is not shut out of the plan."""
        open_h = self.open_hours[role]
        if open_h <= 0:
            return self.flat_ceiling
        if sum(hours_by_activity.values()) <= 0:
            mix = self._default_mix(int_code, role)
            if not mix:
                return self.flat_ceiling
            floor = max(MIN_LOAD_ERLANGS, self.flat_ceiling * self.servers(role, fte))
            hours_by_activity = {a: floor * open_h / len(mix) for a in mix}
        c = self.check(int_code, role, hours_by_activity, fte)
        return c.allowed_utilisation if c.servers_required > 0 else self.flat_ceiling

    def _default_mix(self, int_code: str, role: str) -> dict[str, float]:
        """An idle pool's mix: every activity it may serve, equally."""
        return dict.fromkeys(self._serves.get((int_code, role), ()), 1.0)

    def blocked(
        self, roles_by_activity: Mapping[str, tuple[str, ...]]
    ) -> set[tuple[str, str, str]]:
        """(INT, activity, role) the plan must not use: a role whose rota sees fewer than
        the service level of the activity's arrivals within target, while another eligible
        role's rota sees enough."""
        out: set[tuple[str, str, str]] = set()
        ints = {i for i, _ in self._serves}
        for a, roles in roles_by_activity.items():
            for i in ints:
                reach = {r: self.reach(i, r, a) for r in roles}
                if any(x >= self.level for x in reach.values()):
                    out.update((i, a, r) for r, x in reach.items() if x < self.level)
        return out

    def reach(self, int_code: str, role: str, activity: str) -> float:
        q = self._classes.get((int_code, role, activity))
        return q.reach if q is not None else 0.0
