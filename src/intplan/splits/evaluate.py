"""KPIs of a split option that need no simulation, and the transparent ranking.

Structural KPIs per new INT (all analytic, documented in ``docs/splits.md``):

- ``core_headcount``: people (not vacancies) in core roles with any share in the INT,
  against ``settings.team_size_threshold`` ("small enough … to know each other", 000:147).
- ``travel_minutes``: minutes of travel per home visit, the simulator's own rule (one
  function, ``intplan.demand.travel``): mean distance between the INT's practices (at
  least 2 km) at ``travel_speed_kmh``.
- ``core_gap_day_probability`` (resilience): the probability that on a given rota day at
  least one core role has nobody on duty. A person with FTE share f works
  ``f × hours_per_fte_week / 7.5`` days a week of the rota's days and is present on a
  working day with probability ``productive_fraction``; people are independent, so a
  role is empty with probability ∏(1 − p) and some role is empty with 1 − ∏(1 − P_role).
- ``cover_dependence``: the share of the INT's reference core-role hours
  (population / ``population_per_fte``) it lacks and must borrow from neighbours (000:746).

The score is a weighted sum of KPIs each normalised across the options being compared
(best = 1, worst = 0, all equal = 1); weights are shown and editable. The Pareto front is
over mean wait (lower better) and largest core team (lower better).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from intplan.demand.travel import home_visit_travel_minutes
from intplan.domain import Scenario
from intplan.domain.units import fte_to_hours_per_week

#: hours in one working day, used to turn an FTE into rota days worked
WORKING_DAY_HOURS = 7.5
WORKING_DAY_SOURCE = "NHS AfC 37.5 h full-time week over 5 days"


class Better(StrEnum):
    LOWER = "lower"
    HIGHER = "higher"


@dataclass(frozen=True, slots=True, kw_only=True)
class KpiSpec:
    key: str
    label: str
    unit: str
    better: Better
    weight: float  # default weight in the score
    source: str  # why this default weight


KPI_SPECS: tuple[KpiSpec, ...] = (
    KpiSpec(
        key="wait",
        label="Mean wait (affected INTs)",
        unit="minutes",
        better=Better.LOWER,
        weight=0.25,
        source="assumption: access is the first thing patients notice (seed 002:152 waits)",
    ),
    KpiSpec(
        key="within_target",
        label="Share seen within target",
        unit="share",
        better=Better.HIGHER,
        weight=0.10,
        source="assumption: response targets matter alongside the mean wait",
    ),
    KpiSpec(
        key="escalations",
        label="Escalations to ED",
        unit="per 1,000 people per week",
        better=Better.LOWER,
        weight=0.05,
        source="assumption: small weight; escalations follow waits",
    ),
    KpiSpec(
        key="team_size",
        label="Largest core team",
        unit="people",
        better=Better.LOWER,
        weight=0.15,
        source="assumption: seed 000:147 'small enough for team members to know each other'",
    ),
    KpiSpec(
        key="travel",
        label="Travel per home visit",
        unit="minutes",
        better=Better.LOWER,
        weight=0.10,
        source="assumption: seed 000:1368 names travel times as a planning factor",
    ),
    KpiSpec(
        key="continuity",
        label="Continuity (same person within an episode)",
        unit="share",
        better=Better.HIGHER,
        weight=0.10,
        source="assumption: seed 000:741 'the right size to provide continuity of care'",
    ),
    KpiSpec(
        key="cover_dependence",
        label="Dependence on cover from neighbours",
        unit="share of reference core hours",
        better=Better.LOWER,
        weight=0.10,
        source="assumption: seed 000:746 sustainability at smaller population levels",
    ),
    KpiSpec(
        key="resilience",
        label="P(a core role has nobody on duty), worst INT",
        unit="probability per rota day",
        better=Better.LOWER,
        weight=0.15,
        source="assumption: seed 000:746 covering absence and vacancies",
    ),
    KpiSpec(
        key="utilisation",
        label="Mean utilisation (affected INTs)",
        unit="share",
        better=Better.LOWER,
        weight=0.0,
        source="assumption: reported, not scored (high can mean efficient or overloaded)",
    ),
    KpiSpec(
        key="population_fit",
        label="INTs within the population bounds",
        unit="share of INTs",
        better=Better.HIGHER,
        weight=0.0,
        source="assumption: options are already filtered by the bounds (seed 003:95)",
    ),
    KpiSpec(
        key="cost",
        label="Optimised annual cost (affected INTs)",
        unit="GBP per year",
        better=Better.LOWER,
        weight=0.10,
        source="assumption: used only with --with-cost",
    ),
)
KPI_BY_KEY: Mapping[str, KpiSpec] = {k.key: k for k in KPI_SPECS}


def default_weights() -> dict[str, float]:
    return {k.key: k.weight for k in KPI_SPECS}


@dataclass(frozen=True, slots=True, kw_only=True)
class StructuralKpis:
    """The analytic KPIs of one INT in a variant scenario."""

    int_code: str
    practices: tuple[str, ...]
    population: int
    core_headcount: int
    core_fte: float
    travel_minutes: float
    core_gap_day_probability: float
    empty_core_roles: tuple[str, ...]  # core roles with no one at all
    cover_dependence: float


def structural_kpis(scenario: Scenario, int_code: str) -> StructuralKpis:
    the_int = scenario.int_by_code[int_code]
    core_roles = [r for r in scenario.roles if r.core]
    people: set[str] = set()
    fte_by_role: dict[str, float] = {r.code: 0.0 for r in core_roles}
    p_empty: dict[str, float] = {r.code: 1.0 for r in core_roles}
    for person in scenario.staff:
        role = scenario.role_by_code[person.role]
        if not role.core or person.vacant:
            continue
        share = sum(a.fte for a in person.assignments if a.int_code == int_code)
        if share <= 0:
            continue
        people.add(person.id)
        fte_by_role[role.code] += share
        rota = scenario.rota_of(person)
        days = fte_to_hours_per_week(share, role.hours_per_fte_week) / WORKING_DAY_HOURS
        p_on = min(1.0, days / rota.days_per_week) * role.productive_fraction
        p_empty[role.code] *= 1.0 - p_on
    none_on = 1.0
    for p in p_empty.values():
        none_on *= 1.0 - p
    population = scenario.int_population(int_code)
    need_hours = 0.0
    gap_hours = 0.0
    for r in core_roles:
        if r.population_per_fte is None:
            continue
        need = population / r.population_per_fte
        need_hours += fte_to_hours_per_week(need, r.hours_per_fte_week)
        gap_hours += fte_to_hours_per_week(
            max(0.0, need - fte_by_role[r.code]), r.hours_per_fte_week
        )
    return StructuralKpis(
        int_code=int_code,
        practices=the_int.practices,
        population=population,
        core_headcount=len(people),
        core_fte=round(sum(fte_by_role.values()), 6),
        travel_minutes=home_visit_travel_minutes(scenario, int_code),
        core_gap_day_probability=1.0 - none_on,
        empty_core_roles=tuple(sorted(c for c, f in fte_by_role.items() if f <= 0)),
        cover_dependence=gap_hours / need_hours if need_hours > 0 else 0.0,
    )


def option_structural(
    per_int: Sequence[StructuralKpis], *, population_min: int, population_max: int
) -> dict[str, float]:
    """Option-level structural KPIs from its INTs (population-weighted where averaged)."""
    total = sum(k.population for k in per_int) or 1
    return {
        "team_size": float(max(k.core_headcount for k in per_int)),
        "travel": sum(k.travel_minutes * k.population for k in per_int) / total,
        "cover_dependence": sum(k.cover_dependence * k.population for k in per_int) / total,
        "resilience": max(k.core_gap_day_probability for k in per_int),
        "population_fit": sum(population_min <= k.population <= population_max for k in per_int)
        / len(per_int),
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class Ranking:
    score: float
    rank: int  # 1 = best score; ties share the order of the options
    pareto: bool
    contributions: Mapping[str, float]  # KPI key -> weight × normalised value (weights sum 1)


def normalised_weights(
    weights: Mapping[str, float], kpis: Sequence[Mapping[str, float | None]]
) -> dict[str, float]:
    """Weights of KPIs every option has, scaled to sum to 1 (unused KPIs dropped)."""
    used = {
        k: w
        for k, w in weights.items()
        if w > 0 and kpis and all(x.get(k) is not None for x in kpis)
    }
    total = sum(used.values())
    return {k: w / total for k, w in used.items()} if total > 0 else {}


def rank_options(
    kpis: Sequence[Mapping[str, float | None]],
    weights: Mapping[str, float],
    *,
    pareto_keys: tuple[str, str] = ("wait", "team_size"),
) -> list[Ranking]:
    """Score, rank and Pareto flag for each option, in the input order."""
    unknown = sorted(set(weights) - set(KPI_BY_KEY))
    if unknown:
        raise ValueError(f"unknown KPI weight(s): {', '.join(unknown)}")
    w = normalised_weights(weights, kpis)
    contributions: list[dict[str, float]] = [{} for _ in kpis]
    for key, wk in w.items():
        values = [float(x[key] or 0.0) for x in kpis]
        lo, hi = min(values), max(values)
        for i, v in enumerate(values):
            if hi - lo <= 1e-12 * max(1.0, abs(hi)):
                good = 1.0
            elif KPI_BY_KEY[key].better is Better.LOWER:
                good = (hi - v) / (hi - lo)
            else:
                good = (v - lo) / (hi - lo)
            contributions[i][key] = wk * good
    scores = [sum(c.values()) for c in contributions]
    order = sorted(range(len(kpis)), key=lambda i: (-round(scores[i], 12), i))
    rank = {i: n + 1 for n, i in enumerate(order)}
    front = pareto_front(kpis, pareto_keys)
    return [
        Ranking(score=scores[i], rank=rank[i], pareto=front[i], contributions=contributions[i])
        for i in range(len(kpis))
    ]


def pareto_front(kpis: Sequence[Mapping[str, float | None]], keys: tuple[str, str]) -> list[bool]:
    """True for options no other option beats on both keys (both: lower is better)."""
    pts: list[tuple[float, float] | None] = []
    for x in kpis:
        a, b = x.get(keys[0]), x.get(keys[1])
        pts.append(None if a is None or b is None else (float(a), float(b)))
    out = []
    for i, p in enumerate(pts):
        out.append(
            p is not None
            and not any(
                q is not None and j != i and q[0] <= p[0] and q[1] <= p[1] and q != p
                for j, q in enumerate(pts)
            )
        )
    return out
