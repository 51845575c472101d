"""Shared plumbing for CLI commands: exit codes, size bounds, JSON output, errors, progress.

The contract every command keeps (docs/architecture.md, "Command line contract"):
exit 0 done, 1 the input has problems, 2 usage error or a file that cannot be read or
written, 3 the optimiser proved the plan infeasible, 130 Ctrl+C; with ``--json`` stdout
holds exactly one JSON object (strict JSON: non-finite numbers are written as null).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

from intplan.cli._interrupt import stop_if_interrupted
from intplan.domain.errors import IntplanError
from intplan.io.atomic import SaveError
from intplan.io.errors import UnreadableFileError
from intplan.services.progress import Cancelled, Progress

R = TypeVar("R")

EXIT_OK = 0
EXIT_INPUT = 1  # the input has problems (all listed)
EXIT_USAGE = 2  # usage error, or a file that cannot be read or written
EXIT_INFEASIBLE = 3  # the optimiser proved the plan infeasible
EXIT_INTERRUPTED = 130  # Ctrl+C (128 + SIGINT, as shells report it)

#: bounds of the sizes a user can type, checked while parsing, before anything is read or
#: allocated. Weeks, warm-up and replications are the workbook's own Settings bounds
#: (domain/settings.py); more workers than cores only adds memory (~0.4 GB each on K&M).
MAX_WEEKS = 520
MAX_WARMUP_WEEKS = 104
MAX_REPLICATIONS = 10_000
MAX_WORKERS = 64
MAX_SEED = 2**63 - 1


def int_between(low: int, high: int) -> Callable[[str], int]:
    """An argparse ``type`` for a whole number in ``low..high`` (a usage error otherwise)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high:,} (got {text})")
        return value

    return parse


def float_between(
    low: float, high: float, *, low_open: bool = False, high_open: bool = False
) -> Callable[[str], float]:
    """An argparse ``type`` for a finite number from ``low`` to ``high`` (ends excluded
    when open)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        too_low = value <= low if low_open else value < low
        too_high = value >= high if high_open else value > high
        if not math.isfinite(value) or too_low or too_high:
            lower = f"above {low:g}" if low_open else f"at least {low:g}"
            upper = f"below {high:g}" if high_open else f"at most {high:g}"
            raise argparse.ArgumentTypeError(f"must be {lower} and {upper} (got {text})")
        return value

    return parse


WEEKS = int_between(1, MAX_WEEKS)
WARMUP_WEEKS = int_between(0, MAX_WARMUP_WEEKS)
REPLICATIONS = int_between(1, MAX_REPLICATIONS)
SEED = int_between(0, MAX_SEED)


def add_workers_argument(p: argparse.ArgumentParser) -> None:
    """``--workers N``, shared by the commands that run replications."""
    p.add_argument(
        "--workers",
        type=int_between(1, MAX_WORKERS),
        metavar="N",
        help=f"parallel processes, 1-{MAX_WORKERS} (default: one per core for long runs, one "
        "for short ones; the same seed gives the same results on any number)",
    )


def add_run_arguments(p: argparse.ArgumentParser) -> None:
    """``--replications --weeks --warmup-weeks --seed --workers``, each defaulting to the
    workbook's Settings: the options of the commands that simulate one scenario."""
    p.add_argument(
        "--replications",
        type=REPLICATIONS,
        metavar="N",
        help="replications, 1-10,000 (default: Settings)",
    )
    p.add_argument(
        "--weeks", type=WEEKS, metavar="W", help="measured weeks, 1-520 (default: Settings)"
    )
    p.add_argument(
        "--warmup-weeks",
        type=WARMUP_WEEKS,
        metavar="K",
        help="warm-up weeks discarded, 0-104 (default: the warm-up rule)",
    )
    p.add_argument("--seed", type=SEED, metavar="S", help="root random seed (default: Settings)")
    add_workers_argument(p)


#: the attributes ``add_run_arguments`` sets, named as the run options' fields
RUN_ARGUMENTS = ("replications", "weeks", "warmup_weeks", "seed", "workers")


def run_arguments(args: argparse.Namespace) -> dict[str, Any]:
    """``add_run_arguments``'s values, as keyword arguments of ``SimulationOptions`` and
    ``SweepOptions``."""
    return {name: getattr(args, name) for name in RUN_ARGUMENTS}


class _Record:
    """What this command has put out so far: ``main`` completes the contract from it."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.json_written = False
        self.errors: list[str] = []  # messages given with err("error: …")
        self.written: list[str] = []  # files written with write_checked


RECORD = _Record()


def _finite(obj: Any) -> Any:
    """``obj`` with NaN and infinities as None: JSON has no such numbers."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj


def _json_default(obj: Any) -> Any:
    tolist = getattr(obj, "tolist", None)  # numpy scalars and arrays
    if callable(tolist):
        return _finite(tolist())
    return str(obj)


def emit_json(obj: Any) -> None:
    """Print exactly one JSON object on stdout. Strict JSON: NaN and ±Infinity (which
    ``json`` would write and other parsers reject) are written as null."""
    text = json.dumps(_finite(obj), indent=2, allow_nan=False, default=_json_default)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
    RECORD.json_written = True


def err(message: str) -> None:
    text = message.rstrip("\n")
    if text.startswith("error: "):
        RECORD.errors.append(text.removeprefix("error: "))
    sys.stderr.write(text + "\n")


def fail(code: int, message: str, *, as_json: bool, **extra: Any) -> int:
    """Report one error (``{"ok": false, "error": …}`` under --json) and return ``code``."""
    if as_json:
        emit_json({"ok": False, "error": message, "exit_code": code} | extra)
    err(f"error: {message}")
    return code


def exit_code_for(e: IntplanError) -> int:
    """2 for a file that cannot be read or written; 1 for any other input problem."""
    return EXIT_USAGE if isinstance(e, SaveError | UnreadableFileError) else EXIT_INPUT


def write_checked(path: str, write: Callable[[], None]) -> None:
    """Write ``path`` unless Ctrl+C was pressed (even if the interrupt was swallowed)."""
    stop_if_interrupted()
    write()
    RECORD.written.append(path)


class ProgressBar:
    """A throttled one-line progress bar on stderr (silent when stderr is not a terminal).
    Every report also stops the run if Ctrl+C was pressed and the interrupt was lost."""

    def __init__(self, label: str, *, enabled: bool | None = None) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._last = 0.0

    def __call__(self, fraction: float, message: str) -> None:
        stop_if_interrupted()
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
    """Run ``work`` (which may write ``args.out`` with :func:`write_checked`) under a
    progress bar, then report its result, a cancel or an input error, as every command does."""
    bar = ProgressBar(label)
    try:
        result = work(bar)
    except (Cancelled, KeyboardInterrupt):
        bar.close()
        raise KeyboardInterrupt from None  # main reports it: exit 130, nothing written
    except IntplanError as e:
        bar.close()
        return fail(exit_code_for(e), str(e), as_json=args.json)
    stop_if_interrupted()
    if args.json:
        emit_json({"ok": True} | to_json(result) | {"out": args.out})
    else:
        print_text(result)
        if args.out:
            err(f"wrote {args.out}")
    return EXIT_OK
