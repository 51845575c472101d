"""Plausibility bounds for every number a scenario holds, declared once.

The value objects check their fields against these (so a scenario built by the GUI,
a register import or the workbook reader is held to the same bounds); the workbook
reader checks every cell against them before building anything (so every problem in
a row is listed); ``docs/workbook-format.md`` prints them with their reasons. The
bounds are wide enough for any real INT and narrow enough that nothing inside them
can exhaust memory or break the solver (a test runs the tiny example with every
column at its upper and at its lower bound).
"""

from __future__ import annotations

from dataclasses import dataclass


def _fmt(x: float) -> str:
    if float(x).is_integer() and 1000 <= abs(x) < 1e15:
        return f"{int(x):,}"
    if 1e-7 < abs(x) < 1e-4:
        return f"{x:.7f}".rstrip("0")  # 0.000001, not 1e-06
    return f"{x:g}"


@dataclass(frozen=True, slots=True)
class Limit:
    """A closed range ``low``..``high`` and why values outside it are refused."""

    low: float
    high: float
    reason: str

    @property
    def text(self) -> str:
        return f"{_fmt(self.low)} to {_fmt(self.high)}"

    def problem(self, value: float) -> str | None:
        """None when ``value`` is inside the range, else what is wrong and why."""
        if value < self.low:
            return (
                f"{_fmt(value)} is out of range: must be at least {_fmt(self.low)} ({self.reason})"
            )
        if value > self.high:
            return (
                f"{_fmt(value)} is out of range: must be at most {_fmt(self.high)} ({self.reason})"
            )
        return None


_YEAR_HOURS = 8760

LIST_SIZE = Limit(
    0,
    100_000,
    "assumption: the largest GP practices in England register about 100,000 people in all",
)
DECILE = Limit(1, 10, "IMD deciles run from 1 (most deprived) to 10")
GRID_KM = Limit(-2000, 2000, "the UK spans about 1,300 km; larger numbers are metres, not km")
TRAVEL_MINUTES = Limit(
    0, 240, "assumption: INTs more than four hours apart cannot cover each other"
)
HOUR_OF_DAY = Limit(0, 24, "an hour of the day")
PAY_GBP_PER_FTE = Limit(
    0,
    1_000_000,
    "assumption: no NHS or council post costs more than £400,000 a year with on-costs",
)
HOURS_PER_FTE_WEEK = Limit(1, 80, "a full-time week; 80 allows any contract")
PRODUCTIVE_FRACTION = Limit(0.05, 1, "a share of contracted time; below 5% is a typing error")
POPULATION_PER_FTE = Limit(1, 1_000_000, "people per FTE; above a million is a typing error")
FTE = Limit(
    0.000001, 1.5, "above 1.5 FTE is almost certainly hours typed as FTE; below 0.000001 is zero"
)
WEIGHT = Limit(0, 1_000_000, "relative weights, normalised on use; a million allows counts")
PRIORITY = Limit(1, 5, "1 = most urgent, 5 = least")
PREFERENCE = Limit(1, 9, "1 is asked first, 9 last")
TARGET_HOURS = Limit(0.1, _YEAR_HOURS, "from 6 minutes to a year")
DURATION_CV = Limit(0, 5, "assumption: contact times vary less than five times their mean")
CONTACTS_PER_EPISODE = Limit(1, 100, "assumption: no episode of care has 100 contacts on average")
DEPRIVATION_GRADIENT = Limit(-0.9, 0.9, "the multiplier 1 ± g must stay positive")
DURATION_MINUTES = Limit(
    1, 10_080, "a week; the engine reports contacts longer than any shift and never hangs on them"
)
PROBABILITY = Limit(0, 1, "a share")
DELAY_HOURS = Limit(0, _YEAR_HOURS, "up to a year")
RATE_PER_1000_PER_WEEK = Limit(
    0, 1000, "one contact per registered person per week is the most any activity needs"
)
PATIENCE_HOURS = Limit(
    0.01,
    _YEAR_HOURS,
    "from under a minute to a year (blank: the request waits as long as it takes)",
)
BOOKING_DAYS = Limit(0, 365, "up to a year ahead; 0 turns away everyone who would wait")
UNMET_SHARE = Limit(0, 1, "a share of those who give up")
#: the longest booking lead (demand.MAX_LEAD_DAYS); a mean lead must fit under it
LEAD_DAYS = Limit(1, 56, "whole days, from the next day to 8 weeks ahead")
FOLLOWUP_DAYS = Limit(0, 365, "up to a year; 0 books the next contact straight away")
MONTH = Limit(1, 12, "a calendar month")
SEASON_FACTOR = Limit(0, 5, "assumption: no month has five times the average demand")
EFFECT_PCT = Limit(-100, 500, "demand cannot fall below zero; +500% is a typing error")
WEEK = Limit(0, 520, "the longest run is 520 weeks (horizon_weeks)")

#: Contacts a week the whole scenario may ask for at its busiest (see peak_weekly_contacts).
#: assumption: 20 times Kent & Medway (about 250,000); the engine keeps each week's
#: arrivals in memory (about 200 bytes each), so this caps a week at about 1 GB.
MAX_CONTACTS_PER_WEEK = 5_000_000
