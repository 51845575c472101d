"""Weekly demand per INT × activity, in requests and in hours, for the optimiser.

Requests per week = rate per 1000 per week × registered list (by age band) ×
the activity's deprivation multiplier (practice IMD decile) × the mean over the
planning horizon of growth × seasonality × interventions; then referrals add
onward requests (rejected referrals re-present as ``settings.represent_activity``).
Demand rates are read as *requests* (contacts), each taking one duration.

The planned weekly count is the mean, or, when ``settings.demand_percentile`` is
not 0.5, that percentile of a Poisson count approximated by a normal
distribution (mean λ, variance λ). Hours use the preferred role's duration
(eligibility with the lowest preference number; ties take the shortest).

Kept here until ``intplan.demand`` offers a weekly-demand function to reuse.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from scipy.stats import norm

from intplan.domain import ActivityKind, Eligibility, Scenario
from intplan.domain.geography import AGE_BANDS
from intplan.domain.units import MINUTES_PER_HOUR, WEEKS_PER_YEAR

_MONTHS = 12


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


def patient_activities(scenario: Scenario) -> tuple[str, ...]:
    return tuple(a.code for a in scenario.activities if a.kind is ActivityKind.PATIENT)


def horizon_multiplier(scenario: Scenario, activity: str, int_code: str) -> float:
    """Mean over the horizon's weeks of growth × seasonality × interventions."""
    st = scenario.settings
    season: dict[int, float] = {}
    for s in scenario.seasonality:
        if s.activity == "*":
            season.setdefault(s.month, s.factor)
    for s in scenario.seasonality:
        if s.activity == activity:
            season[s.month] = s.factor
    interventions = [
        iv
        for iv in scenario.interventions
        if iv.activity == activity and iv.int_code in (None, int_code)
    ]
    total = 0.0
    weeks = range(st.warmup_weeks, st.warmup_weeks + st.horizon_weeks)
    for w in weeks:
        growth = (1.0 + st.annual_growth_pct / 100.0) ** (w / WEEKS_PER_YEAR)
        month = (st.start_month - 1 + int(w * _MONTHS / WEEKS_PER_YEAR)) % _MONTHS + 1
        factor = growth * season.get(month, 1.0)
        for iv in interventions:
            factor *= iv.multiplier(w)
        total += factor
    return total / len(weeks)


def weekly_demand(scenario: Scenario) -> dict[tuple[str, str], WeeklyDemand]:
    """Demand for every INT × patient activity (zero rows included)."""
    acts = patient_activities(scenario)
    rate = {(r.activity, r.age_band): r.per_1000_per_week for r in scenario.demand_rates}
    act_by = scenario.activity_by_code
    elig_by_act: dict[str, list[Eligibility]] = {}
    for e in scenario.eligibilities:
        elig_by_act.setdefault(e.activity, []).append(e)

    base: dict[str, dict[str, float]] = {}
    for i in scenario.ints:
        per_act: dict[str, float] = {}
        for a in acts:
            count = 0.0
            for pc in i.practices:
                p = scenario.practice_by_code[pc]
                band_sum = sum(
                    rate.get((a, band), 0.0) * n / 1000.0
                    for band, n in zip(AGE_BANDS, p.list_by_age, strict=True)
                )
                count += band_sum * act_by[a].deprivation_multiplier(p.deprivation_decile)
            per_act[a] = count * horizon_multiplier(scenario, a, i.code)
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
