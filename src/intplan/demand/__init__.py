"""Population -> request rates per INT x activity x week (growth, seasonality, interventions)."""

from intplan.demand.model import (
    HOURS_PER_WEEK,
    base_weekly_contacts,
    growth_factor,
    hour_of_week_weights,
    intervention_factor,
    month_of_week,
    patient_activities,
    seasonality_factor,
    weekly_contacts,
)

__all__ = [
    "HOURS_PER_WEEK",
    "base_weekly_contacts",
    "growth_factor",
    "hour_of_week_weights",
    "intervention_factor",
    "month_of_week",
    "patient_activities",
    "seasonality_factor",
    "weekly_contacts",
]
