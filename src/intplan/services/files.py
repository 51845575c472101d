"""Loading and saving scenario workbooks: the use cases the GUI and CLI share."""

from __future__ import annotations

from pathlib import Path

from intplan.domain import Scenario
from intplan.io.workbook import read_scenario, write_scenario


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario workbook.

    Raises ``WorkbookError`` (every problem, with sheet/row/column) or
    ``UnreadableFileError`` (not an intplan workbook at all).
    """
    return read_scenario(Path(path))


def save_scenario(scenario: Scenario, path: str | Path) -> None:
    """Write atomically: the previous file survives any failure midway."""
    write_scenario(scenario, Path(path))
