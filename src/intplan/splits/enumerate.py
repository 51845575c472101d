"""Every way to split a PCN's practices into 1, 2 or 3 contiguous INTs within bounds.

A *split option* is a partition of the PCN's practices into groups; each group is
contiguous in the practice adjacency graph (:mod:`intplan.splits.adjacency`) and its
registered population lies within the population bounds. Options are listed in a
deterministic order (by number of INTs, then by their groups) in canonical form:
codes sorted within a group, groups sorted by their smallest code, so symmetric
duplicates ("A|B" and "B|A") cannot occur.

Algorithm: the group holding the smallest unassigned practice is grown as a
connected subset (each connected subset enumerated exactly once, by the
"extension set" method), pruned as soon as its population exceeds the upper bound
(populations are non-negative, so growing never helps); the rest is split the same
way. A last group must be connected and within bounds. 15 practices enumerate in
well under a second (``benchmarks/splits_enumerate.py``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from intplan.domain import Practice, Scenario
from intplan.domain.errors import IntplanError
from intplan.splits.adjacency import delaunay_edges, is_connected, neighbour_sets

#: Torbay's teams serve 25,000-40,000 people (Kings Fund case study, seed 000:1789).
TORBAY_BAND: tuple[int, int] = (25000, 40000)
TORBAY_SOURCE = "seed 000:1789: Torbay teams each serve 25,000 to 40,000 people"
MAX_INTS_LIMIT = 3  # seed 000:150: "some PCNs may need further sub-division into 2-3 INTs"
ADJACENCY_METHOD = (
    "Delaunay triangulation of practice locations (x/y km): practices are adjacent when "
    "their nearest-practice catchments (Voronoi cells) touch; collinear practices are "
    "chained along the line"
)


class SplitError(IntplanError):
    """The split request cannot be answered (unknown PCN, no practices, bad bounds)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SplitOption:
    """One partition of a PCN's practices into INTs (canonical form)."""

    groups: tuple[tuple[str, ...], ...]
    populations: tuple[int, ...]
    within_bounds: bool  # every group inside the population bounds used
    within_torbay_band: bool  # every group inside 25-40k (seed 000:1789)

    @property
    def ints(self) -> int:
        return len(self.groups)

    @property
    def label(self) -> str:
        return " | ".join("+".join(g) for g in self.groups)


@dataclass(frozen=True, slots=True, kw_only=True)
class SplitEnumeration:
    pcn: str
    practices: tuple[str, ...]
    population_min: int
    population_max: int
    max_ints: int
    edges: tuple[tuple[str, str], ...]  # practice adjacency used for contiguity
    options: tuple[SplitOption, ...]
    bounds_applied: bool  # False when nothing fitted the bounds and they were dropped
    message: str  # what happened, in words (shown to the user)


def enumerate_partitions(
    populations: Sequence[int],
    edges: frozenset[tuple[int, int]],
    *,
    max_parts: int,
    pop_min: int | None,
    pop_max: int | None,
) -> Iterator[tuple[tuple[int, ...], ...]]:
    """Partitions of nodes ``0..n-1`` into 1..max_parts connected parts within bounds.

    Each partition is yielded once, with parts sorted and ordered by smallest node.
    ``pop_min``/``pop_max`` of None mean unbounded.
    """
    n = len(populations)
    nb = neighbour_sets(n, edges)
    lo = 0 if pop_min is None else pop_min
    hi = float("inf") if pop_max is None else pop_max

    def fits(pop: int) -> bool:
        return lo <= pop <= hi

    def split(rest: frozenset[int], parts: int) -> Iterator[tuple[frozenset[int], ...]]:
        pop_rest = sum(populations[i] for i in rest)
        if not rest or pop_rest < lo * parts or pop_rest > hi * parts:
            return
        if parts == 1:
            if fits(pop_rest) and is_connected(rest, nb):
                yield (rest,)
            return
        root = min(rest)
        for group in _connected_subsets(root, rest, nb, populations, hi):
            if len(group) == len(rest) or not fits(sum(populations[i] for i in group)):
                continue
            for tail in split(rest - group, parts - 1):
                yield (group, *tail)

    everything = frozenset(range(n))
    for parts in range(1, max_parts + 1):
        found = sorted(tuple(tuple(sorted(g)) for g in p) for p in split(everything, parts))
        yield from found


def _connected_subsets(
    root: int,
    allowed: frozenset[int],
    nb: Sequence[frozenset[int]],
    populations: Sequence[int],
    pop_max: float,
) -> Iterator[frozenset[int]]:
    """Connected subsets of ``allowed`` containing ``root``, each once, population-pruned."""
    if populations[root] > pop_max:
        return
    stack: list[tuple[frozenset[int], tuple[int, ...], frozenset[int], int]] = [
        (
            frozenset([root]),
            tuple(sorted(nb[root] & allowed)),
            frozenset([root]) | (frozenset(range(len(nb))) - allowed),
            populations[root],
        )
    ]
    while stack:
        subset, cand, excluded, pop = stack.pop()
        yield subset
        for i, v in enumerate(cand):
            excl = excluded | frozenset(cand[: i + 1])
            new_pop = pop + populations[v]
            if new_pop > pop_max:
                continue  # every superset with v is too big; v stays excluded for siblings
            grown = subset | {v}
            extra = sorted(u for u in nb[v] if u not in grown and u not in excl)
            rest = tuple(cand[i + 1 :]) + tuple(u for u in extra if u not in cand)
            stack.append((grown, rest, excl, new_pop))


def pcn_practices(scenario: Scenario, pcn: str) -> tuple[Practice, ...]:
    if pcn not in scenario.pcn_by_code:
        known = ", ".join(sorted(scenario.pcn_by_code)) or "none"
        raise SplitError(f"unknown PCN {pcn!r}; the scenario's PCNs are: {known}")
    codes = sorted(scenario.practices_of_pcn[pcn])
    if not codes:
        raise SplitError(f"PCN {pcn!r} has no practices to split")
    return tuple(scenario.practice_by_code[c] for c in codes)


def enumerate_splits(
    scenario: Scenario,
    pcn: str,
    *,
    max_ints: int = MAX_INTS_LIMIT,
    population_min: int | None = None,
    population_max: int | None = None,
) -> SplitEnumeration:
    """Split options for ``pcn``; bounds default to the scenario's settings (003:95).

    When no option fits the bounds, every contiguous option is returned with
    ``within_bounds=False`` and ``bounds_applied=False``, and the message says so.
    """
    if not 1 <= max_ints <= MAX_INTS_LIMIT:
        raise SplitError(f"--max-ints must be 1, 2 or 3 (seed 000:150), not {max_ints}")
    practices = pcn_practices(scenario, pcn)
    s = scenario.settings
    lo = s.int_population_min if population_min is None else population_min
    hi = s.int_population_max if population_max is None else population_max
    if lo < 0 or hi < lo:
        raise SplitError(f"population bounds {lo}-{hi} are not a range (min <= max)")
    codes = tuple(p.code for p in practices)
    pops = [p.population for p in practices]
    edges = delaunay_edges([(p.x_km, p.y_km) for p in practices])
    parts = list(enumerate_partitions(pops, edges, max_parts=max_ints, pop_min=lo, pop_max=hi))
    bounded = bool(parts)
    if not bounded:
        parts = list(
            enumerate_partitions(pops, edges, max_parts=max_ints, pop_min=None, pop_max=None)
        )
    options = tuple(_option(codes, pops, p, lo, hi) for p in parts)
    total = sum(pops)
    if bounded:
        msg = (
            f"{len(options)} option(s) for PCN {pcn} ({len(codes)} practices, "
            f"{total:,} people) within {lo:,}-{hi:,} people per INT"
        )
    else:
        msg = (
            f"no split of PCN {pcn} ({len(codes)} practices, {total:,} people) into 1-{max_ints} "
            f"contiguous INTs has every INT within {lo:,}-{hi:,} people; showing all "
            f"{len(options)} contiguous option(s) ignoring the bounds (flagged out of bounds)"
        )
    return SplitEnumeration(
        pcn=pcn,
        practices=codes,
        population_min=lo,
        population_max=hi,
        max_ints=max_ints,
        edges=tuple(sorted((codes[a], codes[b]) for a, b in edges)),
        options=options,
        bounds_applied=bounded,
        message=msg,
    )


def _option(
    codes: tuple[str, ...],
    pops: Sequence[int],
    part: tuple[tuple[int, ...], ...],
    lo: int,
    hi: int,
) -> SplitOption:
    groups = tuple(tuple(codes[i] for i in g) for g in part)
    populations = tuple(sum(pops[i] for i in g) for g in part)
    t_lo, t_hi = TORBAY_BAND
    return SplitOption(
        groups=groups,
        populations=populations,
        within_bounds=all(lo <= p <= hi for p in populations),
        within_torbay_band=all(t_lo <= p <= t_hi for p in populations),
    )


def grouping_option(
    scenario: Scenario, enum: SplitEnumeration, groups: tuple[tuple[str, ...], ...]
) -> SplitOption:
    """Any grouping of the PCN's practices (e.g. today's) as an option, flagged honestly."""
    codes = {c: i for i, c in enumerate(enum.practices)}
    pops = [scenario.practice_by_code[c].population for c in enum.practices]
    part = tuple(tuple(codes[c] for c in g) for g in groups)
    return _option(enum.practices, pops, part, enum.population_min, enum.population_max)


def why_not_an_option(enum: SplitEnumeration, option: SplitOption) -> str:
    """Why a grouping is not among the enumerated options, in words."""
    lo, hi = enum.population_min, enum.population_max
    reasons = []
    outside = [
        f"{'+'.join(g)}: {p:,}"
        for g, p in zip(option.groups, option.populations, strict=True)
        if not lo <= p <= hi
    ]
    if outside:
        reasons.append(f"outside the population bounds {lo:,}-{hi:,} ({'; '.join(outside)})")
    if option.ints > enum.max_ints:
        reasons.append(f"{option.ints} INTs, more than --max-ints {enum.max_ints}")
    index = {c: i for i, c in enumerate(enum.practices)}
    nb = neighbour_sets(len(index), frozenset((index[a], index[b]) for a, b in enum.edges))
    apart = [
        "+".join(g) for g in option.groups if not is_connected(frozenset(index[c] for c in g), nb)
    ]
    if apart:
        reasons.append(f"not contiguous ({', '.join(apart)})")
    return "; ".join(reasons) or "not enumerated"
