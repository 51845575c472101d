"""`python -m intplan.gui.screenshots DIR --size WxH`: a PNG of every view and of the
board pack's first page."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from intplan.domain import Scenario
from intplan.gui import screenshots
from intplan.io.workbook import write_scenario
from intplan.services.optimise import run_optimise, write_plan
from intplan.services.simulate import SimulationOptions, run_simulation, write_simulation_results


def test_file_names_are_plain() -> None:
    assert screenshots.file_name(1, "Geography && mapping") == "01-geography-and-mapping.png"
    assert screenshots.file_name(6, "board pack page 1") == "06-board-pack-page-1.png"


@pytest.mark.slow
def test_every_view_and_the_board_pack(tiny: Scenario, tmp_path: Path) -> None:
    book = tmp_path / "tiny.xlsx"
    write_scenario(tiny, book)
    quick = SimulationOptions(replications=2, weeks=3, warmup_weeks=1, seed=3)
    write_simulation_results(run_simulation(tiny, quick), source=str(book), out=str(book))
    write_plan(run_optimise(tiny), source=str(book), out=str(book))
    other = tmp_path / "other.xlsx"
    write_scenario(tiny, other)
    out = tmp_path / "shots"
    argv = [str(out), "--size", "1366x768", "--workbook", str(book), "--compare", str(other)]
    assert screenshots.main(argv) == 0
    names = sorted(p.name for p in out.glob("*.png"))
    # the Compare tab's two pages share its number
    (compare,) = [n for n in names if n.endswith("-compare.png")]
    assert compare.replace(".png", "-scenarios.png") in names
    assert names[0] == "01-geography-and-mapping.png"
    assert names[-1].endswith("-board-pack-page-1.png")
    assert any("optimise" in n for n in names) and any("simulate" in n for n in names)
    for name in names[:-1]:
        image = QImage(str(out / name))
        assert (image.width(), image.height()) == (1366, 768), name
        assert (out / name).stat().st_size < 150_000, "a small PNG"
    page = QImage(str(out / names[-1]))
    assert page.width() == screenshots.PACK_WIDTH and page.height() > page.width()
