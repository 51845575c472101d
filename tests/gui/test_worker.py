from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from intplan.gui.worker import TaskRunner
from intplan.services.progress import Progress, check_cancel

pytestmark = pytest.mark.gui


def test_runner_reports_progress_and_result(qtbot: Any) -> None:
    runner = TaskRunner()
    seen: list[float] = []
    results: list[Any] = []

    def job(progress: Progress, cancel: threading.Event) -> int:
        for i in range(5):
            progress(i / 5, f"step {i}")
        progress(1.0, "done")
        return 42

    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy):
        runner.start(job, on_finished=results.append, on_progress=lambda f, m: seen.append(f))
    assert results == [42]
    assert seen[-1] == 1.0  # the final update is never throttled away
    assert not runner.busy


def test_cancel_stops_the_job(qtbot: Any) -> None:
    runner = TaskRunner()
    started = threading.Event()
    outcome: list[str] = []

    def job(progress: Progress, cancel: threading.Event) -> None:
        started.set()
        while True:  # a service loop that checks the token between chunks
            check_cancel(cancel)
            time.sleep(0.001)

    runner.start(
        job,
        on_finished=lambda r: outcome.append("finished"),
        on_cancelled=lambda: outcome.append("cancelled"),
    )
    assert started.wait(5)
    with qtbot.waitSignal(runner.busy_changed, timeout=5000):
        runner.cancel()
    assert outcome == ["cancelled"]


def test_result_arriving_after_cancel_is_discarded(qtbot: Any) -> None:
    # Solvers cannot be interrupted: a result that arrives after Cancel is dropped.
    runner = TaskRunner()
    outcome: list[str] = []
    go = threading.Event()

    def job(progress: Progress, cancel: threading.Event) -> str:
        go.wait(5)
        return "plan"

    runner.start(
        job,
        on_finished=lambda r: outcome.append("finished"),
        on_cancelled=lambda: outcome.append("cancelled"),
    )
    runner.cancel()
    with qtbot.waitSignal(runner.busy_changed, timeout=5000):
        go.set()
    assert outcome == ["cancelled"]


def test_errors_become_messages(qtbot: Any) -> None:
    from intplan.domain.errors import IntplanError

    runner = TaskRunner()
    failures: list[tuple[str, str]] = []

    def job(progress: Progress, cancel: threading.Event) -> None:
        raise IntplanError("the plan is infeasible: GP demand exceeds supply")

    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy):
        runner.start(
            job, on_finished=lambda r: None, on_failed=lambda m, d: failures.append((m, d))
        )
    assert failures == [("the plan is infeasible: GP demand exceeds supply", "")]
