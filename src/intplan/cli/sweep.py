"""``intplan sweep WORKBOOK --vary NAME=LOW:HIGH``: which assumptions move the answer."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from intplan.cli._common import (
    EXIT_OK,
    EXIT_USAGE,
    ProgressBar,
    add_run_arguments,
    emit_json,
    err,
    exit_code_for,
    fail,
    int_between,
    run_arguments,
    write_checked,
)
from intplan.cli._load import LoadFailedError, load_or_report
from intplan.domain.errors import IntplanError
from intplan.services.progress import Cancelled
from intplan.services.sweep import SweepOptions, SweepResult, run_sweep
from intplan.services.sweep_dask import ENGINES, SweepEngineError
from intplan.services.sweep_design import DEFAULT_SAMPLES, DESIGNS, MAX_VARIANTS, DesignError
from intplan.services.sweep_params import Vary, parameter_help, parse_vary
from intplan.services.sweep_write import write_sweep_results


def _vary(text: str) -> Vary:
    try:
        return parse_vary(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "sweep",
        help="what-if sweep: vary assumptions, see which move waits and utilisation (Dask)",
        description="Simulate variants of the scenario with some parameters changed, each "
        "with the same replications (common random numbers, so differences are paired), "
        "as Dask tasks on a local cluster or an existing one. Results: per variant and KPI a "
        "mean with 95% CI; a Sweep sheet with a tornado chart (oat) or heat maps (a "
        "two-parameter grid) in OUT. Parameters: " + parameter_help(),
    )
    p.add_argument("workbook", help="scenario workbook (.xlsx)")
    p.add_argument(
        "--vary",
        action="append",
        required=True,
        type=_vary,
        metavar="NAME=LOW:HIGH[:STEPS]",
        help="a parameter and its range (repeatable), e.g. growth=0:2, "
        "demand_scale[SDC]=0.8:1.2, productive[GP]=0.7:0.9:5",
    )
    p.add_argument(
        "--design",
        choices=DESIGNS,
        default="oat",
        help="oat: one parameter at a time around the workbook (tornado; STEPS default 2); "
        "grid: every combination (STEPS default 3); lhs: a seeded Latin hypercube",
    )
    p.add_argument(
        "--samples",
        type=int_between(2, MAX_VARIANTS - 1),
        default=DEFAULT_SAMPLES,
        metavar="N",
        help=f"lhs: variants to draw (default {DEFAULT_SAMPLES})",
    )
    add_run_arguments(p)
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="an existing Dask scheduler, e.g. tcp://host:8786 (default: a local cluster "
        "of --workers processes)",
    )
    p.add_argument(
        "--engine",
        choices=ENGINES,
        default="dask",
        help="dask (default), or local: the simulator's own process pool, variant by variant",
    )
    p.add_argument("--out", metavar="OUT.xlsx", help="write WORKBOOK with a Sweep sheet here")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.scheduler and args.engine != "dask":
        return fail(EXIT_USAGE, "--scheduler needs --engine dask", as_json=args.json)
    if args.out and not Path(args.out).resolve().parent.is_dir():  # before a long run
        return fail(EXIT_USAGE, f"{args.out}: the folder does not exist", as_json=args.json)
    try:
        scenario = load_or_report(args.workbook, as_json=args.json)
    except LoadFailedError as e:
        return e.code
    options = SweepOptions(
        **run_arguments(args),
        design=args.design,
        samples=args.samples,
        engine=args.engine,
        scheduler=args.scheduler,
    )
    bar = ProgressBar("sweep")
    try:
        result = run_sweep(scenario, args.vary, options, progress=bar)
        if args.out:

            def write() -> None:
                write_sweep_results(result, source=args.workbook, out=args.out)

            write_checked(args.out, write)
    except (Cancelled, KeyboardInterrupt):
        bar.close()
        raise KeyboardInterrupt from None  # main reports it: exit 130, nothing written
    except (DesignError, SweepEngineError) as e:
        bar.close()
        return fail(EXIT_USAGE, str(e), as_json=args.json)
    except IntplanError as e:
        bar.close()
        return fail(exit_code_for(e), str(e), as_json=args.json)
    if args.json:
        emit_json({"ok": True, "written": args.out} | result.to_json())
    else:
        _print_summary(result)
        if args.out:
            err(f"wrote {args.out}")
    return EXIT_OK


def _f(x: float, scale: float = 1.0) -> str:
    return "-" if not math.isfinite(x) else f"{x * scale:.2f}"


def _print_summary(r: SweepResult) -> None:
    run = r.run
    where = f" on {run.scheduler}" if run.scheduler else ""
    print(
        f"{r.scenario_name}: {r.design} sweep, {len(r.variants)} variants x {r.replications} "
        f"replications x {r.weeks} weeks, seed {r.seed}; engine {run.engine}{where}, "
        f"{run.workers} worker(s), {run.wall_seconds:.1f} s"
    )
    print(f"\n{'variant':<44} {'wait min':>10} {'within %':>9} {'util %':>7} {'esc':>7}")
    for x, e in zip(r.variants, r.estimates, strict=True):
        print(
            f"{x.label[:44]:<44} {_f(e['wait'].mean):>10} {_f(e['within_target'].mean, 100):>9} "
            f"{_f(e['utilisation'].mean, 100):>7} {_f(e['escalations'].mean):>7}"
        )
    bars = r.tornado("wait")
    if bars:
        print("\nTornado, mean wait (minutes), change from baseline at low / high:")
        for b in bars:
            print(f"  {b.parameter:<30} {_f(b.at_low):>9} {_f(b.at_high):>9}  swing {_f(b.swing)}")
