"""Unit conversions. FTE <-> hours lives only here."""

from __future__ import annotations

MINUTES_PER_HOUR = 60.0
MINUTES_PER_DAY = 1440.0
MINUTES_PER_WEEK = 10080.0  # the simulation clock runs in minutes; a week is 7 × 24 × 60
HOURS_PER_WEEK = 168.0
WEEKS_PER_YEAR = 52.0
DAYS_PER_WEEK = 7


def fte_to_hours_per_week(fte: float, hours_per_fte_week: float) -> float:
    """Contracted hours a week for ``fte`` of a role whose full-time week is given."""
    return fte * hours_per_fte_week


def per_1000_per_week_to_weekly(rate_per_1000_per_week: float, population: float) -> float:
    """Contacts a week from a rate per 1,000 people a week."""
    return rate_per_1000_per_week * population / 1000.0
