"""GUI test fixtures: isolated settings and app data, prompts that answer themselves."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gui_fakes import FakePrompts, OpenWindow
from PySide6.QtCore import QSettings, QStandardPaths

from intplan.domain import Scenario
from intplan.gui import crash
from intplan.gui.main_window import MainWindow

#: Messages from Qt's offscreen test platform itself, not from intplan; ignored by name.
OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/gui" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.gui)
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def _isolated_app_data(qapp: Any) -> Iterator[None]:
    # Test mode moves AppDataLocation (recovery copies) away from the user's real folders.
    QStandardPaths.setTestModeEnabled(True)
    shutil.rmtree(crash.recovery_dir(), ignore_errors=True)  # each test starts with none
    yield
    QStandardPaths.setTestModeEnabled(False)


@pytest.fixture
def prompts() -> FakePrompts:
    return FakePrompts()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def open_window(qtbot: Any, prompts: FakePrompts, settings: QSettings) -> OpenWindow:
    """Open main windows on a scenario, with this test's prompts and settings."""

    def open_(scenario: Scenario, size: tuple[int, int] | None = None) -> MainWindow:
        w = MainWindow(scenario, prompts=prompts, settings=settings)
        qtbot.addWidget(w)
        if size is not None:
            w.resize(*size)
        w.show()
        return w

    return open_


@pytest.fixture
def window(open_window: OpenWindow, tiny: Scenario) -> MainWindow:
    """The main window on the tiny example."""
    return open_window(tiny)
