"""Shift patterns: a rota group's people spread evenly over the rota's open hours.

A group is the people of one role on one rota in one INT, with weekly clinical minutes
``L_p`` (total ``C``) over ``n`` open days of ``T`` minutes each; coverage ``c = C/(nT)``.
Two folds by McNaughton's wrap-around rule give every open day the same ``C/n``
minutes and, at any moment of a day, ``floor(c)`` or ``ceil(c)`` people on duty:

1. **Onto days.** People are laid end to end on a line of length ``C``, cut into
   ``n × m`` equal bins (``m = ceil(c)`` lanes, so a bin is at most ``T``), bin ``j``
   belonging to day ``j mod n``. Each person thus works a run of consecutive days (a
   full-timer four or five, a small share one or two) rather than a sliver of every day,
   which keeps shift changes, and the engine's events, few.
2. **Within a day.** A day's bins are joined in lane order into a line of ``C/n``
   minutes (a person's part of the day is one piece of it) and folded onto the day's
   window. Nobody overlaps themselves as long as no part exceeds ``T``; where the first
   fold would give someone more than ``T`` in a day (rare: a long-hours person in a
   pool of fractional coverage), that group falls back to every person working an equal
   share of every open day, which is the same fold with one bin per day and person.

The fold point moves through the day from one open day to the next, so the extra person
of a fractional coverage is in the morning on some days and in the afternoon on others.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from intplan.domain.units import MINUTES_PER_DAY, MINUTES_PER_HOUR

#: pieces shorter than this (minutes; floating-point dust at a fold) are dropped
_DUST = 1e-6

#: (day of the week, start, end): minutes from the start of the week
Segment = tuple[int, float, float]
#: (person, day index, start, end) on that day's line
_Part = tuple[int, int, float, float]


def even_segments(
    days: Sequence[bool], start_hour: float, end_hour: float, weekly_minutes: Sequence[float]
) -> list[list[Segment]]:
    """Each person's shifts in a week, one list per entry of ``weekly_minutes`` (their
    clinical minutes a week, capped at the rota's open minutes), sorted by start."""
    open_days = [d for d in range(7) if days[d]]
    length = (end_hour - start_hour) * MINUTES_PER_HOUR
    minutes = [max(0.0, m) for m in weekly_minutes]
    out: list[list[Segment]] = [[] for _ in minutes]
    if not open_days or length <= 0 or sum(minutes) <= _DUST:
        return out
    n = len(open_days)
    parts = _day_parts(minutes, n, length)
    if parts is None:
        parts = _every_day_parts(minutes, n, length)
    for person, k, lo, hi in parts:
        d = open_days[k]
        day0 = d * MINUTES_PER_DAY + start_hour * MINUTES_PER_HOUR
        shift = k * length / n  # the fold point of this day
        a = (lo + shift) % length
        b = a + (hi - lo)
        pieces = [(a, min(b, length))]
        if b > length:  # past the window's end: the rest from its start (wrap-around)
            pieces.append((0.0, b - length))
        for x, y in pieces:
            if y - x > _DUST:
                out[person].append((d, day0 + x, day0 + y))
    for segs in out:
        segs.sort(key=lambda s: s[1])
    return out


def _day_parts(minutes: Sequence[float], n: int, length: float) -> list[_Part] | None:
    """Fold 1 (see the module docstring): each person's part of each day, as an interval
    of that day's line; None when a part would exceed the day."""
    total = sum(minutes)
    lanes = max(1, math.ceil(total / (n * length) - 1e-9))
    size = total / (n * lanes)  # one bin
    merged: dict[tuple[int, int], list[float]] = {}
    pos = 0.0
    for person, m in enumerate(minutes):
        a, end = pos, pos + m
        j = int(a // size)
        while end - a > _DUST:
            b = min(end, (j + 1) * size)
            k, lane = j % n, min(j // n, lanes - 1)
            lo = lane * size + (a - j * size)
            hi = lo + (b - a)
            got = merged.get((person, k))
            if got is not None and abs(got[1] - lo) <= _DUST:
                got[1] = hi  # the person runs on into the next lane's bin of this day
            elif got is None:
                merged[person, k] = [lo, hi]
            else:
                return None  # two separate pieces on one day's line: they could overlap
            a = b
            j += 1
        pos = end
    if any(hi - lo > length + _DUST for lo, hi in merged.values()):
        return None
    return [(p, k, lo, hi) for (p, k), (lo, hi) in merged.items()]


def _every_day_parts(minutes: Sequence[float], n: int, length: float) -> list[_Part]:
    """The fallback: every person an equal share of every open day (at most the day)."""
    out: list[_Part] = []
    for k in range(n):
        pos = 0.0
        for person, m in enumerate(minutes):
            share = min(m / n, length)
            if share > _DUST:
                out.append((person, k, pos, pos + share))
            pos += share
    return out


def on_duty(segments: Sequence[Sequence[Segment]], minute_of_week: float) -> int:
    """How many of these people are rostered at ``minute_of_week`` (absence aside)."""
    return sum(any(a <= minute_of_week < b for _, a, b in person) for person in segments)
