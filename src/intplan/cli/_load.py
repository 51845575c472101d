"""Load a workbook for a command, turning user mistakes into exit codes, not tracebacks."""

from __future__ import annotations

from pathlib import Path

from intplan.cli._common import EXIT_INPUT, EXIT_USAGE, emit_json, err
from intplan.domain import Scenario
from intplan.io.errors import UnreadableFileError, WorkbookError
from intplan.services.files import load_scenario


class LoadFailedError(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def load_or_report(path: str, *, as_json: bool) -> Scenario:
    """Return the scenario, or report every problem and raise LoadFailedError(exit code)."""
    try:
        return load_scenario(Path(path))
    except UnreadableFileError as e:
        if as_json:
            emit_json({"ok": False, "exit_code": EXIT_USAGE, "file": e.path, "error": e.reason})
        err(f"error: {e}")
        raise LoadFailedError(EXIT_USAGE) from None
    except WorkbookError as e:
        if as_json:
            emit_json(
                {
                    "ok": False,
                    "exit_code": EXIT_INPUT,
                    "file": path,
                    "issues": [i.to_json() for i in e.issues],
                }
            )
        err(f"{path}: {len(e.issues)} problem(s); nothing was changed.")
        for issue in e.issues:
            err(f"  - {issue}")
        raise LoadFailedError(EXIT_INPUT) from None
