"""``intplan calibrate``: the table, --json rows, --observed, --fit and --out."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from intplan.cli import main
from intplan.domain import Scenario
from intplan.io.benchmarks import load_benchmarks
from intplan.services.files import load_scenario, save_scenario

FAST = ["--weeks", "4", "--warmup-weeks", "1", "--replications", "1", "--seed", "7"]


@pytest.fixture
def book(tiny: Scenario, tmp_path: Path) -> Path:
    path = tmp_path / "tiny.xlsx"
    save_scenario(tiny, path)
    return path


def test_json_rows_follow_the_contract(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = book.read_bytes()
    assert main(["calibrate", str(book), *FAST, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is True and doc["out"] is None
    assert [r["measure"] for r in doc["rows"]] == [b.measure for b in load_benchmarks()]
    for r in doc["rows"]:
        assert {"measure", "simulated", "observed", "tolerance", "within"} <= set(r)
    same_day = next(r for r in doc["rows"] if r["measure"] == "gp_same_day_share")
    assert 0 < same_day["simulated"] <= 1 and same_day["within"] in (True, False)
    dna = next(r for r in doc["rows"] if r["measure"] == "gp_dna_rate")
    assert dna["simulated"] is None and "dna_enabled = 0" in dna["note"]  # said, not skipped
    assert "fit" not in doc
    assert book.read_bytes() == before, "calibrate without --out writes nothing"


def test_text_table_and_unknown_practices_reported(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    observed = tmp_path / "counts.csv"
    observed.write_text(
        "area,activity,bucket,count,months\nINT-A,SDC,same_day,900,1\nZZZ,SDC,same_day,5,1\n"
    )
    assert main(["calibrate", str(book), *FAST, "--observed", str(observed)]) == 0
    out, errs = capsys.readouterr()
    assert "SDC_contacts_per_1000_per_month" in out
    assert "1 row(s) (5 counted) for 1 code(s) not in the scenario, left out: ZZZ" in errs
    assert "P3" in errs  # a scenario practice with no observed rows


def test_fit_writes_the_fitted_scenario_and_a_calibration_sheet(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "fitted.xlsx"
    before = book.read_bytes()
    args = ["calibrate", str(book), *FAST, "--fit", "--fit-evaluations", "6", "--out", str(out)]
    assert main([*args, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    params = {p["name"]: p for p in doc["fit"]["parameters"]}
    # the national volume -> one demand scale; its two booking shares -> the productive
    # fractions of the two roles doing tiny's GP-practice work
    assert set(params) == {
        "demand scale SDC+LTC",
        "productive fraction GP",
        "productive fraction PN",
    }
    param = params["demand scale SDC+LTC"]
    assert param["applies_to"] == ["SDC", "LTC"]
    for r in doc["fit"]["after"]:  # the after-fit table keeps the rows contract
        assert {"measure", "simulated", "observed", "tolerance", "within"} <= set(r)
    assert book.read_bytes() == before, "the input is unchanged"
    wb = openpyxl.load_workbook(out, read_only=True)
    assert "Calibration" in wb.sheetnames
    cells = [c for row in wb["Calibration"].iter_rows(values_only=True) for c in row]
    # the baseline run's STRESS-DES report, as simulate writes it (issue item 6)
    report = [c for row in wb["Model report"].iter_rows(values_only=True) for c in row]
    wb.close()
    assert "4.1" in report and "5.2" in report
    assert "gp_appointments_per_1000_per_month" in cells
    assert "simulated_after_fit" in cells and "demand scale SDC+LTC" in cells
    assert "productive fraction GP" in cells
    fitted = load_scenario(out)  # the Calibration sheet is a result sheet, not an input
    original = load_scenario(book)
    fractions = {r.code: r.productive_fraction for r in fitted.roles}
    for role in ("GP", "PN"):
        assert fractions[role] == pytest.approx(params[f"productive fraction {role}"]["after"])
    assert fractions["DN"] == next(r for r in original.roles if r.code == "DN").productive_fraction
    scale = param["after"]
    old = {r.key: r.per_1000_per_week for r in original.demand_rates}
    new = {r.key: r.per_1000_per_week for r in fitted.demand_rates}
    assert all(
        new[k] == pytest.approx(old[k] * scale) for k in old if k.split("/")[0] in ("SDC", "LTC")
    )
