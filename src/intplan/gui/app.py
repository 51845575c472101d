"""Start the desktop app: QApplication, style, crash handler, recovery, main window."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from intplan import __version__, _frozen
from intplan.domain import Scenario
from intplan.gui import backend, crash
from intplan.gui.main_window import MainWindow, app_icon
from intplan.gui.prompts import Prompts

ORGANISATION = "intplan"
APPLICATION = "intplan"


def stylesheet_path() -> Path | None:
    here = Path(__file__).resolve()
    for candidate in (
        here.parents[1] / "ui" / "intplan.qss",  # installed wheel
        here.parents[3] / "ui" / "intplan.qss",  # source tree
    ):
        if candidate.is_file():
            return candidate
    return None


def make_application(argv: Sequence[str] = ()) -> QApplication:
    """The QApplication with intplan's names, high-DPI policy and stylesheet."""
    existing = QApplication.instance()
    if existing is None:
        # Crisp fractional scaling on Windows laptops at 125%/150%.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QCoreApplication.setApplicationVersion(__version__)
    app = (
        existing if isinstance(existing, QApplication) else QApplication(list(argv) or ["intplan"])
    )
    app.setWindowIcon(app_icon())
    style = stylesheet_path()
    if style is not None:
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    return app


def create_window(path: Path | None = None, *, prompts: Prompts | None = None) -> MainWindow:
    """The main window on ``path``, a pending recovery copy, or the bundled example."""
    prompts = prompts or Prompts()
    pending = crash.pending_recovery()
    if pending is not None:
        if prompts.offer_recovery(None, pending.describe()):
            try:
                scenario = backend.read_scenario(pending.workbook)
            except Exception as exc:  # a damaged copy must not stop the app starting
                sys.stderr.write(f"The recovery copy could not be read: {exc}\n")
            else:
                window = MainWindow(scenario, None, prompts=prompts)
                window.document.reset(scenario, pending.original, dirty=True)
                pending.discard()
                return window
        else:
            pending.discard()
    window = MainWindow(backend.load_example(), None, prompts=prompts)
    if path is not None:
        window.open_path(path)
    return window


def run(path: Path | None = None, argv: Sequence[str] = ()) -> int:
    app = make_application(argv)
    window = create_window(path)

    def unsaved() -> tuple[Scenario, Path | None] | None:
        doc = window.document
        return (doc.scenario, doc.path) if doc.dirty else None

    handler = crash.CrashHandler(
        unsaved,
        lambda message, details: window.prompts.show_error(
            window, "Unexpected problem", message, details
        ),
    )
    handler.install()
    window.show()
    QTimer.singleShot(0, window.raise_)
    try:
        return int(app.exec())
    finally:
        handler.uninstall()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for a windowed launcher: ``main([WORKBOOK])`` opens the app."""
    _frozen.prepare_process()  # freeze_support, numba's cache folder, a log under pythonw
    args = list(sys.argv[1:] if argv is None else argv)
    return run(Path(args[0]) if args else None, ["intplan", *args])
