"""The engine runs with Qt absent (napari's check): only intplan.gui may need PySide6."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import intplan

_BLOCK_QT = """
import importlib.abc, sys
class _NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {'PySide6', 'shiboken6', 'pyqtgraph'}:
            raise ImportError(f'{name} is blocked: the engine must run without Qt')
        return None
sys.meta_path.insert(0, _NoQt())
import importlib
for name in sys.argv[1:]:
    importlib.import_module(name)
from intplan.examples import build_tiny
from intplan.services.capacity import capacity_table
assert capacity_table(build_tiny()).ints
print('ok')
"""


def test_every_non_gui_module_imports_without_qt() -> None:
    names = [
        m.name
        for m in pkgutil.walk_packages(intplan.__path__, "intplan.")
        if not m.name.startswith("intplan.gui") and m.name != "intplan.cli.__main__"
    ]
    assert "intplan.services.capacity" in names
    done = subprocess.run(
        [sys.executable, "-c", _BLOCK_QT, *names], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("ok")
