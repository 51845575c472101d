"""Weekly demand per INT × activity, in contacts and in hours, for the optimiser.

Contacts come from the one workload model (:mod:`intplan.demand.workload`): base demand
with follow-ups, referral episodes and re-presentations, at the mean over the horizon of
seasonality × growth × interventions, exactly the numbers ``intplan info`` shows.

The planned weekly count is the mean, or, when ``settings.demand_percentile`` is
not 0.5, that percentile of a Poisson count approximated by a normal
distribution (mean λ, variance λ). Hours use the preferred role's duration
(eligibility with the lowest preference number; ties take the shortest) plus the
INT's home-visit travel for home activities; other roles' hours scale by
:meth:`WeeklyDemand.duration_factor`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import norm

from intplan.demand.workload import IntWorkload, preferred_eligibility, workload_model
from intplan.domain import Scenario
from intplan.domain.units import MINUTES_PER_HOUR

__all__ = ["WeeklyDemand", "preferred_eligibility", "weekly_demand"]


@dataclass(frozen=True, slots=True, kw_only=True)
class WeeklyDemand:
    int_code: str
    activity: str
    mean_requests_per_week: float
    planned_requests_per_week: float  # at the demand percentile
    preferred_minutes: float
    travel_minutes: float  # per contact (home visits), whoever serves it
    planned_hours_per_week: float  # planned contacts × (preferred minutes + travel)

    def duration_factor(self, minutes: float) -> float:
        """Hours of a role taking ``minutes`` per contact per hour of planned demand."""
        per_contact = self.preferred_minutes + self.travel_minutes
        return (minutes + self.travel_minutes) / per_contact if per_contact > 0 else 0.0


def weekly_demand(
    scenario: Scenario, workload: tuple[IntWorkload, ...] | None = None
) -> dict[tuple[str, str], WeeklyDemand]:
    """Demand for every INT × patient activity (zero rows included)."""
    model = workload_model(scenario) if workload is None else workload
    z = 0.0
    if abs(scenario.settings.demand_percentile - 0.5) > 1e-12:
        z = float(norm.ppf(scenario.settings.demand_percentile))
    out: dict[tuple[str, str], WeeklyDemand] = {}
    for w in model:
        for a in w.activities:
            mean = a.contacts_per_week
            planned = max(0.0, mean + z * math.sqrt(mean)) if z else mean
            minutes = a.preferred_minutes + a.travel_minutes_per_contact
            out[(w.int_code, a.activity)] = WeeklyDemand(
                int_code=w.int_code,
                activity=a.activity,
                mean_requests_per_week=mean,
                planned_requests_per_week=planned,
                preferred_minutes=a.preferred_minutes,
                travel_minutes=a.travel_minutes_per_contact,
                planned_hours_per_week=planned * minutes / MINUTES_PER_HOUR,
            )
    return out
