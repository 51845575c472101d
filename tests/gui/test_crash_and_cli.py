from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from gui_fakes import FakePrompts

from intplan.domain import Scenario
from intplan.gui import crash
from intplan.gui.app import create_window

pytestmark = pytest.mark.gui


def test_crash_handler_keeps_unsaved_work_and_next_start_offers_it(
    qtbot: Any, tiny: Scenario, tmp_path: Path
) -> None:
    reports: list[str] = []
    original = tmp_path / "plan.xlsx"
    handler = crash.CrashHandler(lambda: (tiny, original), lambda m, d: reports.append(m))
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        handler(type(exc), exc, exc.__traceback__)
    assert reports and "boom" in reports[0] and "recovery" in reports[0].lower()
    pending = crash.pending_recovery()
    assert pending is not None and pending.original == original

    prompts = FakePrompts()
    prompts.recover_answer = True
    window = create_window(prompts=prompts)
    qtbot.addWidget(window)
    assert prompts.recovery_offers and str(original) in prompts.recovery_offers[0]
    assert window.document.scenario.staff == tiny.staff
    assert window.document.dirty  # recovered work is unsaved work
    assert window.document.path == original
    assert crash.pending_recovery() is None  # offered once


def test_declined_recovery_is_deleted(qtbot: Any, tiny: Scenario) -> None:
    crash.write_recovery(tiny, None)
    prompts = FakePrompts()
    prompts.recover_answer = False
    window = create_window(prompts=prompts)
    qtbot.addWidget(window)
    assert len(prompts.recovery_offers) == 1
    assert crash.pending_recovery() is None
    assert not window.document.dirty


def test_crash_with_clean_document_writes_nothing(tiny: Scenario) -> None:
    reports: list[str] = []
    handler = crash.CrashHandler(lambda: None, lambda m, d: reports.append(m))
    err = ValueError("bad")
    handler(ValueError, err, None)
    assert reports and crash.pending_recovery() is None


def test_intplan_without_arguments_opens_the_gui(monkeypatch: pytest.MonkeyPatch) -> None:
    import intplan.gui.app as app
    from intplan.cli import main

    calls: list[Path | None] = []

    def run(path: Path | None = None, argv: Sequence[str] = ()) -> int:
        calls.append(path)
        return 0

    monkeypatch.setattr(app, "run", run)
    assert main([]) == 0
    assert main(["gui", "x.xlsx"]) == 0
    assert calls == [None, Path("x.xlsx")]


def test_cli_does_not_import_qt_until_gui_runs() -> None:
    import subprocess
    import sys

    code = (
        "import sys, intplan.cli; intplan.cli.build_parser(); "
        "print(any(m.startswith('PySide6') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_window_opens_without_loading_openpyxl() -> None:
    """openpyxl costs ~0.15 s of start-up; the window needs it only to save or read a workbook
    (the bundled examples are built in code), so nothing on the start path may import it."""
    import subprocess
    import sys

    code = (
        "import os, sys; os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen'); "
        "import intplan.gui.app, intplan.gui.main_window; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'openpyxl')[:3])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
