"""The kernel's data layout: index constants and the named tuples of flat arrays.

Everything the kernel touches is plain arrays held in named tuples: :class:`Static` (the
compiled model), :class:`State` (staff, lists, heap, counters; fixed size) and
:class:`Pool` (the request entries, which grow); :class:`Shifts` and :class:`Arrivals`
are one week's input.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from intplan.domain import MAX_LEAD_DAYS
from intplan.domain.units import MINUTES_PER_WEEK

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]

SHIFT_START, SHIFT_END, SERVICE_END, ARRIVE = 0, 1, 2, 3
#: an event heap entry is (time, key): its sequence number, kind (2 bits) and payload (a
#: slot or a stream, HEAP_PAYLOAD_BITS) packed so that keys order as sequence numbers
HEAP_PAYLOAD_BITS = 20
DONE, GROW, REFILL = 0, 1, 2
# State.ints slots (scalars kept in a small array so they survive between calls)
SEQ, HEAP_SIZE, FREE_CHUNK, N_FREE_CHUNKS, ARR_IDX, REFILL_INT, SHIFT_IDX, FREE_SLOTS = range(8)
#: 1 when a draw outside a service end left some INT's buffers low (refilled before the
#: next event: every event starts with U_MARGIN uniforms and Z_MARGIN normals per INT)
REFILL_DUE = 8
#: 1 while the heap's top has been taken but its place not yet filled (:func:`.structures.htake`)
HEAP_HOLE = 9
N_INTS = 10
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
LOG_LO = math.log(HIST_LO)
LOG_RATIO = math.log(HIST_RATIO)
#: booking-lead categories of NHS England's "Appointments in General Practice": calendar
#: days from request (booking) to contact: same day, 1, 2-7, 8-14, 15-21, 22-28, over 28
N_BUCKETS = 7
#: first contacts of an episode (not follow-ups, not missed contacts booked again) seen
#: within 6 and 18 weeks of the request: NHS Talking Therapies' waiting-time measures
FIRST_6_WEEKS, FIRST_18_WEEKS = 6 * MINUTES_PER_WEEK, 18 * MINUTES_PER_WEEK
#: booking leads of first contacts booked ahead on purpose: 1 .. MAX_LEAD_DAYS days, and
#: up to 6 more when that day is closed; one stream per (activity, lead)
MAX_LEAD = MAX_LEAD_DAYS
LEAD_STREAMS = MAX_LEAD_DAYS + 6

#: the request in hand: time it arrived (or is due), duration factor, the episode's
#: referral and rejection uniforms, INT, activity, priority, follow-ups still to come,
#: staff member of the previous contact (-1 none), stream it came from (-1 none)
Request = tuple[float, float, float, float, int, int, int, int, int, int]


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
    h_t: Floats  # event heap (service ends, stream heads): time
    h_q: Ints  # and key (sequence, kind, payload; see structures.heap_key)


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
