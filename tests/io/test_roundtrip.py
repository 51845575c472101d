"""read -> write -> read gives an equal Scenario, for every bundled example."""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from intplan.domain import ExtraColumn, ExtraSheet, Scenario
from intplan.io.workbook import read_scenario, write_scenario


def _builders() -> list[Any]:
    """``build_tiny`` always; the big examples (a few seconds each) are marked slow."""
    examples = importlib.import_module("intplan.examples")
    slow = (pytest.mark.slow,)
    return [
        pytest.param(
            name, getattr(examples, name), marks=() if name == "build_tiny" else slow, id=name
        )
        for name in ("build_tiny", "build_kent_medway", "build_dorset_bcp")
    ]


def _diff(a: Scenario, b: Scenario) -> list[str]:
    return [f.name for f in dataclasses.fields(a) if getattr(a, f.name) != getattr(b, f.name)]


@pytest.mark.parametrize(("name", "build"), _builders())
def test_examples_round_trip(name: str, build: Callable[[], Scenario], tmp_path: Path) -> None:
    original = build()
    path = tmp_path / f"{name}.xlsx"
    write_scenario(original, path)
    first = read_scenario(path)
    assert _diff(original, first) == []
    assert first == original
    # and a second generation is identical too (the writer is stable)
    write_scenario(first, path)
    assert read_scenario(path) == original


def test_extras_optional_values_and_edge_text_round_trip(tiny: Scenario, tmp_path: Path) -> None:
    staff = list(tiny.staff)
    staff[0] = dataclasses.replace(
        staff[0], vacant=True, rota="SEVENDAY", name="  O'Brien & <Co>  "
    )
    interventions = (dataclasses.replace(tiny.interventions[0], int_code="INT-A"),)
    roles = list(tiny.roles)
    roles[0] = dataclasses.replace(roles[0], skills=(), population_per_fte=None)
    scenario = dataclasses.replace(
        tiny,
        notes="Line one\nline two — with a dash, £ and ünïcödé",
        staff=tuple(staff),
        roles=tuple(roles),
        interventions=interventions,
        extra_sheets=(
            ExtraSheet(
                name="My notes",
                rows=(("Title", None, 3), (), (None, 2.5, True, "=1+2")),
            ),
        ),
        # in workbook sheet order, which is the order the reader returns them in
        extra_columns=(
            ExtraColumn(sheet="Settings", header="comment", values=(("seed", "fixed"),)),
            ExtraColumn(sheet="Staff", header="team_note", values=(("S001", "lead"), ("S004", 7))),
            ExtraColumn(sheet="Assignments", header="checked", values=(("S002/INT-A", True),)),
        ),
    )
    path = tmp_path / "edge.xlsx"
    write_scenario(scenario, path)
    back = read_scenario(path)
    assert _diff(scenario, back) == []
    assert back == scenario
