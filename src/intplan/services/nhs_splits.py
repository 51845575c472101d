"""``intplan new --split-large``: 2-3 contiguous INTs for a PCN above the INT bound.

Here, not in ``intplan.examples``, because examples and splits are independent layers;
``build_from_nhs`` takes :func:`proposer` as its ``split_large`` argument.

A PCN whose registered population is above ``Settings.int_population_max`` (30-50k,
seed 003:95) is split with the rule ``compare-splits`` uses
(:func:`intplan.splits.enumerate.enumerate_partitions` over the Delaunay adjacency of
practice locations): every group contiguous and inside the bounds, 2 or 3 INTs
(seed 000:150). Of those options the one chosen is the most balanced: the smallest
difference between its largest and smallest INT, then fewer INTs, then the canonical
order (so the choice is deterministic). A PCN with no such option stays one INT and
the report says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from intplan.domain import Practice
from intplan.examples.from_nhs import SplitLarge
from intplan.splits.adjacency import delaunay_edges
from intplan.splits.enumerate import MAX_INTS_LIMIT, enumerate_partitions

#: above this many practices the enumeration is not attempted (it grows combinatorially)
MAX_PRACTICES = 25


@dataclass(frozen=True, slots=True, kw_only=True)
class PcnSplit:
    pcn: str
    population: int
    groups: tuple[tuple[str, ...], ...]  # one group = not split
    populations: tuple[int, ...]
    note: str  # what was done and why, in words


def proposer(pop_min: int, pop_max: int) -> SplitLarge:
    """The ``split_large`` callable ``build_from_nhs`` applies to each PCN above the bound."""

    def propose(
        pcn: str, practices: Sequence[Practice], schematic: bool
    ) -> tuple[tuple[tuple[str, ...], ...], str]:
        s = split_pcn(pcn, list(practices), pop_min, pop_max, schematic=schematic)
        return s.groups, s.note

    return propose


def split_pcn(
    pcn: str, practices: list[Practice], pop_min: int, pop_max: int, *, schematic: bool
) -> PcnSplit:
    """The most balanced contiguous 2-3 INT split of one PCN within the bounds."""
    codes = tuple(p.code for p in practices)
    pops = [p.population for p in practices]
    total = sum(pops)
    where = " (schematic layout: no practice postcodes, so contiguity is nominal)"
    where = where if schematic else ""

    def unsplit(why: str) -> PcnSplit:
        return PcnSplit(pcn=pcn, population=total, groups=(codes,), populations=(total,), note=why)

    if len(codes) < 2:
        return unsplit(f"{pcn} ({total:,} people) is one practice; not split")
    if len(codes) > MAX_PRACTICES:
        return unsplit(f"{pcn} has {len(codes)} practices (over {MAX_PRACTICES}); not split")
    edges = delaunay_edges([(p.x_km, p.y_km) for p in practices])
    options = [
        p
        for p in enumerate_partitions(
            pops, edges, max_parts=MAX_INTS_LIMIT, pop_min=pop_min, pop_max=pop_max
        )
        if len(p) >= 2
    ]
    if not options:
        return unsplit(
            f"{pcn} ({total:,} people): no split into 2-{MAX_INTS_LIMIT} contiguous INTs has "
            f"every INT within {pop_min:,}-{pop_max:,}; kept as one INT{where}"
        )

    def spread(part: tuple[tuple[int, ...], ...]) -> tuple[int, int]:
        sizes = [sum(pops[i] for i in g) for g in part]
        return max(sizes) - min(sizes), len(part)

    best = min(options, key=spread)  # min keeps the first of equals: canonical order
    groups = tuple(tuple(codes[i] for i in g) for g in best)
    sizes = tuple(sum(pops[i] for i in g) for g in best)
    listed = " | ".join(f"{'+'.join(g)} ({n:,})" for g, n in zip(groups, sizes, strict=True))
    return PcnSplit(
        pcn=pcn,
        population=total,
        groups=groups,
        populations=sizes,
        note=(
            f"{pcn} ({total:,} people) split into {len(groups)} INTs: {listed}; the most "
            f"balanced of {len(options)} contiguous option(s) within {pop_min:,}-{pop_max:,}"
            f"{where}"
        ),
    )
