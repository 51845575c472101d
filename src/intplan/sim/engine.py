"""The discrete-event engine: one replication of a compiled model.

Throughput design (ARCHITECTURE.md "Simulation"): a plain loop drives the calendar week
by week (shifts scheduled, arrivals drawn, cancel checked, weekly series recorded);
inside a week the events run in :mod:`intplan.sim.kernel`, a compiled loop over
flat arrays with one binary heap. Each week's new episodes are drawn per INT from its own
stream (in the kernel); draws made during the run (referrals, follow-ups) come from
per-INT buffers refilled here. There is no generator, Python object or SimPy event per
request.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from intplan.domain.units import MINUTES_PER_DAY, MINUTES_PER_WEEK
from intplan.sim import kernel
from intplan.sim.model import (
    PATIENCE_SIGMA,
    CompiledModel,
    SimulationInputError,
    independent_groups,
    subset,
)

#: NHS England's booking-lead categories ("Appointments in General Practice"): calendar
#: days from request (booking) to contact
BOOKING_BUCKETS: tuple[str, ...] = (
    "same_day",
    "1_day",
    "2_7_days",
    "8_14_days",
    "15_21_days",
    "22_28_days",
    "over_28_days",
)
assert len(BOOKING_BUCKETS) == kernel.N_BUCKETS

#: random draws buffered per INT and stream (refilled between events)
_BUFFER = 16384
#: first size of the request pool in chunks of kernel.CHUNK requests (grows by doubling)
_INITIAL_CHUNKS = 256
#: INTs per engine when INTs are independent (measured: 1 to 4 alike, 52 about 1.6x slower)
_GROUP_INTS = 4


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplicationResult:
    """Raw statistics of one replication over the measured weeks (warm-up deleted)."""

    arrivals: NDArray[np.float64]  # (INT, activity)
    served: NDArray[np.float64]
    wait_sum_minutes: NDArray[np.float64]
    within_target: NDArray[np.float64]
    waited: NDArray[np.float64]  # served after a wait > 0
    escalated: NDArray[np.float64]
    reneged: NDArray[np.float64]  # gave up waiting (patience)
    turned_away: NDArray[np.float64]  # not seen within the booking horizon
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
    #: (INT, activity, booking category) attended contacts by calendar days from request
    #: (booking) to contact, in kernel.N_BUCKETS NHS categories (BOOKING_BUCKETS)
    attended_by_bucket: NDArray[np.float64]
    #: (INT, activity, booking category) contacts the patient did not attend
    dna_by_bucket: NDArray[np.float64]
    #: (INT, activity, 3) first contacts of an episode (not follow-ups, not missed contacts
    #: booked again), attended or not: all, within 6 weeks and within 18 weeks of the request
    first_contacts: NDArray[np.float64]


def _csr(rows: list[list[Any]], width: int) -> tuple[list[int], list[list[Any]]]:
    """Flatten ragged rows into (pointers, columns): row r is cols[ptr[r]:ptr[r+1]]."""
    ptr = [0]
    cols: list[list[Any]] = [[] for _ in range(width)]
    for row in rows:
        for item in row:
            for c, v in enumerate(item):
                cols[c].append(v)
        ptr.append(ptr[-1] + len(row))
    return ptr, cols


def _i(x: Any) -> NDArray[np.int64]:
    return np.asarray(x, dtype=np.int64)


def _f(x: Any) -> NDArray[np.float64]:
    return np.asarray(x, dtype=np.float64)


def static_arrays(m: CompiledModel) -> kernel.Static:
    """The compiled model as the kernel's flat arrays (absences are added per replication)."""
    n_i, n_a, n_r = len(m.int_codes), len(m.activity_codes), len(m.role_codes)
    slot_prio = [*m.priority, 0]
    if m.represent_activity >= 0:
        slot_prio[n_a] = max(1, m.priority[m.represent_activity] - 1)
    role_slots = []
    for r in range(n_r):
        slots = [a for a in range(n_a) if any(x == r for x, _ in m.eligibility[a])]
        if m.represent_activity in slots:
            slots.append(n_a)
        role_slots.append([(q,) for q in sorted(slots, key=lambda q: (slot_prio[q], q))])
    dur = np.zeros((n_a, n_r))
    for a, row in enumerate(m.eligibility):
        for r, minutes in row:
            dur[a, r] = minutes
    seg_ptr, (seg_day, seg_a, seg_b) = _csr([list(x) for x in m.staff_segments], 3)
    rs_ptr, (rs_slot,) = _csr(role_slots, 1)
    el_ptr, (el_role, el_min) = _csr([list(x) for x in m.eligibility], 2)
    nb_ptr, (nb_j, nb_tr) = _csr([list(x) for x in m.neighbours], 2)
    rf_ptr, (rf_to, rf_cum, rf_delay, rf_rej) = _csr([list(x) for x in m.referrals], 4)
    # streams of first contacts booked ahead on purpose: one per (activity, lead in days),
    # after the others, for the activities that book ahead (none: nothing changes)
    lead_st, lead_act, lead_delay = [-1] * n_a, list[int](), list[float]()
    for a in range(n_a):
        if m.booked_ahead_share[a] > 0:
            lead_st[a] = n_a + len(rf_to) + 1 + n_a + len(lead_act)
            lead_act += [a] * kernel.LEAD_STREAMS
            lead_delay += [d * MINUTES_PER_DAY for d in range(1, kernel.LEAD_STREAMS + 1)]
    return kernel.Static(
        n_i=n_i,
        n_a=n_a,
        n_r=n_r,
        warm_end=m.warmup_weeks * MINUTES_PER_WEEK,
        otl=m.overtime_limit_minutes,
        rep_act=m.represent_activity,
        rep_delay=m.represent_delay_minutes,
        reject_scale=1.0 - m.integration_level,
        dna_on=any(p > 0 for p in m.dna_probability),
        dna_p=_f(m.dna_probability),
        dna_rep_p=m.dna_represent_probability,
        dna_delay=m.dna_represent_delay_minutes,
        pat_on=any(k > 0 for k in m.patience_kind),
        pat_kind=_i(m.patience_kind),
        pat_mean=_f(m.patience_mean_minutes),
        pat_sigma=PATIENCE_SIGMA,
        hz_on=any(math.isfinite(h) for h in m.booking_horizon_minutes),
        hz=_f(m.booking_horizon_minutes),
        lead_on=any(x > 0 for x in m.booked_ahead_share),
        lead_share=_f(m.booked_ahead_share),
        lead_cdf=_f(m.lead_cdf).ravel(),
        lead_open=np.asarray(m.open_days, dtype=np.bool_).ravel(),
        lead_st=_i(lead_st),
        staff_int=_i(m.staff_int),
        staff_role=_i(m.staff_role),
        seg_ptr=_i(seg_ptr),
        seg_day=_i(seg_day),
        seg_a=_f(seg_a),
        seg_b=_f(seg_b),
        absent=np.zeros((m.total_weeks * 7 + 7, len(m.staff_int)), dtype=np.bool_),
        prio=_i(m.priority),
        slot_prio=_i(slot_prio),
        slot_act=_i([*range(n_a), max(m.represent_activity, 0)]),
        slot_esc=_f(
            [
                *m.escalation_minutes,
                m.escalation_minutes[m.represent_activity]
                if m.represent_activity >= 0
                else math.inf,
            ]
        ),
        # streams of booked arrivals: follow-ups per activity, referrals per route,
        # re-presentations, missed contacts booked again per activity, then first
        # contacts booked ahead
        st_act=_i([*range(n_a), *rf_to, max(m.represent_activity, 0), *range(n_a), *lead_act]),
        st_delay=_f(
            [
                *m.followup_delay_minutes,
                *(d * (1.0 - m.integration_level) for d in rf_delay),
                m.represent_delay_minutes,
                *[m.dna_represent_delay_minutes] * n_a,
                *lead_delay,
            ]
        ),
        st_first=np.asarray(
            [False] * n_a + [True] * (len(rf_to) + 1) + [False] * n_a + [True] * len(lead_act),
            dtype=np.bool_,
        ),
        rs_ptr=_i(rs_ptr),
        rs_slot=_i(rs_slot),
        dur=dur.ravel(),
        travel=_f(
            [[m.travel_minutes[i] if m.home[a] else 0.0 for a in range(n_a)] for i in range(n_i)]
        ).ravel(),
        esc=_f(m.escalation_minutes),
        target=_f(m.target_minutes),
        el_ptr=_i(el_ptr),
        el_role=_i(el_role),
        el_min=_f(el_min),
        nb_ptr=_i(nb_ptr),
        nb_j=_i(nb_j),
        nb_tr=_f(nb_tr),
        rf_ptr=_i(rf_ptr),
        rf_to=_i(rf_to),
        rf_cum=_f(rf_cum),
        rf_delay=_f(rf_delay),
        rf_rej=_f(rf_rej),
        # geometric follow-ups with mean c - 1
        fu_q=_f([(c - 1.0) / c if c > 1.0 else 0.0 for c in m.contacts_per_episode]),
        fu_delay=_f(m.followup_delay_minutes),
        dist_kind=_i(m.dist_kind),
        dist_sigma=_f(m.dist_sigma),
    )


def _state(c: kernel.Static, n_i: int, n_s: int) -> kernel.State:
    n_a, n_r = c.n_a, c.n_r
    n_k, n_g = n_i * n_a, n_i * n_r
    n_queues, n_streams = n_i * (n_a + 1), len(c.st_act)
    n_lists = n_queues + n_streams
    heap = n_s + n_streams + 8  # contacts in progress and one head per stream
    if max(n_s + 1, n_streams) >= 1 << kernel.HEAP_PAYLOAD_BITS:
        raise SimulationInputError(
            f"{n_s:,} staff or {n_streams:,} referral and follow-up streams in one group of "
            f"INTs: the engine holds at most {(1 << kernel.HEAP_PAYLOAD_BITS) - 2:,} of each"
        )
    ints = np.zeros(kernel.N_INTS, dtype=np.int64)
    ints[kernel.FREE_CHUNK] = -1  # no chunks until the pool is made
    ints[kernel.FREE_SLOTS] = n_s + 1
    longest = int(np.max(np.diff(c.seg_ptr))) if n_s else 0

    def zi(n: int, fill: int = 0) -> NDArray[np.int64]:
        return np.full(n, fill, dtype=np.int64)

    def zf(n: int, fill: float = 0.0) -> NDArray[np.float64]:
        return np.full(n, fill, dtype=np.float64)

    return kernel.State(
        ints=ints,
        carried=zf(n_s, -1.0),
        on=np.zeros(n_s, dtype=np.bool_),
        busy=np.zeros(n_s, dtype=np.bool_),
        shift_end=zf(n_s),
        start_t=zf(n_s),
        cur=zi(n_s, -1),
        idle_head=zi(n_g, -1),
        idle_tail=zi(n_g, -1),
        idle_prev=zi(n_s, -1),
        idle_next=zi(n_s, -1),
        in_idle=np.zeros(n_s, dtype=np.bool_),
        end_time=zf(n_g, -1.0),
        end_head=zi(n_g, -1),
        end_next=zi(n_s, -1),
        l_head=zi(n_lists, -1),
        l_tail=zi(n_lists, -1),
        l_n=zi(n_lists),
        q_ht=zf(n_queues, math.inf),
        qcount=zi(n_k),
        q_len=zi(n_i),
        q_last=zf(n_i),
        q_area=zf(n_i),
        n_arr=zi(n_k),
        n_esc=zi(n_k),
        n_ren=zi(n_k),
        n_turn=zi(n_k),
        served=zi(n_k),
        wait_sum=zf(n_k),
        within=zi(n_k),
        waited=zi(n_k),
        hist=np.zeros((n_k, kernel.HIST_BINS), dtype=np.int32),
        bk_att=np.zeros((n_k, kernel.N_BUCKETS), dtype=np.int64),
        bk_dna=np.zeros((n_k, kernel.N_BUCKETS), dtype=np.int64),
        fc=np.zeros((n_k, 3), dtype=np.int64),
        busy_min=zf(n_g),
        ot_min=zf(n_g),
        avail_min=zf(n_g),
        contacts=zi(n_g),
        cover_contacts=zi(n_i),
        n_ref=zi(n_i),
        n_rej=zi(n_i),
        fu_total=zi(n_i),
        fu_same=zi(n_i),
        bu=np.zeros((n_i, _BUFFER)),
        bu_pos=zi(n_i, _BUFFER),  # empty: filled before the first event
        bz=np.zeros((n_i, _BUFFER)),
        bz_pos=zi(n_i, _BUFFER),
        chain_st=zf(2 * longest + 2),
        chain_en=zf(2 * longest + 2),
        sh_t=zf(4 * len(c.seg_day) + 8),
        sh_q=zi(4 * len(c.seg_day) + 8),
        sh_k=zi(4 * len(c.seg_day) + 8),
        sh_p=zi(4 * len(c.seg_day) + 8),
        sh_x=zf(4 * len(c.seg_day) + 8),
        sv_t=zf(n_s + 1),
        sv_u=zf(n_s + 1),
        sv_j=zf(n_s + 1),
        sv_e=zf(n_s + 1),
        sv_i=zi(n_s + 1),
        sv_a=zi(n_s + 1),
        sv_p=zi(n_s + 1),
        sv_n=zi(n_s + 1),
        sv_w=zi(n_s + 1),
        sv_d=np.zeros(n_s + 1, dtype=np.bool_),
        sv_free=np.arange(n_s + 1, dtype=np.int64),
        h_t=zf(heap),
        h_q=zi(heap),
    )


def _grown_pool(p: kernel.Pool | None, s: kernel.State, chunks: int) -> kernel.Pool:
    """A pool of ``chunks`` chunks (contents kept); the new chunks go on the free list."""
    old = 0 if p is None else len(p.ch_next)
    chunks = max(chunks, old)
    # entries aligned to cache lines: one entry is one line
    raw = np.empty(chunks * kernel.CHUNK * kernel.ENTRY + 8, dtype=np.int64)  # written before read
    skip = (-raw.ctypes.data % 64) // 8
    ei = raw[skip : skip + chunks * kernel.CHUNK * kernel.ENTRY].reshape(-1, kernel.ENTRY)
    ch_next = np.full(chunks, -1, dtype=np.int64)
    if p is not None:
        ei[: len(p.ei)] = p.ei
        ch_next[:old] = p.ch_next
    if chunks > old:
        ch_next[old : chunks - 1] = np.arange(old + 1, chunks)
        ch_next[chunks - 1] = s.ints[kernel.FREE_CHUNK]
        s.ints[kernel.FREE_CHUNK] = old
        s.ints[kernel.N_FREE_CHUNKS] += chunks - old
    return kernel.Pool(ei=ei, ef=ei.view(np.float64), ch_next=ch_next)


@dataclass(frozen=True, slots=True)
class _Group:
    """INTs simulated by one engine: their part of the model and its kernel arrays."""

    ints: tuple[int, ...]  # positions in the whole model
    model: CompiledModel
    static: kernel.Static  # absences all False (drawn per replication)


#: the groups of the model run last, kept (with the model, compared by identity) so each
#: replication of a run reuses them: building them was ~5% of a K&M replication
_last_groups: list[tuple[CompiledModel, tuple[_Group, ...]]] = []


def _groups(model: CompiledModel) -> tuple[_Group, ...]:
    if _last_groups and _last_groups[0][0] is model:
        return _last_groups[0][1]
    subsets = [(g, subset(model, g)) for g in independent_groups(model, _GROUP_INTS)]
    groups = tuple(_Group(g, m, static_arrays(m)) for g, m in subsets)
    _last_groups[:] = [(model, groups)]
    return groups


class _Engine:
    def __init__(
        self,
        m: CompiledModel,
        seeds: list[np.random.SeedSequence],
        static: kernel.Static | None = None,  # static_arrays(m), when already built
    ) -> None:
        self.m = m
        n_i, n_a, n_r = len(m.int_codes), len(m.activity_codes), len(m.role_codes)
        self.n_i, self.n_a, self.n_r = n_i, n_a, n_r
        self.warm_end = m.warmup_weeks * MINUTES_PER_WEEK
        self.end = m.total_weeks * MINUTES_PER_WEEK
        # four streams per INT (arrivals, absences, uniforms and normals drawn during the
        # run), so that changing staff leaves arrivals untouched: common random numbers
        self.rng_arr, self.rng_u, self.rng_z = [], [], []
        rng_abs = []
        for ss in seeds:
            ss_arr, ss_abs, ss_u, ss_z = ss.spawn(4)
            self.rng_arr.append(np.random.default_rng(ss_arr))
            rng_abs.append(np.random.default_rng(ss_abs))
            self.rng_u.append(np.random.default_rng(ss_u))
            self.rng_z.append(np.random.default_rng(ss_z))
        # absences for the whole run, drawn per INT stream (a row per staff member)
        c = static_arrays(m) if static is None else static._replace(absent=static.absent.copy())
        staff_int = c.staff_int
        for i in range(n_i):
            members = np.flatnonzero(staff_int == i)
            p = np.asarray(m.staff_absence)[members]
            draws = rng_abs[i].random((len(members), c.absent.shape[0]))
            c.absent[:, members] = (draws < p[:, None]).T
        self.c = c
        self.s = _state(c, n_i, len(staff_int))
        # shift events not yet due at the end of a week (chains running into the next)
        self.shifts_left = kernel.Shifts(t=np.zeros(0), q=_i([]), k=_i([]), p=_i([]), x=np.zeros(0))
        self.p = _grown_pool(None, self.s, _INITIAL_CHUNKS)
        for i in range(n_i):
            self._refill(i)
        self.weekly: list[tuple[NDArray[Any], ...]] = []
        self.cpe = np.asarray(m.contacts_per_episode)

    def _refill(self, i: int) -> None:
        """Top up INT ``i``'s random buffers, keeping unused draws first: the run consumes
        each stream in order whatever the buffer size."""
        s = self.s
        for buf, pos, draw in (
            (s.bu, s.bu_pos, self.rng_u[i].random),
            (s.bz, s.bz_pos, self.rng_z[i].standard_normal),
        ):
            k = int(pos[i])
            if k:
                row = buf[i]
                row[: len(row) - k] = row[k:]  # numpy handles the overlap
                draw(out=row[len(row) - k :])  # the same draws as draw(k), written in place
                pos[i] = 0

    def _arrivals(self, w: int) -> kernel.Arrivals:
        """Week ``w``'s new episodes, drawn per INT from its own stream, in time order."""
        m = self.m
        w0 = w * MINUTES_PER_WEEK
        parts = [
            kernel.episodes(
                self.rng_arr[i],
                (m.demand[i, :, w] / self.cpe)[:, None] * m.profiles,
                w0,
                self.c.dist_kind,
                self.c.dist_sigma,
                self.c.fu_q,
            )
            for i in range(self.n_i)
        ]
        t = np.concatenate([x[0] for x in parts])
        order = kernel.time_order(t, w0)
        ints = np.repeat(np.arange(self.n_i), [len(x[0]) for x in parts])
        t, a, f, u, j, n = (np.concatenate([x[k] for x in parts])[order] for k in range(6))
        return kernel.Arrivals(t=t, i=ints[order], a=a, f=f, u=u, j=j, n=n)

    def _grow(self) -> None:
        """Double the request pool (the kernel stopped with too few free chunks)."""
        self.p = _grown_pool(self.p, self.s, 2 * len(self.p.ch_next))

    def _shifts(self, w: int) -> kernel.Shifts:
        """This week's shift events merged with last week's leftovers, sorted."""
        w0 = w * MINUTES_PER_WEEK
        n = kernel.begin_week(self.c, self.s, w, w0 >= self.warm_end)
        return kernel.Shifts(*kernel.week_shifts(self.s, n, self.shifts_left, w0))

    def _week(self, w: int) -> None:
        c, s = self.c, self.s
        shifts = self._shifts(w)
        arrivals = self._arrivals(w)
        until = (w + 1) * MINUTES_PER_WEEK
        while True:
            status = kernel.advance(c, s, self.p, shifts, arrivals, until)
            if status == kernel.DONE:
                break
            if status == kernel.GROW:
                self._grow()
            else:
                self._refill(int(s.ints[kernel.REFILL_INT]))
        k = int(s.ints[kernel.SHIFT_IDX])
        self.shifts_left = kernel.Shifts(
            t=shifts.t[k:], q=shifts.q[k:], k=shifts.k[k:], p=shifts.p[k:], x=shifts.x[k:]
        )
        s.ints[kernel.SHIFT_IDX] = 0
        if until > self.warm_end:
            self.weekly.append(
                tuple(
                    x.copy()
                    for x in (
                        s.n_arr,
                        s.served,
                        s.wait_sum,
                        s.within,
                        s.qcount,
                        s.busy_min,
                        s.avail_min,
                    )
                )
            )

    def _result(self) -> ReplicationResult:
        n_i, n_a, n_r = self.n_i, self.n_a, self.n_r
        s = self.s
        kernel.finish(self.c, s, self.p, self.end)
        pct = kernel.percentiles(s.hist, np.array([0.5, 0.9, 0.95]))

        def ia(x: NDArray[Any]) -> NDArray[np.float64]:
            return np.asarray(x, dtype=float).reshape(n_i, n_a)

        def ir(x: NDArray[Any]) -> NDArray[np.float64]:
            return np.asarray(x, dtype=float).reshape(n_i, n_r)

        def series(field: int, width: int) -> NDArray[np.float64]:
            """Per-week increments of a cumulative counter, shaped (INT, ·, week)."""
            cum = np.asarray([x[field] for x in self.weekly], dtype=float)
            shaped = cum.reshape(len(self.weekly), n_i, width)
            out = np.diff(shaped, axis=0, prepend=np.zeros((1, n_i, width)))
            return np.moveaxis(out, 0, -1)

        backlog = np.asarray([x[4] for x in self.weekly], dtype=float)
        # the first measured week's cumulative counters include nothing from warm-up
        return ReplicationResult(
            arrivals=ia(s.n_arr),
            served=ia(s.served),
            wait_sum_minutes=ia(s.wait_sum),
            within_target=ia(s.within),
            waited=ia(s.waited),
            escalated=ia(s.n_esc),
            reneged=ia(s.n_ren),
            turned_away=ia(s.n_turn),
            backlog_end=ia(s.qcount),
            wait_p50_minutes=pct[0].reshape(n_i, n_a),
            wait_p90_minutes=pct[1].reshape(n_i, n_a),
            wait_p95_minutes=pct[2].reshape(n_i, n_a),
            busy_minutes=ir(s.busy_min),
            overtime_minutes=ir(s.ot_min),
            available_minutes=ir(s.avail_min),
            contacts=ir(s.contacts),
            cover_contacts=np.asarray(s.cover_contacts, dtype=float),
            referrals=np.asarray(s.n_ref, dtype=float),
            rejections=np.asarray(s.n_rej, dtype=float),
            followups=np.asarray(s.fu_total, dtype=float),
            followups_same_person=np.asarray(s.fu_same, dtype=float),
            queue_minutes_area=np.asarray(s.q_area, dtype=float),
            measured_minutes=self.end - self.warm_end,
            weekly_arrivals=series(0, n_a),
            weekly_served=series(1, n_a),
            weekly_wait_sum_minutes=series(2, n_a),
            weekly_within_target=series(3, n_a),
            weekly_backlog=np.moveaxis(backlog.reshape(len(self.weekly), n_i, n_a), 0, -1),
            weekly_busy_minutes=series(5, n_r),
            weekly_available_minutes=series(6, n_r),
            attended_by_bucket=np.asarray(s.bk_att, dtype=float).reshape(n_i, n_a, -1),
            dna_by_bucket=np.asarray(s.bk_dna, dtype=float).reshape(n_i, n_a, -1),
            first_contacts=np.asarray(s.fc, dtype=float).reshape(n_i, n_a, 3),
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
    """One replication (a top-level function: spawned worker processes can pickle it).

    INTs that no INT covers are simulated in small groups, one engine each, taking turns
    week by week: the same numbers (each INT has its own random streams) with a working
    set that stays in the processor's cache, about 1.6x faster for a whole ICS.
    """
    seeds = int_seeds(model, replication, n_scenario_ints)
    engines = [_Engine(g.model, [seeds[i] for i in g.ints], g.static) for g in _groups(model)]
    # a plain loop over weeks: the kernel holds every event inside a week, so a SimPy
    # calendar around it would only count weeks (the SimPy model is sim/reference.py)
    for w in range(model.total_weeks):
        for e in engines:
            e._week(w)
        if on_week is not None:
            on_week(w)
    parts = [e._result() for e in engines]
    if len(parts) == 1:
        return parts[0]
    joined: dict[str, Any] = {
        f.name: np.concatenate([getattr(r, f.name) for r in parts])
        for f in dataclasses.fields(ReplicationResult)
        if f.name != "measured_minutes"
    }
    return ReplicationResult(measured_minutes=parts[0].measured_minutes, **joined)


def warm_up(model: CompiledModel) -> None:
    """Compile (first use on this machine, ~20 s) or load (~0.5 s) the kernel here, before
    worker processes start: they then load it from numba's cache instead of each
    compiling it at once."""
    one_week = dataclasses.replace(
        subset(model, (0,)), weeks=1, warmup_weeks=0, demand=model.demand[:1, :, :1]
    )
    run_replication(one_week, np.random.SeedSequence(0), max(model.int_seed_index) + 1)
