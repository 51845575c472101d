"""`intplan new OUT.xlsx [--template NAME | --icb CODE --from DIR] [--force]`: write a
bundled example workbook, or a scenario for one ICB built from NHS England's files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from intplan.cli._common import (
    EXIT_OK,
    EXIT_USAGE,
    emit_json,
    err,
    exit_code_for,
    fail,
    write_checked,
)
from intplan.domain import IntplanError, Scenario, Settings
from intplan.examples import DEFAULT_TEMPLATE, TEMPLATES, load_template
from intplan.examples.from_nhs import NhsBuild, build_from_nhs
from intplan.io.nhs.hcp_map import read_hcp_map
from intplan.services.files import save_scenario
from intplan.services.nhs_splits import proposer


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "new",
        help="write a new scenario workbook from a bundled example or NHS data files",
        description="Write a new scenario workbook from a bundled example "
        f"({', '.join(TEMPLATES)}; illustrative and synthetic), or with --icb and --from "
        "for one ICB from the files NHS England publishes (docs/nhs-data.md). "
        "Refuses to overwrite an existing file unless --force is given.",
    )
    p.add_argument("out", help="workbook to create (.xlsx)")
    source = p.add_mutually_exclusive_group()
    source.add_argument(
        "--template",
        choices=tuple(TEMPLATES),
        default=None,
        help=f"which example to start from (default {DEFAULT_TEMPLATE})",
    )
    source.add_argument(
        "--from",
        dest="from_dir",
        metavar="DIR",
        help="folder of downloaded NHS files (CSV, xlsx or zip; any names); needs --icb",
    )
    p.add_argument(
        "--icb",
        metavar="CODE",
        help="the ICB to build, by ICB code (e.g. QKS) or ONS code (E54000032); needs --from",
    )
    p.add_argument(
        "--ignore-unrecognised",
        action="store_true",
        help="with --from: build even if some files in DIR are not recognised NHS files "
        "(they are listed in the Sources sheet); without it they stop the build (exit 1)",
    )
    p.add_argument(
        "--split-large",
        action="store_true",
        help="with --from: split each PCN above the INT population bound (Settings "
        "int_population_max) into the most balanced 2-3 contiguous INTs within the bounds",
    )
    p.add_argument(
        "--hcp-map",
        metavar="FILE",
        help="with --from: a CSV with columns pcn,hcp[,hcp_code] naming each PCN's Health & "
        "Care Partnership (default: HCPs are sub-ICB locations)",
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
    if (args.icb is None) != (args.from_dir is None):
        return usage("--icb and --from go together: --icb CODE --from DIR")
    if args.from_dir is None and (args.ignore_unrecognised or args.split_large or args.hcp_map):
        return usage(
            "--ignore-unrecognised, --split-large and --hcp-map go with --icb CODE --from DIR"
        )
    built: NhsBuild | None = None
    if args.from_dir is not None:
        bounds = Settings()
        try:
            built = build_from_nhs(
                Path(args.from_dir),
                args.icb,
                ignore_unrecognised=args.ignore_unrecognised,
                hcp_map=read_hcp_map(Path(args.hcp_map)) if args.hcp_map else None,
                split_large=(
                    proposer(bounds.int_population_min, bounds.int_population_max)
                    if args.split_large
                    else None
                ),
            )
        except IntplanError as e:
            return fail(exit_code_for(e), str(e), as_json=args.json, path=str(out))
        scenario: Scenario = built.scenario
    else:
        scenario = load_template(args.template or DEFAULT_TEMPLATE)
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
    summary = ", ".join(f"{v:,} {k}" for k, v in counts.items())
    if built is not None:
        return _report_nhs(args, out, built, counts, summary)
    template = args.template or DEFAULT_TEMPLATE
    if args.json:
        emit_json({"ok": True, "path": str(out), "template": template, "counts": counts})
    else:
        print(f"Wrote {out} from template {template!r} ({scenario.name}): {summary}.")
    return EXIT_OK


def _report_nhs(
    args: argparse.Namespace, out: Path, built: NhsBuild, counts: dict[str, int], summary: str
) -> int:
    if args.json:
        emit_json(
            {
                "ok": True,
                "path": str(out),
                "icb": built.icb,
                "icb_name": built.icb_name,
                "counts": counts,
                "sources": [
                    {
                        "file": s.file,
                        "kind": s.kind,
                        "period": s.period,
                        "rows_read": s.rows_read,
                        "note": s.note,
                    }
                    for s in built.sources
                ],
                "assumptions": list(built.assumptions),
                "splits": list(built.splits),
                "observed": built.observed,
                "not_recognised": list(built.unrecognised),
                "left_out": list(built.dropped),
            }
        )
        return EXIT_OK
    print(f"Wrote {out} for {built.icb_name} ({built.icb}) from NHS data: {summary}.")
    for s in built.sources:
        print(f"  read {s.kind}: {s.file} ({s.period}; {s.rows_read:,} rows; {s.note})")
    for a in built.assumptions:
        print(f"  assumed {a}")
    for x in built.splits:
        print(f"  split-large: {x}")
    if built.observed is not None:
        print(f"  calibrate with: intplan calibrate {out} --observed {built.observed}")
    for u in built.unrecognised:
        err(f"warning: {u}")
    for d in built.dropped:
        err(f"warning: left out {d}")
    return EXIT_OK
