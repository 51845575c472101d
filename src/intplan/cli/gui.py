"""``intplan gui [WORKBOOK]``: open the desktop app (the default with no command)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "gui",
        help="open the desktop app (default: the bundled Kent & Medway example)",
        description="Open the desktop app on WORKBOOK, or on the bundled Kent & Medway "
        "example when no workbook is given.",
    )
    parser.add_argument("workbook", nargs="?", type=Path, help="scenario workbook (.xlsx)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Qt is imported only here, so every other command starts without it.
    from intplan.gui.app import run as run_app

    return run_app(args.workbook)
