"""The one workload model: known answers on hand-computable scenarios."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from intplan.demand import base_weekly_contacts
from intplan.demand.contacts import ReferralLoopError, activity_contacts
from intplan.demand.travel import home_visit_travel_minutes
from intplan.demand.workload import _route, overflow_threshold, overtime_hours, workload_model
from intplan.domain import Referral, Scenario

SRC = "test: hand-computed"


def _flat(s: Scenario, **settings: Any) -> Scenario:  # Settings fields, by name
    """No seasonality, growth or interventions: the mean week is the base week."""
    st = dataclasses.replace(s.settings, annual_growth_pct=0.0, **settings)
    return dataclasses.replace(s, seasonality=(), interventions=(), settings=st)


def _referral(frm: str, to: str, p: float, rejected: float) -> Referral:
    return Referral(
        from_activity=frm,
        to_activity=to,
        probability=p,
        delay_hours=24,
        rejection_probability=rejected,
        source=SRC,
    )


def test_referrals_are_per_episode_and_rejections_re_present(tiny: Scenario) -> None:
    # SDC episodes of 4 contacts; 10% referred on to HV (3 contacts an episode), a fifth
    # of those screened out and re-presenting as SDC (settings.represent_activity)
    acts = tuple(
        dataclasses.replace(a, contacts_per_episode=4.0) if a.code == "SDC" else a
        for a in tiny.activities
    )
    s = dataclasses.replace(
        _flat(tiny), activities=acts, referrals=(_referral("SDC", "HV", 0.1, 0.2),)
    )
    c = activity_contacts(s)
    sdc0 = base_weekly_contacts(s, "INT-A", "SDC")
    hv0 = base_weekly_contacts(s, "INT-A", "HV")
    sdc_episodes = sdc0 / 4 / (1 - 0.1 * 0.2)  # E = E0 + E × 0.02 (re-presentations)
    sdc = c[("INT-A", "SDC")]
    assert sdc.episodes_per_week == pytest.approx(sdc_episodes)
    assert sdc.base_per_week == pytest.approx(sdc0)
    assert sdc.represented_per_week == pytest.approx(sdc_episodes * 0.02 * 4)
    assert sdc.contacts_per_week == pytest.approx(sdc_episodes * 4)
    hv = c[("INT-A", "HV")]
    assert hv.referred_per_week == pytest.approx(sdc_episodes * 0.1 * 0.8 * 3)
    assert hv.contacts_per_week == pytest.approx(hv0 + sdc_episodes * 0.08 * 3)


def test_integration_removes_screening(tiny: Scenario) -> None:
    s = dataclasses.replace(
        _flat(tiny, integration_level=1.0), referrals=(_referral("SDC", "HV", 0.1, 0.5),)
    )
    c = activity_contacts(s)
    assert c[("INT-A", "SDC")].represented_per_week == 0
    sdc = base_weekly_contacts(s, "INT-A", "SDC")
    assert c[("INT-A", "HV")].referred_per_week == pytest.approx(sdc * 0.1 * 3)


def test_a_referral_loop_without_end_is_a_clear_error(tiny: Scenario) -> None:
    s = dataclasses.replace(
        _flat(tiny),
        referrals=(_referral("SDC", "HV", 1.0, 0.0), _referral("HV", "SDC", 1.0, 0.0)),
    )
    with pytest.raises(ReferralLoopError, match="loop"):
        activity_contacts(s)


def test_seasonality_mean_and_peak(tiny: Scenario) -> None:
    s = dataclasses.replace(tiny, interventions=(), referrals=())
    s = dataclasses.replace(s, settings=dataclasses.replace(s.settings, annual_growth_pct=0.0))
    c = activity_contacts(s, weeks=52)[("INT-A", "SDC")]
    base = base_weekly_contacts(s, "INT-A", "SDC")
    factors = {x.month: x.factor for x in s.seasonality if x.activity in ("*", "SDC")}
    assert c.peak_contacts_per_week == pytest.approx(base * max(factors.values()))
    assert min(factors.values()) * base < c.contacts_per_week < c.peak_contacts_per_week


def test_travel_is_mean_practice_distance_with_a_floor(tiny: Scenario) -> None:
    # INT-A: P1 (0, 0) and P2 (2, 1): √5 km at 30 km/h; INT-B: one practice, 2 km floor
    st = dataclasses.replace(tiny.settings, travel_speed_kmh=30.0)
    s = dataclasses.replace(tiny, settings=st)
    assert home_visit_travel_minutes(s, "INT-A") == pytest.approx(5**0.5 / 30 * 60)
    assert home_visit_travel_minutes(s, "INT-B") == pytest.approx(2 / 30 * 60)


def test_on_duty_hours_are_rota_time_less_meetings_and_absence(tiny: Scenario) -> None:
    w = {x.int_code: x for x in workload_model(tiny)}["INT-A"]
    gp = next(p for p in w.pools if p.role == "GP")
    # six GPs at 0.8 FTE; 37.5 h less 60 min MDT per FTE-week; productive 0.8
    assert gp.headcount == 6
    assert gp.fte == pytest.approx(4.8)
    assert gp.on_duty_hours_per_week == pytest.approx(4.8 * (37.5 - 1.0) * 0.8)
    # a rota open 10 hours a week caps each person's shift time
    short = dataclasses.replace(tiny.rota_by_code["WEEKDAY"], start_hour=8.0, end_hour=10.0)
    rotas = tuple(short if r.code == "WEEKDAY" else r for r in tiny.rotas)
    capped = workload_model(dataclasses.replace(tiny, rotas=rotas), int_codes=("INT-A",))[0]
    gp = next(p for p in capped.pools if p.role == "GP")
    assert gp.on_duty_hours_per_week == pytest.approx(6 * 10.0 * 0.8)  # 10 h < 0.8 × 36.5 h
    assert gp.servers_on_duty == pytest.approx(6 * 0.8)


def test_routing_prefers_the_first_pool_then_evens_out() -> None:
    on_duty = {"A": 100.0, "B": 100.0}
    servers = {"A": 10.0, "B": 10.0}
    light = _route([("X", 60.0, [("A", 1.0), ("B", 1.0)])], on_duty, servers)
    assert light[("X", "A")] == pytest.approx(60.0)  # below A's overflow threshold
    assert light[("X", "B")] == pytest.approx(0.0)
    t = overflow_threshold(10.0)
    assert 0.8 < t < 0.85  # Erlang C(10, 10t) = ½
    busy = _route([("X", 190.0, [("A", 1.0), ("B", 1.0)])], on_duty, servers)
    # A fills to its threshold; the rest raises both pools to one level: 95 h each
    assert busy[("X", "A")] == pytest.approx(95.0)
    assert busy[("X", "B")] == pytest.approx(95.0)
    over = _route([("X", 300.0, [("A", 1.0), ("B", 2.0)])], on_duty, servers)
    # equal utilisation L: (100L − 100t)/1 + 100L/2 contacts ... above 1 when over capacity
    hours_a, hours_b = over[("X", "A")] * 1.0, over[("X", "B")] * 2.0
    assert hours_a == pytest.approx(hours_b)
    assert hours_a / 100 > 1.0
    assert sum(over.values()) == pytest.approx(300.0)


def test_int_totals_and_stability(tiny: Scenario) -> None:
    light = dataclasses.replace(
        tiny,
        demand_rates=tuple(
            dataclasses.replace(r, per_1000_per_week=r.per_1000_per_week * 0.3)
            for r in tiny.demand_rates
        ),
    )
    for w in workload_model(light):
        serving = [p for p in w.pools if p.serves_patients]
        assert w.workload_hours_per_week == pytest.approx(
            sum(a.hours_per_week for a in w.activities)
        )
        assert w.capacity_hours_per_week == pytest.approx(
            sum(p.on_duty_hours_per_week for p in serving)
        )
        assert w.utilisation_expected < 1 and w.stable
    # nobody eligible on duty for demand: unstable, and the contacts are reported
    no_dn = dataclasses.replace(light, staff=tuple(x for x in light.staff if x.role != "DN"))
    no_gp_dn = dataclasses.replace(no_dn, staff=tuple(x for x in no_dn.staff if x.role != "GP"))
    w = workload_model(no_gp_dn, int_codes=("INT-A",))[0]
    hv = next(a for a in w.activities if a.activity == "HV")
    assert hv.unserved_contacts_per_week == pytest.approx(hv.contacts_per_week)
    assert not w.stable


def test_home_visit_travel_is_counted(tiny: Scenario) -> None:
    w = workload_model(tiny, int_codes=("INT-A",))[0]
    hv = next(a for a in w.activities if a.activity == "HV")
    assert hv.travel_minutes_per_contact == pytest.approx(w.travel_minutes_per_home_visit)
    travel = sum(p.travel_hours_per_week for p in w.pools)
    assert travel == pytest.approx(hv.contacts_per_week * hv.travel_minutes_per_contact / 60)


def test_overtime_is_one_limit_per_person_day_of_the_rota_spread(tiny: Scenario) -> None:
    # the spread cuts a pool of coverage c into n x ceil(c) person-days a week
    weekday = next(r for r in tiny.rotas if sum(r.days) == 5)
    limit = tiny.settings.overtime_limit_hours_per_day
    assert overtime_hours(tiny, weekday.code, 2.5 * 0.8, 0.8) == pytest.approx(limit * 5 * 3 * 0.8)
    assert overtime_hours(tiny, weekday.code, 3.0, 1.0) == pytest.approx(limit * 5 * 3)
    assert overtime_hours(tiny, weekday.code, 0.0, 1.0) == 0.0


def test_a_pool_just_over_its_rostered_hours_keeps_up_with_overtime(tiny: Scenario) -> None:
    w = workload_model(tiny)[0]
    pool = next(p for p in w.pools if p.serves_patients and p.on_duty_hours_per_week > 0)
    assert pool.overtime_hours_per_week > 0
    over = pool.on_duty_hours_per_week * 1.01  # 101% of rostered hours
    just_over = dataclasses.replace(pool, contact_hours_per_week=over, travel_hours_per_week=0)
    assert just_over.utilisation > 1 and just_over.keeps_up
    beyond = over + pool.overtime_hours_per_week  # more than overtime can absorb
    too_much = dataclasses.replace(pool, contact_hours_per_week=beyond, travel_hours_per_week=0)
    assert not too_much.keeps_up
