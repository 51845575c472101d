"""The STRESS-DES model report: every item, filled in from the run, in the output workbook."""

from __future__ import annotations

import contextlib
import importlib.metadata
import io
import json
import platform
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from intplan.cli import main
from intplan.domain import Scenario
from intplan.io.workbook import read_scenario, write_scenario
from intplan.services.model_report import (
    EXCEL_CELL_CHARS,
    SHEET_MODEL_REPORT,
    STRESS_ITEMS,
    model_report_rows,
    model_report_table,
)
from intplan.services.simulate import SimulationOptions, run_simulation


def _report(path: Path) -> list[tuple[str, str, str]]:
    """The (item, heading, text) rows of the Model report sheet, below its header row."""
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = [tuple(r) for r in wb[SHEET_MODEL_REPORT].iter_rows(values_only=True)]
    wb.close()
    start = rows.index(("item", "heading", "text")) + 1
    return [(str(a), str(b), str(c)) for a, b, c in rows[start:]]


def _text(rows: list[tuple[str, str, str]], item: str) -> str:
    return " ".join(t for i, _, t in rows if i == item)


@pytest.fixture(scope="module")
def simulated(tiny: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """``intplan simulate tiny.xlsx --out x.xlsx --json``: its JSON, the report rows and
    the output path (module-scoped, so stdout is captured here rather than by capsys)."""
    folder = tmp_path_factory.mktemp("report")
    workbook, out = folder / "tiny.xlsx", folder / "x.xlsx"
    write_scenario(tiny, workbook)
    args = ["simulate", str(workbook), "--out", str(out), "--replications", "2"]
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main([*args, "--weeks", "2", "--seed", "7", "--json"])
    assert code == 0
    return json.loads(buf.getvalue()), _report(out), out


def test_every_stress_item_is_filled_in(simulated: Any) -> None:
    _, rows, _ = simulated
    for item, heading in STRESS_ITEMS:
        assert _text(rows, item).strip(), f"STRESS-DES {item} {heading} is empty"
    assert {i for i, _, _ in rows} == {i for i, _ in STRESS_ITEMS}


def test_report_states_the_runs_own_settings(simulated: Any) -> None:
    j, rows, _ = simulated
    seed, reps = j["seed"], j["replications"]
    assert (seed, reps) == (7, 2)
    assert f"Root seed {seed}" in _text(rows, "5.2")
    assert f"SeedSequence({seed}).spawn(r + 1)[r]" in _text(rows, "5.2")
    assert f"{reps} independent replications" in _text(rows, "4.3")
    init = _text(rows, "4.1")
    # tiny's rule: LTC's follow-ups, 2 weeks apart, + 4 weeks margin
    assert f"Warm-up: {j['warmup_weeks']} weeks" in init and j["warmup_weeks"] == 6
    assert j["warmup_rule"] in init
    assert f"{j['weeks']} measured weeks" in _text(rows, "4.2")
    assert f"--seed {seed} " in _text(rows, "6.1")


def test_report_states_the_installed_versions(simulated: Any) -> None:
    _, rows, _ = simulated
    software = _text(rows, "5.1")
    assert f"Python {platform.python_version()}" in software
    for package in ("intplan", "numpy", "numba", "simpy"):
        assert f"{package} {importlib.metadata.version(package)}" in software
    assert "engine 'kernel'" in software
    system = _text(rows, "5.4")
    assert platform.platform() in system and "Run time" in system


def test_output_still_loads_as_the_same_scenario(tiny: Scenario, simulated: Any) -> None:
    _, _, out = simulated
    again = read_scenario(out)  # the report is a result sheet, not an extra input sheet
    assert [s.name for s in again.extra_sheets] == []
    assert again.name == tiny.name


def test_parameters_carry_their_sources(tiny: Scenario) -> None:
    result = run_simulation(tiny, SimulationOptions(replications=1, weeks=1, warmup_weeks=0))
    rows = model_report_rows(tiny, result, run_seconds=result.run_seconds)
    params = {h: t for i, h, t in rows if i == "3.3"}
    gp = next(r for r in tiny.roles if r.code == "GP")
    assert f"source: {gp.source}" in params["Role GP"]
    assert f"productive fraction {gp.productive_fraction:g}" in params["Role GP"]
    seed_source = tiny.settings.source("seed")
    assert params["Settings: seed"].endswith(f"source: {seed_source}")
    # the run carries its own report, with the run time it measured
    assert result.run_seconds > 0
    assert f"Run time {result.run_seconds:.1f} s" in _text(list(result.model_report), "5.4")


def test_adaptive_and_reference_runs_say_so(tiny: Scenario) -> None:
    options = SimulationOptions(
        replications=1,
        weeks=1,
        warmup_weeks=0,
        target_halfwidth=0.5,
        max_replications=20,
        engine="reference",
    )
    result = run_simulation(tiny, options)
    rows = list(result.model_report)
    estimation = _text(rows, "4.3")
    assert "Hoad, Robinson & Davies" in estimation and "±50%" in estimation
    assert f"SimPy {importlib.metadata.version('simpy')}" in _text(rows, "5.3")
    assert "--engine reference" in _text(rows, "6.1")
    assert "given (--warmup-weeks)" in _text(rows, "4.1")


def test_extra_rows_join_their_item_and_unknown_items_fail(tiny: Scenario) -> None:
    result = run_simulation(tiny, SimulationOptions(replications=1, weeks=1, warmup_weeks=0))
    extra = ("1.3", "Calibration", "fitted demand scale to observed volumes")
    rows = model_report_rows(tiny, result, run_seconds=1.0, extra_rows=[extra])
    items = [i for i, _, _ in rows]
    assert rows[items.index("2.1") - 1] == extra  # after 1.3's own row, before 2.1
    with pytest.raises(ValueError, match="unknown STRESS-DES items"):
        model_report_rows(tiny, result, run_seconds=1.0, extra_rows=[("7.1", "x", "y")])


def test_a_text_too_long_for_an_excel_cell_is_cut_and_says_so() -> None:
    table = model_report_table([("3.1", "Sources", "x" * 40_000)], scenario_name="big")
    text = str(table.rows[0][2])
    assert len(text) == EXCEL_CELL_CHARS and text.endswith("the workbook's sheets have the rest)")


def test_docs_model_follows_the_same_items() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "model.md").read_text("utf-8")
    for item, heading in STRESS_ITEMS:
        number = ".".join(item.split(".")[:2])  # 2.5.1-2.5.5 share "2.5 Components"
        assert re.search(rf"^### {re.escape(number)} ", doc, re.M), f"{item} {heading}"
