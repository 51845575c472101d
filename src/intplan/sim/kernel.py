"""The engine's compiled inner loop: events inside a week, on flat numpy arrays.

A whole ICS-year is ~14 million contacts per replication and the issue asks for 30
replications in two minutes on two cores, i.e. well under a microsecond per contact. No
pure-Python loop gets there (a heapq push/pop alone costs ~1.2 us here), so the inner loop
is compiled with numba. The Python side (:mod:`intplan.sim.engine`) keeps the SimPy weekly
calendar, draws each week's arrivals in numpy batches, refills the random buffers and turns
the counters into results.

Everything is plain arrays held in three named tuples: :class:`Static` (the compiled
model), :class:`State` (staff, lists, heap, counters; fixed size) and :class:`Pool` (the
request entries, which grow). :func:`advance` runs until the week's end and returns
``DONE``, or stops *between* events with ``GROW`` (the caller enlarges the pool) or
``REFILL`` (an INT's random buffer runs low; ``state.ints[REFILL_INT]`` says which).
Stopping between events keeps the run identical whatever the buffer and pool sizes.

Requests that wait are kept in FIFO lists of 64-entry chunks, one 64-byte entry per
request: one list per INT x queue slot (slot ``a`` = activity ``a`` at its own priority,
slot ``n_a`` = re-presentations) and one per *stream* of booked arrivals (the follow-ups
of an activity, the referrals along one referral route, the re-presentations). A stream
adds a fixed delay to the time its requests were created, so it is already in time order:
only its head sits in the event heap, which therefore holds little more than the contacts
in progress. Entries are read in the order they were written, so the next ones are
prefetched; a backlog of a million requests then costs no more per request than a short
queue. A contact in progress lives in a *slot* (one per staff member at most).
Idle staff of an INT x role are a doubly linked list in the order they became idle.

A first contact booked ahead on purpose (Activities ``booked_ahead_share``) goes, when
its request arrives, into the stream of its lead in whole days, so its booking category
is measured from the request like a follow-up's.

Patient behaviour (docs/model.md, "Patient behaviour"): a contact's booking category
(calendar days from request to contact) is counted where it starts, and there the
patient may not attend (one uniform); a queued request carries the time it will leave
unserved (patience or booking horizon) and is dropped when it reaches its queue's head
after that time. Draws outside a service end set ``REFILL_DUE``, so every event starts
with ``U_MARGIN`` uniforms and ``Z_MARGIN`` normals left in every INT's buffers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar, cast

import numba
import numpy as np
from llvmlite import ir
from numba.core import cgutils as _cgutils
from numba.core import types
from numba.extending import intrinsic
from numpy.typing import NDArray

from intplan.domain import MAX_LEAD_DAYS

F = TypeVar("F", bound=Callable[..., Any])

# cache=True: compiled once per machine, then loaded (spawned workers load, not compile)
_jit = cast(Callable[[F], F], numba.njit(cache=True, nogil=True))
# the event loop runs without numba's reference counting: it allocates nothing, and the
# inlined helpers' array arguments otherwise cost an atomic increment and decrement each
# (measured: a fifth of a replication's time)
_NO_RC: dict[str, Any] = {"_nrt": False}  # numba's own flag, private to its typing stubs
_jit_no_rc = cast(Callable[[F], F], numba.njit(cache=True, nogil=True, **_NO_RC))
_inline = cast(Callable[[F], F], numba.njit(cache=True, nogil=True, inline="always"))

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]

SHIFT_START, SHIFT_END, SERVICE_END, ARRIVE = 0, 1, 2, 3
DONE, GROW, REFILL = 0, 1, 2
# State.ints slots (scalars kept in a small array so they survive between calls)
SEQ, HEAP_SIZE, FREE_CHUNK, N_FREE_CHUNKS, ARR_IDX, REFILL_INT, SHIFT_IDX, FREE_SLOTS = range(8)
#: 1 when a draw outside a service end left some INT's buffers low (refilled before the
#: next event: every event starts with U_MARGIN uniforms and Z_MARGIN normals per INT)
REFILL_DUE = 8
N_INTS = 9
WEEK = 10080.0
#: entries per chunk (a power of two); a chunk is 4 KB, one memory page
CHUNK = 64
#: a list's entries this far ahead of its head are prefetched when the head moves on
AHEAD = 4
# In a queue (not a stream) the sequence word holds the time the request gives up (float
# view; inf: never) and E_IP holds (stream + 1) * 8 + priority: the stream it came from
# (its booking lead), as the queue already says the INT.
# An entry is 8 words, read through an integer and a float view: arrival time, duration
# factor, the episode's referral and rejection uniforms, sequence number (orders a stream's head
# against other events), INT * 8 + priority, follow-ups still to come, and the staff
# member of the previous contact (continuity; -1 none).
E_T, E_F, E_U, E_J, E_Q, E_IP, E_N, E_S = range(8)
ENTRY = 8
#: draws one event may need from its INT's buffers: one new request (a referred or
#: re-presenting episode's follow-up count, referral and rejection uniforms, and a
#: duration factor; a follow-up carries its episode's uniforms) and whether the contact
#: it starts is missed (did not attend)
U_MARGIN, Z_MARGIN = 5, 1
#: wait histogram: bin 0 holds zero waits, then log-spaced bins from HIST_LO minutes
#: (assumption: 1% wide bins, so p50/p90/p95 are within ~0.5% of the exact order statistic)
HIST_BINS = 2048
HIST_LO = 0.01
HIST_RATIO = 1.01
#: booking-lead categories of NHS England's "Appointments in General Practice": calendar
#: days from request (booking) to contact: same day, 1, 2-7, 8-14, 15-21, 22-28, over 28
N_BUCKETS = 7
DAY = 1440.0
#: first contacts of an episode (not follow-ups, not missed contacts booked again) seen
#: within 6 and 18 weeks of the request: NHS Talking Therapies' waiting-time measures
FIRST_6_WEEKS, FIRST_18_WEEKS = 6 * 7 * DAY, 18 * 7 * DAY
#: booking leads of first contacts booked ahead on purpose: 1 .. MAX_LEAD_DAYS days, and
#: up to 6 more when that day is closed; one stream per (activity, lead)
MAX_LEAD = MAX_LEAD_DAYS
LEAD_STREAMS = MAX_LEAD_DAYS + 6
_LOG_LO = math.log(HIST_LO)
_LOG_RATIO = math.log(HIST_RATIO)


cgutils: Any = _cgutils


def _prefetch_typing(typingctx: Any, rows: Any, row: Any) -> Any:
    """Ask the processor to fetch ``rows[row]`` into cache (no effect on results):
    numba has no prefetch of its own, so this emits LLVM's ``llvm.prefetch``."""
    if not isinstance(rows, types.Array):
        return None

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        idx = [args[1]] + [context.get_constant(types.intp, 0)] * (aryty.ndim - 1)
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, idx)
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")
        # read, keep in all cache levels, data cache
        builder.call(fn, [builder.bitcast(ptr, i8p), i32(0), i32(3), i32(1)])
        return context.get_dummy_value()

    return types.void(rows, row), codegen


_prefetch: Any = intrinsic(_prefetch_typing)


class Static(NamedTuple):
    """The compiled model as flat arrays (indices: k = i*n_a + a, g = i*n_r + r)."""

    n_i: int
    n_a: int
    n_r: int
    warm_end: float
    otl: float  # overtime limit, minutes past a shift's end
    rep_act: int  # re-presentation activity, -1 for none
    rep_delay: float
    reject_scale: float  # 1 - integration level
    dna_on: bool  # did-not-attend modelled (some dna_p > 0)
    dna_p: Floats  # did-not-attend probability per booking category
    dna_rep_p: float  # probability a missed contact is booked again
    dna_delay: float  # minutes from the missed contact to the rebooked one
    pat_on: bool  # waiting requests give up (some pat_kind > 0)
    pat_kind: Ints  # per activity: 0 waits as long as it takes, 1 exponential, 2 lognormal
    pat_mean: Floats  # per activity: mean patience, minutes
    pat_sigma: float  # lognormal patience sigma
    hz_on: bool  # some activity has a booking horizon
    hz: Floats  # per activity: turned away if not seen this many minutes after asking
    lead_on: bool  # some activity books first contacts ahead on purpose
    lead_share: Floats  # per activity: share of new episodes booked ahead
    lead_cdf: Floats  # [a*MAX_LEAD + d-1]: P(lead <= d days | booked ahead)
    lead_open: Bools  # [a*7 + day of week]: the activity has requests that day
    lead_st: Ints  # per activity: stream of a 1-day lead (d days: + d - 1), -1 none
    staff_int: Ints
    staff_role: Ints
    seg_ptr: Ints  # staff s's rota segments are seg_ptr[s]:seg_ptr[s+1]
    seg_day: Ints
    seg_a: Floats  # minutes from the week's start
    seg_b: Floats
    absent: Bools  # (day of the run, staff): one week's look-ups stay in a few rows
    prio: Ints  # per activity
    slot_prio: Ints  # per queue slot
    slot_act: Ints  # per queue slot: the activity it holds
    slot_esc: Floats  # per queue slot: escalation tolerance of the activity it holds
    st_act: Ints  # per stream (follow-ups of a, referral route k, re-presentations,
    #               missed contacts of a booked again)
    st_delay: Floats  # per stream: minutes from a request's booking to its due time
    st_first: Bools  # per stream: its requests are an episode's first contact
    rs_ptr: Ints  # role r looks at slots rs_slot[rs_ptr[r]:rs_ptr[r+1]], most urgent first
    rs_slot: Ints
    dur: Floats  # [a*n_r + r] minutes, 0 when not eligible
    travel: Floats  # [i*n_a + a] minutes added to each contact
    esc: Floats  # per activity, inf = never
    target: Floats  # per activity response target, minutes
    el_ptr: Ints  # activity a: (el_role, el_min)[el_ptr[a]:el_ptr[a+1]] by preference
    el_role: Ints
    el_min: Floats
    nb_ptr: Ints  # INT i: neighbours (nb_j, nb_tr)[nb_ptr[i]:nb_ptr[i+1]]
    nb_j: Ints
    nb_tr: Floats
    rf_ptr: Ints  # activity a: referrals (to, cumulative p, delay, rejection p)
    rf_to: Ints
    rf_cum: Floats
    rf_delay: Floats
    rf_rej: Floats
    fu_q: Floats  # geometric follow-up parameter per activity
    fu_delay: Floats
    dist_kind: Ints
    dist_sigma: Floats


class State(NamedTuple):
    """Fixed-size run state and counters."""

    ints: Ints  # scalars, see SEQ..FREE_SLOTS
    carried: Floats  # per staff: end of the last shift chain already scheduled
    on: Bools
    busy: Bools
    shift_end: Floats
    start_t: Floats
    cur: Ints  # slot of the contact in hand, -1 none
    idle_head: Ints  # per group g
    idle_tail: Ints
    idle_prev: Ints  # per staff
    idle_next: Ints
    in_idle: Bools
    end_time: Floats  # per group: when busy staff last went off duty
    end_head: Ints  # per group: stack of those staff (linked through end_next)
    end_next: Ints
    l_head: Ints  # per list (queues INT x slot, then streams): entry at the head
    l_tail: Ints
    l_n: Ints
    q_ht: Floats  # per queue: arrival time of the head (inf: empty)
    qcount: Ints  # per k: queued requests
    q_len: Ints  # per INT
    q_last: Floats
    q_area: Floats
    n_arr: Ints  # per k
    n_esc: Ints
    n_ren: Ints  # per k: requests that gave up waiting (reneged)
    n_turn: Ints  # per k: requests turned away (not seen within the booking horizon)
    served: Ints
    wait_sum: Floats
    within: Ints
    waited: Ints
    hist: NDArray[np.int32]  # (k, HIST_BINS); 32-bit halves its cache footprint
    bk_att: Ints  # (k, N_BUCKETS) attended contacts by booking lead (NHS categories)
    bk_dna: Ints  # (k, N_BUCKETS) missed contacts (did not attend) by booking lead
    fc: Ints  # (k, 3) first contacts: all, within FIRST_6_WEEKS, within FIRST_18_WEEKS
    busy_min: Floats  # per g
    ot_min: Floats
    avail_min: Floats
    contacts: Ints
    cover_contacts: Ints  # per INT
    n_ref: Ints
    n_rej: Ints
    fu_total: Ints
    fu_same: Ints
    bu: Floats  # (INT, buffer) uniforms
    bu_pos: Ints
    bz: Floats  # (INT, buffer) standard normals
    bz_pos: Ints
    chain_st: Floats  # scratch for one staff member's shift chains
    chain_en: Floats
    sh_t: Floats  # scratch: this week's new shift events, unsorted (see begin_week)
    sh_q: Ints
    sh_k: Ints
    sh_p: Ints
    sh_x: Floats
    sv_t: Floats  # per slot (contact in progress): arrival time, uniforms, end
    sv_u: Floats
    sv_j: Floats
    sv_e: Floats
    sv_i: Ints  # INT, activity, priority, follow-ups to come, who serves it
    sv_a: Ints
    sv_p: Ints
    sv_n: Ints
    sv_w: Ints
    sv_d: Bools  # the patient did not attend (the slot is used all the same)
    sv_free: Ints  # stack of free slots (ints[FREE_SLOTS] of them)
    h_t: Floats  # event heap (service ends, stream heads): time, sequence, kind, payload
    h_q: Ints
    h_k: Ints
    h_p: Ints


class Pool(NamedTuple):
    """Request entries in chunks of ``CHUNK``; ``ch_next`` links a list's chunks (and the
    free chunks)."""

    ei: Ints  # (entry, ENTRY): integer view (E_Q, E_IP, E_N, E_S)
    ef: Floats  # float view of the same memory (E_T, E_F, E_U, E_J)
    ch_next: Ints


class Shifts(NamedTuple):
    """Shift starts and ends due from this week on, sorted by (time, sequence)."""

    t: Floats
    q: Ints
    k: Ints
    p: Ints  # staff member
    x: Floats  # a start's shift end


class Arrivals(NamedTuple):
    """One week's primary arrivals, sorted by time."""

    t: Floats
    i: Ints
    a: Ints
    f: Floats
    u: Floats
    j: Floats
    n: Ints


# -- small helpers on plain arrays (inlined: a call passing the state tuples would cost
#    reference counting on every array in them) -----------------------------------
@_inline
def _before(t1: float, q1: int, t2: float, q2: int) -> bool:
    """Event order: by time, then by sequence number. Bitwise, not ``or``/``and``: no
    branches to mispredict (measured: the heap's comparisons were a fifth of advance)."""
    return (t1 < t2) | ((t1 == t2) & (q1 < q2))


@_inline
def _hpush(
    ints: Ints, h_t: Floats, h_q: Ints, h_k: Ints, h_p: Ints,
    t: float, seq: int, kind: int, payload: int,
) -> None:  # fmt: skip
    """Binary-heap insert keyed on (time, sequence), moving parents down into the hole."""
    n = ints[HEAP_SIZE]
    ints[HEAP_SIZE] = n + 1
    while n > 0:
        up = (n - 1) >> 1
        if _before(t, seq, h_t[up], h_q[up]):
            h_t[n], h_q[n], h_k[n], h_p[n] = h_t[up], h_q[up], h_k[up], h_p[up]
            n = up
        else:
            break
    h_t[n], h_q[n], h_k[n], h_p[n] = t, seq, kind, payload


@_inline
def _hdown(
    h_t: Floats, h_q: Ints, h_k: Ints, h_p: Ints, n: int,
    t: float, seq: int, kind: int, payload: int,
) -> None:  # fmt: skip
    """Put an entry at the root of a heap of ``n`` entries and sift it down."""
    k = 0
    while True:
        c = 2 * k + 1
        if c >= n:
            break
        if c + 1 < n and _before(h_t[c + 1], h_q[c + 1], h_t[c], h_q[c]):
            c += 1
        if _before(h_t[c], h_q[c], t, seq):
            h_t[k], h_q[k], h_k[k], h_p[k] = h_t[c], h_q[c], h_k[c], h_p[c]
            k = c
        else:
            break
    h_t[k], h_q[k], h_k[k], h_p[k] = t, seq, kind, payload


@_inline
def _hpop(ints: Ints, h_t: Floats, h_q: Ints, h_k: Ints, h_p: Ints) -> None:
    """Remove the top (the caller has read it)."""
    n = ints[HEAP_SIZE] - 1
    ints[HEAP_SIZE] = n
    if n > 0:
        _hdown(h_t, h_q, h_k, h_p, n, h_t[n], h_q[n], h_k[n], h_p[n])


@_inline
def _next_seq(ints: Ints) -> int:
    ints[SEQ] += 1
    return int(ints[SEQ])


@_inline
def _take_chunk(ints: Ints, ch_next: Ints) -> int:
    ch = ints[FREE_CHUNK]
    ints[FREE_CHUNK] = ch_next[ch]
    ints[N_FREE_CHUNKS] -= 1
    return int(ch)


@_inline
def _push(ints: Ints, ch_next: Ints, l_head: Ints, l_tail: Ints, l_n: Ints, lst: int) -> int:
    """Room for one entry at the tail of list ``lst`` (the caller fills it); its index."""
    if l_n[lst] == 0:
        e = _take_chunk(ints, ch_next) * CHUNK
        l_head[lst] = e
    else:
        e = l_tail[lst] + 1
        if e & (CHUNK - 1) == 0:  # the tail chunk is full: link a new one
            ch = _take_chunk(ints, ch_next)
            ch_next[l_tail[lst] // CHUNK] = ch
            e = ch * CHUNK
    l_tail[lst] = e
    l_n[lst] += 1
    return int(e)


@_inline
def _pop(ints: Ints, ch_next: Ints, l_head: Ints, l_n: Ints, ei: Ints, lst: int) -> int:
    """Drop the head of list ``lst`` (not empty); the new head's entry, -1 if none."""
    e = l_head[lst]
    ch = e // CHUNK
    l_n[lst] -= 1
    nx = e + 1
    done_with_chunk = True  # freed once its last entry is read
    if l_n[lst] == 0:
        nx = -1
    elif nx & (CHUNK - 1) == 0:
        nx = ch_next[ch] * CHUNK
        for m in range(AHEAD + 1):
            _prefetch(ei, nx + m)
    else:
        done_with_chunk = False
        if (nx + AHEAD) & (CHUNK - 1) >= AHEAD:  # still in this chunk
            _prefetch(ei, nx + AHEAD)
    if done_with_chunk:
        ch_next[ch] = ints[FREE_CHUNK]
        ints[FREE_CHUNK] = ch
        ints[N_FREE_CHUNKS] += 1
    l_head[lst] = nx
    return int(nx)


@_inline
def _qpop(
    ints: Ints, ch_next: Ints, l_head: Ints, l_n: Ints, ei: Ints, ef: Floats, q_ht: Floats, q: int
) -> None:
    """Drop the head of queue ``q`` (not empty), caching the next head's arrival time."""
    nx = _pop(ints, ch_next, l_head, l_n, ei, q)
    q_ht[q] = ef[nx, E_T] if nx >= 0 else math.inf


@_inline
def _idle_add(head: Ints, tail: Ints, prev: Ints, nxt: Ints, flag: Bools, g: int, x: int) -> None:
    if flag[x]:
        return
    flag[x] = True
    last = tail[g]
    prev[x] = last
    nxt[x] = -1
    if last >= 0:
        nxt[last] = x
    else:
        head[g] = x
    tail[g] = x


@_inline
def _idle_remove(
    head: Ints, tail: Ints, prev: Ints, nxt: Ints, flag: Bools, g: int, x: int
) -> None:
    if not flag[x]:
        return
    flag[x] = False
    a, b = prev[x], nxt[x]
    if a >= 0:
        nxt[a] = b
    else:
        head[g] = b
    if b >= 0:
        prev[b] = a
    else:
        tail[g] = a


@_inline
def _qchange(
    q_len: Ints, q_last: Floats, q_area: Floats, warm_end: float, i: int, t: float, delta: int
) -> None:
    """Keep the time integral of INT ``i``'s queue length (measured part only)."""
    if t > warm_end:
        lo = q_last[i]
        q_area[i] += q_len[i] * (t - (lo if lo > warm_end else warm_end))
    q_last[i] = t
    q_len[i] += delta


@_jit
def _escalate(c: Static, s: State, i: int, a: int, arrived: float, t: float) -> None:
    """A request of INT ``i`` and activity ``a`` (no longer served from its queue) leaves
    for ED; rare, so not inlined."""
    _qchange(s.q_len, s.q_last, s.q_area, c.warm_end, i, t, -1)
    left = arrived + c.esc[a]
    over = t - (left if left > c.warm_end else c.warm_end)
    if over > 0 and t > c.warm_end:  # it left the queue at ``left``, not now
        s.q_area[i] -= over
    s.qcount[i * c.n_a + a] -= 1
    if arrived >= c.warm_end:
        s.n_esc[i * c.n_a + a] += 1


@_jit
def _renege(c: Static, s: State, i: int, a: int, arrived: float, left: float, t: float) -> None:
    """A request of INT ``i`` and activity ``a`` gave up waiting, or could not be booked
    within the horizon (it left at ``arrived`` + horizon), at ``left`` (found at ``t``,
    when it reached its queue's head); rare, so not inlined.

    A request turned away by the booking horizon is in reality turned away on asking;
    in a first-come-first-served queue it is the same whether it leaves then or at the
    horizon, as nobody behind it waits for it (it is never served)."""
    _qchange(s.q_len, s.q_last, s.q_area, c.warm_end, i, t, -1)
    over = t - (left if left > c.warm_end else c.warm_end)
    if over > 0 and t > c.warm_end:  # it left the queue at ``left``, not now
        s.q_area[i] -= over
    s.qcount[i * c.n_a + a] -= 1
    if arrived >= c.warm_end:
        if left == arrived + c.hz[a]:
            s.n_turn[i * c.n_a + a] += 1
        else:
            s.n_ren[i * c.n_a + a] += 1


@_inline
def _day(t: float) -> int:
    """``int(t // DAY)`` for a time ``t >= 0``, exactly, without float floor division
    (numba calls the C library's fmod for it): the quotient rounded down, corrected when
    rounding the division went up to the next whole day."""
    d = int(t / DAY)
    return d - 1 if d * DAY > t else d


@_inline
def _bucket(booked: float, t: float) -> int:
    """The NHS booking-lead category of a contact at ``t`` booked at ``booked``
    (calendar days; the run starts at midnight)."""
    days = _day(t) - _day(booked)  # times are never negative
    if days <= 0:
        return 0
    if days == 1:
        return 1
    if days <= 28:
        return 2 + (days - 1) // 7
    return 6


@_inline
def _lead_days(cdf: Floats, open_: Bools, a: int, v: float, t: float) -> int:
    """Whole days ahead a request of activity ``a`` made at ``t`` is booked, for a
    uniform ``v``; a closed day moves it on (as :func:`intplan.sim.model.lead_days`)."""
    base = a * MAX_LEAD
    d = 1
    while d < MAX_LEAD and v >= cdf[base + d - 1]:
        d += 1
    day = _day(t)
    for _ in range(7):
        if open_[a * 7 + (day + d) % 7]:
            break
        d += 1
    return d


@_inline
def _hist_bin(w: float) -> int:
    if w <= 0.0:
        return 0
    b = 1 + int((math.log(w) - _LOG_LO) / _LOG_RATIO) if w > HIST_LO else 1
    return b if b < HIST_BINS else HIST_BINS - 1


# -- entry points ----------------------------------------------------------------------
@_jit
def begin_week(c: Static, s: State, w: int, measured: bool) -> int:
    """Start week ``w``: write the week's shift starts and ends to the scratch arrays
    (chains merged with next week's, so a 24/7 relay never breaks), count available
    minutes. Returns the number of shift events written."""
    w0 = w * WEEK
    n_r = c.n_r
    ints = s.ints
    n_ev = 0
    for x in range(len(c.staff_int)):
        g = c.staff_int[x] * n_r + c.staff_role[x]
        n_ch = 0
        for wk in (w, w + 1):
            base = wk * WEEK
            for k in range(c.seg_ptr[x], c.seg_ptr[x + 1]):
                if c.absent[wk * 7 + c.seg_day[k], x]:
                    continue
                st, en = base + c.seg_a[k], base + c.seg_b[k]
                if n_ch > 0 and abs(s.chain_en[n_ch - 1] - st) < 1e-9:
                    s.chain_en[n_ch - 1] = en
                else:
                    s.chain_st[n_ch] = st
                    s.chain_en[n_ch] = en
                    n_ch += 1
        if measured:
            for k in range(c.seg_ptr[x], c.seg_ptr[x + 1]):
                if not c.absent[w * 7 + c.seg_day[k], x]:
                    s.avail_min[g] += c.seg_b[k] - c.seg_a[k]
        for h in range(n_ch):
            st, en = s.chain_st[h], s.chain_en[h]
            # chains starting next week, or already scheduled last week, are skipped
            if st >= w0 + WEEK or st < w0 or st < s.carried[x] - 1e-9:
                continue
            s.sh_t[n_ev], s.sh_q[n_ev], s.sh_k[n_ev] = st, _next_seq(ints), SHIFT_START
            s.sh_p[n_ev], s.sh_x[n_ev] = x, en
            # negative order: shift ends come first among events at the same time, so
            # the incoming person of a relay can take over the contact in hand
            s.sh_t[n_ev + 1], s.sh_q[n_ev + 1], s.sh_k[n_ev + 1] = en, -_next_seq(ints), SHIFT_END
            s.sh_p[n_ev + 1], s.sh_x[n_ev + 1] = x, 0.0
            n_ev += 2
            s.carried[x] = en
    return n_ev


@_jit
def week_shifts(
    s: State, n: int, left: Shifts, w0: float
) -> tuple[Floats, Ints, Ints, Ints, Floats]:
    """The ``n`` shift events :func:`begin_week` wrote, sorted by (time, sequence) and
    merged with ``left`` (last week's events not yet due, already sorted).

    begin_week writes (start, end) pairs with rising sequence numbers, ends negated, so
    starts in written order and ends in reverse are each in sequence order: sorting each
    by time with a stable linear sort, then merging, gives the (time, sequence) order."""
    t, q = s.sh_t, s.sh_q
    starts = np.arange(0, n, 2)
    ends = np.arange(n - 1, 0, -2)
    starts = starts[time_order(t[starts], w0)]
    ends = ends[time_order(t[ends], w0)]  # chains running into next week: last bucket
    order = np.empty(n, dtype=np.int64)
    i = j = 0
    for o in range(n):  # ends and starts
        if j >= len(starts) or (
            i < len(ends) and _before(t[ends[i]], q[ends[i]], t[starts[j]], q[starts[j]])
        ):
            order[o] = ends[i]
            i += 1
        else:
            order[o] = starts[j]
            j += 1
    lt, lq = left.t, left.q
    m = len(lt)
    out_t, out_x = np.empty(n + m), np.empty(n + m)
    out_q = np.empty(n + m, dtype=np.int64)
    out_k = np.empty(n + m, dtype=np.int64)
    out_p = np.empty(n + m, dtype=np.int64)
    i = j = 0
    for o in range(n + m):  # then last week's leftovers
        if j >= n or (i < m and _before(lt[i], lq[i], t[order[j]], q[order[j]])):
            out_t[o], out_q[o], out_k[o], out_p[o], out_x[o] = (
                lt[i],
                lq[i],
                left.k[i],
                left.p[i],
                left.x[i],
            )
            i += 1
        else:
            y = order[j]
            out_t[o], out_q[o], out_k[o], out_p[o], out_x[o] = (
                t[y],
                q[y],
                s.sh_k[y],
                s.sh_p[y],
                s.sh_x[y],
            )
            j += 1
    return out_t, out_q, out_k, out_p, out_x


@_jit
def episodes(
    rng: np.random.Generator, lam: Floats, w0: float, kind: Ints, sigma: Floats, fu_q: Floats
) -> tuple[Floats, Ints, Floats, Floats, Floats, Ints]:
    """One INT's new episodes in the week starting at ``w0``: Poisson counts per
    (activity, hour of the week) with means ``lam``, a uniform time in the hour, a
    duration factor, referral and rejection uniforms and the follow-up count (in the
    order drawn; :func:`time_order` sorts them).

    The draws are those of the numpy batches this replaces, in the same order: counts,
    then five uniforms per episode (a row of the batch each), then the normals of
    lognormal durations (tested; a duration factor can differ from numpy's in the last
    bit, as numpy's vectorised ``log1p`` is not the C library's)."""
    n_a, n_h = lam.shape
    counts = np.empty(n_a * n_h, dtype=np.int64)
    for cell in range(n_a * n_h):
        counts[cell] = rng.poisson(lam[cell // n_h, cell % n_h])
    n = int(counts.sum())
    u = np.empty((5, n))
    for row in range(5):
        for m in range(n):
            u[row, m] = rng.random()
    t = np.empty(n)
    act = np.empty(n, dtype=np.int64)
    f = np.ones(n)
    nfu = np.zeros(n, dtype=np.int64)
    m = 0
    for cell in range(n_a * n_h):
        a, h = cell // n_h, cell % n_h
        for _ in range(counts[cell]):
            act[m] = a
            t[m] = w0 + (h + u[0, m]) * 60.0
            if kind[a] == 1:  # exponential, by inversion
                f[m] = -math.log1p(-u[4, m])
            q = fu_q[a]
            if q > 0:
                nfu[m] = math.floor(math.log1p(-u[3, m]) / math.log(q))
            m += 1
    for m in range(n):
        if kind[act[m]] == 2:  # lognormal with mean 1
            sig = sigma[act[m]]
            f[m] = math.exp(sig * rng.standard_normal() - 0.5 * sig * sig)
    return t, act, f, u[1], u[2], nfu


@_jit
def time_order(t: Floats, w0: float) -> Ints:
    """The stable sorting order of times in the week from ``w0``, in linear time: a
    counting sort into buckets of a few arrivals each, then insertion sort per bucket
    (a general sort of a week's arrivals was a tenth of a replication's time). Times
    outside the week share the first or last bucket: still sorted, just slower."""
    n = len(t)
    nb = max(1, n // 2)
    scale = nb / WEEK
    key = np.empty(n, dtype=np.int64)
    ends = np.zeros(nb + 1, dtype=np.int64)
    for m in range(n):
        k = min(max(int((t[m] - w0) * scale), 0), nb - 1)
        key[m] = k
        ends[k + 1] += 1
    for b in range(nb):
        ends[b + 1] += ends[b]
    order = np.empty(n, dtype=np.int64)
    for m in range(n):  # in input order: ties keep it
        order[ends[key[m]]] = m
        ends[key[m]] += 1
    start = 0
    for b in range(nb):  # ends[b] is now bucket b's end
        for x in range(start + 1, ends[b]):
            v = order[x]
            tv = t[v]
            y = x - 1
            while y >= start and t[order[y]] > tv:
                order[y + 1] = order[y]
                y -= 1
            order[y + 1] = v
        start = ends[b]
    return order


@_jit_no_rc
def advance(c: Static, s: State, p: Pool, sh: Shifts, arr: Arrivals, until: float) -> int:
    """Run events before ``until``; see the module docstring for the return codes.

    One function on local arrays (the state tuples are unpacked once): each event is
    handled in up to four steps that set the next step's inputs: the event itself, an
    arrival looking for a free person, a free person pulling from the queues, a start.
    The request in hand between steps is a set of locals (``r_*``).
    """
    n_a, n_r = c.n_a, c.n_r
    n_q = n_a + 1
    first_stream = c.n_i * n_q  # list number of stream 0
    n_rf = len(c.rf_to)
    warm_end, otl, rep_act, rep_delay = c.warm_end, c.otl, c.rep_act, c.rep_delay
    reject_scale = c.reject_scale
    dna_on, dna_p, dna_rep_p, dna_delay = c.dna_on, c.dna_p, c.dna_rep_p, c.dna_delay
    pat_on, pat_kind, pat_mean, pat_sigma = c.pat_on, c.pat_kind, c.pat_mean, c.pat_sigma
    hz_on, hz = c.hz_on, c.hz
    lead_on, lead_share, lead_cdf, lead_open, lead_st = (
        c.lead_on,
        c.lead_share,
        c.lead_cdf,
        c.lead_open,
        c.lead_st,
    )
    leave_on = pat_on or hz_on  # queued requests may leave before being seen
    n_i = c.n_i
    staff_int, staff_role, prio, slot_act = c.staff_int, c.staff_role, c.prio, c.slot_act
    rs_ptr, rs_slot, dur, travel, target = c.rs_ptr, c.rs_slot, c.dur, c.travel, c.target
    slot_prio, slot_esc, st_act, st_delay = c.slot_prio, c.slot_esc, c.st_act, c.st_delay
    el_ptr, el_role, el_min = c.el_ptr, c.el_role, c.el_min
    nb_ptr, nb_j, nb_tr = c.nb_ptr, c.nb_j, c.nb_tr
    rf_ptr, rf_to, rf_cum, rf_delay, rf_rej = c.rf_ptr, c.rf_to, c.rf_cum, c.rf_delay, c.rf_rej
    fu_q, fu_delay, dist_kind, dist_sigma = c.fu_q, c.fu_delay, c.dist_kind, c.dist_sigma
    ints, on, busy, shift_end, start_t, cur = s.ints, s.on, s.busy, s.shift_end, s.start_t, s.cur
    i_head, i_tail, i_prev, i_next, in_idle = (
        s.idle_head,
        s.idle_tail,
        s.idle_prev,
        s.idle_next,
        s.in_idle,
    )
    end_time, end_head, end_next = s.end_time, s.end_head, s.end_next
    l_head, l_tail, l_n, q_ht = s.l_head, s.l_tail, s.l_n, s.q_ht
    qcount, q_len, q_last, q_area = s.qcount, s.q_len, s.q_last, s.q_area
    n_arr, served, wait_sum, within, waited, hist = (
        s.n_arr,
        s.served,
        s.wait_sum,
        s.within,
        s.waited,
        s.hist,
    )
    busy_min, ot_min, contacts, cover_contacts = s.busy_min, s.ot_min, s.contacts, s.cover_contacts
    n_ref, n_rej, fu_total, fu_same = s.n_ref, s.n_rej, s.fu_total, s.fu_same
    bk_att, bk_dna, fc, st_first = s.bk_att, s.bk_dna, s.fc, c.st_first
    bu, bu_pos, bz, bz_pos = s.bu, s.bu_pos, s.bz, s.bz_pos
    sv_t, sv_u, sv_j, sv_e = s.sv_t, s.sv_u, s.sv_j, s.sv_e
    sv_i, sv_a, sv_p, sv_n, sv_w, sv_free = s.sv_i, s.sv_a, s.sv_p, s.sv_n, s.sv_w, s.sv_free
    sv_d = s.sv_d
    h_t, h_q, h_k, h_p = s.h_t, s.h_q, s.h_k, s.h_p
    ei, ef, ch_next = p.ei, p.ef, p.ch_next
    a_t, a_i, a_a, a_f, a_u, a_j, a_n = arr.t, arr.i, arr.a, arr.f, arr.u, arr.j, arr.n
    n = len(a_t)
    idx = ints[ARR_IDX]
    sh_t, sh_q, sh_k, sh_p, sh_x = sh.t, sh.q, sh.k, sh.p, sh.x
    n_sh = len(sh_t)
    sidx = ints[SHIFT_IDX]
    n_buf = bu.shape[1]
    r_t, r_f, r_u, r_j = 0.0, 0.0, 0.0, 0.0
    r_i, r_a, r_p, r_n, r_s = 0, 0, 0, 0, 0
    r_b = -1  # the stream a booked request came from (its booking lead), -1 none
    while True:
        # room for what one event can add to lists: a stream entry or a queued request
        if ints[N_FREE_CHUNKS] < 3:
            ints[ARR_IDX] = idx
            ints[SHIFT_IDX] = sidx
            return GROW
        if ints[REFILL_DUE] > 0:
            for j in range(n_i):
                if bu_pos[j] + U_MARGIN > n_buf or bz_pos[j] + Z_MARGIN > n_buf:
                    ints[REFILL_INT] = j
                    ints[ARR_IDX] = idx
                    ints[SHIFT_IDX] = sidx
                    return REFILL
            ints[REFILL_DUE] = 0
        next_arr = a_t[idx] if idx < n else math.inf
        arriving = False  # step 2 input: the request in hand looks for a free person
        puller = -1  # step 3 input: a free, on-duty person
        go_x = -1  # step 4 inputs: who starts the request in hand, for how long
        go_d = 0.0
        # the earlier of the heap's top and the next shift event, by (time, sequence)
        has_heap = ints[HEAP_SIZE] > 0
        from_shift = sidx < n_sh and (
            not has_heap or _before(sh_t[sidx], sh_q[sidx], h_t[0], h_q[0])
        )
        if (from_shift or has_heap) and (sh_t[sidx] if from_shift else h_t[0]) <= next_arr:
            t = sh_t[sidx] if from_shift else h_t[0]
            if t >= until:
                break
            kind = sh_k[sidx] if from_shift else h_k[0]
            payload = sh_p[sidx] if from_shift else h_p[0]
            if kind == SERVICE_END:
                slot = payload
                i, a = sv_i[slot], sv_a[slot]
                if bu_pos[i] + U_MARGIN > n_buf or bz_pos[i] + Z_MARGIN > n_buf:
                    ints[ARR_IDX] = idx
                    ints[SHIFT_IDX] = sidx
                    ints[REFILL_INT] = i
                    return REFILL
                _hpop(ints, h_t, h_q, h_k, h_p)
                x = sv_w[slot]
                cur[x] = -1
                if t > shift_end[x] and t >= warm_end:
                    st, se = start_t[x], shift_end[x]
                    ot_min[staff_int[x] * n_r + staff_role[x]] += t - (se if se > st else st)
                # at most one new request: the episode's next contact, or, after its last
                # contact, a referral (decided once per episode with the uniforms its first
                # contact drew, which its follow-ups carry)
                nb, n_prio, n_at, n_fu, n_prev, n_st = -1, 0, 0.0, -1, -1, 0
                if sv_d[slot]:  # missed: maybe booked again; the episode waits for it
                    if bu[i, bu_pos[i]] < dna_rep_p:
                        nb, n_prio, n_at, n_fu = a, sv_p[slot], t + dna_delay, sv_n[slot]
                        n_st = n_a + n_rf + 1 + a
                    bu_pos[i] += 1
                elif sv_n[slot] > 0:  # the episode's next contact, with the same person if free
                    nb, n_prio, n_at, n_fu, n_prev, n_st = (
                        a,
                        sv_p[slot],
                        t + fu_delay[a],
                        sv_n[slot] - 1,
                        x,
                        a,
                    )
                else:
                    u = sv_u[slot]
                    for k in range(rf_ptr[a], rf_ptr[a + 1]):
                        if u < rf_cum[k]:
                            if sv_t[slot] >= warm_end:
                                n_ref[i] += 1
                            n_fu, n_prev = -1, -1
                            if sv_j[slot] < rf_rej[k] * reject_scale and rep_act >= 0:
                                # rejected: the patient re-presents later, one level more urgent
                                if sv_t[slot] >= warm_end:
                                    n_rej[i] += 1
                                nb, n_prio = rep_act, max(1, prio[rep_act] - 1)
                                n_at, n_st = t + rep_delay, n_a + n_rf
                            else:
                                nb, n_prio = rf_to[k], prio[rf_to[k]]
                                n_at, n_st = t + rf_delay[k] * reject_scale, n_a + k
                            break
                sv_free[ints[FREE_SLOTS]] = slot
                ints[FREE_SLOTS] += 1
                if nb >= 0:
                    if n_fu < 0:  # a new episode: its follow-up count and uniforms
                        fq = fu_q[nb]
                        n_fu = int(math.log(1.0 - bu[i, bu_pos[i]]) / math.log(fq)) if fq > 0 else 0
                        n_u, n_j = bu[i, bu_pos[i] + 1], bu[i, bu_pos[i] + 2]
                        bu_pos[i] += 3
                    else:  # the same episode: its uniforms carry on
                        n_u, n_j = sv_u[slot], sv_j[slot]
                    dk = dist_kind[nb]
                    if dk == 1:  # exponential
                        f = -math.log(1.0 - bu[i, bu_pos[i]])
                        bu_pos[i] += 1
                    elif dk == 2:  # lognormal with mean 1
                        sig = dist_sigma[nb]
                        f = math.exp(sig * bz[i, bz_pos[i]] - 0.5 * sig * sig)
                        bz_pos[i] += 1
                    else:
                        f = 1.0
                    # streams are in time order: each adds a fixed delay to now
                    lst = first_stream + n_st
                    was_empty = l_n[lst] == 0
                    e = _push(ints, ch_next, l_head, l_tail, l_n, lst)
                    seq = _next_seq(ints)
                    ef[e, E_T], ef[e, E_F], ef[e, E_U], ef[e, E_J] = n_at, f, n_u, n_j
                    ei[e, E_Q], ei[e, E_IP], ei[e, E_N], ei[e, E_S] = (
                        seq,
                        i * 8 + n_prio,
                        n_fu,
                        n_prev,
                    )
                    if was_empty:
                        _hpush(ints, h_t, h_q, h_k, h_p, n_at, seq, ARRIVE, n_st)
                    if bu_pos[i] + U_MARGIN > n_buf or bz_pos[i] + Z_MARGIN > n_buf:
                        ints[REFILL_DUE] = 1  # this event's start and later arrivals draw
                if on[x]:
                    puller = x
                else:
                    busy[x] = False
            elif kind == ARRIVE:
                lst = first_stream + payload
                e = l_head[lst]
                r_t, r_f, r_u, r_j = ef[e, E_T], ef[e, E_F], ef[e, E_U], ef[e, E_J]
                ip = ei[e, E_IP]
                r_i, r_p, r_n, r_s = ip >> 3, ip & 7, ei[e, E_N], ei[e, E_S]
                r_a = st_act[payload]
                r_b = payload
                nx = _pop(ints, ch_next, l_head, l_n, ei, lst)
                if nx >= 0:  # the stream's next request takes its place in the heap
                    _hdown(
                        h_t,
                        h_q,
                        h_k,
                        h_p,
                        ints[HEAP_SIZE],
                        ef[nx, E_T],
                        ei[nx, E_Q],
                        ARRIVE,
                        payload,
                    )
                else:
                    _hpop(ints, h_t, h_q, h_k, h_p)
                arriving = True
            elif kind == SHIFT_START:
                en = sh_x[sidx]
                sidx += 1
                x = payload
                on[x] = True
                shift_end[x] = en
                if not busy[x]:
                    # at a relay boundary the incoming person takes over the contact in
                    # hand, so back-to-back shifts never add a hidden server (handover)
                    g = staff_int[x] * n_r + staff_role[x]
                    took = False
                    if abs(end_time[g] - t) <= 1e-6:
                        while end_head[g] >= 0:
                            o = end_head[g]
                            end_head[g] = end_next[o]
                            slot = cur[o]
                            if slot < 0 or on[o]:
                                continue
                            cur[o] = -1
                            busy[o] = False
                            cur[x] = slot
                            busy[x] = True
                            start_t[x] = t
                            sv_w[slot] = x
                            if t >= warm_end:
                                end_in_shift = min(sv_e[slot], shift_end[x])
                                busy_min[g] += max(0.0, end_in_shift - t)
                            took = True
                            break
                    if not took:
                        puller = x
            else:
                sidx += 1
                x = payload
                if shift_end[x] <= t:
                    on[x] = False
                    g = staff_int[x] * n_r + staff_role[x]
                    if not busy[x]:
                        _idle_remove(i_head, i_tail, i_prev, i_next, in_idle, g, x)
                    elif abs(end_time[g] - t) < 1e-6:
                        end_next[x] = end_head[g]
                        end_head[g] = x
                    else:
                        end_time[g] = t
                        end_next[x] = -1
                        end_head[g] = x
        elif idx < n:
            t = next_arr
            r_t, r_f, r_u, r_j = t, a_f[idx], a_u[idx], a_j[idx]
            r_i, r_a, r_n, r_s, r_b = a_i[idx], a_a[idx], a_n[idx], -1, -1
            r_p = prio[r_a]
            idx += 1
            arriving = True
            if lead_on and lead_share[r_a] > 0.0:  # booked for a later day on purpose?
                v = bu[r_i, bu_pos[r_i]]
                bu_pos[r_i] += 1
                if bu_pos[r_i] + U_MARGIN > n_buf:
                    ints[REFILL_DUE] = 1
                if v < lead_share[r_a]:
                    lead = _lead_days(lead_cdf, lead_open, r_a, v / lead_share[r_a], t)
                    n_st = lead_st[r_a] + lead - 1
                    lst = first_stream + n_st
                    n_at = t + lead * DAY  # the stream's delay: its booking is measured from t
                    was_empty = l_n[lst] == 0
                    e = _push(ints, ch_next, l_head, l_tail, l_n, lst)
                    seq = _next_seq(ints)
                    ef[e, E_T], ef[e, E_F], ef[e, E_U], ef[e, E_J] = n_at, r_f, r_u, r_j
                    ei[e, E_Q], ei[e, E_IP], ei[e, E_N], ei[e, E_S] = seq, r_i * 8 + r_p, r_n, -1
                    if was_empty:
                        _hpush(ints, h_t, h_q, h_k, h_p, n_at, seq, ARRIVE, n_st)
                    arriving = False
        else:
            break

        if arriving:  # step 2: continuity, then own INT by preference, then cover
            i, a = r_i, r_a
            if t >= warm_end:
                n_arr[i * n_a + a] += 1
            tr = travel[i * n_a + a]
            prev = r_s
            if prev >= 0 and on[prev] and not busy[prev]:
                pi = staff_int[prev]
                extra = -1.0
                if pi == i:
                    extra = 0.0
                else:
                    for k in range(nb_ptr[i], nb_ptr[i + 1]):
                        if nb_j[k] == pi:
                            extra = nb_tr[k]
                if extra >= 0.0:
                    d = dur[a * n_r + staff_role[prev]] * r_f + tr + extra
                    if t + d <= shift_end[prev] + otl:
                        g = pi * n_r + staff_role[prev]
                        _idle_remove(i_head, i_tail, i_prev, i_next, in_idle, g, prev)
                        go_x, go_d = prev, d
            if go_x < 0:
                for k in range(-1, nb_ptr[i + 1] - nb_ptr[i]):
                    j = i if k < 0 else nb_j[nb_ptr[i] + k]
                    extra = 0.0 if k < 0 else nb_tr[nb_ptr[i] + k]
                    for e in range(el_ptr[a], el_ptr[a + 1]):
                        g = j * n_r + el_role[e]
                        x = i_head[g]
                        if x >= 0:
                            d = el_min[e] * r_f + tr + extra
                            if t + d <= shift_end[x] + otl:
                                _idle_remove(i_head, i_tail, i_prev, i_next, in_idle, g, x)
                                go_x, go_d = x, d
                                break
                    if go_x >= 0:
                        break
            if go_x < 0:  # nobody free: join the queue
                q = i * n_q + (a if r_p == prio[a] else n_a)
                e = _push(ints, ch_next, l_head, l_tail, l_n, q)
                ef[e, E_T], ef[e, E_F], ef[e, E_U], ef[e, E_J] = r_t, r_f, r_u, r_j
                gives_up = math.inf
                if pat_on:  # when this person will give up waiting
                    pk = pat_kind[a]
                    if pk == 1:
                        gives_up = t - pat_mean[a] * math.log(1.0 - bu[i, bu_pos[i]])
                        bu_pos[i] += 1
                    elif pk == 2:
                        z = pat_sigma * bz[i, bz_pos[i]] - 0.5 * pat_sigma * pat_sigma
                        gives_up = t + pat_mean[a] * math.exp(z)
                        bz_pos[i] += 1
                    if bu_pos[i] + U_MARGIN > n_buf or bz_pos[i] + Z_MARGIN > n_buf:
                        ints[REFILL_DUE] = 1
                if hz_on and t + hz[a] < gives_up:  # cannot be booked within the horizon
                    gives_up = t + hz[a]
                ef[e, E_Q] = gives_up
                ei[e, E_IP], ei[e, E_N], ei[e, E_S] = (r_b + 1) * 8 + r_p, r_n, r_s
                if l_n[q] == 1:
                    q_ht[q] = r_t
                qcount[i * n_a + a] += 1
                _qchange(q_len, q_last, q_area, warm_end, i, t, 1)

        if puller >= 0:  # step 3: the most urgent, then oldest, request the person may do
            x = puller
            i = staff_int[x]
            r = staff_role[x]
            best_p, best_t, best_q, extra = 99, math.inf, -1, 0.0
            best_j, best_qs = -1, -1  # the best queue's INT and slot (no division later)
            for k in range(-1, nb_ptr[i + 1] - nb_ptr[i]):
                if k == 0 and best_q >= 0:
                    break  # neighbours' queues only when nothing waits at home
                j = i if k < 0 else nb_j[nb_ptr[i] + k]
                for h in range(rs_ptr[r], rs_ptr[r + 1]):
                    qs = rs_slot[h]
                    pr = slot_prio[qs]
                    if pr > best_p:
                        break  # slots are sorted by priority
                    q = j * n_q + qs
                    if leave_on:  # heads that gave up or are past tolerance leave
                        while q_ht[q] < math.inf:
                            left = ef[l_head[q], E_Q]
                            if left < t and left < q_ht[q] + slot_esc[qs]:
                                _renege(c, s, j, slot_act[qs], q_ht[q], left, t)
                            elif t - q_ht[q] > slot_esc[qs]:
                                _escalate(c, s, j, slot_act[qs], q_ht[q], t)
                            else:
                                break
                            _qpop(ints, ch_next, l_head, l_n, ei, ef, q_ht, q)
                    while t - q_ht[q] > slot_esc[qs]:  # past tolerance: off to ED
                        _escalate(c, s, j, slot_act[qs], q_ht[q], t)
                        _qpop(ints, ch_next, l_head, l_n, ei, ef, q_ht, q)
                    if q_ht[q] < math.inf and (pr < best_p or q_ht[q] < best_t):
                        best_p, best_t, best_q = pr, q_ht[q], q
                        best_j, best_qs = j, qs
                        extra = 0.0 if k < 0 else nb_tr[nb_ptr[i] + k]
            started = False
            if best_q >= 0:
                e = l_head[best_q]
                ri, a = best_j, slot_act[best_qs]
                d = dur[a * n_r + r] * ef[e, E_F] + travel[ri * n_a + a] + extra
                if t + d <= shift_end[x] + otl:
                    r_t, r_f, r_u, r_j = ef[e, E_T], ef[e, E_F], ef[e, E_U], ef[e, E_J]
                    r_i, r_a, r_p = ri, a, ei[e, E_IP] & 7
                    r_n, r_s, r_b = ei[e, E_N], ei[e, E_S], (ei[e, E_IP] >> 3) - 1
                    _qpop(ints, ch_next, l_head, l_n, ei, ef, q_ht, best_q)
                    qcount[ri * n_a + a] -= 1
                    _qchange(q_len, q_last, q_area, warm_end, ri, t, -1)
                    go_x, go_d = x, d
                    started = True
            if not started:
                busy[x] = False
                _idle_add(i_head, i_tail, i_prev, i_next, in_idle, i * n_r + r, x)

        if go_x >= 0:  # step 4: start the request in hand (travel included in go_d)
            x, d = go_x, go_d
            ints[FREE_SLOTS] -= 1
            slot = sv_free[ints[FREE_SLOTS]]
            busy[x] = True
            cur[x] = slot
            start_t[x] = t
            booked = r_t - st_delay[r_b] if r_b >= 0 else r_t
            b = _bucket(booked, t)
            missed = False
            if dna_on:  # did the patient attend? (the slot is used either way)
                missed = bu[r_i, bu_pos[r_i]] < dna_p[b]
                bu_pos[r_i] += 1
                if bu_pos[r_i] + U_MARGIN > n_buf:
                    ints[REFILL_DUE] = 1
            if r_t >= warm_end:
                k = r_i * n_a + r_a
                w = t - r_t
                served[k] += 1
                wait_sum[k] += w
                if w <= target[r_a]:
                    within[k] += 1
                if w > 0:
                    waited[k] += 1
                hist[k, _hist_bin(w)] += 1
                if missed:
                    bk_dna[k, b] += 1
                else:
                    bk_att[k, b] += 1
                if r_b < 0 or st_first[r_b]:  # an episode's first contact
                    fc[k, 0] += 1
                    if t - booked <= FIRST_6_WEEKS:
                        fc[k, 1] += 1
                    if t - booked <= FIRST_18_WEEKS:
                        fc[k, 2] += 1
                if r_s >= 0:
                    fu_total[r_i] += 1
                    if r_s == x:
                        fu_same[r_i] += 1
            if t >= warm_end:
                si = staff_int[x]
                g = si * n_r + staff_role[x]
                end_in_shift = t + d
                if end_in_shift > shift_end[x]:
                    end_in_shift = shift_end[x]
                if end_in_shift > t:
                    busy_min[g] += end_in_shift - t
                contacts[g] += 1
                if si != r_i:
                    cover_contacts[si] += 1
            sv_t[slot], sv_u[slot], sv_j[slot], sv_e[slot] = r_t, r_u, r_j, t + d
            sv_i[slot], sv_a[slot], sv_p[slot], sv_n[slot], sv_w[slot] = r_i, r_a, r_p, r_n, x
            sv_d[slot] = missed
            _hpush(ints, h_t, h_q, h_k, h_p, t + d, _next_seq(ints), SERVICE_END, slot)
    ints[ARR_IDX] = 0
    ints[SHIFT_IDX] = sidx
    return DONE


@_jit
def finish(c: Static, s: State, p: Pool, end: float) -> None:
    """Close the queue-length integrals at ``end``; requests still queued that gave up
    count as reneged, those past their tolerance as escalated, the rest are the backlog."""
    for i in range(c.n_i):
        _qchange(s.q_len, s.q_last, s.q_area, c.warm_end, i, end, 0)
    n_q = c.n_a + 1
    for q in range(c.n_i * n_q):
        i, a = q // n_q, c.slot_act[q % n_q]
        e = s.l_head[q]
        for _ in range(s.l_n[q]):
            arrived, left = p.ef[e, E_T], p.ef[e, E_Q]
            if left < end and left < arrived + c.esc[a]:
                _renege(c, s, i, a, arrived, left, end)
            elif end - arrived > c.esc[a]:
                _escalate(c, s, i, a, arrived, end)
            e += 1
            if e & (CHUNK - 1) == 0:
                e = p.ch_next[e // CHUNK - 1] * CHUNK


@_jit
def _ranked(row: NDArray[np.int32], rank: int) -> float:
    """The ``rank``-th smallest wait (0-based) of a histogram row, placed evenly inside
    its bin (geometrically; linearly in the first bin, which starts at 0)."""
    cum = 0
    for b in range(HIST_BINS):
        h = row[b]
        if cum + h > rank:
            if b == 0:
                return 0.0
            pos = (rank - cum + 0.5) / h
            hi = HIST_LO * HIST_RATIO**b
            if b == 1:
                return float(hi * pos)
            lo = hi / HIST_RATIO
            return float(lo * HIST_RATIO**pos)
        cum += h
    return math.nan


@_jit
def percentiles(hist: NDArray[np.int32], qs: Floats) -> Floats:
    """Wait percentiles per histogram row with numpy's default ('linear') convention:
    interpolate between the order statistics either side; NaN for a row with no waits."""
    n_k = hist.shape[0]
    out = np.full((len(qs), n_k), np.nan)
    for k in range(n_k):
        total = hist[k].sum()
        if total == 0:
            continue
        for m in range(len(qs)):
            rank = qs[m] * (total - 1)
            lo = math.floor(rank)
            v = _ranked(hist[k], lo)
            if rank > lo:
                v += (rank - lo) * (_ranked(hist[k], lo + 1) - v)
            out[m, k] = v
    return out
