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
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class ErlangA:
    """M/M/c+M (Erlang A) steady state: Poisson arrivals, exponential service and
    exponential patience (each waiting customer leaves at rate ``abandon_rate``)."""

    abandon_probability: float  # share of arrivals that give up waiting
    wait_mean: float  # mean wait of all arrivals (to service or to giving up)
    served_wait_mean: float  # mean wait of those served
    wait_probability: float  # share of arrivals that find every server busy


def erlang_a(
    servers: int, arrival_rate: float, service_rate: float, abandon_rate: float
) -> ErlangA:
    """Erlang A by its birth-death chain (births ``arrival_rate``, deaths
    ``min(n, c)·service_rate + max(n − c, 0)·abandon_rate``), truncated where the
    remaining probability is below 1e-15; rates per the same time unit.

    An arrival finding ``m`` waiting ahead of it (PASTA) is served with probability
    p_m and waits E[W; served] = w_m, by first-step analysis: the next event at rate
    r_m = cμ + (m + 1)θ moves the queue on (rate cμ + mθ) or is its own departure (θ).
    The identity P(abandon) = θ·E[W] (all arrivals) holds for exponential patience
    (Mandelbaum & Zeltyn, "The impact of customers' patience on delay and abandonment",
    Queueing Systems 2004)."""
    c, lam, mu, theta = servers, arrival_rate, service_rate, abandon_rate
    if c < 1 or lam < 0 or mu <= 0 or theta <= 0:
        raise ValueError("need at least one server, rates ≥ 0 and positive service and patience")
    # unnormalised stationary probabilities, built up until their tail is negligible
    weights = [1.0]
    n = 0
    while True:
        n += 1
        death = min(n, c) * mu + max(n - c, 0) * theta
        weights.append(weights[-1] * lam / death)
        if n > c and weights[-1] < 1e-15 * sum(weights):
            break
    total = sum(weights)
    pi = [w / total for w in weights]
    served = sum(pi[:c])  # arrivals that find a free server start at once
    waited_served = 0.0
    p_m, w_m = 0.0, 0.0
    for m in range(len(pi) - c):
        r = c * mu + (m + 1) * theta
        if m == 0:
            p_m = c * mu / r
            w_m = p_m / r
        else:
            move = (c * mu + m * theta) / r
            w_m = move * (p_m / r + w_m)
            p_m = move * p_m
        served += pi[c + m] * p_m
        waited_served += pi[c + m] * w_m
    queue_mean = sum(max(k - c, 0) * p for k, p in enumerate(pi))
    wait_all = queue_mean / lam if lam > 0 else 0.0
    return ErlangA(
        abandon_probability=1.0 - served,
        wait_mean=wait_all,
        served_wait_mean=waited_served / served if served > 0 else math.nan,
        wait_probability=sum(pi[c:]),
    )
