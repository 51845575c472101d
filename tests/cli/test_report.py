"""`intplan report`: a board-pack PDF from the results a workbook holds."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from intplan.cli import main
from intplan.domain import Scenario
from intplan.io.results import ResultTable, write_results
from intplan.io.workbook import write_scenario
from intplan.services.optimise import run_optimise, write_plan
from intplan.services.simulate import SimulationOptions, run_simulation, write_simulation_results

QUICK = SimulationOptions(replications=2, weeks=4, warmup_weeks=1, seed=5)
SPLITS = ResultTable(
    sheet="Splits summary",
    title="PCN PCN1: split options, best score first",
    headers=("rank", "score", "INTs", "practice groups", "wait (minutes)"),
    rows=((1, 0.71, 2, "P1 | P2+P3", 95.0), (2, 0.64, 1, "P1+P2+P3", 120.0)),
)


def _pages(pdf: Path) -> int:
    """Page objects in the PDF (``/Type /Page``, not the ``/Pages`` tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))


@pytest.fixture(scope="module")
def simulated(tiny: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "tiny.xlsx"
    write_scenario(tiny, path)
    write_simulation_results(run_simulation(tiny, QUICK), source=str(path), out=str(path))
    return path


@pytest.fixture(scope="module")
def everything(tiny: Scenario, simulated: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "all.xlsx"
    write_plan(run_optimise(tiny), source=str(simulated), out=str(path))
    write_results(path, path, [SPLITS])
    return path


def test_a_simulated_workbook_gives_three_pages(
    simulated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pack.pdf"
    assert main(["report", str(simulated), "--out", str(out), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is True and doc["pages"] == 3 and doc["map"] is True
    assert doc["page_titles"][1].startswith("Map")
    assert doc["illustrative"] is True and doc["seed"] == 5 and doc["replications"] == 2
    assert out.read_bytes().startswith(b"%PDF")
    assert _pages(out) == 3  # overview, map, run charts


def test_plan_and_splits_add_their_pages(
    everything: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pack.pdf"
    assert main(["report", str(everything), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "page 2: Map" in text
    assert "page 4: The optimiser's plan" in text and "page 5: Split comparison" in text
    assert _pages(out) == 5


def test_no_results_is_an_input_problem(
    tiny: Scenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "plain.xlsx"
    write_scenario(tiny, book)
    out = tmp_path / "pack.pdf"
    assert main(["report", str(book), "--out", str(out), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is False and "intplan simulate" in doc["error"]
    assert not out.exists()


def test_a_damaged_result_sheet_is_named(
    simulated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import load_workbook

    book = tmp_path / "damaged.xlsx"
    wb = load_workbook(simulated)
    ws = wb["Results Sim run"]
    for row in ws.iter_rows():
        if row[0].value == "replications":
            row[1].value = "many"
    wb.save(book)
    assert main(["report", str(book), "--out", str(tmp_path / "p.pdf"), "--json"]) == 1
    (issue,) = json.loads(capsys.readouterr().out)["issues"]
    assert issue["sheet"] == "Results Sim run" and issue["column"] == "value"


@pytest.mark.parametrize(
    "args",
    [
        lambda b, t: ["report", str(t / "missing.xlsx"), "--out", str(t / "p.pdf")],
        lambda b, t: ["report", str(b), "--out", str(t / "no" / "folder" / "p.pdf")],
        lambda b, t: ["report", str(b), "--out", str(b)],
        lambda b, t: ["report", str(b)],
    ],
    ids=["missing-workbook", "out-nofolder", "out-is-the-workbook", "no-out"],
)
def test_usage_and_file_problems_exit_2(
    args: object, simulated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = args(simulated, tmp_path)  # type: ignore[operator]
    assert main([*argv, "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["ok"] is False
    assert simulated.read_bytes()[:2] == b"PK"  # the workbook is untouched


def test_runs_without_a_display(simulated: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    out = tmp_path / "pack.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "intplan.cli", "report", str(simulated), "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert _pages(out) == 3


def test_the_overview_puts_the_ints_in_most_trouble_first(simulated: Path) -> None:
    from intplan.services.report import build_board_pack

    pack = build_board_pack(simulated)
    worst_first = [-r.overall for r in pack.overview]
    assert worst_first == sorted(worst_first)
    # the run charts are the INTs furthest below target, each against the target line
    worst = sorted(pack.overview, key=lambda r: r.within_target_share)
    assert [c.int_code for c in pack.run_charts] == [r.int_code for r in worst][:4]
    assert all(c.weeks == (1, 2, 3, 4) for c in pack.run_charts)


def test_the_pack_overview_is_the_overview_service(simulated: Path) -> None:
    """One model, one answer: the pack's rows (and so its lights) are the rows of the
    Overview view and the Results Overview sheet, only reordered."""
    from intplan.services import overview as ov
    from intplan.services import report
    from intplan.services.past_results import read_past_results

    pack = report.build_board_pack(simulated)
    sim = read_past_results(simulated).simulation
    assert sim is not None
    assert sorted(pack.overview, key=lambda r: r.int_code) == sorted(
        ov.overview_rows(sim), key=lambda r: r.int_code
    )
    # no second set of limits in the pack
    assert not any(name.startswith(("RED_", "AMBER_")) for name in vars(report))


def test_the_map_page_draws_the_practices_in_their_int_colours(
    simulated: Path, qapp: object
) -> None:
    from intplan.gui.palette import INT_PALETTE
    from intplan.gui.report_pages import PAGE_W, page_image
    from intplan.io.workbook import read_scenario
    from intplan.services.report import build_board_pack

    pack = build_board_pack(simulated)
    assert pack.map is not None
    assert len(pack.map.points) == len(read_scenario(simulated).practices)
    image = page_image(pack, 1, round(PAGE_W))
    colours = {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 3)
        for y in range(0, image.height(), 3)
    }
    # each INT's area is filled (a light tint of its palette colour) and its practices
    # are drawn in a darker shade: look for the tint of every INT colour
    from PySide6.QtGui import QColor

    def tint(hex_colour: str) -> str:
        c = QColor(hex_colour)
        a = 110 / 255
        return QColor(
            round(c.red() * a + 255 * (1 - a)),
            round(c.green() * a + 255 * (1 - a)),
            round(c.blue() * a + 255 * (1 - a)),
        ).name()

    for code in pack.map.int_codes:
        assert tint(INT_PALETTE[pack.map.colour_index[code]]) in colours, code
