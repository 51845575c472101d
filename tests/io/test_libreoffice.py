"""LibreOffice opens what intplan writes, and intplan reads what LibreOffice saves."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import openpyxl
import pytest

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
