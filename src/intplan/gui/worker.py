"""Long work off the UI thread: one small worker and a runner that owns it.

The worker gets a frozen Scenario (captured in ``job``), never touches widgets,
throttles progress, and turns the service's ``threading.Event`` into Cancel.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from intplan.domain.errors import IntplanError
from intplan.services.progress import Cancelled, Progress

#: job(progress, cancel) -> result; runs on a pool thread
Job = Callable[[Progress, threading.Event], Any]

PROGRESS_INTERVAL_S = 0.05  # at most 20 progress updates a second reach the UI
#: How often CPython hands the GIL between threads. The default 5 ms lets a busy
#: worker delay the UI thread by tens of ms per event; 1 ms keeps the event loop's
#: gaps well under 100 ms while a simulation runs (tests/gui/test_simulate_view.py).
GIL_SWITCH_INTERVAL_S = 0.001


class WorkerSignals(QObject):
    progress = Signal(float, str)
    finished = Signal(object)
    failed = Signal(str, str)  # user message, details (traceback for bugs, "" otherwise)
    cancelled = Signal()
    done = Signal()  # always last, whatever the outcome


class ServiceWorker(QRunnable):
    def __init__(self, job: Job, cancel: threading.Event) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the runner keeps it until ``done``
        self.signals = WorkerSignals()
        self._job = job
        self._cancel = cancel
        self._last_progress = 0.0

    def _progress(self, fraction: float, message: str) -> None:
        now = time.monotonic()
        if fraction < 1.0 and now - self._last_progress < PROGRESS_INTERVAL_S:
            return
        self._last_progress = now
        self.signals.progress.emit(float(fraction), message)

    def run(self) -> None:
        try:
            result = self._job(self._progress, self._cancel)
        except Cancelled:
            self.signals.cancelled.emit()
        except IntplanError as exc:
            self.signals.failed.emit(str(exc), "")
        except Exception as exc:  # a bug must reach the user as a dialog
            self.signals.failed.emit(
                f"Unexpected error: {exc}", "".join(traceback.format_exception(exc))
            )
        else:
            if self._cancel.is_set():
                # Solvers cannot be interrupted: Cancel means "discard the result".
                self.signals.cancelled.emit()
            else:
                self.signals.finished.emit(result)
        finally:
            self.signals.done.emit()


class TaskRunner(QObject):
    """Runs one job at a time for a view; the window cancels and waits on close."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        if sys.getswitchinterval() > GIL_SWITCH_INTERVAL_S:
            sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._worker: ServiceWorker | None = None
        self._cancel: threading.Event | None = None

    @property
    def busy(self) -> bool:
        return self._worker is not None

    def start(
        self,
        job: Job,
        *,
        on_finished: Callable[[Any], None],
        on_progress: Callable[[float, str], None] | None = None,
        on_failed: Callable[[str, str], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
    ) -> ServiceWorker:
        if self._worker is not None:
            raise RuntimeError("a job is already running")
        self._cancel = threading.Event()
        worker = ServiceWorker(job, self._cancel)
        sig = worker.signals
        sig.finished.connect(on_finished)
        if on_progress is not None:
            sig.progress.connect(on_progress)
        if on_failed is not None:
            sig.failed.connect(on_failed)
        if on_cancelled is not None:
            sig.cancelled.connect(on_cancelled)
        sig.done.connect(self._on_done)
        self._worker = worker
        self.busy_changed.emit(True)
        self._pool.start(worker)
        return worker

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Block until the pool is idle (used on close, after :meth:`cancel`)."""
        return bool(self._pool.waitForDone(timeout_ms))

    def _on_done(self) -> None:
        self._worker = None
        self._cancel = None
        self.busy_changed.emit(False)
