"""The one place the GUI calls into ``intplan.services`` and ``intplan.io``.

Views never import engines; they call these functions, which keeps the Qt face
thin and makes it obvious what the window depends on. A service that is not
installed yet (the packages are built in parallel) is reported as unavailable
instead of breaking the window.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

from intplan.domain import Scenario
from intplan.examples import build_tiny

EXAMPLE_TEMPLATE = "kent-medway"


def optional_module(name: str) -> ModuleType | None:
    """Import ``name`` if it exists; None if that module (not a dependency) is missing."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and name.startswith(exc.name):
            return None
        raise


def service(module: str, function: str) -> Any | None:
    """The function ``module.function`` if both exist, else None."""
    mod = optional_module(module)
    return getattr(mod, function, None) if mod is not None else None


def read_scenario(path: str | Path) -> Scenario:
    fn = service("intplan.io.workbook", "read_scenario")
    if fn is None:
        raise RuntimeError("reading workbooks is not available in this build")
    result: Scenario = fn(Path(path))
    return result


def write_scenario(scenario: Scenario, path: str | Path) -> None:
    fn = service("intplan.io.workbook", "write_scenario")
    if fn is None:
        raise RuntimeError("saving workbooks is not available in this build")
    fn(scenario, Path(path))


def can_read_write() -> bool:
    return service("intplan.io.workbook", "write_scenario") is not None


def example_workbook() -> Path | None:
    """The bundled Kent & Medway workbook, if this build ships it."""
    ref = optional_module("intplan.io.reference")
    for name in ("scenario_path", "example_path", "bundled_scenario"):
        fn = getattr(ref, name, None) if ref is not None else None
        if fn is not None:
            try:
                path = Path(fn(EXAMPLE_TEMPLATE))
            except Exception:  # a helper that cannot find it means "not bundled"
                continue
            if path.is_file():
                return path
    here = Path(__file__).resolve()
    for candidate in (
        here.parents[1] / "scenarios" / f"{EXAMPLE_TEMPLATE}.xlsx",  # installed wheel
        here.parents[3] / "scenarios" / f"{EXAMPLE_TEMPLATE}.xlsx",  # source tree
    ):
        if candidate.is_file():
            return candidate
    return None


def load_example() -> Scenario:
    """The Kent & Medway example: built from the template, else the tiny example."""
    fn = service("intplan.examples", "load_template")
    if fn is not None:
        result: Scenario = fn(EXAMPLE_TEMPLATE)
        return result
    path = example_workbook()
    if path is not None and can_read_write():
        return read_scenario(path)
    return build_tiny()
