"""The demand model: rates x population x deprivation, profiles, seasonality, growth, lags."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from intplan.demand import (
    base_weekly_contacts,
    growth_factor,
    hour_of_week_weights,
    intervention_factor,
    month_of_week,
    seasonality_factor,
    weekly_contacts,
)
from intplan.domain import AGE_BANDS, Scenario, Seasonality


def test_profiles_are_normalised_and_respect_closed_hours(tiny: Scenario) -> None:
    flat = hour_of_week_weights(tiny.profile_by_code["FLAT"])
    assert flat == pytest.approx(np.full(168, 1 / 168))
    inhours = hour_of_week_weights(tiny.profile_by_code["INHOURS"])
    assert inhours.sum() == pytest.approx(1.0)
    assert inhours[5 * 24 :].sum() == 0  # nothing at the weekend
    assert inhours[0:8].sum() == 0 and inhours[8] > 0  # Monday opens at 08:00
    assert inhours[8] == pytest.approx(1.2 * inhours[24 + 8])  # Monday weight 1.2


def test_base_contacts_sum_rates_over_bands_with_deprivation(tiny: Scenario) -> None:
    p3 = tiny.practice_by_code["P3"]  # INT-B's only practice
    rates = {r.age_band: r.per_1000_per_week for r in tiny.demand_rates if r.activity == "SDC"}
    by_hand = sum(rates[b] * n / 1000 for b, n in zip(AGE_BANDS, p3.list_by_age, strict=True))
    by_hand *= tiny.activity_by_code["SDC"].deprivation_multiplier(p3.deprivation_decile)
    assert base_weekly_contacts(tiny, "INT-B", "SDC") == pytest.approx(by_hand)
    assert base_weekly_contacts(tiny, "INT-B", "MDT") == 0.0  # meetings have no rates


def test_seasonality_prefers_the_activity_row_over_the_star_row(tiny: Scenario) -> None:
    assert month_of_week(4, 0) == 4 and month_of_week(4, 5) == 5 and month_of_week(4, 39) == 1
    assert seasonality_factor(tiny, "SDC", 0) == 0.95  # April, '*' row
    s = dataclasses.replace(
        tiny,
        seasonality=(
            *tiny.seasonality,
            Seasonality(activity="SDC", month=4, factor=1.5, source="t"),
        ),
    )
    assert seasonality_factor(s, "SDC", 0) == 1.5
    assert seasonality_factor(s, "LTC", 0) == 0.95


def test_growth_and_intervention_lag_and_ramp(tiny: Scenario) -> None:
    assert growth_factor(0.53, 0) == 1.0
    assert growth_factor(0.53, 52) == pytest.approx(1.0053)
    # HOUSEBOUND-MDT: -10% on HV after a 12-week lag, reached over 26 weeks
    assert intervention_factor(tiny, "INT-A", "HV", 12) == 1.0
    assert intervention_factor(tiny, "INT-A", "HV", 25) == pytest.approx(0.95)
    assert intervention_factor(tiny, "INT-A", "HV", 60) == pytest.approx(0.9)
    assert intervention_factor(tiny, "INT-A", "SDC", 60) == 1.0


def test_weekly_contacts_combine_everything_and_warmup_comes_first(tiny: Scenario) -> None:
    d = weekly_contacts(tiny, ("INT-A", "INT-B"), ("SDC", "HV"), weeks=40, warmup_weeks=2)
    assert d.shape == (2, 2, 42)
    base = base_weekly_contacts(tiny, "INT-A", "HV")
    week = 38  # measured week 38 is index 40
    expected = (
        base
        * seasonality_factor(tiny, "HV", week)
        * growth_factor(tiny.settings.annual_growth_pct, week)
        * intervention_factor(tiny, "INT-A", "HV", week)
    )
    assert d[0, 1, 40] == pytest.approx(expected)
    assert d[0, 1, 0] == pytest.approx(
        base * seasonality_factor(tiny, "HV", -2) * growth_factor(0.53, -2)
    )
