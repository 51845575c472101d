"""The GUI talks to services (and reads/writes through its backend), never to the engines."""

from __future__ import annotations

import ast
from pathlib import Path

import intplan.gui

ENGINES = ("intplan.optimise", "intplan.sim", "intplan.splits", "intplan.mapping", "intplan.demand")


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_gui_modules_import_no_engine() -> None:
    root = Path(intplan.gui.__file__).parent
    offenders = {
        f"{path.relative_to(root)}: {name}"
        for path in root.rglob("*.py")
        for name in _imports(path)
        if any(name == e or name.startswith(f"{e}.") for e in ENGINES)
    }
    assert offenders == set()
