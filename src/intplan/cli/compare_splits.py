"""``intplan compare-splits WORKBOOK --pcn ID``: should this PCN be 1, 2 or 3 INTs?"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from intplan.cli._common import (
    EXIT_USAGE,
    REPLICATIONS,
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
from intplan.services.progress import Progress
from intplan.services.splits import (
    SPLIT_WEEKS,
    SPLIT_WEEKS_SOURCE,
    SplitsOptions,
    SplitsResult,
    compare_splits,
    write_splits_workbook,
)
from intplan.splits.evaluate import KPI_BY_KEY, KPI_SPECS, default_weights


def register(sub: Any) -> None:
    weights = ", ".join(f"{k.key}={k.weight:g}" for k in KPI_SPECS)
    p: argparse.ArgumentParser = sub.add_parser(
        "compare-splits",
        help="compare splitting a PCN into 1, 2 or 3 INTs (waits, team size, travel, cover…)",
        description="Enumerate every split of the PCN's practices into 1-3 contiguous INTs "
        "within the population bounds, re-map staff, simulate the affected INTs (screening "
        "all options, then the best with more replications, under common random numbers) "
        "and rank them by a weighted score whose weights you can see and change. "
        f"Default weights: {weights}. Writes only with --out.",
    )
    p.add_argument("workbook", help="scenario workbook (.xlsx)")
    p.add_argument("--pcn", required=True, metavar="ID", help="PCN code to split")
    p.add_argument("--max-ints", type=int, default=3, choices=(1, 2, 3), help="default 3")
    p.add_argument(
        "--replications", type=REPLICATIONS, default=30, metavar="N", help="final runs (30)"
    )
    p.add_argument(
        "--screen-replications",
        type=REPLICATIONS,
        default=5,
        metavar="N",
        help="screening runs (5)",
    )
    p.add_argument(
        "--top", type=int_between(1, 1000), default=3, metavar="K", help="options re-run (3)"
    )
    p.add_argument(
        "--weeks",
        type=WEEKS,
        default=SPLIT_WEEKS,
        metavar="W",
        help=f"simulated weeks after warm-up, 1-520 (default {SPLIT_WEEKS}; {SPLIT_WEEKS_SOURCE})",
    )
    p.add_argument(
        "--warmup-weeks", type=WARMUP_WEEKS, metavar="K", help="0-104 (default: the scenario's)"
    )
    p.add_argument("--seed", type=SEED, metavar="S", help="default: the scenario's")
    p.add_argument(
        "--weight",
        action="append",
        default=[],
        metavar="KPI=W",
        help=f"weight of a KPI in the score (repeatable; KPIs: {', '.join(KPI_BY_KEY)})",
    )
    population = int_between(0, 100_000_000)
    p.add_argument("--pop-min", type=population, metavar="N", help="default: int_population_min")
    p.add_argument("--pop-max", type=population, metavar="N", help="default: int_population_max")
    p.add_argument("--with-cost", action="store_true", help="add the optimiser's cost (slower)")
    p.add_argument(
        "--screen-limit",
        type=int_between(1, 10_000),
        default=40,
        metavar="N",
        help="screen up to N options as asked; with more, every option is screened more "
        "cheaply (fewer weeks, then fewer replications) (40)",
    )
    add_workers_argument(p)
    p.add_argument(
        "--out",
        metavar="OUT.xlsx",
        help="write WORKBOOK (inputs untouched) with the board sheets here (default: write "
        "nothing)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=run)


def parse_weights(items: list[str]) -> dict[str, float]:
    """``KPI=W`` items over the defaults; raises ValueError with a readable message."""
    weights = default_weights()
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or key not in KPI_BY_KEY:
            raise ValueError(
                f"--weight {item!r}: give KPI=W with KPI one of {', '.join(KPI_BY_KEY)}"
            )
        try:
            w = float(value)
        except ValueError:
            raise ValueError(f"--weight {item!r}: {value!r} is not a number") from None
        if w < 0 or not math.isfinite(w):
            raise ValueError(f"--weight {item!r}: weights must be 0 or more")
        weights[key] = w
    return weights


def run(args: argparse.Namespace) -> int:
    try:
        weights = parse_weights(args.weight)
    except ValueError as e:
        return fail(EXIT_USAGE, str(e), as_json=args.json)
    if args.out and Path(args.out).suffix.lower() != ".xlsx":
        return fail(EXIT_USAGE, "--out must be an .xlsx file", as_json=args.json)
    try:
        scenario = load_or_report(args.workbook, as_json=args.json)
    except LoadFailedError as e:
        return e.code
    options = SplitsOptions(
        pcn=args.pcn,
        max_ints=args.max_ints,
        replications=args.replications,
        screen_replications=args.screen_replications,
        top=args.top,
        weeks=args.weeks,
        warmup_weeks=args.warmup_weeks,
        seed=args.seed,
        weights=weights,
        with_cost=args.with_cost,
        population_min=args.pop_min,
        population_max=args.pop_max,
        screen_limit=args.screen_limit,
        workers=args.workers,
    )

    def work(progress: Progress) -> SplitsResult:
        result = compare_splits(scenario, options, progress=progress)
        if args.out:
            out = Path(args.out)
            write_checked(
                args.out,
                lambda: write_splits_workbook(result, out, source=Path(args.workbook)),
            )
        return result

    return run_and_report(
        args, "compare-splits", work, to_json=lambda r: r.to_json(), print_text=print_text
    )


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value:,.{digits}f}"


def print_text(result: SplitsResult) -> None:
    print(result.enumeration.message)
    for note in result.notes[1:]:
        print(f"note: {note}")
    print(
        f"seed {result.seed}, {result.weeks} weeks after {result.warmup_weeks} warm-up; "
        f"screened at {result.screen_replications} replications over {result.screen_weeks} "
        f"weeks, best {result.top} and today's grouping at {result.replications}"
    )
    if any(o.screened_only for o in result.options):
        print(
            "ranks: the re-run options among themselves first, then the options screened "
            "only (marked *), in their screening order"
        )
    print("weights: " + ", ".join(f"{k}={v:.2f}" for k, v in result.weights_used.items()))
    header = (
        f"{'rank':>4} {'score':>6} {'pareto':>6} {'INTs':>4}  {'wait h':>7} {'±95%':>6} "
        f"{'team':>5} {'travel':>6} {'P(gap)':>7} {'reps':>4} {'weeks':>5}  groups"
    )
    print(header)
    for r in result.option_rows():
        star = "*" if r.screened_only else " "
        today = f" ({r.today})" if r.today else ""
        print(
            f"{r.rank:>3}{star} {r.score:>6.3f} {'yes' if r.pareto else '':>6} {r.ints:>4}  "
            f"{_fmt(r.wait_hours, 2):>7} {_fmt(r.wait_half_width_hours, 2):>6} "
            f"{_fmt(r.team_size, 0):>5} {_fmt(r.travel_minutes):>6} "
            f"{_fmt(r.resilience, 3):>7} {r.replications:>4} {r.weeks:>5}  {r.groups}{today}"
        )
