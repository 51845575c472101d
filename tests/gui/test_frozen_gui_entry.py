"""The desktop app's own entry point prepares the process (freeze_support, numba's cache
folder, a log under pythonw) before it opens anything."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from intplan import _frozen
from intplan.gui import app

pytestmark = pytest.mark.gui


def test_main_prepares_the_process_then_opens_the_workbook(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    order: list[object] = []
    monkeypatch.setattr(_frozen, "prepare_process", lambda: order.append("prepare"))

    def fake_run(path: Path | None = None, argv: Sequence[str] = ()) -> int:
        order.append((path, list(argv)))
        return 0

    monkeypatch.setattr(app, "run", fake_run)
    assert app.main(["plan.xlsx"]) == 0
    assert order == ["prepare", (Path("plan.xlsx"), ["intplan", "plan.xlsx"])]


def test_main_with_no_workbook_opens_the_bundled_example(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_frozen, "prepare_process", lambda: None)
    opened: list[Path | None] = []

    def fake_run(path: Path | None = None, argv: Sequence[str] = ()) -> int:
        opened.append(path)
        return 0

    monkeypatch.setattr(app, "run", fake_run)
    assert app.main([]) == 0
    assert opened == [None]
