"""The committed example workbooks are exactly what the builders produce (never stale).

If this fails after changing reference data or a builder, run
``.venv/bin/python scripts/build_examples.py`` and commit ``scenarios/*.xlsx``.
"""

from __future__ import annotations

import pytest

from intplan.examples import TEMPLATES
from intplan.io.reference import scenarios_dir
from intplan.io.workbook import read_scenario

MAX_BYTES = 5 * 1024 * 1024


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_committed_workbook_matches_builder(name: str) -> None:
    path = scenarios_dir() / f"{name}.xlsx"
    assert path.is_file(), f"{path} is missing; run scripts/build_examples.py"
    assert path.stat().st_size < MAX_BYTES
    assert read_scenario(path) == TEMPLATES[name](), (
        f"{path.name} is stale; run scripts/build_examples.py"
    )
