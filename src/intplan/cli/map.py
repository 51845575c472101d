"""`intplan map WORKBOOK --staff FILE ...`: import staff registers and map staff into INTs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from intplan.cli._common import (
    EXIT_INPUT,
    EXIT_OK,
    EXIT_USAGE,
    ProgressBar,
    emit_json,
    err,
    exit_code_for,
    write_checked,
)
from intplan.cli._load import LoadFailedError, load_or_report
from intplan.domain.errors import IntplanError
from intplan.io.errors import UnreadableFileError, WorkbookError
from intplan.io.registers import FIELDS
from intplan.mapping.existing import TooManyRemovedError
from intplan.mapping.report import render_text
from intplan.services.files import save_scenario
from intplan.services.mapping import (
    MappingOptions,
    MappingResult,
    run_mapping,
    write_report_sheet,
)


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "map",
        help="import staff registers (.xlsx/.csv) and map staff into INTs",
        description="Read staff registers from employers, merge them (duplicates are merged, "
        "never double counted), map every person into INTs by the mapping rules and write "
        "the staff and their assignments into the scenario. By default a register replaces "
        "only the staff of the employers it contains (--replace: the whole staff list; "
        "--append: add to it). Removing more than half the scenario's staff needs "
        "--replace. Rows that cannot be used are listed with file and row; the rest is "
        "still written unless --strict.",
    )
    p.add_argument("workbook", help="scenario workbook (.xlsx)")
    p.add_argument(
        "--staff",
        action="append",
        required=True,
        metavar="FILE",
        help="a staff register (.xlsx or .csv); repeat for several employers",
    )
    p.add_argument(
        "--mapping",
        metavar="MAP.xlsx",
        help="mapping workbook: 'source_column | field', 'staff | int | fte' and/or "
        "'title | role' sheets",
    )
    p.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="FIELD=HEADER",
        help=f"use register column HEADER for FIELD (fields: {', '.join(FIELDS)})",
    )
    p.add_argument("--employer", help="employer for rows without one (default: the file name)")
    p.add_argument(
        "--pseudonymise",
        metavar="KEY",
        help="replace names with keyed pseudonyms (HMAC-SHA256); '-' reads the key from stdin",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--append",
        action="store_true",
        help="add to the existing staff; nobody is removed and a person already there "
        "(same staff number, or same name, role and base) is not added twice",
    )
    mode.add_argument(
        "--replace",
        action="store_true",
        help="replace the whole staff list (default: only the staff of the employers in "
        "the registers)",
    )
    p.add_argument(
        "--sheet",
        metavar="NAME",
        help="read this sheet of .xlsx registers (default: the visible sheet whose header "
        "matches best; hidden sheets are read only when named)",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="write nothing and exit 1 if any row is rejected",
    )
    p.add_argument(
        "--report-sheet",
        action="store_true",
        help="also write the report as a MappingReport result sheet (re-saves the whole "
        "workbook with openpyxl: a few seconds for a Kent & Medway sized scenario)",
    )
    p.add_argument("--out", metavar="OUT.xlsx", help="write here instead of WORKBOOK")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=run)


def _columns(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        field, sep, header = pair.partition("=")
        field = field.strip().lower()
        if not sep or not header.strip() or field not in FIELDS:
            raise ValueError(
                f"--column {pair!r}: expected FIELD=HEADER with FIELD one of {', '.join(FIELDS)}"
            )
        out[field] = header.strip()
    return out


def _out_problem(out: Path) -> str | None:
    """Why ``--out`` cannot be written, found before any work is done."""
    if out.is_dir():
        return (
            f"--out {str(out)!r} is a folder; give a file name such as {str(out / 'plan.xlsx')!r}"
        )
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        return f"--out {str(out)!r}: the folder {str(folder)!r} does not exist"
    return None


def _fail(message: str, code: int, *, as_json: bool, **extra: object) -> int:
    if as_json:
        emit_json({"ok": False, "error": message, **extra})
    err(f"error: {message}")
    return code


def _print_text(result: MappingResult, written: str | None) -> None:
    print(
        f"Rows read {result.rows_read}: imported {result.rows_imported}, merged "
        f"{result.rows_merged}, rejected {len(result.rejected)} "
        f"(blank rows skipped: {result.rows_blank}). FTE imported {result.fte_imported:.2f}, "
        f"assigned {result.fte_assigned:.2f}."
    )
    print(result.staff_change.text())
    for r in result.rejected:
        where = f"{r.file}" + (f" [{r.sheet}]" if r.sheet else "")
        print(f"  rejected {where} row {r.row}: {r.reason}")
    for m in result.merged:
        print(f"  merged   {m.file} row {m.row}: {m.reason}")
    for f in result.flags:
        print(f"  check    {f.message}")
    print()
    print(render_text(result.report))
    if written:
        print(f"\nWrote {written}.")


def run(args: argparse.Namespace) -> int:
    try:
        columns = _columns(args.column)
    except ValueError as e:
        err(f"error: {e}")
        return EXIT_USAGE
    key = args.pseudonymise
    if key == "-":
        key = sys.stdin.readline().strip()
    if key is not None and not key:
        err("error: --pseudonymise needs a non-empty key")
        return EXIT_USAGE
    out = Path(args.out or args.workbook)
    problem = _out_problem(out)
    if problem:
        return _fail(problem, EXIT_USAGE, as_json=args.json)
    try:
        scenario = load_or_report(args.workbook, as_json=args.json)
    except LoadFailedError as e:
        return e.code
    options = MappingOptions(
        mapping_path=Path(args.mapping) if args.mapping else None,
        columns=columns,
        employer=args.employer,
        pseudonymise_key=key,
        append=args.append,
        replace=args.replace,
        sheet=args.sheet,
    )
    bar = ProgressBar("map")
    try:
        result = run_mapping(scenario, [Path(p) for p in args.staff], options, progress=bar)
    except UnreadableFileError as e:
        if args.json:
            emit_json({"ok": False, "file": e.path, "error": e.reason})
        err(f"error: {e}")
        return EXIT_USAGE
    except WorkbookError as e:
        if args.json:
            emit_json({"ok": False, "issues": [i.to_json() for i in e.issues]})
        err(f"{len(e.issues)} problem(s); nothing was written.")
        for issue in e.issues:
            err(f"  - {issue}")
        return EXIT_INPUT
    except TooManyRemovedError as e:
        return _fail(str(e), EXIT_INPUT, as_json=args.json, existing_staff=e.change.to_json())
    if args.strict and result.rejected:
        if args.json:
            emit_json({"ok": False, "written": None, **result.to_json()})
        err(f"{len(result.rejected)} row(s) rejected and --strict given; nothing was written.")
        for r in result.rejected:
            err(f"  - {r.file} row {r.row}: {r.reason}")
        return EXIT_INPUT
    try:  # through the Ctrl+C check every command writes through
        write_checked(str(out), lambda: save_scenario(result.scenario, out))
    except IntplanError as e:  # the file is replaced atomically: nothing changed
        return _fail(f"{e}; nothing was written", exit_code_for(e), as_json=args.json)
    except OSError as e:
        return _fail(f"{e}; nothing was written", EXIT_USAGE, as_json=args.json)
    if args.report_sheet:
        try:
            write_report_sheet(result, out)
        except (IntplanError, OSError) as e:  # the scenario is saved; only the sheet is missing
            err(f"warning: report sheet not written: {e}")
    if args.json:
        emit_json({"ok": True, "written": str(out), **result.to_json()})
    else:
        _print_text(result, str(out))
    return EXIT_OK
