"""The Simulate view's result tables: columns over the simulation service's own records.

Every figure is read from ``ActivityRecord`` / ``IntRecord`` as the service (and so
``intplan simulate --json`` and the result sheets) reports it; nothing is recomputed
here. Waits are in hours, as in the rest of the app.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Protocol, TypeVar

from intplan.domain.settings import UNMET_DESTINATIONS
from intplan.domain.units import MINUTES_PER_HOUR
from intplan.gui.chart_style import DisplayNames, bucket_label
from intplan.gui.models.table import Column, fmt_number, fmt_percent
from intplan.services.simulate import ActivityRecord, IntRecord

HOURS = 1 / MINUTES_PER_HOUR  # the service reports minutes; planners read hours

R = TypeVar("R")


class Interval(Protocol):
    """A mean with its 95% confidence interval, as the simulation service reports it."""

    @property
    def mean(self) -> float: ...
    @property
    def low(self) -> float: ...
    @property
    def high(self) -> float: ...
    @property
    def n(self) -> int: ...


def ci_text(e: Interval, scale: float = 1.0, decimals: int = 1) -> str:
    if not math.isfinite(e.mean):
        return "–"
    if not (math.isfinite(e.low) and math.isfinite(e.high)) or e.n < 2:
        return f"{e.mean * scale:,.{decimals}f}"
    return f"{e.mean * scale:,.{decimals}f} ({e.low * scale:,.{decimals}f}–{e.high * scale:,.{decimals}f})"


def mean(e: Interval, scale: float = 1.0) -> float | None:
    """The mean, scaled; None (shown as a dash, sorted last) when there is none."""
    return e.mean * scale if math.isfinite(e.mean) else None


def shares_text(shares: dict[str, float | None]) -> str:
    """Booking-category shares, one per line, in the service's order."""
    return "\n".join(
        f"{bucket_label(k)}: {'–' if v is None else f'{100 * v:.1f}%'}" for k, v in shares.items()
    )


def estimate_column(
    header: str,
    get: Callable[[R], Interval],
    *,
    decimals: int = 1,
    percent: bool = False,
    scale: float = 1.0,
    header_tooltip: str = "",
    with_ci: bool = True,
) -> Column[R]:
    """A column of a service estimate's mean (scaled), its 95% CI on hover."""
    if percent:
        fmt, ci_scale, unit = fmt_percent(decimals), 100.0, " %"
    else:
        fmt, ci_scale, unit = fmt_number(decimals), scale, ""

    def tip(r: R) -> str:
        return f"95% CI {ci_text(get(r), ci_scale, decimals)}{unit}"

    return Column(
        header=header,
        value=lambda r: mean(get(r), scale),
        fmt=fmt,
        numeric=True,
        header_tooltip=header_tooltip,
        tooltip=tip if with_ci else None,
    )


def activity_columns(names: DisplayNames) -> tuple[Column[ActivityRecord], ...]:
    return (
        Column(
            header="Activity",
            value=lambda r: names.activity(r.activity),
            tooltip=lambda r: names.activity_tip(r.activity),
        ),
        estimate_column("Requests per week", lambda r: r.arrivals_per_week, decimals=0),
        estimate_column("Mean wait (hours)", lambda r: r.wait_mean_minutes, scale=HOURS),
        estimate_column("p90 wait (hours)", lambda r: r.wait_p90_minutes, scale=HOURS),
        estimate_column("Within target", lambda r: r.within_target_share, decimals=0, percent=True),
        Column(
            header="Seen same day",
            value=lambda r: r.booking_buckets.get("same_day"),
            fmt=fmt_percent(0),
            numeric=True,
            header_tooltip="Share of attended contacts by days from request to contact, in "
            "NHS England's categories (Appointments in General Practice); hover a cell for all",
            tooltip=lambda r: shares_text(r.booking_buckets),
        ),
        Column(
            header="Did not attend",
            value=lambda r: mean(r.dna_rate),
            fmt=fmt_percent(1),
            numeric=True,
            header_tooltip="Missed ÷ (missed + attended); 0 with did-not-attend switched off",
            tooltip=lambda r: (
                f"95% CI {ci_text(r.dna_rate, 100)} %\nBy booking category:\n"
                + shares_text(r.dna_rate_by_bucket)
            ),
        ),
        estimate_column(
            "Gave up per week",
            lambda r: r.reneged_per_week,
            header_tooltip="Requests that left before being seen (patience switched on)",
        ),
        estimate_column(
            "Turned away per week",
            lambda r: r.turned_away_per_week,
            header_tooltip="Requests not seen within the booking horizon (switched on)",
        ),
        estimate_column(
            "Escalations per week",
            lambda r: r.escalations_per_week,
            header_tooltip="Waits beyond the activity's tolerance that go to ED",
            with_ci=False,
        ),
        estimate_column(
            "Backlog at end (requests)", lambda r: r.backlog_end, decimals=0, with_ci=False
        ),
    )


def _destination(key: str, label: str) -> Column[IntRecord]:
    return Column(
        header=f"To {label} (per 1,000/week)",
        value=lambda r: r.unmet_destinations_per_1000_per_week.get(key),
        fmt=fmt_number(2),
        numeric=True,
        header_tooltip="Unmet need split by the Settings unmet_*_share (an assumption)",
    )


INT_COLUMNS: tuple[Column[IntRecord], ...] = (
    Column(header="INT", value=lambda r: r.int_code),
    estimate_column("Mean wait (hours)", lambda r: r.wait_mean_minutes, scale=HOURS),
    estimate_column(
        "Utilisation",
        lambda r: r.utilisation,
        decimals=0,
        percent=True,
        header_tooltip="Contact and travel time ÷ on-duty time of patient-serving roles",
        with_ci=False,
    ),
    estimate_column("Gave up per week", lambda r: r.reneged_per_week, with_ci=False),
    estimate_column("Turned away per week", lambda r: r.turned_away_per_week, with_ci=False),
    estimate_column(
        "Unmet need (per 1,000/week)",
        lambda r: r.unmet_per_1000_per_week,
        decimals=2,
        header_tooltip="Gave up or turned away, per 1,000 registered people a week",
    ),
    *(_destination(key, label) for key, label, _ in UNMET_DESTINATIONS),
    estimate_column("Escalations per week", lambda r: r.escalations_per_week, with_ci=False),
)
