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
