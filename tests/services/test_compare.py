"""Scenario comparison: paired differences under common random numbers, CLI, workbook."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from intplan.cli import main
from intplan.domain import Scenario, Settings
from intplan.io.workbook import write_scenario
from intplan.services.compare import CompareError, CompareOptions, compare_scenarios
from intplan.sim import choose_warmup

OPTS = CompareOptions(replications=5, weeks=4, warmup_weeks=1)


def _with_more_gps(s: Scenario, n: int) -> Scenario:
    extra = [dataclasses.replace(p, id=f"{p.id}X") for p in s.staff if p.role == "GP"][:n]
    return dataclasses.replace(s, name=f"{s.name} + {n} GPs", staff=(*s.staff, *extra))


def test_identical_scenarios_differ_by_exactly_zero(tiny: Scenario) -> None:
    """Common random numbers: the same inputs give the same replications."""
    r = compare_scenarios([tiny, tiny], OPTS)
    for k, d in r.differences[1].items():
        assert d.mean == 0.0, k
        assert d.low == pytest.approx(0.0) and d.high == pytest.approx(0.0)


def test_more_staff_waits_less_with_a_paired_ci(tiny: Scenario) -> None:
    more = _with_more_gps(tiny, 3)
    # 10 replications: tiny is overloaded, so the served-weighted mean wait is noisy
    r = compare_scenarios([tiny, more], dataclasses.replace(OPTS, replications=10))
    d = r.differences[1]
    assert d["wait"].high < 0, "three more GPs cut waits, and the paired CI says so"
    assert d["staff_fte"].mean == pytest.approx(3 * 0.8)
    assert d["team_size"].mean == 3
    base = r.scenarios[0]
    # the paired CI is narrower than the gap between two independent CIs would suggest
    assert d["wait"].half_width < base.sim.estimates["wait"].half_width * 2


def test_run_conditions_come_from_the_first_scenario(tiny: Scenario) -> None:
    other = dataclasses.replace(
        tiny, settings=Settings(horizon_weeks=3, warmup_weeks=0, replications=2, seed=7)
    )
    r = compare_scenarios([tiny, other], CompareOptions(replications=2))
    assert (r.weeks, r.warmup_weeks, r.seed) == (
        tiny.settings.horizon_weeks,
        choose_warmup(tiny).weeks,  # the warm-up rule, as simulate applies it
        tiny.settings.seed,
    )
    assert r.warmup_weeks > tiny.settings.warmup_weeks  # tiny's follow-up chains need more
    with pytest.raises(CompareError, match="at least two"):
        compare_scenarios([tiny], OPTS)
    with pytest.raises(CompareError, match="--workers must be at least 1"):
        compare_scenarios([tiny, tiny], dataclasses.replace(OPTS, workers=0))


def test_cli_json_text_and_workbook(
    tiny: Scenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b, out = tmp_path / "a.xlsx", tmp_path / "b.xlsx", tmp_path / "cmp.xlsx"
    write_scenario(tiny, a)
    write_scenario(_with_more_gps(tiny, 2), b)
    fast = ["--replications", "3", "--weeks", "3", "--warmup-weeks", "1"]
    assert main(["compare", str(a), str(b), *fast, "--json", "--out", str(out)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [s["file"] for s in doc["scenarios"]] == ["a.xlsx", "b.xlsx"]
    second = doc["scenarios"][1]
    assert set(second["kpis"]) == set(second["difference_vs_first"])
    assert len(second["kpis"]["wait"]["ci95"]) == 2
    wb = load_workbook(out)
    assert {"Compare", "Compare assumptions", "Practices"} <= set(wb.sheetnames)
    col_a = [r[0] for r in wb["Compare"].iter_rows(values_only=True)]
    assert "Mean wait" in col_a and "Largest core team" in col_a
    assert len(wb["Compare"]._charts) == 2
    assert main(["compare", str(a), str(b), *fast]) == 0
    text = capsys.readouterr().out
    assert "Mean wait" in text and "b.xlsx" in text
    assert main(["compare", str(a)]) == 2
    assert main(["compare", str(a), str(tmp_path / "missing.xlsx")]) == 2
