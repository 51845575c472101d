"""Grab a PNG of each view (offscreen), and of the board pack's first page, for the docs.

    python -m intplan.gui.screenshots docs/screenshots --size 1366x768
    python -m intplan.gui.screenshots DIR --workbook results.xlsx   # stored results, no runs
    python -m intplan.gui.screenshots DIR --workbook km.xlsx --compare other.xlsx

With no ``--workbook`` the window opens on the bundled Kent & Medway example and each
view makes a short run of its own (``prepare_screenshot``). With a workbook that holds
results (``intplan simulate`` / ``optimise --out``), the views show those and nothing runs.
With ``--compare`` the Compare tab's second page is pictured too, after a short scenario
comparison with that workbook (its differences by INT).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QStandardPaths, Qt
from PySide6.QtGui import QImage

from intplan.gui import backend
from intplan.gui.app import make_application
from intplan.gui.main_window import MainWindow
from intplan.gui.views.compare import CompareView

#: the board pack's page image width (pixels): readable, and a small PNG
PACK_WIDTH = 900


def save_small(image: QImage, path: Path) -> None:
    """A 256-colour PNG without dithering: a fifth of the size of a true-colour one
    (~50 KB), and UI pictures (flat colours, anti-aliased text) look the same."""
    small = image.convertToFormat(
        QImage.Format.Format_Indexed8, Qt.ImageConversionFlag.ThresholdDither
    )
    if not small.save(str(path)):  # the format follows the .png suffix
        raise OSError(f"cannot write {path}")


def _settle(seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents()


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not WIDTHxHEIGHT, e.g. 1366x768") from None
    if not (640 <= w <= 7680 and 480 <= h <= 4320):
        raise argparse.ArgumentTypeError(f"{text} is outside 640x480 to 7680x4320")
    return w, h


def file_name(index: int, title: str) -> str:
    slug = title.replace("&&", "and").replace("&", "and").lower()
    slug = "-".join("".join(c if c.isalnum() else " " for c in slug).split())
    return f"{index:02d}-{slug}.png"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m intplan.gui.screenshots", description=__doc__)
    p.add_argument("out", nargs="?", default="docs/screenshots", type=Path, help="folder")
    p.add_argument("--size", type=_size, default=(1366, 768), help="window size, WxH")
    p.add_argument("--workbook", type=Path, help="open this workbook (its stored results)")
    p.add_argument(
        "--compare", type=Path, help="also picture Compare scenarios against this workbook"
    )
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    make_application()
    QStandardPaths.setTestModeEnabled(True)  # never touch the user's settings
    window = MainWindow(backend.load_example())
    window.resize(*args.size)
    window.show()
    window.ensure_views()
    if args.workbook is not None and not window.open_path(args.workbook):
        print(f"cannot open {args.workbook}", file=sys.stderr)
        return 2
    stored = window.document.past_results
    _settle()
    for n in range(window.tabs.count()):
        window.tabs.setCurrentIndex(n)
        view = window.tabs.widget(n)
        prepare = getattr(view, "prepare_screenshot", None)
        shown = getattr(view, "result", None) or getattr(view, "outcome", None)
        if prepare is not None and not (stored and stored.any and shown is not None):
            prepare()
            deadline = time.monotonic() + 600
            while window.runner.busy and time.monotonic() < deadline:
                _settle(0.1)
        _settle()
        path = out / file_name(n + 1, window.tabs.tabText(n))
        save_small(window.grab().toImage(), path)
        print(path)
        if args.compare is not None and isinstance(view, CompareView):
            print(
                _scenario_comparison(
                    window, view, args.compare, out / file_name(n + 1, "compare scenarios")
                )
            )
    print(_board_pack_page(window, out, window.tabs.count() + 1) or "no board pack: no results")
    window.document.undo_stack.setClean()
    window.close()
    return 0


def _scenario_comparison(window: MainWindow, tab: CompareView, other: Path, path: Path) -> Path:
    """Compare scenarios against ``other`` (3 replications x 8 weeks: a picture, not a
    finding) and picture its differences by INT."""
    page = tab.scenarios
    tab.setCurrentWidget(page)
    if not page.add_scenario_file(other):
        raise SystemExit(f"cannot compare with {other}")
    page.compare_replications.setValue(3)
    page.compare_weeks.setValue(8)
    page.run()
    deadline = time.monotonic() + 1800
    while window.runner.busy and time.monotonic() < deadline:
        _settle(0.2)
    page.result_tabs.setCurrentIndex(page.result_tabs.count() - 1)  # differences by INT
    _settle()
    save_small(window.grab().toImage(), path)
    tab.setCurrentWidget(tab.splits)
    return path


def _board_pack_page(window: MainWindow, out: Path, index: int) -> Path | None:
    from intplan.gui.board_pack import results_on_screen
    from intplan.gui.report_pages import page_image
    from intplan.gui.views.common import is_illustrative
    from intplan.services.report import NoResultsError, board_pack

    try:
        pack = board_pack(
            results_on_screen(window),
            illustrative=is_illustrative(window.document.scenario),
            scenario=window.document.scenario,
        )
    except NoResultsError:
        return None
    path = out / file_name(index, "board pack page 1")
    save_small(page_image(pack, 0, PACK_WIDTH), path)
    return path


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
