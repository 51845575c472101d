"""Shared plumbing for CLI commands: exit codes, JSON output, errors, progress."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

from intplan.domain.errors import IntplanError
from intplan.services.progress import Cancelled, Progress

R = TypeVar("R")

EXIT_OK = 0
EXIT_INPUT = 1  # the input has problems (all listed)
EXIT_USAGE = 2  # usage error or unreadable file
EXIT_INFEASIBLE = 3  # the optimiser proved the plan infeasible


def add_workers_argument(p: argparse.ArgumentParser) -> None:
    """``--workers N``, shared by the commands that run replications."""
    p.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="parallel processes (default: one per core for long runs, one for short ones; "
        "the same seed gives the same results on any number)",
    )


def emit_json(obj: Any) -> None:
    """Print exactly one JSON object on stdout."""
    sys.stdout.write(json.dumps(obj, indent=2, sort_keys=False, default=str) + "\n")
    sys.stdout.flush()


def err(message: str) -> None:
    sys.stderr.write(message.rstrip("\n") + "\n")


class ProgressBar:
    """A throttled one-line progress bar on stderr (silent when stderr is not a terminal)."""

    def __init__(self, label: str, *, enabled: bool | None = None) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._last = 0.0

    def __call__(self, fraction: float, message: str) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if fraction < 1.0 and now - self._last < 0.1:
            return
        self._last = now
        width = 30
        filled = int(width * fraction)
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(f"\r{self.label} [{bar}] {fraction * 100:5.1f}% {message[:40]:<40}")
        if fraction >= 1.0:
            sys.stderr.write("\n")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()


def run_and_report(
    args: argparse.Namespace,
    label: str,
    work: Callable[[Progress], R],
    *,
    to_json: Callable[[R], dict[str, Any]],
    print_text: Callable[[R], None],
) -> int:
    """Run ``work`` (which may write ``args.out``) under a progress bar, then report its
    result, or a Ctrl+C (nothing written) or an input error, as every command does."""
    bar = ProgressBar(label)
    try:
        result = work(bar)
    except Cancelled:
        bar.close()
        err("Interrupted; no files were changed.")
        return 130
    except IntplanError as e:
        bar.close()
        if args.json:
            emit_json({"ok": False, "error": str(e)})
        err(f"error: {e}")
        return EXIT_INPUT
    if args.json:
        emit_json(to_json(result) | {"out": args.out})
    else:
        print_text(result)
        if args.out:
            err(f"wrote {args.out}")
    return EXIT_OK
