"""The one place the GUI reads, writes and finds scenarios (via ``intplan.io`` / examples).

Views call these functions rather than engines, which keeps the Qt face thin and
makes obvious what the window depends on.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from intplan.domain import Scenario
from intplan.examples import DEFAULT_TEMPLATE, load_template
from intplan.services.progress import Progress

if TYPE_CHECKING:
    from intplan.services.compare import CompareOptions, CompareResult
    from intplan.services.past_results import PastResults


def read_scenario(path: str | Path) -> Scenario:
    """Read and validate; raises WorkbookError (every issue) or UnreadableFileError."""
    from intplan.io import workbook  # openpyxl is not needed for the first paint

    return workbook.read_scenario(Path(path))


def read_past_results(path: str | Path) -> PastResults:
    """The results a workbook holds (simulation, plan, split comparison), without
    re-running; raises WorkbookError naming the damaged result cell."""
    from intplan.services.past_results import read_past_results

    return read_past_results(Path(path))


def write_scenario(scenario: Scenario, path: str | Path) -> None:
    """Atomic: a temporary file beside the target, then replace."""
    from intplan.io import workbook

    workbook.write_scenario(scenario, Path(path))


def load_example() -> Scenario:
    """The Kent & Medway example, built from its template (faster than reading the xlsx)."""
    return load_template(DEFAULT_TEMPLATE)


def compare_scenarios(
    scenarios: Sequence[Scenario],
    options: CompareOptions,
    *,
    labels: Sequence[str],
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> CompareResult:
    """``intplan compare``: simulate every scenario with the first's seed and horizon.

    Differences against the first are paired by replication (common random numbers),
    with 95% CIs. Runs in the background worker; raises ``Cancelled`` on cancel.
    """
    from intplan.services.compare import compare_scenarios  # simulation: not at start-up

    return compare_scenarios(scenarios, options, sources=labels, progress=progress, cancel=cancel)
