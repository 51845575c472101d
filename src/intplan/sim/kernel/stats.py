"""The run's end: unserved requests still queued, and wait percentiles from the
histogram."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from intplan.sim.kernel.jit import jit
from intplan.sim.kernel.layout import (
    CHUNK,
    E_Q,
    E_T,
    HIST_BINS,
    HIST_LO,
    HIST_RATIO,
    Floats,
    Pool,
    State,
    Static,
)
from intplan.sim.kernel.tally import escalate, qchange, renege


@jit
def finish(c: Static, s: State, p: Pool, end: float) -> None:
    """Close the queue-length integrals at ``end``; requests still queued that gave up
    count as reneged, those past their tolerance as escalated, the rest are the backlog."""
    for i in range(c.n_i):
        qchange(s.q_len, s.q_last, s.q_area, c.warm_end, i, end, 0)
    n_q = c.n_a + 1
    for q in range(c.n_i * n_q):
        i, a = q // n_q, c.slot_act[q % n_q]
        e = s.l_head[q]
        for _ in range(s.l_n[q]):
            arrived, left = p.ef[e, E_T], p.ef[e, E_Q]
            if left < end and left < arrived + c.esc[a]:
                renege(c, s, i, a, arrived, left, end)
            elif end - arrived > c.esc[a]:
                escalate(c, s, i, a, arrived, end)
            e += 1
            if e & (CHUNK - 1) == 0:
                e = p.ch_next[e // CHUNK - 1] * CHUNK


@jit
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


@jit
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
