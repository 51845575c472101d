"""The kernel's data structures on plain arrays: the event heap, FIFO lists of request
entries in chunks, and the idle staff of each INT x role.

Requests that wait are kept in FIFO lists of ``CHUNK``-entry chunks, one 64-byte entry
per request (:class:`intplan.sim.kernel.layout.Pool`). Entries are read in the order
they were written, so the next ones are prefetched; a backlog of a million requests
then costs no more per request than a short queue. Idle staff of an INT x role are a
doubly linked list in the order they became idle.

All inlined: a call passing the state tuples would cost reference counting on every
array in them.
"""

from __future__ import annotations

import math

from intplan.sim.kernel.jit import inline
from intplan.sim.kernel.layout import (
    AHEAD,
    CHUNK,
    E_T,
    FREE_CHUNK,
    HEAP_HOLE,
    HEAP_PAYLOAD_BITS,
    HEAP_SIZE,
    N_FREE_CHUNKS,
    SEQ,
    Bools,
    Floats,
    Ints,
)
from intplan.sim.kernel.prefetch import prefetch


@inline
def before(t1: float, q1: int, t2: float, q2: int) -> bool:
    """Event order: by time, then by sequence number. Bitwise, not ``or``/``and``: no
    branches to mispredict (measured: the heap's comparisons were a fifth of advance)."""
    return (t1 < t2) | ((t1 == t2) & (q1 < q2))


# a heap entry's kind and payload ride below its sequence number in one key: an entry
# is two numbers, moved in two loads and stores (measured: a few % of advance), and keys
# order as their (unique) sequence numbers
_KIND_SHIFT = HEAP_PAYLOAD_BITS
_SEQ_SHIFT = HEAP_PAYLOAD_BITS + 2


@inline
def heap_key(seq: int, kind: int, payload: int) -> int:
    return (seq << _SEQ_SHIFT) | (kind << _KIND_SHIFT) | payload


@inline
def key_seq(key: int) -> int:
    return key >> _SEQ_SHIFT


@inline
def key_kind(key: int) -> int:
    return (key >> _KIND_SHIFT) & 3


@inline
def key_payload(key: int) -> int:
    return key & ((1 << _KIND_SHIFT) - 1)


@inline
def hpush(ints: Ints, h_t: Floats, h_q: Ints, t: float, key: int) -> None:
    """Binary-heap insert keyed on (time, key), moving parents down into the hole; into
    the top's place if it was taken (:func:`htake`)."""
    if ints[HEAP_HOLE]:
        ints[HEAP_HOLE] = 0
        hdown(h_t, h_q, ints[HEAP_SIZE], t, key)
        return
    n = ints[HEAP_SIZE]
    ints[HEAP_SIZE] = n + 1
    while n > 0:
        up = (n - 1) >> 1
        if before(t, key, h_t[up], h_q[up]):
            h_t[n], h_q[n] = h_t[up], h_q[up]
            n = up
        else:
            break
    h_t[n], h_q[n] = t, key


@inline
def hdown(h_t: Floats, h_q: Ints, n: int, t: float, key: int) -> None:
    """Put an entry at the root of a heap of ``n`` entries and sift it down."""
    k = 0
    while True:
        c = 2 * k + 1
        if c >= n:
            break
        if c + 1 < n:  # the earlier child, without a branch on the comparison
            c += before(h_t[c + 1], h_q[c + 1], h_t[c], h_q[c])
        if before(h_t[c], h_q[c], t, key):
            h_t[k], h_q[k] = h_t[c], h_q[c]
            k = c
        else:
            break
    h_t[k], h_q[k] = t, key


@inline
def hpop(ints: Ints, h_t: Floats, h_q: Ints) -> None:
    """Remove the top (the caller has read it)."""
    n = ints[HEAP_SIZE] - 1
    ints[HEAP_SIZE] = n
    if n > 0:
        hdown(h_t, h_q, n, h_t[n], h_q[n])


@inline
def htake(ints: Ints) -> None:
    """Take the top (the caller has read it) and leave its place open: a contact's end
    usually books a contact, whose push then fills the place with one sift-down instead of
    a pop's sift-down and a push's sift-up. :func:`hsettle` closes a place left open."""
    ints[HEAP_HOLE] = 1


@inline
def hsettle(ints: Ints, h_t: Floats, h_q: Ints) -> None:
    """Close the place :func:`htake` left open, if no push filled it."""
    if ints[HEAP_HOLE]:
        ints[HEAP_HOLE] = 0
        hpop(ints, h_t, h_q)


@inline
def next_seq(ints: Ints) -> int:
    ints[SEQ] += 1
    return int(ints[SEQ])


@inline
def take_chunk(ints: Ints, ch_next: Ints) -> int:
    ch = ints[FREE_CHUNK]
    ints[FREE_CHUNK] = ch_next[ch]
    ints[N_FREE_CHUNKS] -= 1
    return int(ch)


@inline
def push(ints: Ints, ch_next: Ints, l_head: Ints, l_tail: Ints, l_n: Ints, lst: int) -> int:
    """Room for one entry at the tail of list ``lst`` (the caller fills it); its index."""
    if l_n[lst] == 0:
        e = take_chunk(ints, ch_next) * CHUNK
        l_head[lst] = e
    else:
        e = l_tail[lst] + 1
        if e & (CHUNK - 1) == 0:  # the tail chunk is full: link a new one
            ch = take_chunk(ints, ch_next)
            ch_next[l_tail[lst] // CHUNK] = ch
            e = ch * CHUNK
    l_tail[lst] = e
    l_n[lst] += 1
    return int(e)


@inline
def pop(ints: Ints, ch_next: Ints, l_head: Ints, l_n: Ints, ei: Ints, lst: int) -> int:
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
            prefetch(ei, nx + m)
    else:
        done_with_chunk = False
        if (nx + AHEAD) & (CHUNK - 1) >= AHEAD:  # still in this chunk
            prefetch(ei, nx + AHEAD)
    if done_with_chunk:
        ch_next[ch] = ints[FREE_CHUNK]
        ints[FREE_CHUNK] = ch
        ints[N_FREE_CHUNKS] += 1
    l_head[lst] = nx
    return int(nx)


@inline
def qpop(
    ints: Ints, ch_next: Ints, l_head: Ints, l_n: Ints, ei: Ints, ef: Floats, q_ht: Floats, q: int
) -> None:
    """Drop the head of queue ``q`` (not empty), caching the next head's arrival time."""
    nx = pop(ints, ch_next, l_head, l_n, ei, q)
    q_ht[q] = ef[nx, E_T] if nx >= 0 else math.inf


@inline
def idle_add(head: Ints, tail: Ints, prev: Ints, nxt: Ints, flag: Bools, g: int, x: int) -> None:
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


@inline
def idle_remove(head: Ints, tail: Ints, prev: Ints, nxt: Ints, flag: Bools, g: int, x: int) -> None:
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
