"""`intplan new OUT.xlsx [--template NAME] [--force]`: write a bundled example workbook."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from intplan.cli._common import EXIT_OK, EXIT_USAGE, emit_json, fail, write_checked
from intplan.domain import IntplanError
from intplan.examples import DEFAULT_TEMPLATE, TEMPLATES, load_template
from intplan.services.files import save_scenario


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "new",
        help="write a new scenario workbook from a bundled example",
        description="Write a new scenario workbook from a bundled example "
        f"({', '.join(TEMPLATES)}). The examples are illustrative and synthetic. "
        "Refuses to overwrite an existing file unless --force is given.",
    )
    p.add_argument("out", help="workbook to create (.xlsx)")
    p.add_argument(
        "--template",
        choices=tuple(TEMPLATES),
        default=DEFAULT_TEMPLATE,
        help=f"which example to start from (default {DEFAULT_TEMPLATE})",
    )
    p.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)

    def usage(message: str) -> int:
        return fail(EXIT_USAGE, message, as_json=args.json, path=str(out))

    if out.suffix.lower() != ".xlsx":
        return usage(f"{out} must end in .xlsx")
    if out.is_dir():
        return usage(f"{out} is a folder")
    if out.exists() and not args.force:
        return usage(f"{out} already exists; use --force to overwrite it")
    if not out.parent.is_dir():
        return usage(f"folder {out.parent} does not exist")
    scenario = load_template(args.template)
    try:
        # atomic: a temporary file beside OUT, then replace
        write_checked(str(out), lambda: save_scenario(scenario, out))
    except (IntplanError, OSError) as exc:  # a file that cannot be written: exit 2
        return usage(f"cannot write {out}: {exc}")
    counts = {
        "hcps": len(scenario.hcps),
        "pcns": len(scenario.pcns),
        "practices": len(scenario.practices),
        "ints": len(scenario.ints),
        "staff": len(scenario.staff),
        "population": scenario.population,
    }
    if args.json:
        emit_json({"ok": True, "path": str(out), "template": args.template, "counts": counts})
    else:
        print(
            f"Wrote {out} from template {args.template!r} ({scenario.name}): "
            + ", ".join(f"{v:,} {k}" for k, v in counts.items())
            + "."
        )
    return EXIT_OK
