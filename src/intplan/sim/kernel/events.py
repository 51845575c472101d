"""The event loop's first step, one inlined handler per event kind: a contact ends
(:func:`on_service_end`), a booked request falls due (:func:`on_stream_head`), a shift
starts or ends (:func:`on_shift_start`, :func:`on_shift_end`), or a new request arrives
(:func:`new_request`, :func:`booked_ahead`).

Booked requests wait in *streams* (the follow-ups of an activity, the referrals along
one referral route, the re-presentations, the missed contacts booked again, the first
contacts booked ahead by lead): a stream adds a fixed delay to the time its requests
were created, so it is already in time order and only its head sits in the event heap.
"""

from __future__ import annotations

import math

from intplan.domain.units import MINUTES_PER_DAY
from intplan.sim.kernel.draws import duration_factor, low_buffers, uniform
from intplan.sim.kernel.jit import inline
from intplan.sim.kernel.layout import (
    ARRIVE,
    E_F,
    E_IP,
    E_J,
    E_N,
    E_Q,
    E_S,
    E_T,
    E_U,
    FREE_SLOTS,
    HEAP_SIZE,
    REFILL_DUE,
    Arrivals,
    Pool,
    Request,
    State,
    Static,
)
from intplan.sim.kernel.structures import (
    hdown,
    heap_key,
    hpop,
    hpush,
    htake,
    idle_remove,
    next_seq,
    pop,
    push,
)
from intplan.sim.kernel.tally import lead_days


# -- requests into streams --------------------------------------------------------------
@inline
def _add_to_stream(
    c: Static, s: State, p: Pool, st: int,
    due: float, f: float, u: float, j: float, ip: int, n: int, prev: int,
) -> None:  # fmt: skip
    """Book a request into stream ``st``: streams are in time order (each adds a fixed
    delay to now), so only a stream's head sits in the event heap."""
    lst = c.n_i * (c.n_a + 1) + st
    was_empty = s.l_n[lst] == 0
    e = push(s.ints, p.ch_next, s.l_head, s.l_tail, s.l_n, lst)
    seq = next_seq(s.ints)
    ef, ei = p.ef, p.ei
    ef[e, E_T], ef[e, E_F], ef[e, E_U], ef[e, E_J] = due, f, u, j
    ei[e, E_Q], ei[e, E_IP], ei[e, E_N], ei[e, E_S] = seq, ip, n, prev
    if was_empty:
        hpush(s.ints, s.h_t, s.h_q, due, heap_key(seq, ARRIVE, st))


@inline
def _referral(
    c: Static, s: State, t: float, slot: int, i: int, a: int
) -> tuple[int, int, float, int]:
    """After an episode's last contact: its referral (decided once per episode with the
    uniforms its first contact drew), as (activity, priority, due time, stream); -1 none.
    A rejected referral re-presents later, one level more urgent."""
    n_rf = len(c.rf_to)
    u = s.sv_u[slot]
    measured = s.sv_t[slot] >= c.warm_end
    for k in range(c.rf_ptr[a], c.rf_ptr[a + 1]):
        if u < c.rf_cum[k]:
            if measured:
                s.n_ref[i] += 1
            if s.sv_j[slot] < c.rf_rej[k] * c.reject_scale and c.rep_act >= 0:
                if measured:
                    s.n_rej[i] += 1
                rep = c.rep_act
                return rep, max(1, c.prio[rep] - 1), t + c.rep_delay, c.n_a + n_rf
            to = c.rf_to[k]
            return to, c.prio[to], t + c.rf_delay[k] * c.reject_scale, c.n_a + k
    return -1, 0, 0.0, 0


@inline
def _next_contact(
    c: Static, s: State, t: float, slot: int, i: int, a: int, x: int
) -> tuple[int, int, float, int, int, int]:
    """The one new request a contact's end may make: a missed contact booked again (the
    episode waits for it), the episode's next contact (with the same person if free), or
    a referral; as (activity, priority, due time, follow-ups, previous staff, stream),
    activity -1 for none and follow-ups -1 for a new episode."""
    if s.sv_d[slot]:  # missed
        rebooked = s.bu[i, s.bu_pos[i]] < c.dna_rep_p
        s.bu_pos[i] += 1
        if rebooked:
            st = c.n_a + len(c.rf_to) + 1 + a
            return a, s.sv_p[slot], t + c.dna_delay, s.sv_n[slot], -1, st
        return -1, 0, 0.0, -1, -1, 0
    if s.sv_n[slot] > 0:
        return a, s.sv_p[slot], t + c.fu_delay[a], s.sv_n[slot] - 1, x, a
    nb, prio, due, st = _referral(c, s, t, slot, i, a)
    return nb, prio, due, -1, -1, st


@inline
def _book_next(c: Static, s: State, p: Pool, t: float, slot: int, i: int, a: int, x: int) -> None:
    """Book the request a contact's end makes, if any (the slot's fields still hold the
    contact)."""
    nb, prio, due, n_fu, prev, st = _next_contact(c, s, t, slot, i, a, x)
    if nb < 0:
        return
    if n_fu < 0:  # a new episode: its follow-up count and uniforms
        bu, pos = s.bu, s.bu_pos[i]
        fq = c.fu_q[nb]
        n_fu = int(math.log(1.0 - bu[i, pos]) / math.log(fq)) if fq > 0 else 0
        u, j = bu[i, pos + 1], bu[i, pos + 2]
        s.bu_pos[i] += 3
    else:  # the same episode: its uniforms carry on
        u, j = s.sv_u[slot], s.sv_j[slot]
    f = duration_factor(c, s, i, nb)
    _add_to_stream(c, s, p, st, due, f, u, j, i * 8 + prio, n_fu, prev)
    if low_buffers(s, i):
        s.ints[REFILL_DUE] = 1  # this event's start and later arrivals draw


# -- events ---------------------------------------------------------------------------
@inline
def on_service_end(c: Static, s: State, p: Pool, t: float, slot: int) -> int:
    """A contact in ``slot`` ends at ``t`` (the caller checked the buffers): count
    overtime, book what follows, free the slot. Returns the person if still on duty (to
    pull the next request), else -1."""
    htake(s.ints)  # the loop settles the heap after this event
    x = s.sv_w[slot]
    s.cur[x] = -1
    if t > s.shift_end[x] and t >= c.warm_end:
        st, se = s.start_t[x], s.shift_end[x]
        s.ot_min[c.staff_int[x] * c.n_r + c.staff_role[x]] += t - (se if se > st else st)
    # the slot is free before the next request is booked; its fields stay readable
    s.sv_free[s.ints[FREE_SLOTS]] = slot
    s.ints[FREE_SLOTS] += 1
    _book_next(c, s, p, t, slot, s.sv_i[slot], s.sv_a[slot], x)
    if s.on[x]:
        return int(x)
    s.busy[x] = False
    return -1


@inline
def on_stream_head(c: Static, s: State, p: Pool, st: int) -> Request:
    """The request at the head of stream ``st`` is due: take it out; the stream's next
    request takes its place in the heap."""
    lst = c.n_i * (c.n_a + 1) + st
    ei, ef = p.ei, p.ef
    e = s.l_head[lst]
    ip = ei[e, E_IP]
    req = (
        ef[e, E_T], ef[e, E_F], ef[e, E_U], ef[e, E_J],
        ip >> 3, c.st_act[st], ip & 7, ei[e, E_N], ei[e, E_S], st,
    )  # fmt: skip
    nx = pop(s.ints, p.ch_next, s.l_head, s.l_n, ei, lst)
    if nx >= 0:
        key = heap_key(ei[nx, E_Q], ARRIVE, st)
        hdown(s.h_t, s.h_q, s.ints[HEAP_SIZE], ef[nx, E_T], key)
    else:
        hpop(s.ints, s.h_t, s.h_q)
    return req


@inline
def new_request(c: Static, arr: Arrivals, idx: int) -> Request:
    """The week's arrival ``idx``: a new episode's first contact."""
    a = arr.a[idx]
    return (
        arr.t[idx],
        arr.f[idx],
        arr.u[idx],
        arr.j[idx],
        arr.i[idx],
        a,
        c.prio[a],
        arr.n[idx],
        -1,
        -1,
    )


@inline
def booked_ahead(c: Static, s: State, p: Pool, t: float, req: Request) -> bool:
    """Whether a new request is booked for a later day on purpose (Activities
    ``booked_ahead_share``); if so it goes into the stream of its lead in whole days, so
    its booking category is measured from the request like a follow-up's."""
    _, f, u, j, i, a, prio, n, _, _ = req
    if not (c.lead_on and c.lead_share[a] > 0.0):
        return False
    v = uniform(s, i)
    if v >= c.lead_share[a]:
        return False
    lead = lead_days(c.lead_cdf, c.lead_open, a, v / c.lead_share[a], t)
    due = t + lead * MINUTES_PER_DAY  # the stream's delay: its booking is measured from t
    _add_to_stream(c, s, p, c.lead_st[a] + lead - 1, due, f, u, j, i * 8 + prio, n, -1)
    return True


@inline
def _take_over(c: Static, s: State, t: float, x: int) -> bool:
    """At a relay boundary the incoming person ``x`` takes over the contact in hand of
    someone who went off duty at ``t``, so back-to-back shifts never add a hidden server
    (handover)."""
    g = c.staff_int[x] * c.n_r + c.staff_role[x]
    if abs(s.end_time[g] - t) <= 1e-6:
        while s.end_head[g] >= 0:
            o = s.end_head[g]
            s.end_head[g] = s.end_next[o]
            slot = s.cur[o]
            if slot < 0 or s.on[o]:
                continue
            s.cur[o] = -1
            s.busy[o] = False
            s.cur[x] = slot
            s.busy[x] = True
            s.start_t[x] = t
            s.sv_w[slot] = x
            if t >= c.warm_end:
                end_in_shift = min(s.sv_e[slot], s.shift_end[x])
                s.busy_min[g] += max(0.0, end_in_shift - t)
            return True
    return False


@inline
def on_shift_start(c: Static, s: State, t: float, x: int, ends: float) -> int:
    """Person ``x`` comes on duty until ``ends``. Returns them if free to pull a request,
    else -1."""
    s.on[x] = True
    s.shift_end[x] = ends
    if s.busy[x] or _take_over(c, s, t, x):
        return -1
    return x


@inline
def on_shift_end(c: Static, s: State, t: float, x: int) -> None:
    """Person ``x`` goes off duty (unless a later shift already extended theirs); busy,
    they finish the contact in hand or hand it over to the next shift."""
    if s.shift_end[x] <= t:
        s.on[x] = False
        g = c.staff_int[x] * c.n_r + c.staff_role[x]
        if not s.busy[x]:
            idle_remove(s.idle_head, s.idle_tail, s.idle_prev, s.idle_next, s.in_idle, g, x)
        elif abs(s.end_time[g] - t) < 1e-6:
            s.end_next[x] = s.end_head[g]
            s.end_head[g] = x
        else:
            s.end_time[g] = t
            s.end_next[x] = -1
            s.end_head[g] = x
