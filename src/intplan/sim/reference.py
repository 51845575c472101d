"""A reference model of the simulation rules: plain SimPy, one process per episode.

The kernel (:mod:`intplan.sim.kernel`) runs the rules of docs/model.md fast, on flat
arrays. This module runs the same rules slowly and plainly so the two can be compared:
a *differential oracle in distribution*. Its random streams differ from the kernel's,
so single runs differ; means over replications must agree within their confidence
intervals (tests/sim/test_reference_model.py). It reads the same :class:`CompiledModel`
and returns the same :class:`ReplicationResult`, so the only difference is the event
engine, not how the scenario is read.

The story of one patient is one generator, :meth:`ReferenceModel.episode`: a first
contact, follow-ups one response target after each other (the same clinician when free),
then at most one referral decided once per episode; a first contact booked ahead on
purpose waits for its day like a referral waits for its delay. Staff are plain state, switched on
and off by one rota process; a free person pulls the most urgent waiting request.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy
from numpy.typing import NDArray

from intplan.domain.units import HOURS_PER_WEEK, MINUTES_PER_DAY, MINUTES_PER_HOUR, MINUTES_PER_WEEK
from intplan.sim.engine import BOOKING_BUCKETS, ReplicationResult, int_seeds
from intplan.sim.kernel import FIRST_6_WEEKS, FIRST_18_WEEKS
from intplan.sim.model import (
    DIST_EXPONENTIAL,
    DIST_LOGNORMAL,
    PATIENCE_EXPONENTIAL,
    PATIENCE_LOGNORMAL,
    PATIENCE_SIGMA,
    CompiledModel,
    lead_days,
)

Process = Generator[simpy.Event, Any, Any]


@dataclass(slots=True, eq=False)
class Request:
    """One contact: waiting for a member of staff, then in someone's hands."""

    i: int  # INT
    a: int  # activity
    priority: int  # 1 = most urgent
    arrived: float  # minutes from the start of the run
    factor: float  # duration factor, mean 1
    previous: int  # who did the episode's previous contact (-1: first contact)
    started: simpy.Event | None = None  # succeeds when a puller takes it from the queue
    server: int = -1  # who has it in hand (changes at a handover)
    ends: float = math.nan
    booked: float = math.nan  # when the request was made (a booked one is due later)
    missed: bool = False  # the patient did not attend (the slot is used all the same)
    first: bool = False  # an episode's first contact (not a follow-up, not booked again)


def booking_bucket(booked: float, t: float) -> int:
    """The NHS booking-lead category (index into BOOKING_BUCKETS) of a contact at ``t``
    requested at ``booked``: calendar days apart, the run starting at midnight."""
    days = math.floor(t / MINUTES_PER_DAY) - math.floor(booked / MINUTES_PER_DAY)
    if days <= 1:
        return max(days, 0)
    return 2 + (days - 1) // 7 if days <= 28 else 6


class ReferenceModel:
    """One replication of a compiled model (``seeds``: one SeedSequence per INT)."""

    def __init__(self, m: CompiledModel, seeds: list[np.random.SeedSequence]) -> None:
        self.m = m
        self.env = simpy.Environment()
        n_i, n_a, n_r = len(m.int_codes), len(m.activity_codes), len(m.role_codes)
        n_s = len(m.staff_int)
        self.n_i, self.n_a, self.n_r = n_i, n_a, n_r
        self.warm_end = m.warmup_weeks * MINUTES_PER_WEEK
        # per INT: arrivals, absences and everything drawn during the run
        streams = [ss.spawn(3) for ss in seeds]
        self.rng_arrivals = [np.random.default_rng(s[0]) for s in streams]
        rng_absence = [np.random.default_rng(s[1]) for s in streams]
        self.rng = [np.random.default_rng(s[2]) for s in streams]
        # who may do what: minutes per (activity, role); own INT first, then neighbours
        self.minutes = [dict(row) for row in m.eligibility]
        self.reach = [((i, 0.0), *m.neighbours[i]) for i in range(n_i)]
        # staff state
        self.on = [False] * n_s
        self.busy = [False] * n_s
        self.shift_end = [0.0] * n_s
        self.start_t = [0.0] * n_s
        self.in_hand: list[Request | None] = [None] * n_s
        #: free people on duty per (INT, role), in the order they became free
        self.idle: dict[tuple[int, int], dict[int, None]] = {
            (i, r): {} for i in range(n_i) for r in range(n_r)
        }
        #: per (INT, role): who went off duty mid-contact, and when (for handovers)
        self.leavers: dict[tuple[int, int], tuple[float, list[int]]] = {}
        #: waiting requests per INT and (activity, priority), oldest first
        self.queues: list[dict[tuple[int, int], deque[Request]]] = [{} for _ in range(n_i)]
        # counters (measured part of the run)
        self.arrivals = np.zeros((n_i, n_a))
        self.served = np.zeros((n_i, n_a))
        self.wait_sum = np.zeros((n_i, n_a))
        self.within = np.zeros((n_i, n_a))
        self.waited = np.zeros((n_i, n_a))
        self.escalated = np.zeros((n_i, n_a))
        self.reneged = np.zeros((n_i, n_a))
        self.turned_away = np.zeros((n_i, n_a))
        self.waiting = np.zeros((n_i, n_a))
        self.waits: list[list[list[float]]] = [[[] for _ in range(n_a)] for _ in range(n_i)]
        self.attended_by_bucket = np.zeros((n_i, n_a, len(BOOKING_BUCKETS)))
        self.dna_by_bucket = np.zeros((n_i, n_a, len(BOOKING_BUCKETS)))
        #: first contacts: all, within 6 weeks, within 18 weeks of the request
        self.first_contacts = np.zeros((n_i, n_a, 3))
        self.busy_min = np.zeros((n_i, n_r))
        self.overtime = np.zeros((n_i, n_r))
        self.contacts = np.zeros((n_i, n_r))
        self.cover_contacts = np.zeros(n_i)
        self.referrals = np.zeros(n_i)
        self.rejections = np.zeros(n_i)
        self.followups = np.zeros(n_i)
        self.followups_same = np.zeros(n_i)
        self.q_len = [0] * n_i
        self.q_last = [0.0] * n_i
        self.q_area = np.zeros(n_i)
        self.available = np.zeros((m.weeks, n_i, n_r))  # per measured week
        self.weekly: list[tuple[NDArray[np.float64], ...]] = []
        self.env.process(self.rota(self.shifts(rng_absence)))
        for i in range(n_i):
            self.env.process(self.new_episodes(i))

    # -- rotas ---------------------------------------------------------------------
    def shifts(self, rng_absence: list[np.random.Generator]) -> list[tuple[float, int, int, float]]:
        """Every shift of the run as (time, 0 = end / 1 = start, person, shift end).

        A person's rota segments repeat weekly; a working day is lost to leave or sickness
        with the role's absence probability; back-to-back pieces join into one shift."""
        m = self.m
        days = m.total_weeks * 7
        absent = np.zeros((len(m.staff_int), days), dtype=bool)
        for i in range(self.n_i):
            people = [x for x, j in enumerate(m.staff_int) if j == i]
            p = np.asarray([m.staff_absence[x] for x in people])
            absent[people] = rng_absence[i].random((len(people), days)) < p[:, None]
        events: list[tuple[float, int, int, float]] = []
        for x, segments in enumerate(m.staff_segments):
            i, r = m.staff_int[x], m.staff_role[x]
            chains: list[list[float]] = []
            for w in range(m.total_weeks):
                for day, a, b in segments:
                    if absent[x, w * 7 + day]:
                        continue
                    if w >= m.warmup_weeks:
                        self.available[w - m.warmup_weeks, i, r] += b - a
                    start, end = w * MINUTES_PER_WEEK + a, w * MINUTES_PER_WEEK + b
                    if chains and abs(chains[-1][1] - start) < 1e-9:
                        chains[-1][1] = end
                    else:
                        chains.append([start, end])
            for start, end in chains:
                events += [(start, 1, x, end), (end, 0, x, end)]
        # at the same instant shifts end before others start (a relay's handover)
        return sorted(events)

    def rota(self, events: list[tuple[float, int, int, float]]) -> Process:
        for t, starts, x, end in events:
            if t > self.env.now:
                yield self.env.timeout(t - self.env.now)
            if starts:
                self.shift_starts(x, end)
            else:
                self.shift_ends(x)

    def shift_starts(self, x: int, end: float) -> None:
        self.on[x], self.shift_end[x] = True, end
        if self.busy[x]:  # still finishing a contact from an earlier shift
            return
        group = self.group(x)
        now = self.env.now
        when, leavers = self.leavers.get(group, (math.nan, []))
        while when == now and leavers:
            # a relay: take over the contact someone of the same role and INT left in hand,
            # so back-to-back shifts never add a hidden extra server
            o = leavers.pop()
            req = self.in_hand[o]
            if req is None or self.on[o]:
                continue
            self.in_hand[o], self.busy[o] = None, False
            self.in_hand[x], self.busy[x], self.start_t[x] = req, True, now
            req.server = x
            if now >= self.warm_end:
                self.busy_min[group] += max(0.0, min(req.ends, end) - now)
            return
        self.pull(x, fresh=True)

    def shift_ends(self, x: int) -> None:
        self.on[x] = False
        group = self.group(x)
        if not self.busy[x]:
            self.idle[group].pop(x, None)
            return
        when, leavers = self.leavers.get(group, (math.nan, []))
        if when != self.env.now:
            leavers = []
            self.leavers[group] = (self.env.now, leavers)
        leavers.append(x)

    def group(self, x: int) -> tuple[int, int]:
        return self.m.staff_int[x], self.m.staff_role[x]

    # -- demand and patients -------------------------------------------------------
    def new_episodes(self, i: int) -> Process:
        """INT ``i``'s new episodes: Poisson counts per hour of each week, uniform within
        the hour, at the demand table's contact rate ÷ contacts per episode."""
        m, rng = self.m, self.rng_arrivals[i]
        per_episode = np.asarray(m.contacts_per_episode)[:, None]
        for w in range(m.total_weeks):
            counts = rng.poisson(m.demand[i, :, w, None] / per_episode * m.profiles)
            cells = np.repeat(np.arange(counts.size), counts.ravel())
            times = (
                w * MINUTES_PER_WEEK
                + (cells % HOURS_PER_WEEK + rng.random(cells.size)) * MINUTES_PER_HOUR
            )
            for k in np.argsort(times, kind="stable"):
                yield self.env.timeout(times[k] - self.env.now)
                a = int(cells[k] // HOURS_PER_WEEK)
                self.env.process(self.episode(i, a, m.priority[a], self.booked_ahead(i, a)))

    def booked_ahead(self, i: int, a: int) -> float:
        """Minutes until the day a new episode's first contact is booked for on purpose
        (recall, a day that suits the patient): 0 unless the activity books ahead."""
        m = self.m
        share = m.booked_ahead_share[a]
        if share <= 0:
            return 0.0
        v = float(self.rng[i].random())
        if v >= share:
            return 0.0
        days = lead_days(m.lead_cdf[a], m.open_days[a], v / share, self.env.now)
        return days * MINUTES_PER_DAY

    def episode(self, i: int, a: int, priority: int, delay: float = 0.0) -> Process:
        """One patient's episode: a first contact and a geometric number of follow-ups
        (mean contacts per episode − 1), each booked one response target after the
        previous contact ends; then at most one referral (decided once per episode).
        A missed contact (did not attend) is booked again with a probability, the episode
        carrying on from it, or ends the episode."""
        m, rng = self.m, self.rng[i]
        booked = self.env.now
        if delay > 0:
            yield self.env.timeout(delay)
        c = m.contacts_per_episode[a]
        followups = int(rng.geometric(1.0 / c)) - 1 if c > 1 else 0
        previous = -1
        req = None
        k = 0
        first = True  # the episode's first contact; a missed one booked again is not
        while k <= followups:
            req = self.new_request(i, a, priority, previous)
            req.booked = booked
            req.first, first = first, False
            if not (yield from self.contact(req)):
                return  # escalated to ED, or still waiting at the end: no more contacts
            booked = self.env.now
            if req.missed:
                if rng.random() >= m.dna_represent_probability:
                    return
                previous = -1  # booked again with whoever is free
                yield self.env.timeout(m.dna_represent_delay_minutes)
                continue
            previous = req.server
            k += 1
            if k <= followups:
                yield self.env.timeout(m.followup_delay_minutes[a])
        assert req is not None
        self.refer(req)

    def refer(self, last: Request) -> None:
        """After an episode's last contact: route k with probability p_k (one uniform over
        the cumulative probabilities); a referral is screened out with the rejection
        probability × (1 − integration level) and then re-presents, one level more urgent."""
        m, i, a = self.m, last.i, last.a
        rng = self.rng[i]
        u = rng.random()
        for to, cumulative, delay, rejection in m.referrals[a]:
            if u >= cumulative:
                continue
            measured = last.arrived >= self.warm_end
            self.referrals[i] += measured
            scale = 1.0 - m.integration_level
            rep = m.represent_activity
            if rng.random() < rejection * scale and rep >= 0:
                self.rejections[i] += measured
                urgent = max(1, m.priority[rep] - 1)
                self.env.process(self.episode(i, rep, urgent, m.represent_delay_minutes))
            else:
                self.env.process(self.episode(i, to, m.priority[to], delay * scale))
            return

    def new_request(self, i: int, a: int, priority: int, previous: int) -> Request:
        m, rng = self.m, self.rng[i]
        kind = m.dist_kind[a]
        if kind == DIST_EXPONENTIAL:
            factor = float(rng.exponential())
        elif kind == DIST_LOGNORMAL:
            s = m.dist_sigma[a]
            factor = float(rng.lognormal(-0.5 * s * s, s))
        else:
            factor = 1.0
        now = self.env.now
        return Request(i, a, priority, now, factor, previous, booked=now)

    def contact(self, req: Request) -> Generator[simpy.Event, Any, bool]:
        """Wait for someone, then be seen; or leave first: escalated to ED past the
        tolerance, given up (patience) or turned away (booking horizon), whichever
        comes first. True when seen."""
        env, m = self.env, self.m
        self.arrivals[req.i, req.a] += env.now >= self.warm_end
        found = self.free_person(req)
        if found is not None:
            self.start(req, *found)
        else:
            req.started = env.event()
            self.enqueue(req)
            limits = (
                (m.escalation_minutes[req.a], self.escalated),
                (self.patience(req), self.reneged),
                (m.booking_horizon_minutes[req.a], self.turned_away),
            )
            limit, counter = min(limits, key=lambda x: x[0])
            if math.isinf(limit):
                yield req.started
            else:
                yield req.started | env.timeout(limit)
                if not req.started.triggered:  # left unserved
                    self.dequeue(req)
                    counter[req.i, req.a] += req.arrived >= self.warm_end
                    return False
        yield env.timeout(req.ends - env.now)
        self.finish(req)
        return True

    def patience(self, req: Request) -> float:
        """How long this person waits before giving up (inf: as long as it takes)."""
        m, rng = self.m, self.rng[req.i]
        kind, mean = m.patience_kind[req.a], m.patience_mean_minutes[req.a]
        if kind == PATIENCE_EXPONENTIAL:
            return float(rng.exponential(mean))
        if kind == PATIENCE_LOGNORMAL:
            s = PATIENCE_SIGMA
            return mean * float(rng.lognormal(-0.5 * s * s, s))
        return math.inf

    # -- staff ---------------------------------------------------------------------
    def duration(
        self, req: Request, role: int, extra_travel: float, factor: float | None = None
    ) -> float:
        """Eligibility minutes × the request's factor (or ``factor``: 1 for the usual
        length), plus home-visit and cover travel."""
        m = self.m
        travel = m.travel_minutes[req.i] if m.home[req.a] else 0.0
        f = req.factor if factor is None else factor
        return self.minutes[req.a][role] * f + travel + extra_travel

    def fits(self, x: int, minutes: float) -> bool:
        """Staff take a contact only if it ends within the overtime limit of their shift."""
        return self.env.now + minutes <= self.shift_end[x] + self.m.overtime_limit_minutes

    def free_person(self, req: Request) -> tuple[int, float] | None:
        """The previous clinician if free; else the longest-free person of the preferred
        role, then of the next eligible roles; own INT first, then (cover) neighbours."""
        m = self.m
        x = req.previous
        if x >= 0 and self.on[x] and not self.busy[x]:
            extra = dict(self.reach[req.i]).get(m.staff_int[x])
            if extra is not None:
                d = self.duration(req, m.staff_role[x], extra)
                if self.fits(x, d):
                    return x, d
        for j, extra in self.reach[req.i]:
            for role, _ in m.eligibility[req.a]:
                free = self.idle[j, role]
                if free:
                    x = next(iter(free))  # (only the longest-free one is asked)
                    d = self.duration(req, role, extra)
                    if self.fits(x, d):
                        return x, d
        return None

    def pull(self, x: int, fresh: bool = False) -> None:
        """A free person on duty takes the most urgent, then oldest, request they may do
        from their own INT's queues, else (cover) from adjacent INTs'; or waits idle. At
        the start of a shift (``fresh``) a contact of the usual length need only fit: a
        request drawn longer than any shift would otherwise block its queue for ever."""
        i, role = self.group(x)
        best: tuple[int, float, deque[Request], float] | None = None
        for j, extra in self.reach[i]:
            if j != i and best is not None:
                break  # neighbours' queues only when nothing waits at home
            for (a, priority), queue in self.queues[j].items():
                if queue and role in self.minutes[a]:
                    key = (priority, queue[0].arrived)
                    if best is None or key < best[:2]:
                        best = (*key, queue, extra)
        if best is not None:
            req = best[2][0]
            d = self.duration(req, role, best[3])
            if self.fits(x, d) or (fresh and self.fits(x, self.duration(req, role, best[3], 1.0))):
                self.dequeue(req)
                self.start(req, x, d)
                assert req.started is not None
                req.started.succeed()
                return
        self.busy[x] = False
        self.idle[i, role][x] = None

    def start(self, req: Request, x: int, minutes: float) -> None:
        now = self.env.now
        group = self.group(x)
        self.idle[group].pop(x, None)
        self.busy[x], self.in_hand[x], self.start_t[x] = True, req, now
        req.server, req.ends = x, now + minutes
        i, a = req.i, req.a
        bucket = booking_bucket(req.booked, now)
        if any(self.m.dna_probability):
            req.missed = bool(self.rng[i].random() < self.m.dna_probability[bucket])
        if req.arrived >= self.warm_end:
            wait = now - req.arrived
            self.served[i, a] += 1
            self.wait_sum[i, a] += wait
            self.within[i, a] += wait <= self.m.target_minutes[a]
            self.waited[i, a] += wait > 0
            self.waits[i][a].append(wait)
            (self.dna_by_bucket if req.missed else self.attended_by_bucket)[i, a, bucket] += 1
            if req.first:
                lead = now - req.booked
                self.first_contacts[i, a] += (1, lead <= FIRST_6_WEEKS, lead <= FIRST_18_WEEKS)
            if req.previous >= 0:
                self.followups[i] += 1
                self.followups_same[i] += req.previous == x
        if now >= self.warm_end:
            # utilisation counts the in-shift part of a contact (overtime apart)
            self.busy_min[group] += max(0.0, min(req.ends, self.shift_end[x]) - now)
            self.contacts[group] += 1
            if group[0] != i:
                self.cover_contacts[group[0]] += 1

    def finish(self, req: Request) -> None:
        """The contact ends: its server counts overtime, then pulls the next request."""
        x, now = req.server, self.env.now
        self.in_hand[x] = None
        if now > self.shift_end[x] and now >= self.warm_end:
            self.overtime[self.group(x)] += now - max(self.shift_end[x], self.start_t[x])
        if self.on[x]:
            self.pull(x)
        else:
            self.busy[x] = False

    # -- queues --------------------------------------------------------------------
    def enqueue(self, req: Request) -> None:
        self.queues[req.i].setdefault((req.a, req.priority), deque()).append(req)
        self.waiting[req.i, req.a] += 1
        self.queue_change(req.i, +1)

    def dequeue(self, req: Request) -> None:
        self.queues[req.i][req.a, req.priority].remove(req)  # the head, but for ties
        self.waiting[req.i, req.a] -= 1
        self.queue_change(req.i, -1)

    def queue_change(self, i: int, delta: int) -> None:
        """Keep the time integral of INT ``i``'s queue length over the measured part."""
        now = self.env.now
        if now > self.warm_end:
            self.q_area[i] += self.q_len[i] * (now - max(self.q_last[i], self.warm_end))
        self.q_last[i] = now
        self.q_len[i] += delta

    # -- running and results -------------------------------------------------------
    def run(self, on_week: Callable[[int], None] | None = None) -> ReplicationResult:
        m = self.m
        for w in range(m.total_weeks):
            self.env.run(until=(w + 1) * MINUTES_PER_WEEK)
            if w >= m.warmup_weeks:
                self.weekly.append(
                    tuple(
                        x.copy()
                        for x in (
                            self.arrivals,
                            self.served,
                            self.wait_sum,
                            self.within,
                            self.waiting,
                            self.busy_min,
                        )
                    )
                )
            if on_week is not None:
                on_week(w)
        for i in range(self.n_i):
            self.queue_change(i, 0)
        return self.result()

    def result(self) -> ReplicationResult:
        m = self.m

        def weekly(k: int) -> NDArray[np.float64]:
            """Per-week increments of cumulative counter ``k``, shaped (INT, ·, week)."""
            cum = np.stack([snap[k] for snap in self.weekly], axis=-1)
            return np.diff(cum, axis=-1, prepend=0.0)

        def percentile(q: float) -> NDArray[np.float64]:
            return np.asarray(
                [[np.percentile(w, q) if w else math.nan for w in row] for row in self.waits]
            )

        return ReplicationResult(
            arrivals=self.arrivals,
            served=self.served,
            wait_sum_minutes=self.wait_sum,
            within_target=self.within,
            waited=self.waited,
            escalated=self.escalated,
            reneged=self.reneged,
            turned_away=self.turned_away,
            backlog_end=self.waiting,
            wait_p50_minutes=percentile(50),
            wait_p90_minutes=percentile(90),
            wait_p95_minutes=percentile(95),
            busy_minutes=self.busy_min,
            overtime_minutes=self.overtime,
            available_minutes=self.available.sum(axis=0),
            contacts=self.contacts,
            cover_contacts=self.cover_contacts,
            referrals=self.referrals,
            rejections=self.rejections,
            followups=self.followups,
            followups_same_person=self.followups_same,
            queue_minutes_area=self.q_area,
            measured_minutes=m.weeks * MINUTES_PER_WEEK,
            weekly_arrivals=weekly(0),
            weekly_served=weekly(1),
            weekly_wait_sum_minutes=weekly(2),
            weekly_within_target=weekly(3),
            weekly_backlog=np.stack([snap[4] for snap in self.weekly], axis=-1),
            weekly_busy_minutes=weekly(5),
            weekly_available_minutes=np.moveaxis(self.available, 0, -1),
            attended_by_bucket=self.attended_by_bucket,
            dna_by_bucket=self.dna_by_bucket,
            first_contacts=self.first_contacts,
        )


def run_replication(
    model: CompiledModel,
    replication: np.random.SeedSequence,
    n_scenario_ints: int,
    on_week: Callable[[int], None] | None = None,
) -> ReplicationResult:
    """One replication, as :func:`intplan.sim.engine.run_replication` but in the
    reference model (slow: for audits and tests)."""
    return ReferenceModel(model, int_seeds(model, replication, n_scenario_ints)).run(on_week)
