"""Progress reporting and cancellation shared by every long-running service."""

from __future__ import annotations

import threading
from collections.abc import Callable

#: progress(fraction 0..1, message)
Progress = Callable[[float, str], None]


class Cancelled(Exception):
    """Raised inside a service when its cancel token is set; nothing was written."""


def check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled()


def report(progress: Progress | None, fraction: float, message: str) -> None:
    if progress is not None:
        progress(min(1.0, max(0.0, fraction)), message)
