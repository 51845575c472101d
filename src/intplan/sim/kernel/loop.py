"""The event loop: :func:`advance` runs a week's events, dispatching each to the
inlined handlers of :mod:`.events` and :mod:`.contacts`."""

from __future__ import annotations

import math

from intplan.sim.kernel.contacts import pull, seek_staff, start_contact
from intplan.sim.kernel.draws import low_buffers
from intplan.sim.kernel.events import (
    booked_ahead,
    new_request,
    on_service_end,
    on_shift_end,
    on_shift_start,
    on_stream_head,
)
from intplan.sim.kernel.jit import inline, jit_no_rc
from intplan.sim.kernel.layout import (
    ARR_IDX,
    ARRIVE,
    DONE,
    GROW,
    HEAP_SIZE,
    N_FREE_CHUNKS,
    REFILL,
    REFILL_DUE,
    REFILL_INT,
    SERVICE_END,
    SHIFT_IDX,
    SHIFT_START,
    Arrivals,
    Ints,
    Pool,
    Shifts,
    State,
    Static,
)
from intplan.sim.kernel.structures import before, hsettle, key_kind, key_payload, key_seq


@inline
def _pause(ints: Ints, idx: int, sidx: int, status: int) -> int:
    """Stop between events, keeping the places in the week's arrivals and shifts."""
    ints[ARR_IDX] = idx
    ints[SHIFT_IDX] = sidx
    return status


@inline
def _first_low_int(c: Static, s: State) -> int:
    """The first INT whose random buffers run low, -1 for none."""
    for j in range(c.n_i):
        if low_buffers(s, j):
            return j
    return -1


@jit_no_rc
def advance(c: Static, s: State, p: Pool, sh: Shifts, arr: Arrivals, until: float) -> int:
    """Run events before ``until``; see the package docstring for the return codes.

    Each event is handled in up to four steps that set the next step's inputs: the event
    itself, an arrival looking for a free person, a free person pulling from the queues,
    a start. The next event is the earliest of the heap's top (service ends, stream
    heads), the next shift event and the next new request, by (time, sequence).
    """
    ints = s.ints
    n = len(arr.t)
    idx = ints[ARR_IDX]
    n_sh = len(sh.t)
    sidx = ints[SHIFT_IDX]
    req = (0.0, 0.0, 0.0, 0.0, 0, 0, 0, 0, -1, -1)  # the request in hand (layout.Request)
    while True:
        # room for what one event can add to lists: a stream entry or a queued request
        if ints[N_FREE_CHUNKS] < 3:
            return _pause(ints, idx, sidx, GROW)
        if ints[REFILL_DUE] > 0:
            low = _first_low_int(c, s)
            if low >= 0:
                ints[REFILL_INT] = low
                return _pause(ints, idx, sidx, REFILL)
            ints[REFILL_DUE] = 0
        next_arr = arr.t[idx] if idx < n else math.inf
        arriving = False  # step 2 input: the request in hand looks for a free person
        puller = -1  # step 3 input: a free, on-duty person
        fresh = False  # ... at the start of their shift
        go_x, go_d = -1, 0.0  # step 4 inputs: who starts the request in hand, for how long
        # the earlier of the heap's top and the next shift event, by (time, sequence)
        has_heap = ints[HEAP_SIZE] > 0
        from_shift = sidx < n_sh and (
            not has_heap or before(sh.t[sidx], sh.q[sidx], s.h_t[0], key_seq(s.h_q[0]))
        )
        if (from_shift or has_heap) and (sh.t[sidx] if from_shift else s.h_t[0]) <= next_arr:
            t = sh.t[sidx] if from_shift else s.h_t[0]
            if t >= until:
                break
            kind = sh.k[sidx] if from_shift else key_kind(s.h_q[0])
            payload = sh.p[sidx] if from_shift else key_payload(s.h_q[0])
            if kind == SERVICE_END:
                i = s.sv_i[payload]
                if low_buffers(s, i):
                    ints[REFILL_INT] = i
                    return _pause(ints, idx, sidx, REFILL)
                puller = on_service_end(c, s, p, t, payload)
            elif kind == ARRIVE:
                req = on_stream_head(c, s, p, payload)
                arriving = True
            elif kind == SHIFT_START:
                puller = on_shift_start(c, s, t, payload, sh.x[sidx])
                fresh = True
                sidx += 1
            else:
                on_shift_end(c, s, t, payload)
                sidx += 1
        elif idx < n:
            t = next_arr
            req = new_request(c, arr, idx)
            idx += 1
            arriving = not booked_ahead(c, s, p, t, req)
        else:
            break
        if arriving:
            go_x, go_d = seek_staff(c, s, p, t, req)
        if puller >= 0:
            go_x, go_d, req = pull(c, s, p, t, puller, fresh)
        if go_x >= 0:
            start_contact(c, s, t, go_x, go_d, req)
        hsettle(ints, s.h_t, s.h_q)
    ints[ARR_IDX] = 0
    ints[SHIFT_IDX] = sidx
    return DONE
