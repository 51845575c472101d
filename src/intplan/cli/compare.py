"""``intplan compare A.xlsx B.xlsx …``: KPIs side by side, differences vs the first, CIs."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from intplan.cli._common import (
    EXIT_USAGE,
    MAX_REPLICATIONS,
    SEED,
    WARMUP_WEEKS,
    WEEKS,
    add_workers_argument,
    fail,
    int_between,
    run_and_report,
    write_checked,
)
from intplan.cli._load import LoadFailedError, load_or_report
from intplan.services.compare import (
    COMPARE_REPLICATIONS,
    CompareOptions,
    CompareResult,
    DifferenceRow,
    compare_scenarios,
    path_labels,
    write_compare_workbook,
)
from intplan.services.progress import Progress


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "compare",
        help="compare scenarios side by side (KPIs, differences vs the first, 95%% CIs)",
        description="Simulate every scenario with the same seed, horizon and warm-up "
        "(common random numbers; defaults from the first scenario) and show KPIs side by "
        "side with paired differences against the first scenario and 95% CIs. Stored "
        "Results sheets are not read: they may be stale or made with other run options. "
        "Writes only with --out.",
    )
    p.add_argument("workbooks", nargs="+", metavar="WORKBOOK", help="two or more .xlsx files")
    p.add_argument(
        "--replications",
        type=int_between(2, MAX_REPLICATIONS),
        default=COMPARE_REPLICATIONS,
        metavar="N",
        help=f"replications per scenario, 2-10,000 (default {COMPARE_REPLICATIONS})",
    )
    p.add_argument("--weeks", type=WEEKS, metavar="W", help="1-520 (default: the first's)")
    p.add_argument(
        "--warmup-weeks", type=WARMUP_WEEKS, metavar="K", help="0-104 (default: the first's)"
    )
    p.add_argument("--seed", type=SEED, metavar="S", help="default: the first scenario's")
    add_workers_argument(p)
    p.add_argument(
        "--out",
        metavar="OUT.xlsx",
        help="write the first workbook (inputs untouched) with Compare sheets here",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if len(args.workbooks) < 2:
        return fail(EXIT_USAGE, "give at least two workbooks to compare", as_json=args.json)
    if args.out and Path(args.out).suffix.lower() != ".xlsx":
        return fail(EXIT_USAGE, "--out must be an .xlsx file", as_json=args.json)
    if args.out and any(Path(args.out).resolve() == Path(w).resolve() for w in args.workbooks):
        return fail(
            EXIT_USAGE,
            "--out must not be one of the scenarios being compared",
            as_json=args.json,
        )
    scenarios = []
    for path in args.workbooks:
        try:
            scenarios.append(load_or_report(path, as_json=args.json))
        except LoadFailedError as e:
            return e.code

    def work(progress: Progress) -> CompareResult:
        result = compare_scenarios(
            scenarios,
            CompareOptions(
                replications=args.replications,
                weeks=args.weeks,
                warmup_weeks=args.warmup_weeks,
                seed=args.seed,
                workers=args.workers,
            ),
            sources=path_labels([Path(w) for w in args.workbooks]),
            progress=progress,
        )
        if args.out:
            out = Path(args.out)
            write_checked(
                args.out,
                lambda: write_compare_workbook(result, out, source=Path(args.workbooks[0])),
            )
        return result

    return run_and_report(
        args, "compare", work, to_json=lambda r: r.to_json(), print_text=print_text
    )


def _f(x: float | None) -> str:
    if x is None or not math.isfinite(x):
        return "-"
    if x == int(x):
        return f"{x:,.0f}"
    if abs(x) < 0.01:  # small but not zero: never "0.000"
        return f"{x:.2g}"
    return f"{x:,.3f}" if abs(x) < 10 else f"{x:,.1f}"


def _line(r: DifferenceRow, *, where: bool = False) -> str:
    """One row: "*" first where the CI leaves zero out (a marker, not only numbers)."""
    mark = "*" if r.excludes_zero else " "
    label = f"{r.where}: " if where else ""
    label += f"{r.label} ({r.unit})"
    ci = "exact" if r.low is None or r.high is None else f"[{_f(r.low)}, {_f(r.high)}]"
    return f"{mark} {label:<66} {_f(r.baseline):>12} {_f(r.value):>12} {_f(r.difference):>12}  {ci}"


def print_text(result: CompareResult) -> None:
    first = result.label(0)
    print(
        f"seed {result.seed}, {result.weeks} weeks after {result.warmup_weeks} warm-up, "
        f"{result.replications} replications each; differences are against {first} "
        "(paired by replication, 95% CI); * the CI leaves zero out"
    )
    for n in range(1, len(result.scenarios)):
        name = result.label(n)
        print()
        print(f"{name} vs {first}, all INTs")
        print(f"  {'KPI':<66} {'baseline':>12} {'compared':>12} {'difference':>12}  95% CI")
        for r in result.difference_rows(n):
            print(_line(r))
        by_int = result.int_difference_rows(n)
        clear = [r for r in by_int if r.excludes_zero]
        print(
            f"{name} vs {first} by INT: {len(clear)} of {len(by_int)} differences leave zero "
            "out (listed; every row is in --json and the --out sheet Compare by INT)"
        )
        for r in clear:
            print(_line(r, where=True))
