"""The command line: parse, call a service, print. Each command lives in its own module."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from intplan import __version__
from intplan.cli._common import EXIT_USAGE, err

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
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="intplan",
        description="Workforce and capacity planning for Integrated Neighbourhood Teams. "
        "With no command, opens the desktop app on the bundled Kent & Medway example.",
    )
    parser.add_argument("--version", action="version", version=f"intplan {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"intplan.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list and "gui" in COMMANDS:
        args_list = ["gui"]
    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if getattr(args, "func", None) is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        err("Interrupted; no files were changed.")
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
