"""``intplan simulate WORKBOOK``: waits, utilisation and KPIs with confidence intervals."""

from __future__ import annotations

import argparse
import math
from typing import Any

from intplan.cli._common import (
    EXIT_OK,
    REPLICATIONS,
    ProgressBar,
    add_run_arguments,
    emit_json,
    err,
    exit_code_for,
    fail,
    float_between,
    run_arguments,
    write_checked,
)
from intplan.cli._load import LoadFailedError, load_or_report
from intplan.domain.errors import IntplanError
from intplan.domain.units import MINUTES_PER_HOUR
from intplan.services.progress import Cancelled
from intplan.services.simulate import (
    KPIS,
    SimulationOptions,
    SimulationResult,
    run_simulation,
    write_simulation_results,
)


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "simulate",
        help="simulate demand against capacity per INT (waits, utilisation, CIs)",
        description="Discrete-event simulation of every INT (or those given with --int): "
        "requests arrive by hour, day and season and wait for an eligible member of staff on "
        "shift. Results are means with 95% confidence intervals across replications, "
        "written as result sheets (with charts) into OUT or the input workbook; inputs are "
        "never changed. Settings in the workbook give the defaults.",
    )
    p.add_argument("workbook", help="scenario workbook (.xlsx)")
    add_run_arguments(p)
    p.add_argument(
        "--int",
        dest="ints",
        action="append",
        default=[],
        metavar="ID",
        help="simulate only this INT (repeatable)",
    )
    p.add_argument(
        "--cover",
        action="store_true",
        help="idle staff of adjacent INTs take waiting requests, adding travel (off by "
        "default: in this engine cover spreads one INT's backlog across its neighbours)",
    )
    p.add_argument(
        "--target-halfwidth",
        type=float_between(0, 1, low_open=True, high_open=True),
        metavar="X",
        help="add replications until the KPI's 95%% CI half-width is within X "
        "(relative, e.g. 0.05)",
    )
    p.add_argument(
        "--kpi",
        choices=KPIS,
        default="wait_mean",
        help="KPI watched by --target-halfwidth (default wait_mean)",
    )
    p.add_argument(
        "--max-replications",
        type=REPLICATIONS,
        default=200,
        metavar="N",
        help="stop adding replications here, 1-10,000 (default 200)",
    )
    p.add_argument(
        "--engine",
        choices=("kernel", "reference"),
        default="kernel",
        help="event engine: the compiled kernel (default) or the plain SimPy reference "
        "model of the same rules, about 100x slower, for audits (docs/model.md)",
    )
    p.add_argument(
        "--out", metavar="OUT.xlsx", help="write result sheets here (default: into WORKBOOK)"
    )
    p.add_argument("--no-write", action="store_true", help="do not write any workbook")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        scenario = load_or_report(args.workbook, as_json=args.json)
    except LoadFailedError as e:
        return e.code
    options = SimulationOptions(
        **run_arguments(args),
        ints=tuple(args.ints),
        cover=args.cover,
        target_halfwidth=args.target_halfwidth,
        kpi=args.kpi,
        max_replications=args.max_replications,
        engine=args.engine,
    )
    bar = ProgressBar("simulate")
    try:
        result = run_simulation(scenario, options, progress=bar)
        written = None
        if not args.no_write:
            target = args.out or args.workbook

            def write() -> None:
                write_simulation_results(result, source=args.workbook, out=target)

            write_checked(target, write)
            written = target
    except (Cancelled, KeyboardInterrupt):
        bar.close()
        raise KeyboardInterrupt from None  # main reports it: exit 130, nothing written
    except IntplanError as e:
        bar.close()
        return fail(exit_code_for(e), str(e), as_json=args.json)
    for text in result.issues:
        err(f"warning: {text}")
    if args.json:
        emit_json({"ok": True, "written": written} | result.to_json())
    else:
        _print_summary(result, written)
    return EXIT_OK


def _fmt(mean: float, low: float, high: float, scale: float = 1.0, digits: int = 1) -> str:
    if not math.isfinite(mean):
        return "-"
    if not (math.isfinite(low) and math.isfinite(high)):
        return f"{mean * scale:.{digits}f}"
    return f"{mean * scale:.{digits}f} ({low * scale:.{digits}f}-{high * scale:.{digits}f})"


def _print_summary(r: SimulationResult, written: str | None) -> None:
    print(
        f"{r.scenario_name}: {r.replications} replications x {r.weeks} weeks "
        f"(+{r.warmup_weeks} warm-up), seed {r.seed}; means with 95% CI"
    )
    print(f"warm-up: {r.warmup_rule}")
    print(f"\n{'INT':<10} {'activity':<8} {'wait h':>22} {'within target':>22} {'esc/wk':>7}")
    for a in r.activities:
        w, t = a.wait_mean_minutes, a.within_target_share
        print(
            f"{a.int_code:<10} {a.activity:<8} {_fmt(w.mean, w.low, w.high, 1 / MINUTES_PER_HOUR):>22} "
            f"{_fmt(t.mean, t.low, t.high, 100, 0) + '%':>22} {a.escalations_per_week.mean:7.1f}"
        )
    growing: dict[str, list[str]] = {}
    for a in r.activities:
        if a.backlog_growing:
            growing.setdefault(a.int_code, []).append(a.activity)
    print(f"\n{'INT':<10} {'utilisation %':>22}  backlog growing")
    for i in r.ints:
        u = i.utilisation
        print(
            f"{i.int_code:<10} {_fmt(u.mean, u.low, u.high, 100, 0):>22}  "
            f"{', '.join(growing.get(i.int_code, [])) or '-'}"
        )
    print(f"\n{'INT':<10} {'role':<6} {'FTE':>6} {'utilisation %':>22} {'overtime h/wk':>14}")
    for x in r.roles:
        u = x.utilisation
        print(
            f"{x.int_code:<10} {x.role:<6} {x.fte:6.1f} {_fmt(u.mean, u.low, u.high, 100, 0):>22} "
            f"{x.overtime_hours_per_week.mean:14.1f}"
        )
    if written:
        print(f"\nResults written to {written}")
