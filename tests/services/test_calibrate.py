"""intplan calibrate's service: simulated measures, observed targets, the table, --fit."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from intplan.domain import Scenario
from intplan.io.benchmarks import load_benchmarks
from intplan.io.observed import read_observed
from intplan.services.calibrate import (
    WEEKS_PER_MONTH,
    Target,
    benchmark_targets,
    calibration_table,
    observed_targets,
    simulated_measures,
)
from intplan.services.calibrate_fit import fit
from intplan.services.simulate import SimulationOptions

#: the real Appointments in General Practice crosstab header
AGP_HEADER = (
    "APPOINTMENT_MONTH_START_DATE,GP_CODE,GP_NAME,SUPPLIER,PCN_CODE,PCN_NAME,"
    "SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_NAME,HCP_TYPE,APPT_MODE,NATIONAL_CATEGORY,"
    "TIME_BETWEEN_BOOK_AND_APPT,COUNT_OF_APPOINTMENTS,APPT_STATUS"
)


def agp_row(month: str, practice: str, bucket: str, count: int, status: str) -> str:
    return (
        f"{month},{practice},A SURGERY,TPP,U89141,A PCN,16C,NHS Somewhere ICB - 16C,"
        f"GP,Face-to-Face,General Consultation Routine,{bucket},{count},{status}"
    )


SHORT = SimulationOptions(replications=1, weeks=4, warmup_weeks=1, seed=7, workers=1)


def _known(share: float | None) -> float:
    assert share is not None, "a share where contacts were attended"
    return share


def test_the_table_on_tiny_compares_every_benchmark(tiny: Scenario) -> None:
    marks = load_benchmarks()
    table = calibration_table(tiny, SHORT, benchmark_targets(marks))
    assert [r.measure for r in table.rows] == [b.measure for b in marks]
    rows = {r.measure: r for r in table.rows}
    # appointments: the GP-practice activities tiny has (SDC, LTC), per 1,000 a month
    gp = [a for a in table.result.activities if a.activity in ("SDC", "LTC")]
    pop = sum(i.population for i in table.result.ints)
    expected = sum(a.served_per_week.mean for a in gp) * WEEKS_PER_MONTH / pop * 1000
    appts = rows["gp_appointments_per_1000_per_month"]
    national = next(b for b in marks if b.measure == appts.measure)
    assert appts.simulated == pytest.approx(expected)
    assert appts.difference == pytest.approx(expected - national.value)
    assert appts.within is (abs(expected - national.value) <= national.tolerance)
    # booking categories from the engine: attended contacts' same-day share
    same_day = rows["gp_same_day_share"]
    recs = [a for a in table.result.activities if a.activity in ("SDC", "LTC")]
    weight = sum(a.served_per_week.mean for a in recs)
    share = (
        sum(_known(a.booking_buckets["same_day"]) * a.served_per_week.mean for a in recs) / weight
    )
    assert same_day.simulated == pytest.approx(share)
    # tiny's Settings leave did-not-attend off: said so, not compared with 0
    for m in ("gp_dna_rate", "gp_dna_same_day", "gp_dna_over_28_days"):
        assert math.isnan(rows[m].simulated) and rows[m].within is None
        assert "dna_enabled = 0" in rows[m].note


def test_dna_by_booking_category_comes_from_the_engine(tiny: Scenario) -> None:
    """With did-not-attend on, the same-day DNA rate is the Settings table's 2% (the
    engine draws it per booking category), within sampling error."""
    on = dataclasses.replace(tiny, settings=dataclasses.replace(tiny.settings, dna_enabled=1))
    marks = load_benchmarks()
    table = calibration_table(on, SHORT, benchmark_targets(marks))
    rows = {r.measure: r for r in table.rows}
    same_day = rows["gp_dna_same_day"]
    assert same_day.simulated == pytest.approx(on.settings.dna_same_day, abs=0.01)
    assert 0 < rows["gp_dna_rate"].simulated < 0.1
    assert "no UCR activity" in rows["ucr_within_2_hours_share"].note


def _rec(activity: str, served: float, buckets: dict[str, float], dna: float) -> Any:
    est = SimpleNamespace
    return SimpleNamespace(
        int_code="INT-A",
        activity=activity,
        served_per_week=est(mean=served),
        escalations_per_week=est(mean=0.0),
        within_target_share=est(mean=1.0),
        booking_buckets={k: est(mean=v) for k, v in buckets.items()},
        dna_rate=est(mean=dna),
    )


def test_booking_buckets_and_dna_from_a_result_that_has_them(tiny: Scenario) -> None:
    """The fields the behaviour engine adds (``booking_buckets``, ``dna_rate``), weighted
    by contacts across the GP-practice activities."""
    sdc = {"same_day": 0.6, "1_day": 0.1, "2_7_days": 0.2, "8_14_days": 0.1}
    ltc = {"same_day": 0.0, "2_7_days": 0.2, "8_14_days": 0.3, "15_21_days": 0.5}
    result: Any = SimpleNamespace(
        activities=(_rec("SDC", 300, sdc, 0.02), _rec("LTC", 100, ltc, 0.10)),
        ints=(SimpleNamespace(population=10_000),),
    )
    dna_on = dataclasses.replace(tiny, settings=dataclasses.replace(tiny.settings, dna_enabled=1))
    m = simulated_measures(dna_on, result)
    assert m["gp_same_day_share"].value == pytest.approx(0.6 * 0.75)
    assert m["gp_within_14_days_share"].value == pytest.approx(1.0 * 0.75 + 0.5 * 0.25)
    assert m["gp_dna_rate"].value == pytest.approx(0.02 * 0.75 + 0.10 * 0.25)
    assert m["gp_appointments_per_1000_per_month"].value == pytest.approx(
        400 * WEEKS_PER_MONTH / 10
    )


def test_an_appointments_extract_is_aggregated_to_the_scenario(
    tiny: Scenario, tmp_path: Path
) -> None:
    f = tmp_path / "Practice_Level_Crosstab_Nov_25.csv"
    rows = [
        agp_row("01NOV2025", "P1", "Same Day", 450, "Attended"),
        agp_row("01NOV2025", "P1", "2 to 7 Days", 300, "Attended"),
        agp_row("01NOV2025", "P1", "More than 28 Days", 200, "Attended"),
        agp_row("01NOV2025", "P1", "More than 28 Days", 50, "DNA"),
        agp_row("01NOV2025", "P2", "Same Day", 100, "Attended"),
        agp_row("01OCT2025", "P2", "Same Day", 100, "Attended"),
        agp_row("01NOV2025", "Y12345", "Same Day", 999, "Attended"),  # not in the scenario
        agp_row("01NOV2025", "Y12345", "1 Day", 1, "DNA"),
    ]
    f.write_text("\n".join([AGP_HEADER, *rows]) + "\n")
    targets, report = observed_targets(tiny, read_observed(f))
    assert report.matched_areas == ("P1", "P2")
    assert report.unknown_areas == ("Y12345",) and report.unknown_rows == 2
    assert report.unknown_count == 1000
    assert report.missing_practices == ("P3",)
    t = {x.measure: x.value for x in targets}
    # P1: 1000 in one month; P2: 200 over two months; lists 10,000 + 7,550
    assert t["gp_appointments_per_1000_per_month"] == pytest.approx(1100 / 17_550 * 1000)
    attended = 450 + 300 + 200 + 100  # per month (P2's two months averaged)
    assert t["gp_same_day_share"] == pytest.approx(550 / attended)
    assert t["gp_within_14_days_share"] == pytest.approx(850 / attended)
    assert t["gp_dna_over_28_days"] == pytest.approx(50 / 250)
    assert t["gp_dna_rate"] == pytest.approx(50 / (attended + 50))


def test_simple_counts_per_int_give_per_activity_volumes(tiny: Scenario, tmp_path: Path) -> None:
    f = tmp_path / "counts.csv"
    f.write_text(
        "area,activity,bucket,count,months\nINT-B,LTC,all,90,3\nINT-B,SDC,same_day,600,3\n"
    )
    targets, report = observed_targets(tiny, read_observed(f))
    t = {x.measure: x for x in targets}
    assert t["LTC_contacts_per_1000_per_month"].value == pytest.approx(30 / 9_050 * 1000)
    assert t["gp_same_day_share"].value == 1.0
    assert report.missing_practices == ("P1", "P2")


def test_fit_moves_a_demand_scale_to_a_known_target(tiny: Scenario) -> None:
    """Observed = simulated x 0.8 for same-day consultations: the fitted scale is ~0.8.
    (Downwards: tiny's same-day capacity is nearly full, so above ~1.1 x served contacts
    stop rising with demand; test_fit_says_when_capacity_caps_the_volume covers that.)"""
    base = calibration_table(tiny, SHORT, [])
    now = simulated_measures(tiny, base.result)["SDC_contacts_per_1000_per_month"].value
    target = Target(
        measure="SDC_contacts_per_1000_per_month",
        value=now * 0.8,
        tolerance=0.05 * now * 0.8,
        comparison="equal",
        source="test",
    )
    before = calibration_table(tiny, SHORT, [target])
    assert before.rows[0].within is False
    result = fit(tiny, SHORT, [target], before, evaluations=10)
    (param,) = result.parameters
    assert param.applies_to == ("SDC",)
    assert param.after == pytest.approx(0.8, abs=0.04)
    assert result.after.rows[0].within is True
    # the input scenario is untouched; the fitted one carries the new rates
    old = {r.key: r.per_1000_per_week for r in tiny.demand_rates}
    new = {r.key: r.per_1000_per_week for r in result.scenario.demand_rates}
    assert all(new[k] == pytest.approx(old[k] * param.after) for k in old if k.startswith("SDC/"))
    assert all(new[k] == old[k] for k in old if not k.startswith("SDC/"))


def test_fit_says_when_capacity_caps_the_volume(tiny: Scenario) -> None:
    """Twice today's same-day contacts cannot be reached by demand alone: tiny's staff are
    full, so the fit says capacity-bound instead of claiming a match."""
    base = calibration_table(tiny, SHORT, [])
    now = simulated_measures(tiny, base.result)["SDC_contacts_per_1000_per_month"].value
    target = Target(
        measure="SDC_contacts_per_1000_per_month",
        value=now * 2,
        tolerance=0.05 * now * 2,
        comparison="equal",
        source="test",
    )
    before = calibration_table(tiny, SHORT, [target])
    result = fit(tiny, SHORT, [target], before, evaluations=6)
    assert result.after.rows[0].within is False
    assert "capacity-bound" in result.parameters[0].note
    assert result.evaluations <= 6  # the budget counts scipy's finite differences too
