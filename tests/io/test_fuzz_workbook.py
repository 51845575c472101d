"""Fuzzing the workbook reader with a deterministic mutation corpus (tests/io/xlsx_fuzz.py).

Every mutant of the tiny example must give one of three outcomes: a scenario, a
WorkbookError whose every issue names its sheet (and row and column, unless a whole
sheet or row is missing), or an UnreadableFileError ("not a readable workbook: ...").
Never a traceback, never a hang, and never a valid scenario from a mutant that
breaks XML, a reference or a bound (a silent acceptance).

The quick run takes a few hundred cases; the slow one takes 2,400:
``pytest tests/io/test_fuzz_workbook.py -m slow -s`` prints its figures.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from xlsx_fuzz import Base, Mutant, load_base, mutant

from intplan.domain import Scenario
from intplan.io.errors import UnreadableFileError, WorkbookError
from intplan.io.workbook import read_scenario, write_scenario

#: A case taking longer than this is a hang (tiny loads in about 20 ms).
HANG_SECONDS = 5.0


@pytest.fixture(scope="module")
def bases(tiny: Scenario, tmp_path_factory: pytest.TempPathFactory) -> list[Base]:
    """The tiny example as intplan writes it, and as openpyxl re-saves it (other XML)."""
    folder = tmp_path_factory.mktemp("fuzz-bases")
    ours = folder / "intplan.xlsx"
    write_scenario(tiny, ours)
    theirs = folder / "openpyxl.xlsx"
    openpyxl.load_workbook(ours).save(theirs)
    return [load_base(p.stem, p.read_bytes(), str(p)) for p in (ours, theirs)]


@dataclass
class Tally:
    cases: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    tracebacks: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    silent: list[str] = field(default_factory=list)
    unlocated: list[str] = field(default_factory=list)
    slowest: float = 0.0

    def summary(self, seconds: float) -> str:
        return (
            f"{self.cases} cases in {seconds:.1f} s (slowest {self.slowest * 1000:.0f} ms): "
            f"{dict(self.outcomes)}; tracebacks {len(self.tracebacks)}, hangs {len(self.hangs)}, "
            f"silent acceptances {len(self.silent)}, issues without a location "
            f"{len(self.unlocated)}"
        )


def _located(issue: object) -> bool:
    sheet, row, column, message = (getattr(issue, k) for k in ("sheet", "row", "column", "message"))
    if not sheet:
        return False
    return (row is not None and column is not None) or "missing" in message or row == 1


def run_case(base: Base, i: int, folder: Path, tally: Tally) -> None:
    m: Mutant = mutant(base, i)
    path = folder / f"{base.name}-{i}.xlsx"
    path.write_bytes(m.data)
    label = f"{base.name} case {i} {m.kind} {m.detail}"
    start = time.perf_counter()
    try:
        read_scenario(path)
        outcome = "ok"
    except WorkbookError as e:
        outcome = "issues"
        tally.unlocated += [f"{label}: {x}" for x in e.issues if not _located(x)]
    except UnreadableFileError as e:
        outcome = "unreadable"
        assert e.reason, label
    except Exception:  # the thing this suite exists to catch
        outcome = "traceback"
        tally.tracebacks.append(f"{label}\n{traceback.format_exc()}")
    elapsed = time.perf_counter() - start
    tally.slowest = max(tally.slowest, elapsed)
    if elapsed > HANG_SECONDS:
        tally.hangs.append(f"{label}: {elapsed:.1f} s")
    if outcome == "ok" and m.must_fail:
        tally.silent.append(label)
    tally.cases += 1
    tally.outcomes[outcome] += 1
    path.unlink()


def _fuzz(bases: list[Base], cases: range, folder: Path) -> Tally:
    tally = Tally()
    start = time.perf_counter()
    for i in cases:
        run_case(bases[i % len(bases)], i, folder, tally)
    print("\nworkbook fuzz:", tally.summary(time.perf_counter() - start))
    return tally


def _assert_clean(t: Tally) -> None:
    assert t.tracebacks == [], "\n".join(t.tracebacks[:5])
    assert t.hangs == []
    assert t.silent == [], "\n".join(t.silent[:20])
    assert t.unlocated == [], "\n".join(t.unlocated[:20])
    assert {"ok", "issues", "unreadable"} <= set(t.outcomes)  # the corpus reaches all three


def test_fuzz_quick(bases: list[Base], tmp_path: Path) -> None:
    _assert_clean(_fuzz(bases, range(300), tmp_path))


@pytest.mark.slow
def test_fuzz_slow(bases: list[Base], tmp_path: Path) -> None:
    _assert_clean(_fuzz(bases, range(100_000, 102_400), tmp_path))


# -- the command line on a handful of mutants --------------------------------------------


@pytest.mark.parametrize("i", [3, 42, 123, 256])
def test_cli_validate_on_mutants(bases: list[Base], tmp_path: Path, i: int) -> None:
    m = mutant(bases[i % 2], i)
    path = tmp_path / "m.xlsx"
    path.write_bytes(m.data)
    done = subprocess.run(
        [sys.executable, "-m", "intplan.cli", "validate", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode in (0, 1, 2), done.stderr
    payload = json.loads(done.stdout)  # exactly one JSON object
    assert payload["ok"] is (done.returncode == 0)
    if m.must_fail:
        assert done.returncode in (1, 2), f"{m.kind} {m.detail}"
