"""A week's inputs to the event loop: shift starts and ends from the rotas, and the new
episodes (the random draws of numpy's batches, in linear time)."""

from __future__ import annotations

import math

import numpy as np

from intplan.domain.units import MINUTES_PER_HOUR, MINUTES_PER_WEEK
from intplan.sim.kernel.jit import jit
from intplan.sim.kernel.layout import SHIFT_END, SHIFT_START, Floats, Ints, Shifts, State, Static
from intplan.sim.kernel.structures import before, next_seq


@jit
def begin_week(c: Static, s: State, w: int, measured: bool) -> int:
    """Start week ``w``: write the week's shift starts and ends to the scratch arrays
    (chains merged with next week's, so a 24/7 relay never breaks), count available
    minutes. Returns the number of shift events written."""
    w0 = w * MINUTES_PER_WEEK
    n_r = c.n_r
    ints = s.ints
    n_ev = 0
    for x in range(len(c.staff_int)):
        g = c.staff_int[x] * n_r + c.staff_role[x]
        n_ch = 0
        for wk in (w, w + 1):
            base = wk * MINUTES_PER_WEEK
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
            if st >= w0 + MINUTES_PER_WEEK or st < w0 or st < s.carried[x] - 1e-9:
                continue
            s.sh_t[n_ev], s.sh_q[n_ev], s.sh_k[n_ev] = st, next_seq(ints), SHIFT_START
            s.sh_p[n_ev], s.sh_x[n_ev] = x, en
            # negative order: shift ends come first among events at the same time, so
            # the incoming person of a relay can take over the contact in hand
            s.sh_t[n_ev + 1], s.sh_q[n_ev + 1], s.sh_k[n_ev + 1] = en, -next_seq(ints), SHIFT_END
            s.sh_p[n_ev + 1], s.sh_x[n_ev + 1] = x, 0.0
            n_ev += 2
            s.carried[x] = en
    return n_ev


@jit
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
            i < len(ends) and before(t[ends[i]], q[ends[i]], t[starts[j]], q[starts[j]])
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
        if j >= n or (i < m and before(lt[i], lq[i], t[order[j]], q[order[j]])):
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


@jit
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
            t[m] = w0 + (h + u[0, m]) * MINUTES_PER_HOUR
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


@jit
def time_order(t: Floats, w0: float) -> Ints:
    """The stable sorting order of times in the week from ``w0``, in linear time: a
    counting sort into buckets of a few arrivals each, then insertion sort per bucket
    (a general sort of a week's arrivals was a tenth of a replication's time). Times
    outside the week share the first or last bucket: still sorted, just slower."""
    n = len(t)
    nb = max(1, n // 2)
    scale = nb / MINUTES_PER_WEEK
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
