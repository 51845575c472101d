"""An upper estimate of the contacts a week a scenario can ask for (the demand bound).

Each column has its own plausible range (:mod:`intplan.domain.limits`), but their
product can still be more than the engine can hold: a hundred practices at the
largest list size with every rate at its maximum. This bounds the product, with the
busiest month, the highest growth over the horizon and every demand-raising
intervention at full effect, so nothing that validates can exhaust memory.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from intplan.domain.errors import Problem
from intplan.domain.geography import AGE_BANDS
from intplan.domain.limits import MAX_CONTACTS_PER_WEEK
from intplan.domain.units import WEEKS_PER_YEAR

if TYPE_CHECKING:
    from intplan.domain.scenario import Scenario


def peak_weekly_contacts(s: Scenario) -> tuple[float, str]:
    """(contacts a week at the busiest, the DemandRates key contributing most)."""
    acts = {a.code: a for a in s.activities}
    band_total = dict.fromkeys(AGE_BANDS, 0.0)
    worst_mult: dict[str, float] = {}
    for a in acts.values():
        worst_mult[a.code] = max(a.deprivation_multiplier(1), a.deprivation_multiplier(10), 0.0)
    for p in s.practices:
        for band, n in zip(AGE_BANDS, p.list_by_age, strict=True):
            band_total[band] += n
    g = s.settings.annual_growth_pct / 100.0
    growth = (1.0 + g) ** (s.settings.horizon_weeks / WEEKS_PER_YEAR) if g > 0 else 1.0
    total = 0.0
    biggest, biggest_key = -1.0, ""
    for r in s.demand_rates:
        season = max([x.factor for x in s.seasonality if x.activity in (r.activity, "*")] + [1.0])
        boost = 1.0
        for iv in s.interventions:
            if iv.activity == r.activity and iv.effect_pct > 0:
                boost *= 1.0 + iv.effect_pct / 100.0
        contacts = (
            band_total.get(r.age_band, 0.0)
            * r.per_1000_per_week
            / 1000.0
            * worst_mult.get(r.activity, 1.0)
            * season
            * growth
            * boost
        )
        total += contacts
        if contacts > biggest:
            biggest, biggest_key = contacts, r.key
    return total, biggest_key


def demand_problems(s: Scenario) -> list[Problem]:
    total, key = peak_weekly_contacts(s)
    if total <= MAX_CONTACTS_PER_WEEK:
        return []
    return [
        Problem(
            table="DemandRates",
            key=key,
            field="per_1000_per_week",
            message=f"at its busiest the scenario asks for about {total:,.0f} contacts a week "
            f"(list sizes x rates x deprivation, seasonality, growth and interventions); at "
            f"most {MAX_CONTACTS_PER_WEEK:,} can be simulated. Check the list sizes on "
            "Practices and the rates here (this row contributes most)",
        )
    ]
