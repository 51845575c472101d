"""GUI test fixtures: isolated settings and app data, prompts that answer themselves."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gui_fakes import FakePrompts
from PySide6.QtCore import QSettings, QStandardPaths

from intplan.gui import crash

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
