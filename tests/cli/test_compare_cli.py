"""``intplan compare``: text and JSON printed from the service's typed rows."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from intplan.cli import main
from intplan.domain import Scenario
from intplan.io.workbook import write_scenario
from intplan.services.compare import CompareOptions, compare_scenarios

FAST = ["--replications", "3", "--weeks", "3", "--warmup-weeks", "1"]
OPTS = CompareOptions(replications=3, weeks=3, warmup_weeks=1)


@pytest.fixture(scope="module")
def pair(tiny: Scenario, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("compare")
    extra = [dataclasses.replace(p, id=f"{p.id}X") for p in tiny.staff if p.role == "GP"][:3]
    more = dataclasses.replace(tiny, name="more GPs", staff=(*tiny.staff, *extra))
    a, b = folder / "a.xlsx", folder / "b.xlsx"
    write_scenario(tiny, a)
    write_scenario(more, b)
    return a, b


def test_json_and_text_are_the_rows(
    pair: tuple[Path, Path], tiny: Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = pair
    assert main(["compare", str(a), str(b), *FAST, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    from intplan.io.workbook import read_scenario

    result = compare_scenarios(
        [read_scenario(a), read_scenario(b)], OPTS, sources=["a.xlsx", "b.xlsx"]
    )
    rows = (*result.difference_rows(), *result.int_difference_rows())
    assert doc["differences"] == json.loads(json.dumps([r.to_json() for r in rows]))
    # the keys earlier versions wrote are still there
    assert [s["file"] for s in doc["scenarios"]] == ["a.xlsx", "b.xlsx"]
    assert doc["units"]["wait"] == "minutes"

    assert main(["compare", str(a), str(b), *FAST]) == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    for r in result.difference_rows():
        line = next(x for x in lines if f" {r.label} ({r.unit})" in x and "INT-" not in x)
        # a text marker, not only the numbers: "*" where the CI leaves zero out
        assert line.startswith("*") is r.excludes_zero, line
    clear = [r for r in result.int_difference_rows() if r.excludes_zero]
    assert f"by INT: {len(clear)} of {len(result.int_difference_rows())}" in text
    for r in clear:
        assert any(x.startswith("*") and r.where in x and r.label in x for x in lines)
    assert "Mean wait (hours)" in text and "b.xlsx vs a.xlsx" in text


def test_out_workbook_has_a_sheet_by_int(
    pair: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = pair
    out = tmp_path / "cmp.xlsx"
    assert main(["compare", str(a), str(b), *FAST, "--out", str(out)]) == 0
    capsys.readouterr()
    wb = load_workbook(out)
    rows = list(wb["Compare by INT"].iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "scenario")
    assert header[:3] == ("scenario", "INT", "KPI")
    ints = {r[1] for r in rows[rows.index(header) + 1 :] if r and r[0] == "b.xlsx"}
    assert ints == {"INT-A", "INT-B"}
    units = {r[0]: r[1] for r in wb["Compare"].iter_rows(values_only=True) if r and r[0]}
    assert units["Mean wait"] == "hours"
