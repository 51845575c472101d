from __future__ import annotations

import json
from pathlib import Path

import pytest

from intplan.cli import main
from intplan.io.workbook import read_scenario


@pytest.mark.slow
def test_demo_runs_the_whole_pipeline_and_leaves_readable_workbooks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo"
    code = main(
        [
            "demo",
            "--template",
            "tiny",
            "--out",
            str(out),
            "--replications",
            "2",
            "--weeks",
            "2",
            "--workers",
            "1",
            "--json",
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    files = {k: Path(v) for k, v in report["files"].items()}
    assert set(files) == {"scenario", "simulation", "plan", "splits"}
    original = read_scenario(files["scenario"])
    for key in ("simulation", "plan", "splits"):
        # every result workbook carries the untouched inputs
        assert read_scenario(files[key]) == original, key
    assert report["simulation"]["replications"] == 2
    assert report["optimisation"]["status"] == "optimal"
    assert report["splits"]["pcn"] == "PCN1"
    assert report["splits"]["options"]
