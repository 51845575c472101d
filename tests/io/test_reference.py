"""The bundled reference CSVs: complete, sourced, consistent; loader errors name cells."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from intplan.domain import AGE_BANDS, ActivityKind
from intplan.io.errors import WorkbookError
from intplan.io.reference import (
    FILES,
    load_reference,
    load_table,
    resources_dir,
    scenarios_dir,
)

ROLES = [
    "GP",
    "ANP",
    "PN",
    "HCA",
    "CP",
    "PHT",
    "PARA",
    "FCP",
    "OT",
    "DN",
    "CN",
    "FN",
    "CM",
    "VWN",
    "MHP",
    "TTP",
    "PSY",
    "SW",
    "CC",
    "SPLW",
    "HWC",
    "CNAV",
    "DOM",
    "CHWW",
    "ADMIN",
    "BI",
    "LEAD",
]
ACTIVITIES = [
    "SDC",
    "RC",
    "LTC",
    "HV",
    "UCR",
    "CCE",
    "CGA",
    "EOL",
    "MHA",
    "MHF",
    "TT",
    "SCA",
    "SPL",
    "SMR",
    "MDT",
]


def test_folders_are_found() -> None:
    assert (resources_dir() / "roles.csv").is_file()
    assert scenarios_dir().is_dir()


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_row_has_a_source(name: str) -> None:
    with (resources_dir() / name).open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows, f"{name} is empty"
    blank = [i for i, r in enumerate(rows, start=2) if not (r.get("source") or "").strip()]
    assert blank == [], f"{name}: rows without a source: {blank}"


def test_fixed_codes_exist() -> None:
    ref = load_reference()
    assert [r.code for r in ref.roles] == ROLES
    assert [a.code for a in ref.activities] == ACTIVITIES
    assert {r.code for r in ref.rotas} == {"WEEKDAY", "EXTENDED", "H24"}
    assert {p.code for p in ref.arrival_profiles} == {"INHOURS", "SEVENDAY", "FLAT"}


def test_every_patient_activity_has_roles_and_rates_for_every_age_band() -> None:
    ref = load_reference()
    for act in ref.activities:
        if act.kind is ActivityKind.PATIENT:
            assert any(e.activity == act.code for e in ref.eligibilities), act.code
            bands = {r.age_band for r in ref.demand_rates if r.activity == act.code}
            assert bands == set(AGE_BANDS), act.code


def test_mdt_rows_are_for_core_roles() -> None:
    ref = load_reference()
    mdt_roles = {e.role for e in ref.eligibilities if e.activity == "MDT"}
    core = {r.code for r in ref.roles if r.core}
    assert core <= mdt_roles


def test_ucr_uses_the_national_two_hour_standard() -> None:
    ucr = next(a for a in load_reference().activities if a.code == "UCR")
    assert ucr.response_target_hours == 2
    assert "NHS England" in ucr.source


def test_pay_costs_follow_the_stated_on_costs() -> None:
    """pay_cost = salary x (1 + employer pension) + 13.8% NI above £9,100."""
    with (resources_dir() / "roles.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        salary = float(r["annual_salary_gbp"])
        pension = float(r["pension_employer_pct"]) / 100
        expected = salary * (1 + pension) + 0.138 * max(0.0, salary - 9100)
        assert float(r["pay_cost_gbp_per_fte"]) == pytest.approx(expected, abs=1), r["code"]
        if r["pay_basis"].startswith("AfC"):
            assert pension == pytest.approx(0.237)


def test_practice_appointments_match_the_anchor() -> None:
    """SDC+RC+LTC over England's age mix = 5.5 appointments a person a year (NHS England
    Appointments in General Practice April 2024: 5.8, less an assumed 5% not simulated).

    The anchors are all contacts; the rates are what referrals do not bring (checked in
    tests/examples/test_demand_calibration.py)."""
    mix = dict(zip(AGE_BANDS, (0.20, 0.61, 0.10, 0.065, 0.025), strict=True))
    with (resources_dir() / "demand_rates.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    weekly = sum(
        float(r["anchor_per_1000_per_week"]) * mix[r["age_band"]]
        for r in rows
        if r["activity"] in ("SDC", "RC", "LTC")
    )
    assert weekly * 52.18 / 1000 == pytest.approx(5.5, rel=0.01)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    for name in FILES:
        shutil.copy(resources_dir() / name, tmp_path / name)
    return tmp_path


def _rewrite(path: Path, row: int, column: str, value: str) -> None:
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    rows[row - 1][rows[0].index(column)] = value
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)


def test_errors_name_file_row_and_column(copy: Path) -> None:
    _rewrite(copy / "roles.csv", 3, "pay_cost_gbp_per_fte", "lots")
    _rewrite(copy / "activities.csv", 2, "priority", "9")
    _rewrite(copy / "eligibility.csv", 4, "role", "WIZARD")
    with pytest.raises(WorkbookError) as info:
        load_reference(copy)
    where = {(i.file, i.row, i.column) for i in info.value.issues}
    assert ("roles.csv", 3, "pay_cost_gbp_per_fte") in where
    assert ("activities.csv", 2, "priority") in where
    assert ("eligibility.csv", 4, "role") in where
    assert len(info.value.issues) == 3


def test_missing_file_and_column_are_reported(copy: Path) -> None:
    (copy / "seasonality.csv").unlink()
    with (copy / "rotas.csv").open(encoding="utf-8") as f:
        text = f.read()
    (copy / "rotas.csv").write_text(text.replace("end_hour", "finish"), encoding="utf-8")
    with pytest.raises(WorkbookError) as info:
        load_reference(copy)
    messages = {(i.file, i.message) for i in info.value.issues}
    assert ("seasonality.csv", "file is missing") in messages
    assert any(f == "rotas.csv" and "end_hour" in m for f, m in messages)


def test_load_table_reads_one_file() -> None:
    rotas = load_table(resources_dir() / "rotas.csv")
    assert {r.code for r in rotas} == {"WEEKDAY", "EXTENDED", "H24"}
