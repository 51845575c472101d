"""Start to first paint of the desktop app with the Kent & Medway example loaded.

Each run is a fresh process (imports included, as a user would see): it creates the
QApplication, builds the window on the bundled example, shows it and stops the
clock when the window's first paint has been delivered.

    .venv/bin/python benchmarks/gui_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

CHILD = r"""
import os, sys, time, json
t0 = float(sys.argv[1])
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import QEvent, QObject, QTimer
from intplan.gui.app import make_application, create_window
from intplan.gui.prompts import Prompts
app = make_application()
t_import = time.time() - t0

class FirstPaint(QObject):
    def __init__(self):
        super().__init__()
        self.at = None
    def eventFilter(self, obj, event):
        if self.at is None and event.type() == QEvent.Type.Paint:
            self.at = time.time() - t0
            QTimer.singleShot(0, app.quit)
        return False

class NoRecovery(Prompts):
    def offer_recovery(self, parent, description):
        return False

watch = FirstPaint()
window = create_window(prompts=NoRecovery())
t_window = time.time() - t0
window.installEventFilter(watch)
window.show()
app.exec()
print(json.dumps({"imports_s": t_import, "window_built_s": t_window, "first_paint_s": watch.at,
                  "staff": len(window.document.scenario.staff)}))
window.document.undo_stack.setClean()
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    results = []
    for n in range(args.runs):
        out = subprocess.run(
            [sys.executable, "-c", CHILD, repr(time.time())],
            capture_output=True,
            text=True,
            check=True,
        )
        line = [x for x in out.stdout.splitlines() if x.startswith("{")][-1]
        r = json.loads(line)
        results.append(r)
        print(
            f"run {n + 1}: first paint {r['first_paint_s']:.2f} s "
            f"(imports {r['imports_s']:.2f} s, window built {r['window_built_s']:.2f} s, "
            f"{r['staff']:,} staff)"
        )
    for key in ("imports_s", "window_built_s", "first_paint_s"):
        values = [r[key] for r in results]
        print(
            f"median {key}: {statistics.median(values):.2f} s "
            f"(min {min(values):.2f}, max {max(values):.2f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
