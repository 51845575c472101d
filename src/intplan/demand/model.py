"""Population -> expected requests per INT x activity x week, and hour-of-week profiles.

Demand rates are *contacts* per 1,000 registered people per week by age band. Each
practice's rate is scaled by the activity's deprivation gradient, then by seasonality
(calendar month), population growth and intervention effects (lag and ramp).
Week 0 is the first measured week (after warm-up); warm-up weeks have negative indices.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from intplan.domain import AGE_BANDS, ActivityKind, ArrivalProfile, Scenario
from intplan.domain.units import DAYS_PER_WEEK, WEEKS_PER_YEAR, per_1000_per_week_to_weekly

HOURS_PER_WEEK = 168
#: mean days per calendar month (365.25 / 12), to map weeks onto months
_DAYS_PER_MONTH = 365.25 / 12.0


def hour_of_week_weights(profile: ArrivalProfile) -> NDArray[np.float64]:
    """168 weights (Monday 00:00 first) summing to 1."""
    day = np.asarray(profile.day_weights, dtype=float)
    hour = np.asarray(profile.hour_weights, dtype=float)
    w = np.outer(day, hour).ravel()
    total = float(w.sum())
    if total <= 0:  # day and hour weights never overlap: spread evenly rather than lose demand
        return np.full(HOURS_PER_WEEK, 1.0 / HOURS_PER_WEEK)
    return w / total


def base_weekly_contacts(scenario: Scenario, int_code: str, activity: str) -> float:
    """Expected contacts a week before seasonality, growth and interventions."""
    act = scenario.activity_by_code[activity]
    rates = {
        r.age_band: r.per_1000_per_week for r in scenario.demand_rates if r.activity == activity
    }
    if not rates:
        return 0.0
    total = 0.0
    for code in scenario.int_by_code[int_code].practices:
        p = scenario.practice_by_code[code]
        per_week = sum(
            per_1000_per_week_to_weekly(rates.get(band, 0.0), n)
            for band, n in zip(AGE_BANDS, p.list_by_age, strict=True)
        )
        total += per_week * max(0.0, act.deprivation_multiplier(p.deprivation_decile))
    return total


def month_of_week(start_month: int, week: int) -> int:
    """Calendar month (1-12) of the middle of demand week ``week``."""
    days = (week + 0.5) * DAYS_PER_WEEK
    offset = int(np.floor(days / _DAYS_PER_MONTH))
    return (start_month - 1 + offset) % 12 + 1


def seasonality_factor(scenario: Scenario, activity: str, week: int) -> float:
    month = month_of_week(scenario.settings.start_month, week)
    specific = None
    general = None
    for s in scenario.seasonality:
        if s.month != month:
            continue
        if s.activity == activity:
            specific = s.factor
        elif s.activity == "*":
            general = s.factor
    if specific is not None:
        return specific
    return general if general is not None else 1.0


def growth_factor(annual_growth_pct: float, week: int) -> float:
    return float((1.0 + annual_growth_pct / 100.0) ** (week / WEEKS_PER_YEAR))


def intervention_factor(scenario: Scenario, int_code: str, activity: str, week: int) -> float:
    f = 1.0
    for iv in scenario.interventions:
        if iv.activity == activity and (iv.int_code is None or iv.int_code == int_code):
            f *= iv.multiplier(week)
    return max(0.0, f)


def patient_activities(scenario: Scenario) -> tuple[str, ...]:
    return tuple(a.code for a in scenario.activities if a.kind is ActivityKind.PATIENT)


def weekly_contacts(
    scenario: Scenario,
    int_codes: tuple[str, ...],
    activities: tuple[str, ...],
    *,
    weeks: int,
    warmup_weeks: int,
) -> NDArray[np.float64]:
    """Expected contacts, shape (INT, activity, simulated week incl. warm-up)."""
    total_weeks = weeks + warmup_weeks
    out = np.zeros((len(int_codes), len(activities), total_weeks))
    g = scenario.settings.annual_growth_pct
    for i, ic in enumerate(int_codes):
        for a, ac in enumerate(activities):
            base = base_weekly_contacts(scenario, ic, ac)
            if base <= 0:
                continue
            for w in range(total_weeks):
                week = w - warmup_weeks
                out[i, a, w] = (
                    base
                    * seasonality_factor(scenario, ac, week)
                    * growth_factor(g, week)
                    * intervention_factor(scenario, ic, ac, week)
                )
    return out
