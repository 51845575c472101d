"""What the Simulate view's charts draw for one INT, from the service's records.

Pure functions (no widgets) so the chart rules are easy to test: at most 15 bars or
series (the rest folded into "Others"), names with codes in tooltips, waits in hours or
days (:mod:`intplan.gui.chart_style`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from intplan.gui.chart_style import (
    LEGEND_CHARS,
    MAX_LINES,
    DisplayNames,
    WaitUnit,
    bucket_label,
    groups_that_fit,
    others_label,
    short,
    top_n,
    wait_unit,
    weighted_mean,
)
from intplan.gui.charts import BarData, Series
from intplan.gui.views.simulate_tables import HOURS
from intplan.services.simulate import ActivityRecord, RoleRecord, WeeklyActivity


@dataclass(frozen=True, slots=True, kw_only=True)
class LineData:
    weeks: list[float]
    series: list[Series]
    tips: list[str]  # each series' full name, with its code
    unit: WaitUnit


def _finite(value: float, fallback: float = 0.0) -> float:
    if math.isfinite(value):
        return value
    return fallback if math.isfinite(fallback) else 0.0


def wait_lines(weekly: Sequence[WeeklyActivity], names: DisplayNames) -> LineData:
    """Mean wait by week per activity: the longest-waiting ones, the rest as "Others"
    (their mean wait weighted by each week's arrivals)."""
    by_activity: dict[str, list[WeeklyActivity]] = {}
    for w in weekly:
        by_activity.setdefault(w.activity, []).append(w)
    for rows in by_activity.values():
        rows.sort(key=lambda w: w.week)
    weeks = sorted({w.week for w in weekly})
    full = {a: rows for a, rows in by_activity.items() if len(rows) == len(weeks)}

    def average(rows: list[WeeklyActivity]) -> float:
        waits = [w.wait_mean_minutes for w in rows]
        return weighted_mean(waits, [w.arrivals for w in rows])

    kept, rest = top_n(list(full), lambda a: average(full[a]), MAX_LINES)
    minutes: list[tuple[str, list[float]]] = [
        (names.activity(a), [w.wait_mean_minutes for w in full[a]]) for a in kept
    ]
    tips = [names.activity_tip(a) for a in kept]
    if rest:
        minutes.append(
            (
                others_label(len(rest), "activities"),
                [
                    weighted_mean(
                        [full[a][k].wait_mean_minutes for a in rest],
                        [full[a][k].arrivals for a in rest],
                    )
                    for k in range(len(weeks))
                ],
            )
        )
        tips.append(
            f"{others_label(len(rest), 'activities')}, weighted by arrivals: "
            + ", ".join(names.activity_tip(a) for a in rest)
        )
    unit = wait_unit(m * HOURS for _, values in minutes for m in values)
    series = [
        Series(name=short(name, LEGEND_CHARS), values=[unit.show(m * HOURS) for m in values])
        for name, values in minutes
    ]
    return LineData(weeks=[float(w) for w in weeks], series=series, tips=tips, unit=unit)


def utilisation_bars(roles: Sequence[RoleRecord], names: DisplayNames) -> BarData:
    """Utilisation by role with its CI, busiest first; the rest as "Others" (their
    utilisation weighted by on-duty hours)."""
    staffed = [r for r in roles if r.fte > 0]
    kept, rest = top_n(staffed, lambda r: r.utilisation.mean)
    categories = [short(names.role(r.role)) for r in kept]
    tips = [names.role_tip(r.role) for r in kept]
    values = [100 * _finite(r.utilisation.mean) for r in kept]
    low = [100 * _finite(r.utilisation.low, r.utilisation.mean) for r in kept]
    high = [100 * _finite(r.utilisation.high, r.utilisation.mean) for r in kept]
    if rest:
        pooled = weighted_mean(
            [r.utilisation.mean for r in rest], [r.available_hours_per_week.mean for r in rest]
        )
        categories.append(others_label(len(rest), "roles"))
        tips.append(
            f"{others_label(len(rest), 'roles')}, weighted by on-duty hours: "
            + ", ".join(names.role_tip(r.role) for r in rest)
        )
        values.append(100 * _finite(pooled))
        low.append(100 * _finite(pooled))
        high.append(100 * _finite(pooled))
    series = [Series(name="Utilisation", values=values, low=low, high=high)]
    return BarData(categories=categories, tips=tips, series=series)


_PERCENTILES = (
    ("p50", "wait_p50_minutes"),
    ("p90", "wait_p90_minutes"),
    ("p95", "wait_p95_minutes"),
)


def wait_percentile_bars(acts: Sequence[ActivityRecord], names: DisplayNames) -> BarData:
    """p50, p90 and p95 waits (95% CI) of the activities with the longest p90 wait: as many
    as keep the chart within 15 bars (the table has every activity)."""
    fits = groups_that_fit(len(_PERCENTILES))
    chosen = sorted(acts, key=lambda a: -_finite(a.wait_p90_minutes.mean))[:fits]
    longest = [
        _finite(getattr(a, attr).high, getattr(a, attr).mean) * HOURS
        for a in chosen
        for _, attr in _PERCENTILES
    ]
    unit = wait_unit(longest)
    series = [
        Series(
            name=name,
            values=[unit.show(_finite(getattr(a, attr).mean) * HOURS) for a in chosen],
            low=[
                unit.show(_finite(getattr(a, attr).low, getattr(a, attr).mean) * HOURS)
                for a in chosen
            ],
            high=[
                unit.show(_finite(getattr(a, attr).high, getattr(a, attr).mean) * HOURS)
                for a in chosen
            ],
        )
        for name, attr in _PERCENTILES
    ]
    return BarData(
        categories=[short(names.activity(a.activity)) for a in chosen],
        tips=[names.activity_tip(a.activity) for a in chosen],
        series=series,
        unit=unit,
        left_out=len(acts) - len(chosen),
    )


def booking_bars(acts: Sequence[ActivityRecord], names: DisplayNames) -> BarData:
    """Each activity's attended contacts by NHS booking category (% stacked to 100),
    busiest first; the rest pooled as "Others" (weighted by attended contacts)."""
    seen = [a for a in acts if any(v is not None for v in a.booking_buckets.values())]
    if not seen:
        return BarData(categories=[], tips=[], series=[])
    keys = list(seen[0].booking_buckets)
    kept, rest = top_n(seen, lambda a: a.attended_per_week.mean)
    rows: list[tuple[str, str, list[float]]] = [
        (
            short(names.activity(a.activity)),
            names.activity_tip(a.activity),
            [100 * (a.booking_buckets[k] or 0.0) for k in keys],
        )
        for a in kept
    ]
    if rest:
        weights = [_finite(a.attended_per_week.mean) for a in rest]
        rows.append(
            (
                others_label(len(rest), "activities"),
                f"{others_label(len(rest), 'activities')}, weighted by attended contacts: "
                + ", ".join(names.activity_tip(a.activity) for a in rest),
                [
                    100
                    * _finite(weighted_mean([a.booking_buckets[k] or 0.0 for a in rest], weights))
                    for k in keys
                ],
            )
        )
    series = [
        Series(name=bucket_label(k), values=[row[2][n] for row in rows]) for n, k in enumerate(keys)
    ]
    return BarData(
        categories=[row[0] for row in rows], tips=[row[1] for row in rows], series=series
    )
