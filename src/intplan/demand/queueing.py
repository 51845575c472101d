"""Erlang B and Erlang C for a pool of servers, by the stable recursion.

Erlang B (a loss system): B(0, A) = 1, B(k, A) = A·B(k−1, A) / (k + A·B(k−1, A)).
Erlang C (the probability an arrival waits in an M/M/c queue), from B:
C(c, A) = c·B / (c − A·(1 − B)) for A < c, else 1. The recursion never forms
A^c or c!, so it stays exact for hundreds of servers.

A fractional number of servers (a pool's mean headcount on duty) is handled by
linear interpolation between the whole numbers either side.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray


def _erlang_b_whole(servers: int, load: float) -> float:
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def erlang_b(servers: float, load: float) -> float:
    """Blocking probability of ``servers`` servers offered ``load`` erlangs."""
    if servers < 0 or load < 0 or not math.isfinite(servers):
        raise ValueError(f"servers and load must be finite and ≥ 0 (got {servers}, {load})")
    if load == 0:
        return 0.0 if servers > 0 else 1.0
    if not math.isfinite(load):
        return 1.0
    low = math.floor(servers)
    b_low = _erlang_b_whole(low, load)
    if servers == low:
        return b_low
    b_high = load * b_low / (low + 1 + load * b_low)
    return b_low + (servers - low) * (b_high - b_low)


def _erlang_c_whole(servers: int, load: float) -> float:
    if load >= servers:
        return 1.0
    b = _erlang_b_whole(servers, load)
    return servers * b / (servers - load * (1.0 - b))


def erlang_c(servers: float, load: float) -> float:
    """Probability an arrival waits (all servers busy) in M/M/``servers`` at ``load`` erlangs;
    1 when the load reaches the number of servers."""
    if servers < 0 or load < 0 or not math.isfinite(servers):
        raise ValueError(f"servers and load must be finite and ≥ 0 (got {servers}, {load})")
    if load == 0:
        return 0.0 if servers > 0 else 1.0
    if load >= servers:
        return 1.0
    low = math.floor(servers)
    c_low = _erlang_c_whole(low, load)
    if servers == low:
        return c_low
    c_high = _erlang_c_whole(low + 1, load)
    return c_low + (servers - low) * (c_high - c_low)


def mean_wait(servers: int, load: float, service_time: float) -> float:
    """Mean wait in M/M/c: C(c, A) · s / (c − A); infinite when A ≥ c."""
    if load >= servers:
        return math.inf
    return _erlang_c_whole(servers, load) * service_time / (servers - load)


def share_within(servers: int, load: float, service_time: float, target: float) -> float:
    """Share of arrivals that wait no longer than ``target`` in M/M/c (FCFS):
    1 − C(c, A)·exp(−(c − A)·target / s)."""
    if load >= servers:
        return 0.0
    return 1.0 - _erlang_c_whole(servers, load) * math.exp(
        -(servers - load) * target / service_time
    )


def priority_tail(
    servers: float, load: float, higher_load: float, class_load: float, service_time: float
) -> tuple[float, float]:
    """P(wait > t) ≈ p · exp(−rate · t) for one class of a non-preemptive priority M/M/c
    queue with a common mean service time: ``(p, rate)``.

    p = C(c, A) with A the total ``load``; rate = c·(1 − σ_h)·(1 − σ_h − σ_k) / s, where
    σ_h is the utilisation of the more urgent classes (``higher_load`` / c) and σ_k the
    class's own. Its mean, p / rate, is Cobham's exact mean wait; the exponential tail is
    an approximation (exact for a single class, where rate = (c − A)/s). A class that the
    more urgent ones and itself saturate never clears: ``(1, 0)``."""
    if servers <= 0 or service_time <= 0:
        return 1.0, 0.0
    sigma_h = higher_load / servers
    sigma_k = (higher_load + class_load) / servers
    if sigma_k >= 1.0 or load >= servers:
        return 1.0, 0.0
    return erlang_c(servers, load), servers * (1.0 - sigma_h) * (1.0 - sigma_k) / service_time


def share_within_windows(
    p_wait: float, rate: float, windows: NDArray[np.float64], weights: NDArray[np.float64]
) -> float:
    """Share of arrivals seen within target when arrivals of weight ``weights[h]`` have
    ``windows[h]`` hours of service time (the pool's open time) before their target runs
    out: Σ w·(1 − p·e^(−rate·window)) over windows > 0; a window of 0 is a sure miss."""
    reach = windows > 0
    tail = p_wait * np.exp(-rate * windows[reach])
    return float(np.dot(weights[reach], 1.0 - tail))


def required_servers(
    meets: Callable[[float], bool], load: float, *, tolerance: float = 1e-3
) -> float:
    """The fewest (fractional) servers ``c`` > ``load`` with ``meets(c)``, by bisection;
    ``meets`` must be monotone (false below the answer, true above). 0 for no load."""
    if load <= 0:
        return 0.0
    low = load
    high = load + max(1.0, 3.0 * math.sqrt(load))
    while not meets(high):
        low, high = high, 2.0 * high
        if high > 1e6:
            raise ValueError("no number of servers meets the service level")
    while high - low > tolerance * max(1.0, low):
        mid = 0.5 * (low + high)
        if meets(mid):
            high = mid
        else:
            low = mid
    return high


def window_capacity_met(
    servers: float,
    load: float,
    *,
    service_time: float,
    service_scv: float,
    window: float,
    day_hours: float,
    absence: float,
    z: float,
) -> bool:
    """Does the work arriving within one target window fit in the window's capacity, at
    the service level's normal quantile ``z``? A fluid (diffusion) check that Erlang C's
    steady state misses: near full load the queue takes far longer than a target to settle,
    and whole days lost to leave make capacity itself vary.

    Work arriving in a window of length T is compound Poisson: mean A·T, variance
    A·T·s·(1 + scv) (``scv``: squared coefficient of variation of service times).
    Each server is lost for whole days of ``day_hours`` with probability ``absence``
    (independently), so the window's capacity has variance c·absence·T·min(T, d)
    (c/(1 − absence) people rostered, each losing min(T, d) hours per day in the window).
    Met when (c − A)·T ≥ z·√(A·T·s·(1 + scv) + c·absence·T·min(T, d))."""
    if load <= 0:
        return True
    if window <= 0:
        return servers > load
    spare = (servers - load) * window
    variance = load * window * service_time * (1.0 + service_scv)
    variance += servers * absence * window * min(window, day_hours)
    return spare >= z * math.sqrt(variance)
