"""Small rooms (issue #17): no module under src/intplan passes MAX_LINES lines.

Function complexity is held by ruff's C901 (max-complexity 30, pyproject.toml) in CI.
"""

from __future__ import annotations

from pathlib import Path

import intplan

MAX_LINES = 600
PACKAGE = Path(intplan.__file__).parent


def test_no_module_is_over_the_limit() -> None:
    counts = {
        p.relative_to(PACKAGE).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
        for p in sorted(PACKAGE.rglob("*.py"))
    }
    assert len(counts) > 50, f"found only {len(counts)} modules under {PACKAGE}"
    offenders = {name: n for name, n in counts.items() if n > MAX_LINES}
    listed = ", ".join(f"{name} ({n} lines)" for name, n in sorted(offenders.items()))
    assert not offenders, f"modules over {MAX_LINES} lines: {listed}"
