"""Weekly demand per INT × activity, in requests and in hours, for the optimiser.

Requests per week = ``intplan.demand``'s base weekly contacts (rates × list by
age band × deprivation multiplier) × the mean over the measured horizon of
seasonality × growth × interventions (the simulator's own factors); then
referrals add onward requests (rejected referrals re-present as
``settings.represent_activity``), as the simulator generates them.
Demand rates are contacts, each taking one duration.

The planned weekly count is the mean, or, when ``settings.demand_percentile`` is
not 0.5, that percentile of a Poisson count approximated by a normal
distribution (mean λ, variance λ). Hours use the preferred role's duration
(eligibility with the lowest preference number; ties take the shortest).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from scipy.stats import norm

from intplan.demand import (
    base_weekly_contacts,
    growth_factor,
    intervention_factor,
    patient_activities,
    seasonality_factor,
)
from intplan.domain import Eligibility, Scenario
from intplan.domain.units import MINUTES_PER_HOUR


@dataclass(frozen=True, slots=True, kw_only=True)
class WeeklyDemand:
    int_code: str
    activity: str
    mean_requests_per_week: float
    planned_requests_per_week: float  # at the demand percentile
    preferred_minutes: float
    planned_hours_per_week: float


def preferred_eligibility(rows: Iterable[Eligibility]) -> Eligibility | None:
    best: Eligibility | None = None
    for e in rows:
        if best is None or (e.preference, e.duration_minutes) < (
            best.preference,
            best.duration_minutes,
        ):
            best = e
    return best


def horizon_multipliers(
    scenario: Scenario, activities: tuple[str, ...]
) -> dict[tuple[str, str], float]:
    """(INT, activity) -> mean over the measured weeks of seasonality × growth × interventions.

    Uses ``intplan.demand``'s factors (week 0 = first measured week, as the simulator).
    """
    st = scenario.settings
    weeks = range(st.horizon_weeks)
    growth = [growth_factor(st.annual_growth_pct, w) for w in weeks]
    out: dict[tuple[str, str], float] = {}
    for a in activities:
        common = [seasonality_factor(scenario, a, w) * growth[w] for w in weeks]
        targeted = {iv.int_code for iv in scenario.interventions if iv.activity == a}
        shared: float | None = None
        for i in scenario.ints:
            if i.code in targeted or shared is None:
                value = sum(
                    c * intervention_factor(scenario, i.code, a, w)
                    for w, c in zip(weeks, common, strict=True)
                ) / len(weeks)
                if i.code not in targeted:
                    shared = value  # every INT without its own intervention shares this
            else:
                value = shared
            out[(i.code, a)] = value
    return out


def weekly_demand(scenario: Scenario) -> dict[tuple[str, str], WeeklyDemand]:
    """Demand for every INT × patient activity (zero rows included)."""
    acts = patient_activities(scenario)
    elig_by_act: dict[str, list[Eligibility]] = {}
    for e in scenario.eligibilities:
        elig_by_act.setdefault(e.activity, []).append(e)

    mult = horizon_multipliers(scenario, acts)
    base: dict[str, dict[str, float]] = {}
    for i in scenario.ints:
        per_act = {a: base_weekly_contacts(scenario, i.code, a) * mult[(i.code, a)] for a in acts}
        base[i.code] = _with_referrals(scenario, per_act)

    z = 0.0
    if abs(scenario.settings.demand_percentile - 0.5) > 1e-12:
        z = float(norm.ppf(scenario.settings.demand_percentile))
    out: dict[tuple[str, str], WeeklyDemand] = {}
    for i in scenario.ints:
        for a in acts:
            mean = base[i.code][a]
            planned = max(0.0, mean + z * math.sqrt(mean)) if z else mean
            pref = preferred_eligibility(elig_by_act.get(a, ()))
            minutes = pref.duration_minutes if pref else 0.0
            out[(i.code, a)] = WeeklyDemand(
                int_code=i.code,
                activity=a,
                mean_requests_per_week=mean,
                planned_requests_per_week=planned,
                preferred_minutes=minutes,
                planned_hours_per_week=planned * minutes / MINUTES_PER_HOUR,
            )
    return out


def _with_referrals(scenario: Scenario, base: dict[str, float]) -> dict[str, float]:
    """Add onward referrals and re-presentations: N = base + Nᵀ·P, by fixed-point iteration."""
    acts = set(base)
    flows: list[tuple[str, str, float]] = []  # (from, to, share of 'from' requests)
    keep = 1.0 - scenario.settings.integration_level
    rep = scenario.settings.represent_activity
    for r in scenario.referrals:
        if r.from_activity not in acts:
            continue
        rejected = r.rejection_probability * keep
        if r.to_activity in acts:
            flows.append((r.from_activity, r.to_activity, r.probability * (1.0 - rejected)))
        if rep in acts:
            flows.append((r.from_activity, rep, r.probability * rejected))
    if not flows:
        return dict(base)
    total = dict(base)
    for _ in range(200):
        nxt = dict(base)
        for src, dst, share in flows:
            nxt[dst] += total[src] * share
        delta = max(abs(nxt[a] - total[a]) for a in acts)
        total = nxt
        if delta < 1e-9 * max(1.0, max(total.values())):
            break
    return total
