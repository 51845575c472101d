"""LibreOffice opens what intplan writes, and intplan reads what LibreOffice saves."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import openpyxl
import pytest
from user_workbook import (
    FAST_SIM,
    FAST_SPLITS,
    USER_SHEET,
    build,
    chart_of_user_sheet,
    user_sheet_content,
)

from intplan.cli import main
from intplan.domain import Scenario
from intplan.io.results import ChartSpec, ResultTable, write_results
from intplan.io.workbook import read_scenario, write_scenario

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("soffice") is None,
        reason="LibreOffice (soffice) is not on PATH; CI installs it",
    ),
]


def _convert(src: Path, fmt: str, out_dir: Path) -> Path:
    profile = out_dir / f"lo-profile-{uuid.uuid4().hex}"
    result = subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{profile}",
            "--convert-to",
            fmt,
            "--outdir",
            str(out_dir),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    converted = out_dir / f"{src.stem}.{fmt.split(':')[0]}"
    assert result.returncode == 0, result.stderr
    assert converted.is_file(), f"no output; stdout={result.stdout!r} stderr={result.stderr!r}"
    return converted


def test_libreoffice_round_trip(tiny: Scenario, tmp_path: Path) -> None:
    src = tmp_path / "tiny.xlsx"
    write_scenario(tiny, src)
    write_results(
        src,
        src,
        [
            ResultTable(
                sheet="ResultsWaits",
                title="Waits",
                headers=("int", "hours"),
                rows=(("INT-A", 1.5), ("INT-B", 2.0)),
                charts=(ChartSpec(kind="bar", title="w", x_column="int", y_columns=("hours",)),),
            )
        ],
    )
    out_dir = tmp_path / "lo"
    out_dir.mkdir()
    csv = _convert(src, "csv", out_dir)  # first sheet (About) as text
    assert "schema_version" in csv.read_text(encoding="utf-8", errors="replace")
    saved = _convert(src, "xlsx", out_dir)
    assert read_scenario(saved) == tiny
    # LibreOffice kept the result sheet and its chart
    wb = openpyxl.load_workbook(saved)
    assert "ResultsWaits" in wb.sheetnames
    assert len(wb["ResultsWaits"]._charts) == 1


@pytest.mark.parametrize("made_by", ["openpyxl", "libreoffice"])
def test_results_written_into_a_workbook_keep_the_planners_chart(
    made_by: str, tiny: Scenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A chart (with a comment and defined names) on the planner's own sheet, saved by
    openpyxl or by LibreOffice, survives simulate, optimise and compare-splits writing
    into the same workbook; LibreOffice still opens the result and keeps the chart."""
    path = tmp_path / "plan.xlsx"
    build(tiny, path)
    if made_by == "libreoffice":
        lo_dir = tmp_path / "saved-by-lo"
        lo_dir.mkdir()
        path = _convert(path, "xlsx", lo_dir)
    scenario = read_scenario(path)
    before = user_sheet_content(path)
    chart = chart_of_user_sheet(path)

    for command in (
        ["simulate", str(path), *FAST_SIM],
        ["optimise", str(path), "--out", str(path)],
        ["compare-splits", str(path), *FAST_SPLITS, "--out", str(path)],
    ):
        assert main(command) == 0, capsys.readouterr().err
        assert user_sheet_content(path) == before, command[0]
        assert chart_of_user_sheet(path) == chart, command[0]

    assert read_scenario(path) == scenario
    wb = openpyxl.load_workbook(path)
    assert {"PlanFTE", "Splits summary"} <= set(wb.sheetnames)
    assert any(name.startswith("Results") for name in wb.sheetnames)
    assert wb[USER_SHEET]["A1"].comment is not None
    assert "MyReferrals" in wb.defined_names
    # LibreOffice opens the written workbook: as text, and saved again as xlsx with the
    # planner's chart and the result charts still there
    out_dir = tmp_path / "reopened"
    out_dir.mkdir()
    assert "schema_version" in _convert(path, "csv", out_dir).read_text(errors="replace")
    again = _convert(path, "xlsx", out_dir)
    assert read_scenario(again) == scenario
    reopened = openpyxl.load_workbook(again)
    assert len(reopened[USER_SHEET]._charts) == 1
    assert reopened["PlanFTE"]._charts
    chart_of_user_sheet(again)
