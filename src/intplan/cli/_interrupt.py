"""Ctrl+C for one command: stop, write nothing, exit 130 — even when Python swallows it.

Python raises ``KeyboardInterrupt`` in whatever Python code runs when SIGINT arrives. When
that code is a finaliser (``__del__``: llvmlite disposes many objects while numba loads the
engine's compiled cache), a weakref callback or a ctypes callback, Python only prints
"Exception ignored in …" and carries on, so the run would go on, write its results and
exit 0. The handler installed here therefore also *records* the interrupt; the commands
check the record before they write anything and on every progress report, and ``main``
checks it at the end (exit 130 whatever else happened, e.g. a process pool broken by the
same Ctrl+C).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class _Record:
    requested = False


_RECORD = _Record()


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    _RECORD.requested = True
    raise KeyboardInterrupt


@contextmanager
def recording_sigint() -> Iterator[None]:
    """Install the recording handler for one command (main thread only; restored after)."""
    _RECORD.requested = False
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    previous = signal.signal(signal.SIGINT, _on_sigint)
    try:
        yield
    finally:
        # None: the previous handler was not set from Python; Python's default is the
        # nearest equivalent
        signal.signal(signal.SIGINT, signal.default_int_handler if previous is None else previous)


def interrupted() -> bool:
    """True once Ctrl+C was pressed during this command, even if the exception was lost."""
    return _RECORD.requested


def stop_if_interrupted() -> None:
    """Raise ``KeyboardInterrupt`` if Ctrl+C was pressed: call before writing anything."""
    if _RECORD.requested:
        raise KeyboardInterrupt
