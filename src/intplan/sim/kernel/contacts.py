"""The event loop's later steps, inlined into :func:`.loop.advance`: a request looks for
a free person or joins its queue (:func:`seek_staff`), a free person pulls the most
urgent, then oldest, request they may do (:func:`pull`), and a contact starts
(:func:`start_contact`).

A request that waits sits in the FIFO list of its INT x queue slot (slot ``a`` =
activity ``a`` at its own priority, slot ``n_a`` = re-presentations). It carries the
time it will leave unserved (patience or booking horizon, docs/model.md "Patient
behaviour") and is dropped when it reaches its queue's head after that time. A contact
in progress lives in a *slot* (one per staff member at most).
"""

from __future__ import annotations

import math

from intplan.sim.kernel.draws import low_buffers, uniform
from intplan.sim.kernel.jit import inline
from intplan.sim.kernel.layout import (
    E_F,
    E_IP,
    E_J,
    E_N,
    E_Q,
    E_S,
    E_T,
    E_U,
    FIRST_6_WEEKS,
    FIRST_18_WEEKS,
    FREE_SLOTS,
    REFILL_DUE,
    SERVICE_END,
    Pool,
    Request,
    State,
    Static,
)
from intplan.sim.kernel.structures import (
    heap_key,
    hpush,
    idle_add,
    idle_remove,
    next_seq,
    push,
    qpop,
)
from intplan.sim.kernel.tally import bucket, escalate, hist_bin, qchange, renege


# -- a request looks for a free person ------------------------------------------------
@inline
def _continuity(
    c: Static, s: State, t: float, i: int, a: int, f: float, tr: float, prev: int
) -> tuple[int, float]:
    """The staff member of the episode's previous contact, if free, on duty, in INT ``i``
    or a neighbour, and able to finish within the overtime limit: (person, minutes), or
    (-1, 0.0)."""
    if prev < 0 or not s.on[prev] or s.busy[prev]:
        return -1, 0.0
    pi = c.staff_int[prev]
    extra = -1.0
    if pi == i:
        extra = 0.0
    else:
        for k in range(c.nb_ptr[i], c.nb_ptr[i + 1]):
            if c.nb_j[k] == pi:
                extra = c.nb_tr[k]
    if extra >= 0.0:
        d = c.dur[a * c.n_r + c.staff_role[prev]] * f + tr + extra
        if t + d <= s.shift_end[prev] + c.otl:
            g = pi * c.n_r + c.staff_role[prev]
            idle_remove(s.idle_head, s.idle_tail, s.idle_prev, s.idle_next, s.in_idle, g, prev)
            return prev, d
    return -1, 0.0


@inline
def _idle_staff(
    c: Static, s: State, t: float, i: int, a: int, f: float, tr: float
) -> tuple[int, float]:
    """The longest-idle person of the most preferred eligible role, in INT ``i`` first,
    then its neighbours (cover): (person, minutes with travel), or (-1, 0.0)."""
    nb0 = c.nb_ptr[i]
    for k in range(-1, c.nb_ptr[i + 1] - nb0):
        j = i if k < 0 else c.nb_j[nb0 + k]
        extra = 0.0 if k < 0 else c.nb_tr[nb0 + k]
        for e in range(c.el_ptr[a], c.el_ptr[a + 1]):
            g = j * c.n_r + c.el_role[e]
            x = s.idle_head[g]
            if x >= 0:
                d = c.el_min[e] * f + tr + extra
                if t + d <= s.shift_end[x] + c.otl:
                    idle_remove(s.idle_head, s.idle_tail, s.idle_prev, s.idle_next, s.in_idle, g, x)
                    return x, d
    return -1, 0.0


@inline
def _leaves_at(c: Static, s: State, t: float, i: int, a: int) -> float:
    """When a request of INT ``i`` and activity ``a`` queueing from ``t`` leaves unserved:
    it gives up waiting (patience) or cannot be booked within the horizon; inf: never."""
    gives_up = math.inf
    if c.pat_on:
        pk = c.pat_kind[a]
        if pk == 1:
            gives_up = t - c.pat_mean[a] * math.log(1.0 - s.bu[i, s.bu_pos[i]])
            s.bu_pos[i] += 1
        elif pk == 2:
            sigma = c.pat_sigma
            z = sigma * s.bz[i, s.bz_pos[i]] - 0.5 * sigma * sigma
            gives_up = t + c.pat_mean[a] * math.exp(z)
            s.bz_pos[i] += 1
        if low_buffers(s, i):
            s.ints[REFILL_DUE] = 1
    if c.hz_on and t + c.hz[a] < gives_up:
        gives_up = t + c.hz[a]
    return gives_up


@inline
def _join_queue(c: Static, s: State, p: Pool, t: float, req: Request) -> None:
    """Nobody is free: the request waits at the tail of its queue."""
    r_t, f, u, j, i, a, prio, n, prev, st = req
    q = i * (c.n_a + 1) + (a if prio == c.prio[a] else c.n_a)
    e = push(s.ints, p.ch_next, s.l_head, s.l_tail, s.l_n, q)
    ef, ei = p.ef, p.ei
    ef[e, E_T], ef[e, E_F], ef[e, E_U], ef[e, E_J] = r_t, f, u, j
    ef[e, E_Q] = _leaves_at(c, s, t, i, a)
    ei[e, E_IP], ei[e, E_N], ei[e, E_S] = (st + 1) * 8 + prio, n, prev
    if s.l_n[q] == 1:
        s.q_ht[q] = r_t
    s.qcount[i * c.n_a + a] += 1
    qchange(s.q_len, s.q_last, s.q_area, c.warm_end, i, t, 1)


@inline
def seek_staff(c: Static, s: State, p: Pool, t: float, req: Request) -> tuple[int, float]:
    """A request arrives: continuity first, then its own INT by preference, then cover;
    nobody free, it queues. Returns (person, minutes with travel), or (-1, 0.0)."""
    _, f, _, _, i, a, _, _, prev, _ = req
    if t >= c.warm_end:
        s.n_arr[i * c.n_a + a] += 1
    tr = c.travel[i * c.n_a + a]
    x, d = _continuity(c, s, t, i, a, f, tr, prev)
    if x < 0:
        x, d = _idle_staff(c, s, t, i, a, f, tr)
    if x < 0:
        _join_queue(c, s, p, t, req)
    return x, d


# -- a free person pulls from the queues --------------------------------------------------
@inline
def _drop_unserved(c: Static, s: State, p: Pool, t: float, j: int, qs: int) -> None:
    """Requests at the head of INT ``j``'s queue slot ``qs`` that gave up, were turned
    away or are past their escalation tolerance (off to ED) leave it."""
    q = j * (c.n_a + 1) + qs
    q_ht = s.q_ht
    if c.pat_on or c.hz_on:  # queued requests may leave before being seen
        while q_ht[q] < math.inf:
            left = p.ef[s.l_head[q], E_Q]
            if left < t and left < q_ht[q] + c.slot_esc[qs]:
                renege(c, s, j, c.slot_act[qs], q_ht[q], left, t)
            elif t - q_ht[q] > c.slot_esc[qs]:
                escalate(c, s, j, c.slot_act[qs], q_ht[q], t)
            else:
                break
            qpop(s.ints, p.ch_next, s.l_head, s.l_n, p.ei, p.ef, q_ht, q)
    while t - q_ht[q] > c.slot_esc[qs]:  # past tolerance: off to ED
        escalate(c, s, j, c.slot_act[qs], q_ht[q], t)
        qpop(s.ints, p.ch_next, s.l_head, s.l_n, p.ei, p.ef, q_ht, q)


@inline
def _best_queue(
    c: Static, s: State, p: Pool, t: float, i: int, r: int
) -> tuple[int, int, int, float]:
    """The queue whose head a person of INT ``i`` and role ``r`` serves next: the most
    urgent, then oldest; neighbours' queues only when nothing waits at home. Returns
    (queue, its INT, its slot, travel minutes), queue -1 for none: the INT and slot as
    found, not divided back out of the queue number (an integer division per contact)."""
    n_q = c.n_a + 1
    best_p, best_t, best_q, extra = 99, math.inf, -1, 0.0
    best_j, best_qs = -1, -1
    nb0 = c.nb_ptr[i]
    for k in range(-1, c.nb_ptr[i + 1] - nb0):
        if k == 0 and best_q >= 0:
            break
        j = i if k < 0 else c.nb_j[nb0 + k]
        if s.q_len[j] == 0:
            continue  # nothing queued in INT j (most scans of a quiet INT end here)
        for h in range(c.rs_ptr[r], c.rs_ptr[r + 1]):
            qs = c.rs_slot[h]
            q = j * n_q + qs
            if s.q_ht[q] == math.inf:
                continue  # empty: nothing to drop or serve
            pr = c.slot_prio[qs]
            if pr > best_p:
                break  # slots are sorted by priority
            _drop_unserved(c, s, p, t, j, qs)
            if s.q_ht[q] < math.inf and (pr < best_p or s.q_ht[q] < best_t):
                best_p, best_t, best_q = pr, s.q_ht[q], q
                best_j, best_qs = j, qs
                extra = 0.0 if k < 0 else c.nb_tr[nb0 + k]
    return best_q, best_j, best_qs, extra


@inline
def pull(c: Static, s: State, p: Pool, t: float, x: int, fresh: bool) -> tuple[int, float, Request]:
    """Free, on-duty person ``x`` takes the request they serve next if they can finish it
    within the overtime limit, else goes idle. At the start of their shift (``fresh``) it
    is enough that a contact of the usual length would finish in time: a request drawn
    longer than any shift plus the limit would otherwise wait for ever at the head of its
    queue and hold up everyone behind it. Returns (x, minutes, request), or -1 as the
    person when nothing starts (the request is then unused)."""
    i, r = c.staff_int[x], c.staff_role[x]
    best_q, ri, qs, extra = _best_queue(c, s, p, t, i, r)
    if best_q >= 0:
        ei, ef = p.ei, p.ef
        e = s.l_head[best_q]
        a = c.slot_act[qs]
        usual = c.dur[a * c.n_r + r]  # minutes at the mean duration factor, 1
        rest = c.travel[ri * c.n_a + a] + extra
        d = usual * ef[e, E_F] + rest
        latest = s.shift_end[x] + c.otl
        if t + d <= latest or (fresh and t + usual + rest <= latest):
            ip = ei[e, E_IP]
            req = (
                ef[e, E_T], ef[e, E_F], ef[e, E_U], ef[e, E_J],
                ri, a, ip & 7, ei[e, E_N], ei[e, E_S], (ip >> 3) - 1,
            )  # fmt: skip
            qpop(s.ints, p.ch_next, s.l_head, s.l_n, ei, ef, s.q_ht, best_q)
            s.qcount[ri * c.n_a + a] -= 1
            qchange(s.q_len, s.q_last, s.q_area, c.warm_end, ri, t, -1)
            return x, d, req
    s.busy[x] = False
    idle_add(s.idle_head, s.idle_tail, s.idle_prev, s.idle_next, s.in_idle, i * c.n_r + r, x)
    return -1, 0.0, (0.0, 0.0, 0.0, 0.0, i, 0, 0, 0, -1, -1)


# -- a contact starts -------------------------------------------------------------------
@inline
def _count_wait(
    c: Static, s: State, t: float, x: int, req: Request, booked: float, b: int, missed: bool
) -> None:
    """A measured request starts: its wait, booking category, first-contact wait and
    continuity."""
    r_t, _, _, _, i, a, _, _, prev, st = req
    k = i * c.n_a + a
    w = t - r_t
    s.served[k] += 1
    s.wait_sum[k] += w
    if w <= c.target[a]:
        s.within[k] += 1
    if w > 0:
        s.waited[k] += 1
    s.hist[k, hist_bin(w)] += 1
    if missed:
        s.bk_dna[k, b] += 1
    else:
        s.bk_att[k, b] += 1
    if st < 0 or c.st_first[st]:  # an episode's first contact
        s.fc[k, 0] += 1
        if t - booked <= FIRST_6_WEEKS:
            s.fc[k, 1] += 1
        if t - booked <= FIRST_18_WEEKS:
            s.fc[k, 2] += 1
    if prev >= 0:
        s.fu_total[i] += 1
        if prev == x:
            s.fu_same[i] += 1


@inline
def _count_work(c: Static, s: State, t: float, x: int, d: float, i: int) -> None:
    """Person ``x`` starts a contact of ``d`` minutes for INT ``i`` (measured part): busy
    minutes inside the shift, contacts, cover."""
    si = c.staff_int[x]
    g = si * c.n_r + c.staff_role[x]
    end_in_shift = t + d
    if end_in_shift > s.shift_end[x]:
        end_in_shift = s.shift_end[x]
    if end_in_shift > t:
        s.busy_min[g] += end_in_shift - t
    s.contacts[g] += 1
    if si != i:
        s.cover_contacts[si] += 1


@inline
def start_contact(c: Static, s: State, t: float, x: int, d: float, req: Request) -> None:
    """Person ``x`` starts the request in hand for ``d`` minutes (travel included): its
    booking category (calendar days from request to contact) is counted here, and here
    the patient may not attend (the slot is used either way)."""
    r_t, _, u, j, i, a, prio, n, _, st = req
    ints = s.ints
    ints[FREE_SLOTS] -= 1
    slot = s.sv_free[ints[FREE_SLOTS]]
    s.busy[x] = True
    s.cur[x] = slot
    s.start_t[x] = t
    booked = r_t - c.st_delay[st] if st >= 0 else r_t
    b = bucket(booked, t)
    missed = False
    if c.dna_on:
        missed = uniform(s, i) < c.dna_p[b]
    if r_t >= c.warm_end:
        _count_wait(c, s, t, x, req, booked, b, missed)
    if t >= c.warm_end:
        _count_work(c, s, t, x, d, i)
    s.sv_t[slot], s.sv_u[slot], s.sv_j[slot], s.sv_e[slot] = r_t, u, j, t + d
    s.sv_i[slot], s.sv_a[slot], s.sv_p[slot], s.sv_n[slot], s.sv_w[slot] = i, a, prio, n, x
    s.sv_d[slot] = missed
    hpush(ints, s.h_t, s.h_q, t + d, heap_key(next_seq(ints), SERVICE_END, slot))
