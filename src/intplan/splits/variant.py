"""A variant Scenario for one split option: the PCN's current INTs replaced by the option's.

- *Affected* INTs are those holding any of the PCN's practices. An affected INT that
  also holds other PCNs' practices keeps them, under its own code (a "remnant").
- A new INT whose practices are exactly an affected INT's keeps that INT's code (so the
  current configuration re-creates the current scenario); other new INTs get fresh codes
  ``<PCN>-<n>of<k>``.
- Adjacency: edges between unaffected INTs are kept as entered. Every pair involving a
  new or remnant INT is rebuilt: two INTs are adjacent when a Delaunay edge between
  their practices (over the practices of the new, remnant and previously neighbouring
  INTs) links them; travel minutes = centroid distance / ``travel_speed_kmh``.
- Staff whose assignments touch an affected INT are re-mapped with the mapping rules
  (:func:`intplan.mapping.rules.assign_all`; manual choices kept where their INTs still
  exist); everyone else keeps their assignments verbatim, so unaffected INTs are
  unchanged and the comparison isolates the split.
- Interventions aimed at a replaced INT are copied to each new INT that takes over any
  of its practices (and kept for its remnant).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

from intplan.domain import INT, Adjacency, Intervention, Scenario
from intplan.domain.units import MINUTES_PER_HOUR
from intplan.mapping.rules import Geography, assign_all
from intplan.splits.adjacency import delaunay_edges
from intplan.splits.enumerate import SplitOption

ADJACENCY_SOURCE = "derived: Delaunay-adjacent practices; minutes = centroid km / travel_speed_kmh"


@dataclass(frozen=True, slots=True, kw_only=True)
class Variant:
    scenario: Scenario
    new_ints: tuple[str, ...]  # codes of the option's INTs, in the option's group order
    remnant_ints: tuple[str, ...]  # affected INTs kept for other PCNs' practices
    affected_ints: tuple[str, ...]  # the current INTs that held the PCN's practices
    remapped_staff: int  # people whose assignments were recomputed


def affected_ints(scenario: Scenario, pcn: str) -> tuple[str, ...]:
    mine = set(scenario.practices_of_pcn.get(pcn, ()))
    return tuple(i.code for i in scenario.ints if mine & set(i.practices))


def current_groups(scenario: Scenario, pcn: str) -> tuple[tuple[str, ...], ...]:
    """The PCN's practices grouped as the scenario's INTs group them now (canonical)."""
    mine = set(scenario.practices_of_pcn.get(pcn, ()))
    groups = [tuple(sorted(mine & set(i.practices))) for i in scenario.ints]
    return tuple(sorted((g for g in groups if g), key=lambda g: g[0]))


def centroid(scenario: Scenario, practices: Sequence[str]) -> tuple[float, float]:
    pts = [scenario.practice_by_code[p] for p in practices]
    return (sum(p.x_km for p in pts) / len(pts), sum(p.y_km for p in pts) / len(pts))


def build_variant(scenario: Scenario, pcn: str, option: SplitOption) -> Variant:
    affected = affected_ints(scenario, pcn)
    mine = set(scenario.practices_of_pcn[pcn])
    hcp = scenario.pcn_by_code[pcn].hcp
    taken = {i.code for i in scenario.ints} | {t.code for t in scenario.teams}
    remnants: list[INT] = []
    for code in affected:
        old = scenario.int_by_code[code]
        rest = tuple(p for p in old.practices if p not in mine)
        if rest:
            remnants.append(dataclasses.replace(old, practices=rest))
    remnant_codes = {r.code for r in remnants}
    new: list[INT] = []
    k = option.ints
    for n, group in enumerate(option.groups, start=1):
        same = next(
            (
                c
                for c in affected
                if c not in remnant_codes and set(scenario.int_by_code[c].practices) == set(group)
            ),
            None,
        )
        if same is not None:
            new.append(dataclasses.replace(scenario.int_by_code[same], practices=group))
            continue
        code = f"{pcn}-{n}of{k}"
        while code in taken:
            code += "x"
        taken.add(code)
        name = f"{scenario.pcn_by_code[pcn].name} {n} of {k}" if k > 1 else f"{pcn} as one INT"
        new.append(INT(code=code, name=name, hcp=hcp, practices=group))
    kept = [i for i in scenario.ints if i.code not in affected]
    ints = (*kept, *remnants, *new)
    changed = {i.code for i in (*remnants, *new)}
    adjacencies = _rebuild_adjacency(scenario, affected, ints, changed)
    touched = [
        i
        for i, s in enumerate(scenario.staff)
        if any(a.int_code in affected for a in s.assignments)
    ]
    staff = list(scenario.staff)
    if touched:
        geo = Geography.of(scenario, ints)
        for idx, person in zip(touched, assign_all(geo, [staff[i] for i in touched]), strict=True):
            staff[idx] = person
    interventions = _retarget_interventions(scenario.interventions, scenario, affected, ints)
    variant = dataclasses.replace(
        scenario,
        ints=ints,
        adjacencies=adjacencies,
        staff=tuple(staff),
        interventions=interventions,
    )
    return Variant(
        scenario=variant,
        new_ints=tuple(i.code for i in new),
        remnant_ints=tuple(r.code for r in remnants),
        affected_ints=affected,
        remapped_staff=len(touched),
    )


def _rebuild_adjacency(
    scenario: Scenario, affected: Sequence[str], ints: Sequence[INT], changed: set[str]
) -> tuple[Adjacency, ...]:
    gone = set(affected)
    kept = [a for a in scenario.adjacencies if a.int_a not in gone and a.int_b not in gone]
    old_neighbours = {
        other
        for a in scenario.adjacencies
        for other, this in ((a.int_a, a.int_b), (a.int_b, a.int_a))
        if this in gone and other not in gone
    }
    region = [i for i in ints if i.code in changed or i.code in old_neighbours]
    owner = {p: i.code for i in region for p in i.practices}
    codes = sorted(owner)
    edges = delaunay_edges(
        [(scenario.practice_by_code[p].x_km, scenario.practice_by_code[p].y_km) for p in codes]
    )
    pairs: set[tuple[str, str]] = set()
    for a, b in edges:
        ia, ib = owner[codes[a]], owner[codes[b]]
        if ia != ib and (ia in changed or ib in changed):
            pairs.add((min(ia, ib), max(ia, ib)))
    by_code = {i.code: i for i in ints}
    speed = scenario.settings.travel_speed_kmh
    rebuilt = []
    for ia, ib in sorted(pairs):
        ca, cb = (
            centroid(scenario, by_code[ia].practices),
            centroid(scenario, by_code[ib].practices),
        )
        minutes = round(math.dist(ca, cb) / speed * MINUTES_PER_HOUR, 1)
        rebuilt.append(
            Adjacency(int_a=ia, int_b=ib, travel_minutes=minutes, source=ADJACENCY_SOURCE)
        )
    return (*kept, *rebuilt)


def _retarget_interventions(
    interventions: Sequence[Intervention],
    scenario: Scenario,
    affected: Sequence[str],
    ints: Sequence[INT],
) -> tuple[Intervention, ...]:
    present = {i.code for i in ints}
    out: list[Intervention] = []
    for iv in interventions:
        if iv.int_code is None or iv.int_code not in affected:
            out.append(iv)
            continue
        if iv.int_code in present:
            out.append(iv)
        old = set(scenario.int_by_code[iv.int_code].practices)
        for i in ints:
            if (
                i.code != iv.int_code
                and old & set(i.practices)
                and i.code not in scenario.int_by_code
            ):
                out.append(dataclasses.replace(iv, code=f"{iv.code}.{i.code}", int_code=i.code))
    return tuple(out)
