"""Generated geography: practices around their PCN, INTs cut from PCNs, INT neighbours."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from scipy.spatial import Delaunay

from intplan.domain import INT, Adjacency, Practice
from intplan.domain.units import MINUTES_PER_HOUR
from intplan.examples._specs import IntSpec, PcnSpec
from intplan.examples._synthetic_names import PRACTICE_SUFFIXES, STREETS

#: England GP registered list by age band (NHS Digital, Patients Registered at a GP
#: Practice 2024, rounded): 0-17, 18-64, 65-74, 75-84, 85+
ENGLAND_AGE_MIX: tuple[float, float, float, float, float] = (0.20, 0.61, 0.10, 0.065, 0.025)
#: assumption: road distance ~1.3 x straight line at ~40 km/h, plus 5 minutes to park
ROAD_FACTOR, ROAD_SPEED_KMH, PARK_MINUTES = 1.3, 40.0, 5.0
ADJACENCY_SOURCE = (
    "illustrative: Delaunay neighbours of INT centroids; travel minutes = 5 + "
    "1.3 x straight-line km at 40 km/h (assumption)"
)


def practices_of(
    rng: np.random.Generator, pcns: Sequence[PcnSpec], code_prefix: str
) -> list[Practice]:
    """Each PCN's practices scattered around it, with lists, ages and deprivation near its own."""
    out: list[Practice] = []
    for spec in pcns:
        weights = rng.gamma(4.0, 1.0, spec.practices)
        sizes = np.floor(spec.population * weights / weights.sum()).astype(int)
        sizes[int(np.argmax(sizes))] += spec.population - int(sizes.sum())
        for i in range(spec.practices):
            n = len(out) + 1
            pop = int(sizes[i])
            noise = 1.0 + rng.normal(0.0, 0.05, 4)
            young = ENGLAND_AGE_MIX[0] * (1.0 - 0.1 * spec.age_tilt) * noise[0]
            older = [
                share * (1.0 + 0.35 * spec.age_tilt) * noise[j + 1]
                for j, share in enumerate(ENGLAND_AGE_MIX[2:])
            ]
            counts = [round(pop * young), 0, *(round(pop * s) for s in older)]
            counts[1] = pop - sum(counts)
            decile = int(np.clip(spec.decile + rng.integers(-1, 2), 1, 10))
            dx, dy = rng.normal(0.0, spec.spread_km, 2)
            street = STREETS[int(rng.integers(len(STREETS)))]
            suffix = PRACTICE_SUFFIXES[int(rng.integers(len(PRACTICE_SUFFIXES)))]
            town = spec.name.removesuffix(" PCN")
            out.append(
                Practice(
                    code=f"{code_prefix}{n:03d}",
                    name=f"{street} {suffix}, {town}",
                    pcn=spec.code,
                    list_by_age=(counts[0], counts[1], counts[2], counts[3], counts[4]),
                    deprivation_decile=decile,
                    x_km=round(spec.x_km + float(dx), 2),
                    y_km=round(spec.y_km + float(dy), 2),
                )
            )
    return out


def _balanced_groups(members: Sequence[Practice], k: int) -> list[list[Practice]]:
    """Cut an ordered list into ``k`` contiguous, non-empty groups of similar population."""
    cum = np.cumsum([p.population for p in members])
    total = float(cum[-1])
    cuts: list[int] = []
    prev = 0
    for j in range(1, k):
        target = j * total / k
        i = int(np.searchsorted(cum, target))
        end = i + 1 if i == 0 or cum[i] - target <= target - cum[i - 1] else i
        end = min(max(end, prev + 1), len(members) - (k - j))
        cuts.append(end)
        prev = end
    bounds = [0, *cuts, len(members)]
    return [list(members[a:b]) for a, b in itertools.pairwise(bounds)]


def _split_names(k: int, along_x: bool) -> tuple[str, ...]:
    if along_x:
        return ("West", "East") if k == 2 else ("West", "Mid", "East")
    return ("South", "North") if k == 2 else ("South", "Mid", "North")


def ints_of(
    specs: Sequence[IntSpec], practices: Sequence[Practice], pcn_hcp: dict[str, str]
) -> list[INT]:
    by_pcn: dict[str, list[Practice]] = {}
    for p in practices:
        by_pcn.setdefault(p.pcn, []).append(p)
    out: list[INT] = []
    for spec in specs:
        members = [p for pcn in spec.pcns for p in by_pcn[pcn]]
        hcp = pcn_hcp[spec.pcns[0]]
        if spec.split == 1:
            out.append(
                INT(
                    code=spec.code,
                    name=spec.name,
                    hcp=hcp,
                    practices=tuple(p.code for p in members),
                )
            )
            continue
        # cut along the longer axis into population-balanced, contiguous groups
        xs = [p.x_km for p in members]
        ys = [p.y_km for p in members]
        along_x = (max(xs) - min(xs)) >= (max(ys) - min(ys))
        members.sort(key=lambda p: (p.x_km if along_x else p.y_km, p.code))
        groups = _balanced_groups(members, spec.split)
        for suffix, (label, grp) in zip(
            "ABC", zip(_split_names(spec.split, along_x), groups, strict=True), strict=False
        ):
            out.append(
                INT(
                    code=f"{spec.code}{suffix}",
                    name=f"{spec.name} {label}",
                    hcp=hcp,
                    practices=tuple(p.code for p in grp),
                )
            )
    return out


def _centroids(ints: Sequence[INT], practice: dict[str, Practice]) -> np.ndarray:
    pts = []
    for i in ints:
        ps = [practice[c] for c in i.practices]
        w = np.array([p.population for p in ps], dtype=float)
        pts.append(
            (
                float(np.dot(w, [p.x_km for p in ps]) / w.sum()),
                float(np.dot(w, [p.y_km for p in ps]) / w.sum()),
            )
        )
    return np.array(pts)


def _connected(n: int, edges: set[tuple[int, int]]) -> bool:
    seen, stack = {0}, [0]
    nbrs: dict[int, list[int]] = {i: [] for i in range(n)}
    for a, b in edges:
        nbrs[a].append(b)
        nbrs[b].append(a)
    while stack:
        for m in nbrs[stack.pop()]:
            if m not in seen:
                seen.add(m)
                stack.append(m)
    return len(seen) == n


def adjacency(ints: Sequence[INT], practice: dict[str, Practice], max_km: float) -> list[Adjacency]:
    """Delaunay neighbours of INT centroids, dropping long hull edges while connected."""
    pts = _centroids(ints, practice)
    n = len(ints)
    edges: set[tuple[int, int]] = set()
    if n == 2:
        edges.add((0, 1))
    elif n > 2:
        for simplex in Delaunay(pts).simplices:
            for a, b in ((0, 1), (1, 2), (0, 2)):
                i, j = sorted((int(simplex[a]), int(simplex[b])))
                edges.add((i, j))

    def dist(e: tuple[int, int]) -> float:
        return float(np.hypot(*(pts[e[0]] - pts[e[1]])))

    for e in sorted(edges, key=lambda e: (-dist(e), e)):
        if dist(e) > max_km and _connected(n, edges - {e}):
            edges.discard(e)
    return [
        Adjacency(
            int_a=ints[a].code,
            int_b=ints[b].code,
            travel_minutes=round(
                PARK_MINUTES + dist((a, b)) * ROAD_FACTOR / ROAD_SPEED_KMH * MINUTES_PER_HOUR, 1
            ),
            source=ADJACENCY_SOURCE,
        )
        for a, b in sorted(edges)
    ]
