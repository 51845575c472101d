"""Reproductions from issue 18 ("Trustworthy outputs"), each failing before its fix."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest

from intplan.cli import main
from intplan.cli._common import MAX_REPLICATIONS, MAX_WARMUP_WEEKS, MAX_WEEKS, emit_json
from intplan.domain import DomainError, Scenario
from intplan.domain.settings import Settings
from intplan.optimise.solvers import solver_output_silenced
from intplan.services.capacity import CapacityTable, capacity_table
from intplan.services.compare import distinct_labels, path_labels
from intplan.services.files import save_scenario

FAST = ["--replications", "2", "--weeks", "1", "--warmup-weeks", "0"]


def _strict(text: str) -> Any:
    def reject(name: str) -> None:
        raise AssertionError(f"{name} is not JSON")

    return json.loads(text, parse_constant=reject)


@pytest.fixture
def workbook(tiny: Scenario, tmp_path: Path) -> Path:
    path = tmp_path / "tiny.xlsx"
    save_scenario(tiny, path)
    return path


# --- JSON is strict JSON ----------------------------------------------------------------


def test_emit_json_writes_non_finite_numbers_as_null(capsys: pytest.CaptureFixture[str]) -> None:
    emit_json(
        {
            "inf": math.inf,
            "list": [math.nan, 1.5],
            "numpy": np.float64(-np.inf),
            "float32": np.float32(np.inf),
            "array": np.array([2.0, np.nan]),
            "path": Path("a.xlsx"),
        }
    )
    doc = _strict(capsys.readouterr().out)
    assert doc == {
        "inf": None,
        "list": [None, 1.5],
        "numpy": None,
        "float32": None,
        "array": [2.0, None],
        "path": "a.xlsx",
    }


def test_info_json_never_prints_infinity(
    workbook: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An overflowing demand figure (the fuzzing found rates of 1e308) is null, not Infinity."""
    import intplan.cli.info as info

    real = capacity_table  # what the command calls

    def overflowing(scenario: Scenario) -> CapacityTable:
        table = real(scenario)
        first = table.ints[0]
        huge = dataclasses.replace(first.activities[0], hours_per_week=math.inf)
        ints = (dataclasses.replace(first, activities=(huge, *first.activities[1:])),)
        return dataclasses.replace(table, ints=ints + table.ints[1:])

    monkeypatch.setattr(info, "capacity_table", overflowing)
    assert main(["info", str(workbook), "--json"]) == 0
    doc = _strict(capsys.readouterr().out)
    assert doc["ints"][0]["activities"][0]["hours_per_week"] is None


# --- sizes are bounded like the workbook's own Settings ----------------------------------


@pytest.mark.parametrize(
    ("key", "high"),
    [
        ("horizon_weeks", MAX_WEEKS),
        ("warmup_weeks", MAX_WARMUP_WEEKS),
        ("replications", MAX_REPLICATIONS),
    ],
)
def test_cli_size_bounds_are_the_workbook_bounds(key: str, high: int) -> None:
    at_bound: dict[str, Any] = {key: high}
    past_bound: dict[str, Any] = {key: high + 1}
    Settings(**at_bound)
    with pytest.raises(DomainError):
        Settings(**past_bound)


# --- compare: scenarios of the same file name --------------------------------------------


def test_compare_two_workbooks_called_plan_xlsx(
    tiny: Scenario,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    for folder in ("v1", "v2"):
        (tmp_path / folder).mkdir()
        save_scenario(tiny, tmp_path / folder / "plan.xlsx")
    argv = ["compare", "v1/plan.xlsx", "v2/plan.xlsx", *FAST, "--out", "c.xlsx", "--json"]
    assert main(argv) == 0, capsys.readouterr().err
    doc = _strict(capsys.readouterr().out)
    assert [s["file"] for s in doc["scenarios"]] == ["v1/plan.xlsx", "v2/plan.xlsx"]
    sheet = openpyxl.load_workbook("c.xlsx")["Compare"]
    cells = {c for row in sheet.iter_rows(values_only=True) for c in row}
    assert {"v1/plan.xlsx", "v2/plan.xlsx", "v2/plan.xlsx minus first"} <= cells


def test_path_labels_add_folders_only_where_names_clash(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a" / "x.xlsx", tmp_path / "b" / "x.xlsx", tmp_path / "c" / "y.xlsx"
    assert path_labels([a, b, c]) == ["a/x.xlsx", "b/x.xlsx", "y.xlsx"]
    assert path_labels([c, c]) == ["y.xlsx", "y.xlsx (2)"]
    deep = [tmp_path / "p" / "same" / "x.xlsx", tmp_path / "q" / "same" / "x.xlsx"]
    assert path_labels(deep) == ["p/same/x.xlsx", "q/same/x.xlsx"]


def test_distinct_labels_number_repeats() -> None:
    assert distinct_labels(["A", "B", "A", "A"]) == ["A", "B", "A (2)", "A (3)"]
    labels = distinct_labels(["A", "A", "A (2)"])
    assert len(set(labels)) == 3 and labels[:2] == ["A", "A (2)"]


# --- Ctrl+C: stop, write nothing, exit 130, always ---------------------------------------


def _swallowed_ctrl_c() -> None:
    """Ctrl+C landing in a finaliser, as when llvmlite disposes objects while numba loads
    the engine's cache: Python prints "Exception ignored in …" and carries on."""

    class Finaliser:
        def __del__(self) -> None:
            signal.raise_signal(signal.SIGINT)  # runs the Python handler here, in __del__

    Finaliser()


def _patch_simulation(monkeypatch: pytest.MonkeyPatch, before: Callable[[], None]) -> None:
    import intplan.cli.simulate as cmd
    from intplan.services.simulate import run_simulation as real  # what the command calls

    def patched(*args: Any, **kwargs: Any) -> Any:
        before()
        return real(*args, **kwargs)

    monkeypatch.setattr(cmd, "run_simulation", patched)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_ctrl_c_swallowed_in_a_finaliser_still_stops_the_run(
    workbook: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _patch_simulation(monkeypatch, _swallowed_ctrl_c)
    before = workbook.read_bytes()
    out = tmp_path / "out.xlsx"
    assert main(["simulate", str(workbook), *FAST, "--out", str(out), "--json"]) == 130
    captured = capsys.readouterr()
    assert not out.exists()
    assert workbook.read_bytes() == before
    assert _strict(captured.out) == {"ok": False, "exit_code": 130, "error": "interrupted"}
    assert "no files were changed" in captured.err


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_ctrl_c_that_breaks_the_worker_pool_exits_130_not_1(
    workbook: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A terminal's Ctrl+C also reaches the workers; the pool then breaks."""

    def broken_pool() -> None:
        _swallowed_ctrl_c()
        raise BrokenProcessPool("a child process terminated abruptly")

    _patch_simulation(monkeypatch, broken_pool)
    assert main(["simulate", str(workbook), *FAST, "--no-write"]) == 130
    assert "Traceback" not in capsys.readouterr().err


def test_ctrl_c_while_the_commands_load_exits_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib  # the module intplan.cli loads its commands with

    def interrupted(name: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(importlib, "import_module", interrupted)
    assert main(["validate", "x.xlsx", "--json"]) == 130
    assert _strict(capsys.readouterr().out)["exit_code"] == 130


def test_sigint_handler_is_restored_after_a_command(workbook: Path) -> None:
    before = signal.getsignal(signal.SIGINT)
    assert main(["validate", str(workbook)]) == 0
    assert signal.getsignal(signal.SIGINT) is before


# --- solver chatter never reaches stdout -------------------------------------------------


def test_solver_output_silenced_drops_fd1_writes_and_restores(
    capfd: pytest.CaptureFixture[str],
) -> None:
    with solver_output_silenced():
        os.write(1, b"banner from C\n")
        with solver_output_silenced():
            os.write(1, b"nested\n")
        os.write(1, b"still silenced\n")
    os.write(1, b"after\n")
    assert capfd.readouterr().out == "after\n"


def test_solver_output_silenced_overlapping_threads_restore_fd1(
    capfd: pytest.CaptureFixture[str],
) -> None:
    """The GUI solves on a worker thread: overlapping solves must leave fd 1 as it was."""
    inside = threading.Barrier(2)
    leave_first = threading.Event()

    def first() -> None:
        with solver_output_silenced():
            inside.wait()
            leave_first.wait()

    thread = threading.Thread(target=first)
    thread.start()
    with solver_output_silenced():
        inside.wait()
        leave_first.set()
        thread.join()
        os.write(1, b"second still silenced\n")
    os.write(1, b"after both\n")
    assert capfd.readouterr().out == "after both\n"


DRIVER = """
import signal, sys
import intplan.cli.simulate as cmd
from intplan.cli import main

real = cmd.run_simulation

class Finaliser:
    def __del__(self):
        signal.raise_signal(signal.SIGINT)  # Ctrl+C swallowed in a finaliser

def patched(*args, **kwargs):
    Finaliser()
    return real(*args, **kwargs)

cmd.run_simulation = patched
sys.argv = ["intplan", *sys.argv[1:]]
sys.exit(main())
"""


def test_a_real_process_stopped_by_ctrl_c_exits_130_and_writes_nothing(
    workbook: Path, tmp_path: Path
) -> None:
    src = Path(__file__).resolve().parents[2] / "src"
    out = tmp_path / "out.xlsx"
    argv = ["simulate", str(workbook), *FAST, "--out", str(out), "--json"]
    run = subprocess.run(
        [sys.executable, "-c", DRIVER, *argv],
        env=dict(os.environ, PYTHONPATH=str(src)),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 130, run.stderr
    assert _strict(run.stdout)["exit_code"] == 130
    assert not out.exists()
    assert "Interrupted; no files were changed." in run.stderr
