"""`intplan report WORKBOOK --out board-pack.pdf`: a few-page PDF of the stored results."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from intplan.cli._common import (
    EXIT_INPUT,
    EXIT_OK,
    EXIT_USAGE,
    emit_json,
    err,
    fail,
    write_checked,
)
from intplan.cli._load import LoadFailedError, load_or_report
from intplan.io.errors import WorkbookError
from intplan.io.workbook import is_illustrative
from intplan.services.past_results import read_past_results
from intplan.services.report import NoResultsError, board_pack, pack_json


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "report",
        help="a board pack (PDF) of the results stored in a workbook",
        description="Write a few-page PDF from the results a workbook already holds "
        "(nothing is run): an overview of every INT with traffic lights, run charts of "
        "the INTs furthest from target, the optimiser's plan and the split comparison "
        "when the workbook holds them. Every page names the scenario, seed and "
        "replications, and says 'Illustrative' for an illustrative scenario. Run "
        "`intplan simulate WORKBOOK` first.",
    )
    p.add_argument("workbook", help="scenario workbook with result sheets (.xlsx)")
    p.add_argument("--out", required=True, metavar="OUT.pdf", help="the PDF to write")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if Path(args.out).resolve() == Path(args.workbook).resolve():
        return fail(EXIT_USAGE, "--out must not be the workbook itself", as_json=args.json)
    try:
        scenario = load_or_report(args.workbook, as_json=args.json)
    except LoadFailedError as e:
        return e.code
    try:
        pack = board_pack(
            read_past_results(args.workbook),
            illustrative=is_illustrative(scenario),
            scenario=scenario,
        )
    except NoResultsError as e:
        return fail(EXIT_INPUT, str(e), as_json=args.json)
    except WorkbookError as e:
        if args.json:
            emit_json(
                {
                    "ok": False,
                    "exit_code": EXIT_INPUT,
                    "file": args.workbook,
                    "issues": [i.to_json() for i in e.issues],
                }
            )
        err(f"{args.workbook}: {len(e.issues)} problem(s) in the result sheets.")
        for issue in e.issues:
            err(f"  - {issue}")
        return EXIT_INPUT
    # Qt only here: every other command starts without it
    from intplan.gui.report_pages import write_pdf

    pages: list[int] = []
    write_checked(args.out, lambda: pages.append(write_pdf(pack, args.out)))
    if args.json:
        emit_json({"ok": True, "out": args.out} | pack_json(pack))
    else:
        print(f"{pack.label.text()}")
        for n, title in enumerate(pack.page_titles, start=1):
            print(f"  page {n}: {title}")
        err(f"wrote {args.out} ({pages[0]} pages)")
    return EXIT_OK
