"""The command line: parse, call a service, print. Each command lives in its own module.

``main`` keeps the contract for every command (see ``_common``): usage errors, files that
cannot be read or written, input problems and Ctrl+C all end in their documented exit code,
never a traceback, and with ``--json`` in one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import signal
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

from intplan import __version__
from intplan.cli._common import (
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    RECORD,
    emit_json,
    err,
    exit_code_for,
    fail,
)
from intplan.cli._interrupt import interrupted, recording_sigint
from intplan.domain.errors import IntplanError

#: command modules, each with ``register(subparsers)`` setting ``func`` on its parser
COMMANDS: tuple[str, ...] = (
    "new",
    "validate",
    "info",
    "gui",
    "compare_splits",
    "compare",
    "demo",
    "map",
    "simulate",
    "optimise",
    "calibrate",
    "report",
    "sweep",
)


class UsageError(Exception):
    """argparse found a usage error (reported by ``main``, not by argparse's own exit)."""

    def __init__(self, message: str, usage: str) -> None:
        super().__init__(message)
        self.usage = usage


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser (and, through ``add_subparsers``, sub-parsers) that raises on a
    usage error instead of printing and exiting, so ``--json`` can report it on stdout."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}", self.format_usage())


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="intplan",
        description="Workforce and capacity planning for Integrated Neighbourhood Teams. "
        "With no command, opens the desktop app on the bundled Kent & Medway example.",
    )
    parser.add_argument("--version", action="version", version=f"intplan {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"intplan.cli.{name}").register(sub)
    return parser


def _wants_json(tokens: Sequence[str]) -> bool:
    """``--json`` (or an abbreviation argparse accepts) before any ``--``."""
    for token in tokens:
        if token == "--":
            return False
        if len(token) >= 3 and "--json".startswith(token):
            return True
    return False


def _run(tokens: list[str], *, as_json: bool) -> int:
    """Parse and run one command; every way it can end becomes an exit code."""
    try:
        parser = build_parser()  # inside: a Ctrl+C while the commands import is handled
        args = parser.parse_args(tokens)
        if getattr(args, "func", None) is None:
            raise UsageError("intplan: give a command", parser.format_usage())
        return int(args.func(args))
    except UsageError as e:
        sys.stderr.write(e.usage)
        return fail(EXIT_USAGE, str(e), as_json=as_json, usage=e.usage.strip())
    except SystemExit as e:  # --help and --version print to stdout and exit 0
        return e.code if isinstance(e.code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except IntplanError as e:  # a command that did not report it itself
        return fail(exit_code_for(e), str(e), as_json=as_json)
    except OSError as e:  # full disk, permission denied, a folder where a file should be…
        if interrupted():
            return EXIT_INTERRUPTED
        return fail(EXIT_USAGE, f"{e.filename or 'file'}: {e.strerror or e}", as_json=as_json)
    except Exception as e:
        if interrupted():  # e.g. the worker pool, broken by the same Ctrl+C
            return EXIT_INTERRUPTED
        traceback.print_exc()  # a defect in intplan: keep the evidence, on stderr
        message = f"internal error ({type(e).__name__}: {e}); please report it"
        return fail(EXIT_INPUT, message, as_json=as_json)


def main(argv: Sequence[str] | None = None) -> int:
    tokens = list(sys.argv[1:] if argv is None else argv)
    if not tokens and "gui" in COMMANDS:
        tokens = ["gui"]
    as_json = _wants_json(tokens)
    RECORD.reset()
    with recording_sigint():
        code = _run(tokens, as_json=as_json)
        if interrupted():  # even if the KeyboardInterrupt itself was swallowed or lost
            code = EXIT_INTERRUPTED
    if code == EXIT_INTERRUPTED:
        if RECORD.written:
            err(f"Interrupted after writing {', '.join(RECORD.written)}.")
        else:
            err("Interrupted; no files were changed.")
    if as_json and not RECORD.json_written:  # the command stopped before its report
        emit_json(
            {
                "ok": False,
                "exit_code": code,
                "error": "interrupted" if code == EXIT_INTERRUPTED else "; ".join(RECORD.errors),
            }
        )
    if argv is None:  # the intplan process itself, not a test calling main([...])
        _end_process(code)
    return code


def _end_process(code: int) -> None:
    """Make the process's exit status the command's, even after a Ctrl+C."""
    if code == EXIT_INTERRUPTED:
        # A Ctrl+C that lands while a C extension runs Python code during its import
        # (numpy, scipy, numba do) sets CPython's "unhandled KeyboardInterrupt" flag even
        # though we handled it, and Python would then end the process by SIGINT after
        # finalising. Nothing is left to clean up (no file was written; worker processes
        # were stopped), so leave now with the documented code.
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(AttributeError, OSError):  # None under pythonw; a pipe gone
                stream.flush()
        os._exit(EXIT_INTERRUPTED)
    # The command is over: a Ctrl+C while Python shuts down (numba's finalisers take
    # ~0.3 s) must not turn a finished run into "killed by SIGINT".
    signal.signal(signal.SIGINT, signal.SIG_IGN)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
