"""Draws from an INT's buffers of uniforms and standard normals, which the engine
refills between events (``REFILL_DUE`` asks for it)."""

from __future__ import annotations

import math

from intplan.sim.kernel.jit import inline
from intplan.sim.kernel.layout import REFILL_DUE, U_MARGIN, Z_MARGIN, State, Static


@inline
def low_buffers(s: State, i: int) -> bool:
    """INT ``i``'s buffers hold fewer draws than one event may need."""
    n_buf = s.bu.shape[1]
    return bool(s.bu_pos[i] + U_MARGIN > n_buf or s.bz_pos[i] + Z_MARGIN > n_buf)


@inline
def uniform(s: State, i: int) -> float:
    """The next of INT ``i``'s uniforms, asking for a refill when they run low."""
    v = s.bu[i, s.bu_pos[i]]
    s.bu_pos[i] += 1
    if s.bu_pos[i] + U_MARGIN > s.bu.shape[1]:
        s.ints[REFILL_DUE] = 1
    return float(v)


@inline
def duration_factor(c: Static, s: State, i: int, a: int) -> float:
    """A new contact's duration factor (mean 1) for activity ``a``."""
    dk = c.dist_kind[a]
    if dk == 1:  # exponential
        f = -math.log(1.0 - s.bu[i, s.bu_pos[i]])
        s.bu_pos[i] += 1
        return f
    if dk == 2:  # lognormal with mean 1
        sig = c.dist_sigma[a]
        f = math.exp(sig * s.bz[i, s.bz_pos[i]] - 0.5 * sig * sig)
        s.bz_pos[i] += 1
        return f
    return 1.0
