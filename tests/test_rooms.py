"""Small rooms (issue #17): no module under src/intplan passes MAX_LINES lines.

LEAD: ``BEING_SPLIT`` lists the modules other #17 branches are splitting; remove each
entry as its branch lands (``test_being_split_entries_are_still_needed`` fails once an
entry's module is within the limit, so a stale entry cannot hide a regrowth).
"""

from __future__ import annotations

from pathlib import Path

import intplan

MAX_LINES = 600
PACKAGE = Path(intplan.__file__).parent

#: being split (#17): module (relative to src/intplan) -> the branch splitting it
BEING_SPLIT: dict[str, str] = {
    "sim/kernel.py": "kernel-steps",
}


def _line_counts() -> dict[str, int]:
    return {
        p.relative_to(PACKAGE).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
        for p in sorted(PACKAGE.rglob("*.py"))
    }


def test_no_module_is_over_the_limit() -> None:
    counts = _line_counts()
    assert len(counts) > 50, f"found only {len(counts)} modules under {PACKAGE}"
    offenders = {name: n for name, n in counts.items() if n > MAX_LINES and name not in BEING_SPLIT}
    listed = ", ".join(f"{name} ({n} lines)" for name, n in sorted(offenders.items()))
    assert not offenders, f"modules over {MAX_LINES} lines: {listed}"


def test_being_split_entries_are_still_needed() -> None:
    counts = _line_counts()
    stale = [name for name in BEING_SPLIT if counts.get(name, 0) <= MAX_LINES]
    assert not stale, f"remove from BEING_SPLIT (now within {MAX_LINES} lines or gone): {stale}"
