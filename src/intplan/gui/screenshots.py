"""Grab a PNG of each view on the Kent & Medway example (offscreen), for the docs.

QT_QPA_PLATFORM=offscreen python -m intplan.gui.screenshots docs/screenshots
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QStandardPaths

from intplan.gui import backend
from intplan.gui.app import make_application
from intplan.gui.main_window import MainWindow


def _settle(seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents()


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    make_application()
    QStandardPaths.setTestModeEnabled(True)  # never touch the user's settings
    window = MainWindow(backend.load_example())
    window.resize(1440, 900)
    window.show()
    window.ensure_views()
    _settle()
    for n in range(window.tabs.count()):
        window.tabs.setCurrentIndex(n)
        view = window.tabs.widget(n)
        prepare = getattr(view, "prepare_screenshot", None)
        if prepare is not None:
            prepare()
            deadline = time.monotonic() + 600
            while window.runner.busy and time.monotonic() < deadline:
                _settle(0.1)
        _settle()
        name = window.tabs.tabText(n).replace("&&", "and").lower().replace(" ", "-")
        path = out / f"{n + 1:02d}-{name}.png"
        window.grab().save(str(path))
        print(path)
    window.document.undo_stack.setClean()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
