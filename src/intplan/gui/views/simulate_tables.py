"""The Simulate view's result tables: columns over the simulation service's own records.

Every figure is read from ``ActivityRecord`` / ``IntRecord`` as the service (and so
``intplan simulate --json`` and the result sheets) reports it; nothing is recomputed
here. Waits are in hours, as in the rest of the app.
"""

from __future__ import annotations

import math
from typing import Protocol

from intplan.domain.settings import UNMET_DESTINATIONS
from intplan.gui.chart_style import DisplayNames, bucket_label
from intplan.gui.models.table import Column, fmt_number, fmt_percent
from intplan.services.simulate import ActivityRecord, IntRecord

HOURS = 1 / 60  # the service reports minutes; planners read hours


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


def activity_columns(names: DisplayNames) -> tuple[Column[ActivityRecord], ...]:
    return (
        Column(
            header="Activity",
            value=lambda r: names.activity(r.activity),
            tooltip=lambda r: names.activity_tip(r.activity),
        ),
        Column(
            header="Requests per week",
            value=lambda r: mean(r.arrivals_per_week),
            fmt=fmt_number(0),
            numeric=True,
            tooltip=lambda r: f"95% CI {ci_text(r.arrivals_per_week, decimals=0)}",
        ),
        Column(
            header="Mean wait (hours)",
            value=lambda r: mean(r.wait_mean_minutes, HOURS),
            fmt=fmt_number(1),
            numeric=True,
            tooltip=lambda r: f"95% CI {ci_text(r.wait_mean_minutes, HOURS)}",
        ),
        Column(
            header="p90 wait (hours)",
            value=lambda r: mean(r.wait_p90_minutes, HOURS),
            fmt=fmt_number(1),
            numeric=True,
            tooltip=lambda r: f"95% CI {ci_text(r.wait_p90_minutes, HOURS)}",
        ),
        Column(
            header="Within target",
            value=lambda r: mean(r.within_target_share),
            fmt=fmt_percent(0),
            numeric=True,
            tooltip=lambda r: f"95% CI {ci_text(r.within_target_share, 100, 0)} %",
        ),
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
        Column(
            header="Gave up per week",
            value=lambda r: mean(r.reneged_per_week),
            fmt=fmt_number(1),
            numeric=True,
            header_tooltip="Requests that left before being seen (patience switched on)",
            tooltip=lambda r: f"95% CI {ci_text(r.reneged_per_week)}",
        ),
        Column(
            header="Turned away per week",
            value=lambda r: mean(r.turned_away_per_week),
            fmt=fmt_number(1),
            numeric=True,
            header_tooltip="Requests not seen within the booking horizon (switched on)",
            tooltip=lambda r: f"95% CI {ci_text(r.turned_away_per_week)}",
        ),
        Column(
            header="Escalations per week",
            value=lambda r: mean(r.escalations_per_week),
            fmt=fmt_number(1),
            numeric=True,
            header_tooltip="Waits beyond the activity's tolerance that go to ED",
        ),
        Column(
            header="Backlog at end (requests)",
            value=lambda r: mean(r.backlog_end),
            fmt=fmt_number(0),
            numeric=True,
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
    Column(
        header="Mean wait (hours)",
        value=lambda r: mean(r.wait_mean_minutes, HOURS),
        fmt=fmt_number(1),
        numeric=True,
        tooltip=lambda r: f"95% CI {ci_text(r.wait_mean_minutes, HOURS)}",
    ),
    Column(
        header="Utilisation",
        value=lambda r: mean(r.utilisation),
        fmt=fmt_percent(0),
        numeric=True,
        header_tooltip="Contact and travel time ÷ on-duty time of patient-serving roles",
    ),
    Column(
        header="Gave up per week",
        value=lambda r: mean(r.reneged_per_week),
        fmt=fmt_number(1),
        numeric=True,
    ),
    Column(
        header="Turned away per week",
        value=lambda r: mean(r.turned_away_per_week),
        fmt=fmt_number(1),
        numeric=True,
    ),
    Column(
        header="Unmet need (per 1,000/week)",
        value=lambda r: mean(r.unmet_per_1000_per_week),
        fmt=fmt_number(2),
        numeric=True,
        header_tooltip="Gave up or turned away, per 1,000 registered people a week",
        tooltip=lambda r: f"95% CI {ci_text(r.unmet_per_1000_per_week, decimals=2)}",
    ),
    *(_destination(key, label) for key, label, _ in UNMET_DESTINATIONS),
    Column(
        header="Escalations per week",
        value=lambda r: mean(r.escalations_per_week),
        fmt=fmt_number(1),
        numeric=True,
    ),
)
