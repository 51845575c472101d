"""The discrete-event engine: one replication of a compiled model.

Throughput design (ARCHITECTURE.md "Simulation"): a SimPy ``Environment`` drives the
calendar week by week (arrivals generated, cancel checked, weekly series recorded); inside
a week, primary arrivals come from numpy batches merged with one ``heapq`` of events
(shift start/end, service end, delayed arrivals). There is no generator per request and
no SimPy event per request: measured on this machine a SimPy event costs ~3.6 us against
~1.2 us for a heapq push/pop, and a request needs about two events.
"""

from __future__ import annotations

import heapq
import itertools
import math
from array import array
from collections import deque
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy
from numpy.typing import NDArray

from intplan.sim.model import (
    DIST_EXPONENTIAL,
    DIST_LOGNORMAL,
    MINUTES_PER_WEEK,
    CompiledModel,
)

_SHIFT_START, _SHIFT_END, _SERVICE_END, _ARRIVE = 0, 1, 2, 3
_BUFFER = 2048
# request record fields (a list, mutated in place)
_I, _A, _P, _T, _F, _U, _J, _N, _S, _X, _W, _E = range(12)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplicationResult:
    """Raw statistics of one replication over the measured weeks (warm-up deleted)."""

    arrivals: NDArray[np.float64]  # (INT, activity)
    served: NDArray[np.float64]
    wait_sum_minutes: NDArray[np.float64]
    within_target: NDArray[np.float64]
    waited: NDArray[np.float64]  # served after a wait > 0
    escalated: NDArray[np.float64]
    backlog_end: NDArray[np.float64]
    wait_p50_minutes: NDArray[np.float64]
    wait_p90_minutes: NDArray[np.float64]
    wait_p95_minutes: NDArray[np.float64]
    busy_minutes: NDArray[np.float64]  # (INT, role), in-shift part of contacts
    overtime_minutes: NDArray[np.float64]
    available_minutes: NDArray[np.float64]
    contacts: NDArray[np.float64]  # (INT, role) contacts done by the INT's staff
    cover_contacts: NDArray[np.float64]  # (INT,) contacts done for an adjacent INT
    referrals: NDArray[np.float64]  # (INT,)
    rejections: NDArray[np.float64]
    followups: NDArray[np.float64]
    followups_same_person: NDArray[np.float64]
    queue_minutes_area: NDArray[np.float64]  # (INT,) integral of queue length over time
    measured_minutes: float
    weekly_arrivals: NDArray[np.float64]  # (INT, activity, measured week)
    weekly_served: NDArray[np.float64]
    weekly_wait_sum_minutes: NDArray[np.float64]
    weekly_within_target: NDArray[np.float64]
    weekly_backlog: NDArray[np.float64]
    weekly_busy_minutes: NDArray[np.float64]  # (INT, role, measured week)
    weekly_available_minutes: NDArray[np.float64]


class _Engine:
    def __init__(self, m: CompiledModel, seeds: list[np.random.SeedSequence]) -> None:
        self.m = m
        n_i, n_a, n_r = len(m.int_codes), len(m.activity_codes), len(m.role_codes)
        self.n_i, self.n_a, self.n_r = n_i, n_a, n_r
        self.warm_end = m.warmup_weeks * MINUTES_PER_WEEK
        self.end = m.total_weeks * MINUTES_PER_WEEK
        # three streams per INT (arrivals, absences, draws made during the run), so that
        # changing staff leaves arrivals untouched: common random numbers across scenarios
        self.rng_arr = []
        self.rng_abs = []
        self.rng_dyn = []
        for ss in seeds:
            ss_arr, ss_abs, ss_dyn = ss.spawn(3)
            self.rng_arr.append(np.random.default_rng(ss_arr))
            self.rng_abs.append(np.random.default_rng(ss_abs))
            self.rng_dyn.append(np.random.default_rng(ss_dyn))
        self.buf_u: list[list[float]] = [[] for _ in range(n_i)]
        self.buf_z: list[list[float]] = [[] for _ in range(n_i)]
        # absences for the whole run, per INT stream (row per staff member of that INT)
        n_s = len(m.staff_int)
        self.absent: list[NDArray[np.bool_]] = [np.zeros(0, dtype=bool)] * n_s
        days = m.total_weeks * 7 + 7
        for i in range(n_i):
            members = [s for s in range(n_s) if m.staff_int[s] == i]
            p = np.array([m.staff_absence[s] for s in members])
            draws = self.rng_abs[i].random((len(members), days))
            for row, s in enumerate(members):
                self.absent[s] = draws[row] < p[row]
        self.carried = [-1.0] * n_s
        # dynamic state
        self.heap: list[tuple[float, int, int, Any]] = []
        self.next_seq = itertools.count(1).__next__
        self.on = [False] * n_s
        self.busy = [False] * n_s
        self.shift_end = [0.0] * n_s
        self.start_t = [0.0] * n_s
        self.cur: list[list[Any] | None] = [None] * n_s
        self.idle: list[dict[int, None]] = [{} for _ in range(n_i * n_r)]
        # one FIFO queue per INT x slot: slot a holds activity a at its own priority, slot
        # n_a the re-presentations (one level more urgent). A request sits in one queue;
        # every eligible role looks at it, so nothing is duplicated or lazily deleted.
        self.n_q = n_a + 1
        self.queues: list[deque[list[Any]]] = [deque() for _ in range(n_i * self.n_q)]
        slot_prio = [*m.priority, 0]
        if m.represent_activity >= 0:
            slot_prio[n_a] = max(1, m.priority[m.represent_activity] - 1)
        self.slot_prio = slot_prio
        self.role_slots: list[list[int]] = []
        for r in range(n_r):
            slots = [a for a in range(n_a) if any(x == r for x, _ in m.eligibility[a])]
            if m.represent_activity in slots:
                slots.append(n_a)
            self.role_slots.append(sorted(slots, key=lambda q: (slot_prio[q], q)))
        # busy staff whose shift just ended, per (INT, role): a relay's incoming person
        # takes over their contact (see take_over)
        self.end_time = [-1.0] * (n_i * n_r)
        self.end_list: list[list[int]] = [[] for _ in range(n_i * n_r)]
        self.qcount = [0] * (n_i * n_a)
        self.q_len = [0] * n_i
        self.q_last = [0.0] * n_i
        # statistics (flat lists; k = i * n_a + a, kr = i * n_r + r)
        self.n_arr = [0] * (n_i * n_a)
        self.n_esc = [0] * (n_i * n_a)
        # compact float arrays: a whole ICS-year is ~12m waits per replication
        self.waits: list[array[float]] = [array("d") for _ in range(n_i * n_a)]
        self.busy_min = [0.0] * (n_i * n_r)
        self.ot_min = [0.0] * (n_i * n_r)
        self.avail_min = [0.0] * (n_i * n_r)
        self.contacts = [0] * (n_i * n_r)
        self.cover_contacts = [0] * n_i
        self.n_ref = [0] * n_i
        self.n_rej = [0] * n_i
        self.fu_total = [0] * n_i
        self.fu_same = [0] * n_i
        self.q_area = [0.0] * n_i
        self.weekly: list[tuple[list[int], list[int], list[float], list[int], list[int]]] = []
        self.weekly_role: list[tuple[list[float], list[float]]] = []
        # per-activity constants as locals-friendly lists
        self.dur = [[0.0] * n_r for _ in range(n_a)]
        for act, elig_row in enumerate(m.eligibility):
            for role, minutes in elig_row:
                self.dur[act][role] = minutes
        self.fu_q = [
            (c - 1.0) / c if c > 1.0 else 0.0 for c in m.contacts_per_episode
        ]  # geometric follow-ups with mean c - 1
        self.travel_a = [
            [m.travel_minutes[i] if m.home[a] else 0.0 for a in range(n_a)] for i in range(n_i)
        ]
        self.reject_scale = 1.0 - m.integration_level

    # -- random draws made during the run (referrals, follow-ups) ----------------
    def _u(self, i: int) -> float:
        b = self.buf_u[i]
        if not b:
            b.extend(self.rng_dyn[i].random(_BUFFER).tolist())
            b.reverse()
        return b.pop()

    def _factor(self, i: int, a: int) -> float:
        kind = self.m.dist_kind[a]
        if kind == DIST_EXPONENTIAL:
            return -math.log(1.0 - self._u(i))
        if kind == DIST_LOGNORMAL:
            b = self.buf_z[i]
            if not b:
                b.extend(self.rng_dyn[i].standard_normal(_BUFFER).tolist())
                b.reverse()
            s = self.m.dist_sigma[a]
            return math.exp(s * b.pop() - 0.5 * s * s)
        return 1.0

    def _new_request(
        self, i: int, a: int, prio: int, t: float, followups: int, prev: int
    ) -> list[Any]:
        if followups < 0:
            q = self.fu_q[a]
            u = self._u(i)
            followups = int(math.log(1.0 - u) / math.log(q)) if q > 0 else 0
        return [
            i,
            a,
            prio,
            t,
            self._factor(i, a),
            self._u(i),
            self._u(i),
            followups,
            prev,
            0,
            -1,
            0.0,
        ]

    # -- the week ----------------------------------------------------------------
    def _begin_week(self, w: int) -> tuple[list[Any], ...]:
        m = self.m
        w0 = w * MINUTES_PER_WEEK
        measured = w0 >= self.warm_end
        push = heapq.heappush
        # shifts starting this week (merged with next week's so a 24/7 relay never breaks)
        for s, segs in enumerate(m.staff_segments):
            ab = self.absent[s]
            kr = m.staff_int[s] * self.n_r + m.staff_role[s]
            chain: list[tuple[float, float]] = []
            for wk in (w, w + 1):
                base = wk * MINUTES_PER_WEEK
                for d, a, b in segs:
                    if ab[wk * 7 + d]:
                        continue
                    st, en = base + a, base + b
                    if chain and abs(chain[-1][1] - st) < 1e-9:
                        chain[-1] = (chain[-1][0], en)
                    else:
                        chain.append((st, en))
            for d, a, b in segs:  # availability counts this week's present segments
                if measured and not ab[w * 7 + d]:
                    self.avail_min[kr] += b - a
            for st, en in chain:
                # chains starting next week, or already scheduled last week, are skipped
                if st >= w0 + MINUTES_PER_WEEK or st < w0 or st < self.carried[s] - 1e-9:
                    continue
                push(self.heap, (st, self.next_seq(), _SHIFT_START, (s, en)))
                # negative order: shift ends come first among events at the same time,
                # so the incoming person of a relay can take over the contact in hand
                push(self.heap, (en, -self.next_seq(), _SHIFT_END, s))
                self.carried[s] = en
        # primary arrivals: new episodes, Poisson per hour of the week
        ts, ii, aa, ff, uu, jj, nn = [], [], [], [], [], [], []
        cpe = np.asarray(m.contacts_per_episode)
        kind = np.asarray(m.dist_kind)
        sig = np.asarray(m.dist_sigma)
        fu_q = np.asarray(self.fu_q)
        for i in range(self.n_i):
            rng = self.rng_arr[i]
            lam = (m.demand[i, :, w] / cpe)[:, None] * m.profiles
            counts = rng.poisson(lam).ravel()
            n = int(counts.sum())
            cell = np.repeat(np.arange(counts.size), counts)
            act = cell // 168
            t = w0 + ((cell % 168) + rng.random(n)) * 60.0
            e = rng.standard_exponential(n)
            z = rng.standard_normal(n)
            k = kind[act]
            s_ = sig[act]
            f = np.where(
                k == DIST_EXPONENTIAL,
                e,
                np.where(k == DIST_LOGNORMAL, np.exp(s_ * z - 0.5 * s_ * s_), 1.0),
            )
            u_ref = rng.random(n)
            u_rej = rng.random(n)
            q = fu_q[act]
            u_fu = rng.random(n)
            with np.errstate(divide="ignore", invalid="ignore"):
                nfu = np.where(
                    q > 0, np.floor(np.log1p(-u_fu) / np.log(np.where(q > 0, q, 0.5))), 0
                )
            ts.append(t)
            ii.append(np.full(n, i))
            aa.append(act)
            ff.append(f)
            uu.append(u_ref)
            jj.append(u_rej)
            nn.append(nfu.astype(np.int64))
        t_all = np.concatenate(ts)
        order = np.argsort(t_all, kind="stable")
        return (
            t_all[order].tolist(),
            np.concatenate(ii)[order].tolist(),
            np.concatenate(aa)[order].tolist(),
            np.concatenate(ff)[order].tolist(),
            np.concatenate(uu)[order].tolist(),
            np.concatenate(jj)[order].tolist(),
            np.concatenate(nn)[order].tolist(),
        )

    def _record_week(self) -> None:
        self.weekly.append(
            (
                list(self.n_arr),
                [len(w) for w in self.waits],  # served so far; sums come from the waits
                [],
                [],
                list(self.qcount),
            )
        )
        self.weekly_role.append((list(self.busy_min), list(self.avail_min)))

    # -- the hot loop --------------------------------------------------------------
    def _make_loop(self) -> Callable[[tuple[list[Any], ...], float], None]:
        """Build the event loop as closures over local variables: attribute lookups and
        method calls dominate a pure-Python engine, so the hot path avoids both."""
        m = self.m
        n_r, n_a = self.n_r, self.n_a
        warm_end = self.warm_end
        heap = self.heap
        push, pop = heapq.heappush, heapq.heappop
        next_seq = self.next_seq
        staff_int, staff_role = m.staff_int, m.staff_role
        on, busy, shift_end, start_t, cur = (
            self.on,
            self.busy,
            self.shift_end,
            self.start_t,
            self.cur,
        )
        idle = self.idle
        queues, n_q, slot_prio, role_slots = self.queues, self.n_q, self.slot_prio, self.role_slots
        end_time, end_list = self.end_time, self.end_list
        qcount, q_len, q_last, q_area = self.qcount, self.q_len, self.q_last, self.q_area
        n_arr, n_esc, waits = self.n_arr, self.n_esc, self.waits
        busy_min, ot_min, contacts = self.busy_min, self.ot_min, self.contacts
        cover_contacts, n_ref, n_rej = self.cover_contacts, self.n_ref, self.n_rej
        fu_total, fu_same = self.fu_total, self.fu_same
        dur = [self.dur[a][r] for a in range(n_a) for r in range(n_r)]  # flat [a * n_r + r]
        travel = [x for row in self.travel_a for x in row]  # flat [i * n_a + a]
        esc = m.escalation_minutes
        elig, nbrs, referrals = m.eligibility, m.neighbours, m.referrals
        otl = m.overtime_limit_minutes
        prio = m.priority
        fu_delay = m.followup_delay_minutes
        rep_act, rep_delay = m.represent_activity, m.represent_delay_minutes
        reject_scale = self.reject_scale
        new_request = self._new_request
        nbr_travel = [dict(x) for x in nbrs]

        def qchange(i: int, t: float, delta: int) -> None:
            if t > warm_end:
                lo = q_last[i]
                q_area[i] += q_len[i] * (t - (lo if lo > warm_end else warm_end))
            q_last[i] = t
            q_len[i] += delta

        def escalate(req: list[Any], t: float) -> None:
            i, a = req[_I], req[_A]
            req[_X] = 1
            qchange(i, t, -1)
            left = req[_T] + esc[a]
            over = t - (left if left > warm_end else warm_end)
            if over > 0 and t > warm_end:  # it left the queue at ``left``, not now
                q_area[i] -= over
            qcount[i * n_a + a] -= 1
            if req[_T] >= warm_end:
                n_esc[i * n_a + a] += 1

        def start(s: int, req: list[Any], t: float, d: float) -> None:
            """``s`` starts ``req`` at ``t`` for ``d`` minutes (travel included)."""
            busy[s] = True
            cur[s] = req
            start_t[s] = t
            req[_X] = 1
            if req[_T] >= warm_end:
                i = req[_I]
                # counts, sums and target shares are derived from these at the end
                waits[i * n_a + req[_A]].append(t - req[_T])
                prev = req[_S]
                if prev >= 0:
                    fu_total[i] += 1
                    if prev == s:
                        fu_same[i] += 1
            if t >= warm_end:
                si = staff_int[s]
                kr = si * n_r + staff_role[s]
                end_in_shift = t + d
                if end_in_shift > shift_end[s]:
                    end_in_shift = shift_end[s]
                if end_in_shift > t:
                    busy_min[kr] += end_in_shift - t
                contacts[kr] += 1
                if si != req[_I]:
                    cover_contacts[si] += 1
            req[_W] = s
            req[_E] = t + d
            push(heap, (t + d, next_seq(), _SERVICE_END, req))

        def scan(
            base: int, slots: list[int], t: float, best_p: int, best_t: float
        ) -> tuple[int, float, deque[list[Any]] | None]:
            """The most urgent, then oldest, queue head among ``slots`` of one INT that
            beats (best_p, best_t); heads past their escalation tolerance leave for ED."""
            found: deque[list[Any]] | None = None
            for q in slots:
                p = slot_prio[q]
                if p > best_p:
                    break  # slots are sorted by priority
                dq = queues[base + q]
                while dq:
                    head = dq[0]
                    if t - head[_T] > esc[head[_A]]:
                        dq.popleft()
                        escalate(head, t)
                        continue
                    if p < best_p or head[_T] < best_t:
                        best_p, best_t, found = p, head[_T], dq
                    break
            return best_p, best_t, found

        def pull(s: int, t: float) -> None:
            """``s`` is free and on duty: take the most urgent waiting request it may do."""
            i = staff_int[s]
            r = staff_role[s]
            slots = role_slots[r]
            best_p, best_t, dq = scan(i * n_q, slots, t, 99, math.inf)
            extra = 0.0
            if dq is None and nbrs[i]:
                for j, tr in nbrs[i]:
                    best_p, best_t, cand = scan(j * n_q, slots, t, best_p, best_t)
                    if cand is not None:
                        dq, extra = cand, tr
            if dq is not None:
                req = dq[0]
                ri, a = req[_I], req[_A]
                d = dur[a * n_r + r] * req[_F] + travel[ri * n_a + a] + extra
                if t + d <= shift_end[s] + otl:
                    dq.popleft()
                    qcount[ri * n_a + a] -= 1
                    qchange(ri, t, -1)
                    start(s, req, t, d)
                    return
            busy[s] = False
            idle[i * n_r + r][s] = None

        def arrive(req: list[Any], t: float) -> None:
            i, a = req[_I], req[_A]
            if t >= warm_end:
                n_arr[i * n_a + a] += 1
            f = req[_F]
            tr = travel[i * n_a + a]
            prev = req[_S]
            if prev >= 0 and on[prev] and not busy[prev]:
                pi = staff_int[prev]
                extra = 0.0 if pi == i else nbr_travel[i].get(pi, -1.0)
                if extra >= 0.0:
                    d = dur[a * n_r + staff_role[prev]] * f + tr + extra
                    if t + d <= shift_end[prev] + otl:
                        del idle[pi * n_r + staff_role[prev]][prev]
                        start(prev, req, t, d)
                        return
            row = elig[a]
            for r, minutes in row:
                pool = idle[i * n_r + r]
                if pool:
                    s = next(iter(pool))
                    d = minutes * f + tr
                    if t + d <= shift_end[s] + otl:
                        del pool[s]
                        start(s, req, t, d)
                        return
            for j, extra in nbrs[i]:
                for r, minutes in row:
                    pool = idle[j * n_r + r]
                    if pool:
                        s = next(iter(pool))
                        d = minutes * f + tr + extra
                        if t + d <= shift_end[s] + otl:
                            del pool[s]
                            start(s, req, t, d)
                            return
            queues[i * n_q + (a if req[_P] == prio[a] else n_a)].append(req)
            qcount[i * n_a + a] += 1
            qchange(i, t, 1)

        def take_over(s: int, t: float) -> bool:
            """At a relay boundary the incoming person takes over the contact in hand, so
            back-to-back shifts never add a hidden extra server (24/7 handover)."""
            g = staff_int[s] * n_r + staff_role[s]
            if abs(end_time[g] - t) > 1e-6:
                return False
            waiting = end_list[g]
            while waiting:
                o = waiting.pop()
                req = cur[o]
                if req is None or on[o]:
                    continue
                cur[o] = None
                busy[o] = False
                cur[s] = req
                busy[s] = True
                start_t[s] = t
                req[_W] = s
                if t >= warm_end:
                    end_in_shift = min(req[_E], shift_end[s])
                    busy_min[g] += max(0.0, end_in_shift - t)
                return True
            return False

        def service_end(req: list[Any], t: float) -> None:
            s = req[_W]
            cur[s] = None
            i, a = req[_I], req[_A]
            if t > shift_end[s] and t >= warm_end:
                st = start_t[s]
                ot_min[staff_int[s] * n_r + staff_role[s]] += t - (
                    shift_end[s] if shift_end[s] > st else st
                )
            refs = referrals[a]
            if refs:
                measured = req[_T] >= warm_end
                u = req[_U]
                for b, cum, delay, rej in refs:
                    if u < cum:
                        if measured:
                            n_ref[i] += 1
                        if req[_J] < rej * reject_scale and rep_act >= 0:
                            if measured:
                                n_rej[i] += 1
                            at = t + rep_delay
                            new = new_request(i, rep_act, max(1, prio[rep_act] - 1), at, -1, -1)
                        else:
                            at = t + delay * reject_scale
                            new = new_request(i, b, prio[b], at, -1, -1)
                        push(heap, (at, next_seq(), _ARRIVE, new))
                        break
            if req[_N] > 0:
                at = t + fu_delay[a]
                new = new_request(i, a, req[_P], at, req[_N] - 1, s)
                push(heap, (at, next_seq(), _ARRIVE, new))
            if on[s]:
                pull(s, t)
            else:
                busy[s] = False

        def advance(arrivals: tuple[list[Any], ...], until: float) -> None:
            arr_t, arr_i, arr_a, arr_f, arr_u, arr_j, arr_n = arrivals
            n = len(arr_t)
            idx = 0
            inf = math.inf
            next_arr = arr_t[0] if n else inf
            while True:
                if heap and heap[0][0] <= next_arr:
                    t = heap[0][0]
                    if t >= until:
                        break
                    _, _, kind, payload = pop(heap)
                    if kind == _SERVICE_END:
                        service_end(payload, t)
                    elif kind == _ARRIVE:
                        arrive(payload, t)
                    elif kind == _SHIFT_START:
                        s, en = payload
                        on[s] = True
                        shift_end[s] = en
                        if not busy[s] and not take_over(s, t):
                            pull(s, t)
                    else:
                        s = payload
                        if shift_end[s] <= t:
                            on[s] = False
                            g = staff_int[s] * n_r + staff_role[s]
                            if not busy[s]:
                                idle[g].pop(s, None)
                            elif abs(end_time[g] - t) < 1e-6:
                                end_list[g].append(s)
                            else:
                                end_time[g] = t
                                end_list[g] = [s]
                elif idx < n:
                    t = next_arr
                    a = arr_a[idx]
                    arrive(
                        [arr_i[idx], a, prio[a], t, arr_f[idx], arr_u[idx], arr_j[idx],
                         arr_n[idx], -1, 0, -1, 0.0],
                        t,
                    )  # fmt: skip
                    idx += 1
                    next_arr = arr_t[idx] if idx < n else inf
                else:
                    break

        self._escalate_fn = escalate
        self._qchange_fn = qchange
        return advance

    def run(self, on_week: Callable[[int], None] | None = None) -> ReplicationResult:
        env = simpy.Environment()
        advance = self._make_loop()

        def calendar() -> Generator[Any, Any, None]:
            for w in range(self.m.total_weeks):
                arrivals = self._begin_week(w)
                advance(arrivals, (w + 1) * MINUTES_PER_WEEK)
                if (w + 1) * MINUTES_PER_WEEK > self.warm_end:
                    self._record_week()
                if on_week is not None:
                    on_week(w)
                yield env.timeout(MINUTES_PER_WEEK)

        env.process(calendar())
        env.run()
        return self._result()

    def _result(self) -> ReplicationResult:
        n_i, n_a, n_r = self.n_i, self.n_a, self.n_r
        end = self.end
        for i in range(n_i):
            self._qchange_fn(i, end, 0)
        # requests still queued: escalated if their tolerance has passed, else backlog
        for dq in self.queues:
            for req in list(dq):
                if end - req[_T] > self.m.escalation_minutes[req[_A]]:
                    self._escalate_fn(req, end)

        def ia(x: list[Any]) -> NDArray[np.float64]:
            return np.asarray(x, dtype=float).reshape(n_i, n_a)

        def ir(x: list[Any]) -> NDArray[np.float64]:
            return np.asarray(x, dtype=float).reshape(n_i, n_r)

        pct = np.full((3, n_i * n_a), np.nan)
        wk = self.weekly
        n_w = len(wk)
        # served, wait sums, within-target and waited counts: totals and cumulative values
        # at each week end, from the wait arrays (cheaper than counting in the hot loop)
        served_at = np.asarray([x[1] for x in wk], dtype=np.int64).reshape(n_w, n_i * n_a)
        cum = np.zeros((4, n_w, n_i * n_a))
        total = np.zeros((4, n_i * n_a))
        for k, w in enumerate(self.waits):
            if not w:
                continue
            arr = np.frombuffer(w, dtype=float)
            pct[:, k] = np.percentile(arr, (50, 90, 95))
            target = self.m.target_minutes[k % n_a]
            for f, x in enumerate(
                (np.ones_like(arr), arr, (arr <= target).astype(float), (arr > 0).astype(float))
            ):
                c = np.concatenate(([0.0], np.cumsum(x)))
                cum[f, :, k] = c[served_at[:, k]]
                total[f, k] = c[-1]

        def weekly(values: NDArray[np.float64]) -> NDArray[np.float64]:
            shaped = values.reshape(n_w, n_i, n_a)
            out = np.diff(shaped, axis=0, prepend=np.zeros((1, n_i, n_a)))
            return np.moveaxis(out, 0, -1)

        def role_series(field: int) -> NDArray[np.float64]:
            cum = np.asarray([x[field] for x in self.weekly_role], dtype=float).reshape(
                n_w, n_i, n_r
            )
            out = np.diff(cum, axis=0, prepend=np.zeros((1, n_i, n_r)))
            return np.moveaxis(out, 0, -1)

        backlog = np.moveaxis(
            np.asarray([x[4] for x in wk], dtype=float).reshape(n_w, n_i, n_a), 0, -1
        )
        # the first measured week's cumulative counters include nothing from warm-up
        return ReplicationResult(
            arrivals=ia(self.n_arr),
            served=total[0].reshape(n_i, n_a),
            wait_sum_minutes=total[1].reshape(n_i, n_a),
            within_target=total[2].reshape(n_i, n_a),
            waited=total[3].reshape(n_i, n_a),
            escalated=ia(self.n_esc),
            backlog_end=ia(self.qcount),
            wait_p50_minutes=pct[0].reshape(n_i, n_a),
            wait_p90_minutes=pct[1].reshape(n_i, n_a),
            wait_p95_minutes=pct[2].reshape(n_i, n_a),
            busy_minutes=ir(self.busy_min),
            overtime_minutes=ir(self.ot_min),
            available_minutes=ir(self.avail_min),
            contacts=ir(self.contacts),
            cover_contacts=np.asarray(self.cover_contacts, dtype=float),
            referrals=np.asarray(self.n_ref, dtype=float),
            rejections=np.asarray(self.n_rej, dtype=float),
            followups=np.asarray(self.fu_total, dtype=float),
            followups_same_person=np.asarray(self.fu_same, dtype=float),
            queue_minutes_area=np.asarray(self.q_area, dtype=float),
            measured_minutes=end - self.warm_end,
            weekly_arrivals=weekly(np.asarray([x[0] for x in wk], dtype=float)),
            weekly_served=weekly(cum[0]),
            weekly_wait_sum_minutes=weekly(cum[1]),
            weekly_within_target=weekly(cum[2]),
            weekly_backlog=backlog,
            weekly_busy_minutes=role_series(0),
            weekly_available_minutes=role_series(1),
        )


def int_seeds(
    model: CompiledModel, replication: np.random.SeedSequence, n_scenario_ints: int
) -> list[np.random.SeedSequence]:
    """Sub-streams per INT, picked by the INT's position in the scenario, so an INT's
    results do not depend on which other INTs are simulated with it."""
    children = replication.spawn(n_scenario_ints)
    return [children[k] for k in model.int_seed_index]


def run_replication(
    model: CompiledModel,
    replication: np.random.SeedSequence,
    n_scenario_ints: int,
    on_week: Callable[[int], None] | None = None,
) -> ReplicationResult:
    """One replication (a top-level function: spawned worker processes can pickle it)."""
    return _Engine(model, int_seeds(model, replication, n_scenario_ints)).run(on_week)
