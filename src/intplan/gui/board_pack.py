"""File ▸ Export board pack: the results on screen (else those stored in the workbook)
as the PDF ``intplan report`` writes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from intplan.domain.errors import IntplanError
from intplan.gui.report_pages import write_pdf
from intplan.gui.views.common import is_illustrative
from intplan.services.optimise import OptimiseResult
from intplan.services.past_results import PastResults
from intplan.services.report import NoResultsError, board_pack
from intplan.services.simulate import SimulationResult

if TYPE_CHECKING:
    from intplan.gui.main_window import MainWindow


def results_on_screen(window: MainWindow) -> PastResults:
    """The newest results the views show: a run in this session, else the stored ones."""
    past = window.document.past_results
    simulation = past.simulation if past else None
    optimisation = past.optimisation if past else None
    for n in range(window.tabs.count()):
        view = window.tabs.widget(n)
        result = getattr(view, "result", None)
        if isinstance(result, SimulationResult):
            simulation = result
        outcome = getattr(view, "outcome", None)
        if isinstance(outcome, OptimiseResult):
            optimisation = outcome
    return PastResults(
        file=str(window.document.path or window.document.display_name),
        simulation=simulation,
        optimisation=optimisation,
        splits=past.splits if past else None,
    )


def export_board_pack(window: MainWindow) -> Path | None:
    """Ask where, then write; every problem is a message, never a traceback."""
    doc = window.document
    try:
        pack = board_pack(
            results_on_screen(window),
            illustrative=is_illustrative(doc.scenario),
            scenario=doc.scenario,
        )
    except NoResultsError:
        window.prompts.show_error(
            window,
            "Nothing to report yet",
            "The board pack shows simulation results: run the simulation (Simulate, F5) "
            "or open a workbook that holds results.",
        )
        return None
    stem = doc.path.stem if doc.path else "scenario"
    folder = doc.path.parent if doc.path else Path.home()
    answer = window.prompts.save_pdf(window, str(folder / f"{stem}-board-pack.pdf"))
    if not answer:
        return None
    path = Path(answer)
    try:
        pages = write_pdf(pack, path)
    except (IntplanError, OSError) as exc:
        window.prompts.show_error(window, "Board pack not written", f"“{path.name}”: {exc}")
        return None
    window.statusBar().showMessage(f"Wrote {path} ({pages} pages)", 10000)
    return path
