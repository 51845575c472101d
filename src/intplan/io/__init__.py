"""Files in and out: the scenario workbook, results export, staff registers.

The public names below are imported lazily so ``import intplan.io.errors`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Issue": "intplan.io.errors",
    "WorkbookError": "intplan.io.errors",
    "UnreadableFileError": "intplan.io.errors",
    "read_scenario": "intplan.io.workbook",
    "write_scenario": "intplan.io.workbook",
    "SaveError": "intplan.io.atomic",
    "atomic_write": "intplan.io.atomic",
    "ChartSpec": "intplan.io.results",
    "ResultTable": "intplan.io.results",
    "write_results": "intplan.io.results",
    "is_result_sheet": "intplan.io.results",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'intplan.io' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
