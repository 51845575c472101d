from __future__ import annotations

import dataclasses

import pytest

from intplan.domain import AGE_BANDS, ActivityKind, Scenario
from intplan.services.capacity import capacity_table


def test_demand_hours_follow_rates_and_population(tiny: Scenario) -> None:
    table = capacity_table(tiny)
    unit = table.ints[0]
    sdc = next(a for a in unit.activities if a.activity == "SDC")
    rates = {r.age_band: r.per_1000_per_week for r in tiny.demand_rates if r.activity == "SDC"}
    act = tiny.activity_by_code["SDC"]
    expected = 0.0
    for code in tiny.int_by_code[unit.int_code].practices:
        p = tiny.practice_by_code[code]
        per_week = sum(rates[b] * n / 1000 for b, n in zip(AGE_BANDS, p.list_by_age, strict=True))
        expected += per_week * act.deprivation_multiplier(p.deprivation_decile)
    assert sdc.contacts_per_week == pytest.approx(expected)
    minutes = min(
        e.duration_minutes for e in tiny.eligibilities if e.activity == "SDC" and e.preference == 1
    )
    assert sdc.hours_per_week == pytest.approx(expected * minutes / 60)


def test_capacity_counts_assigned_fte_less_meetings(tiny: Scenario) -> None:
    table = capacity_table(tiny)
    for unit in table.ints:
        for rc in unit.roles:
            role = tiny.role_by_code[rc.role]
            fte = sum(
                a.fte
                for s in tiny.staff
                if s.role == rc.role and not s.vacant
                for a in s.assignments
                if a.int_code == unit.int_code
            )
            meeting = sum(
                e.duration_minutes
                for e in tiny.eligibilities
                if e.role == rc.role
                and tiny.activity_by_code[e.activity].kind is ActivityKind.MEETING
            )
            hours = fte * role.hours_per_fte_week * role.productive_fraction - fte * meeting / 60
            assert rc.fte == pytest.approx(fte)
            assert rc.capacity_hours_per_week == pytest.approx(hours)


def test_vacant_posts_give_no_capacity(tiny: Scenario) -> None:
    vacant = tuple(dataclasses.replace(s, vacant=True) for s in tiny.staff)
    table = capacity_table(dataclasses.replace(tiny, staff=vacant))
    assert all(i.capacity_hours_per_week == 0 for i in table.ints)
    assert all(i.demand_hours_per_week > 0 for i in table.ints)


def test_population_sums_to_scenario(tiny: Scenario) -> None:
    table = capacity_table(tiny)
    assert sum(i.population for i in table.ints) == tiny.population
