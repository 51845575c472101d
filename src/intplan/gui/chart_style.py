"""The rules every chart follows (issue 15, "Readable charts, one style").

- At most ``MAX_SERIES`` bars or series: the top ones by the chart's KPI, the rest
  folded into one "Others (n …)" entry (:func:`top_n`).
- Activities and roles appear by name; the code is in the tooltip (:class:`DisplayNames`).
- Waits in one unit: hours, or days once the longest wait shown passes 48 hours, stated
  in the axis title (:func:`wait_unit`).
- Axis titles name what the axis measures, with its unit; a category axis (roles,
  activities) has no title, its labels say what it is.

Qt-free, so the rules are easy to test and any view (or a report) can use them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

from intplan.domain import Scenario

T = TypeVar("T")

#: issue 15: "at most ~15 bars or series per chart"
MAX_SERIES = 15
#: lines share a palette of 8 colours; more than that and lines are hard to tell apart
MAX_LINES = 8
#: longest label drawn on an axis, and in a legend; the full name is in the tooltip
LABEL_CHARS = 26
LEGEND_CHARS = 22
#: past this many hours, waits are shown in days (issue 15)
DAYS_PAST_HOURS = 48.0


@dataclass(frozen=True, slots=True)
class WaitUnit:
    """How waits are shown on one chart: ``value_hours * per_hour`` in ``name``."""

    name: str  # "hours" or "days"
    per_hour: float

    def title(self, what: str = "Wait") -> str:
        return f"{what} ({self.name})"

    def show(self, hours: float) -> float:
        return hours * self.per_hour


HOURS = WaitUnit("hours", 1.0)
DAYS = WaitUnit("days", 1 / 24)


def wait_unit(hours: Iterable[float]) -> WaitUnit:
    """Hours, or days when the longest finite wait shown is past 48 hours."""
    longest = max((h for h in hours if math.isfinite(h)), default=0.0)
    return DAYS if longest > DAYS_PAST_HOURS else HOURS


def top_n(
    items: Sequence[T], key: Callable[[T], float], n: int = MAX_SERIES
) -> tuple[list[T], list[T]]:
    """(kept, rest): all items when there are at most ``n``, else the ``n - 1`` largest by
    ``key`` (the last place goes to an "Others" entry the caller builds from ``rest``).
    Kept items are in descending ``key`` order; NaN counts as smallest."""

    def rank(item: T) -> float:
        value = key(item)
        return value if math.isfinite(value) else -math.inf

    ordered = sorted(items, key=rank, reverse=True)
    if len(items) <= n:
        return ordered, []
    return ordered[: n - 1], ordered[n - 1 :]


def groups_that_fit(series: int) -> int:
    """How many groups of ``series`` bars side by side keep a chart within MAX_SERIES bars."""
    return max(1, MAX_SERIES // max(1, series))


def others_label(count: int, noun: str) -> str:
    return f"Others ({count} {noun})"


def short(text: str, chars: int = LABEL_CHARS) -> str:
    """``text`` cut to ``chars`` characters with an ellipsis (for axis and legend labels)."""
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def weighted_mean(values: Sequence[float], weights: Sequence[float]) -> float:
    """Mean of the finite values weighted by their weights (NaN when none have weight)."""
    pairs = [(v, w) for v, w in zip(values, weights, strict=True) if math.isfinite(v) and w > 0]
    total = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / total if total > 0 else math.nan


_RANGE = re.compile(r"(\d+)_(\d+)_days")


def bucket_label(key: str) -> str:
    """An NHS booking category key as people read it: ``2_7_days`` -> "2–7 days"."""
    if key == "same_day":
        return "Same day"
    if key == "1_day":
        return "Next day"
    text = _RANGE.sub(r"\1–\2 days", key).replace("_", " ")
    return text[:1].upper() + text[1:]


@dataclass(frozen=True, slots=True)
class DisplayNames:
    """Activity and role names by code, from the scenario's Activities and Roles sheets."""

    activities: Mapping[str, str]
    roles: Mapping[str, str]

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> DisplayNames:
        return cls(
            MappingProxyType({a.code: a.name for a in scenario.activities}),
            MappingProxyType({r.code: r.name for r in scenario.roles}),
        )

    @classmethod
    def codes_only(cls) -> DisplayNames:
        """No names known: codes stand for themselves."""
        return cls(MappingProxyType({}), MappingProxyType({}))

    def activity(self, code: str) -> str:
        return self.activities.get(code) or code

    def role(self, code: str) -> str:
        return self.roles.get(code) or code

    def activity_tip(self, code: str) -> str:
        return _with_code(self.activity(code), code)

    def role_tip(self, code: str) -> str:
        return _with_code(self.role(code), code)


def _with_code(name: str, code: str) -> str:
    return name if name == code else f"{name} ({code})"
