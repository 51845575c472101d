"""What the kernel counts as it goes: the queue-length integral, requests leaving
unserved (escalated, reneged, turned away), booking categories and wait histogram bins,
and a booked-ahead request's lead."""

from __future__ import annotations

import math

from intplan.domain.units import MINUTES_PER_DAY
from intplan.sim.kernel.jit import inline, jit
from intplan.sim.kernel.layout import (
    HIST_BINS,
    HIST_LO,
    LOG_LO,
    LOG_RATIO,
    MAX_LEAD,
    Bools,
    Floats,
    Ints,
    State,
    Static,
)


@inline
def qchange(
    q_len: Ints, q_last: Floats, q_area: Floats, warm_end: float, i: int, t: float, delta: int
) -> None:
    """Keep the time integral of INT ``i``'s queue length (measured part only)."""
    if t > warm_end:
        lo = q_last[i]
        q_area[i] += q_len[i] * (t - (lo if lo > warm_end else warm_end))
    q_last[i] = t
    q_len[i] += delta


@jit
def escalate(c: Static, s: State, i: int, a: int, arrived: float, t: float) -> None:
    """A request of INT ``i`` and activity ``a`` (no longer served from its queue) leaves
    for ED; rare, so not inlined."""
    qchange(s.q_len, s.q_last, s.q_area, c.warm_end, i, t, -1)
    left = arrived + c.esc[a]
    over = t - (left if left > c.warm_end else c.warm_end)
    if over > 0 and t > c.warm_end:  # it left the queue at ``left``, not now
        s.q_area[i] -= over
    s.qcount[i * c.n_a + a] -= 1
    if arrived >= c.warm_end:
        s.n_esc[i * c.n_a + a] += 1


@jit
def renege(c: Static, s: State, i: int, a: int, arrived: float, left: float, t: float) -> None:
    """A request of INT ``i`` and activity ``a`` gave up waiting, or could not be booked
    within the horizon (it left at ``arrived`` + horizon), at ``left`` (found at ``t``,
    when it reached its queue's head); rare, so not inlined.

    A request turned away by the booking horizon is in reality turned away on asking;
    in a first-come-first-served queue it is the same whether it leaves then or at the
    horizon, as nobody behind it waits for it (it is never served)."""
    qchange(s.q_len, s.q_last, s.q_area, c.warm_end, i, t, -1)
    over = t - (left if left > c.warm_end else c.warm_end)
    if over > 0 and t > c.warm_end:  # it left the queue at ``left``, not now
        s.q_area[i] -= over
    s.qcount[i * c.n_a + a] -= 1
    if arrived >= c.warm_end:
        if left == arrived + c.hz[a]:
            s.n_turn[i * c.n_a + a] += 1
        else:
            s.n_ren[i * c.n_a + a] += 1


@inline
def _day(t: float) -> int:
    """``int(t // MINUTES_PER_DAY)`` for a time ``t >= 0``, exactly, without float floor
    division (numba calls the C library's fmod for it, ~6% of advance): the quotient
    rounded down, corrected when rounding the division went up to the next whole day."""
    d = int(t / MINUTES_PER_DAY)
    return d - 1 if d * MINUTES_PER_DAY > t else d


@inline
def bucket(booked: float, t: float) -> int:
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


@inline
def lead_days(cdf: Floats, open_: Bools, a: int, v: float, t: float) -> int:
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


@inline
def hist_bin(w: float) -> int:
    if w <= 0.0:
        return 0
    b = 1 + int((math.log(w) - LOG_LO) / LOG_RATIO) if w > HIST_LO else 1
    return b if b < HIST_BINS else HIST_BINS - 1
