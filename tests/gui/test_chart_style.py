"""The shared chart rules (issue 15, "Readable charts, one style")."""

from __future__ import annotations

import math

import pytest

from intplan.domain import Scenario
from intplan.gui.chart_style import (
    DAYS,
    HOURS,
    MAX_SERIES,
    DisplayNames,
    bucket_label,
    short,
    top_n,
    wait_unit,
    weighted_mean,
)
from intplan.sim import BOOKING_BUCKETS


def test_top_n_keeps_the_largest_and_leaves_room_for_others() -> None:
    values = list(range(20))
    kept, rest = top_n(values, float)
    assert len(kept) == MAX_SERIES - 1  # plus one "Others" entry makes 15
    assert kept[0] == 19 and sorted(rest) == list(range(6))
    few, none = top_n([3, 1, 2], float)
    assert (few, none) == ([3, 2, 1], [])  # largest first
    kept_nan, _ = top_n([math.nan, 1.0], lambda v: v)
    assert kept_nan[0] == 1.0  # a missing figure ranks last


def test_waits_are_hours_or_days_past_48_hours() -> None:
    assert wait_unit([1.0, 47.9, math.nan]) is HOURS
    assert wait_unit([49.0]) is DAYS
    assert DAYS.title("Mean wait") == "Mean wait (days)"
    assert DAYS.show(72.0) == pytest.approx(3.0)


def test_booking_categories_read_as_people_say_them() -> None:
    labels = [bucket_label(k) for k in BOOKING_BUCKETS]
    assert labels == [
        "Same day", "Next day", "2–7 days", "8–14 days", "15–21 days", "22–28 days",
        "Over 28 days",
    ]  # fmt: skip


def test_names_are_spelled_out_with_codes_in_tooltips(tiny: Scenario) -> None:
    names = DisplayNames.from_scenario(tiny)
    assert names.activity("SDC") == "Same-day consultation"
    assert names.activity_tip("SDC") == "Same-day consultation (SDC)"
    assert names.role_tip("PN") == "Practice nurse (PN)"
    assert names.role_tip("GP") == "GP"  # no code repeated after a name that is the code
    assert names.activity("XYZ") == "XYZ"  # unknown: the code stands for itself


def test_short_labels_and_weighted_means() -> None:
    assert short("Comprehensive geriatric (frailty) assessment", 20) == "Comprehensive geria…"
    assert short("Practice nurse") == "Practice nurse"
    assert weighted_mean([1.0, 3.0, math.nan], [1.0, 3.0, 5.0]) == pytest.approx(2.5)
    assert math.isnan(weighted_mean([1.0], [0.0]))
