"""Issue 14's "done when": from a folder of NHS-format fixture files, `intplan new --icb
--from` writes a workbook that validates, and info, simulate, optimise, compare-splits and
calibrate --observed (with the Appointments crosstab found in the folder) all run on it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from intplan.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "io" / "nhs"))
from nhs_fixtures import write_folder


def test_every_command_runs_on_a_scenario_built_from_nhs_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 40,000 people per PCN; staff from reference ratios (no workforce file) so that the
    # optimiser's minimum core team (1 FTE per core role per INT) can be met
    src = write_folder(
        tmp_path / "downloads",
        workforce=False,
        places=True,
        imd=True,
        appointments=True,
        system_files=True,
        sizes={"A81001": 10, "A81002": 10, "A81003": 20},
    )
    out = tmp_path / "my-icb.xlsx"
    assert main(["new", str(out), "--icb", "QHM", "--from", str(src), "--json"]) == 0
    built = json.loads(capsys.readouterr().out)
    assert built["counts"]["ints"] == 2 and built["counts"]["population"] == 80_000
    crosstab = built["observed"]
    assert crosstab == str(src / "Practice_Level_Crosstab_Nov_25.csv")

    assert main(["validate", str(out)]) == 0
    assert main(["info", str(out)]) == 0
    assert main(["simulate", str(out), "--weeks", "2", "--replications", "2"]) == 0
    capsys.readouterr()
    assert main(["optimise", str(out), "--time-limit", "30", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["status"] == "optimal", plan
    split_args = ["--replications", "2", "--screen-replications", "1", "--weeks", "2"]
    assert main(["compare-splits", str(out), "--pcn", "U89141", *split_args]) == 0
    assert "A81001+A81002 (today)" in capsys.readouterr().out
    calibrate = ["calibrate", str(out), "--observed", crosstab, "--weeks", "2", "--json"]
    assert main([*calibrate, "--replications", "2"]) == 0
    report = json.loads(capsys.readouterr().out)
    observed = report["observed_file"]
    assert observed["kind"] == "appointments_extract"
    assert observed["matched_areas"] == ["A81001", "A81002", "A81003"]
    assert observed["unknown_areas"] == ["G82001"]  # the other ICB's practice
    within_14 = next(r for r in report["rows"] if r["measure"] == "gp_within_14_days_share")
    # "8  to 14 Days" (double space, as published) counts as within 14 days
    assert within_14["observed"] == pytest.approx(560 / 630)
