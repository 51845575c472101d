"""`intplan validate WORKBOOK`: check a scenario workbook and list every problem."""

from __future__ import annotations

import argparse
from typing import Any

from intplan.cli._common import EXIT_OK, emit_json
from intplan.cli._load import LoadFailedError, load_or_report


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "validate",
        help="check a scenario workbook; list every problem with sheet, row and column",
        description="Check a scenario workbook. Exit 0 when valid, 1 when it has problems "
        "(all listed with sheet, row and column), 2 when it cannot be read.",
    )
    p.add_argument("workbook", help="scenario workbook (.xlsx)")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        s = load_or_report(args.workbook, as_json=args.json)
    except LoadFailedError as e:
        return e.code
    counts = {
        "hcps": len(s.hcps),
        "pcns": len(s.pcns),
        "practices": len(s.practices),
        "ints": len(s.ints),
        "staff": len(s.staff),
    }
    if args.json:
        emit_json({"ok": True, "file": args.workbook, "scenario": s.name, "counts": counts})
    else:
        print(
            f"{args.workbook}: valid. {s.name}: "
            + ", ".join(f"{v:,} {k}" for k, v in counts.items())
            + f", population {s.population:,}."
        )
    return EXIT_OK
