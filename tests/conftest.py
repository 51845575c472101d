"""Test configuration. Qt must run offscreen before anything imports it."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from intplan.domain import Scenario
from intplan.examples import build_tiny


@pytest.fixture(scope="session")
def tiny() -> Scenario:
    return build_tiny()
