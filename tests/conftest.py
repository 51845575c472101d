"""Test configuration. Qt must run offscreen before anything imports it."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from intplan.domain import Scenario  # noqa: E402
from intplan.examples import build_tiny  # noqa: E402


@pytest.fixture(scope="session")
def tiny() -> Scenario:
    return build_tiny()
