"""``intplan calibrate WORKBOOK``: does the baseline reproduce what the NHS observes?"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intplan.cli._common import (
    add_run_arguments,
    err,
    int_between,
    run_and_report,
    run_arguments,
    write_checked,
)
from intplan.cli._load import LoadFailedError, load_or_report
from intplan.services.calibrate import CalibrationTable, calibration_table, load_targets
from intplan.services.calibrate_fit import (
    FitResult,
    calibration_tables,
    fit,
)
from intplan.services.progress import Progress
from intplan.services.simulate import SimulationOptions


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "calibrate",
        help="compare the simulated baseline with national benchmarks or observed data",
        description="Simulate the baseline and compare it, measure by measure, with the "
        "national benchmarks (resources/national_benchmarks.csv) or your own observed "
        "figures (--observed: an Appointments in General Practice practice-level extract, "
        "or a simple activity count CSV; docs/calibration.md). Nothing is written unless "
        "--out is given; the input workbook changes only if --out names it.",
    )
    p.add_argument("workbook", help="scenario workbook (.xlsx)")
    p.add_argument(
        "--observed",
        metavar="FILE",
        help="observed figures (CSV) instead of the national benchmarks",
    )
    p.add_argument(
        "--fit",
        action="store_true",
        help="adjust demand scales (to observed volumes) and the productive fractions "
        "of the roles doing GP-practice work (to observed booking-category shares); "
        "scipy, bounded; docs/calibration.md",
    )
    p.add_argument(
        "--fit-evaluations",
        type=int_between(2, 200),
        default=None,
        metavar="N",
        help="most simulations --fit may run, 2-200 (default: 4 x (parameters + 1), at least 12)",
    )
    add_run_arguments(p)
    p.add_argument(
        "--out",
        metavar="OUT.xlsx",
        help="write a workbook with a Calibration sheet: the input's scenario (with --fit, "
        "the fitted scenario) plus the table; may name WORKBOOK to replace it",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=run)


@dataclass(frozen=True, slots=True)
class _Outcome:
    table: CalibrationTable
    fitted: FitResult | None


def run(args: argparse.Namespace) -> int:
    try:
        scenario = load_or_report(args.workbook, as_json=args.json)
    except LoadFailedError as e:
        return e.code
    options = SimulationOptions(**run_arguments(args))

    def work(progress: Progress) -> _Outcome:
        targets, report = load_targets(scenario, Path(args.observed) if args.observed else None)
        table = calibration_table(scenario, options, targets, report, progress=progress)
        fitted = None
        if args.fit:
            fitted = fit(
                scenario,
                options,
                targets,
                table,
                evaluations=args.fit_evaluations,
                progress=progress,
            )
        if args.out:
            write_checked(args.out, lambda: _write(args, table, fitted))
        return _Outcome(table, fitted)

    return run_and_report(args, "calibrate", work, to_json=_to_json, print_text=_print)


def _write(args: argparse.Namespace, table: CalibrationTable, fitted: FitResult | None) -> None:
    from intplan.io.results import write_results
    from intplan.services.files import save_scenario

    source = args.workbook
    if fitted is not None:
        save_scenario(fitted.scenario, args.out)  # the fitted inputs, in a new workbook
        source = args.out
    write_results(source, args.out, calibration_tables(table, fitted))


def _to_json(o: _Outcome) -> dict[str, Any]:
    out = o.table.to_json()
    if o.fitted is not None:
        out["fit"] = o.fitted.to_json()
    return out


def _num(v: float) -> str:
    if not math.isfinite(v):
        return "-"
    return f"{v:.3f}" if abs(v) < 10 else f"{v:.0f}"


def _print(o: _Outcome) -> None:
    t = o.table
    r = t.result
    print(
        f"{r.scenario_name}: {r.replications} replications x {r.weeks} weeks "
        f"(+{r.warmup_weeks} warm-up), seed {r.seed}"
    )
    if t.observed:
        ob = t.observed
        print(f"observed: {ob.file} ({ob.kind}), {len(ob.matched_areas)} area(s) matched")
        if ob.unknown_areas:
            err(
                f"warning: {ob.unknown_rows} row(s) ({ob.unknown_count:g} counted) for "
                f"{len(ob.unknown_areas)} code(s) not in the scenario, left out: "
                f"{', '.join(ob.unknown_areas[:10])}{' ...' if len(ob.unknown_areas) > 10 else ''}"
            )
        if ob.missing_practices:
            err(
                f"warning: {len(ob.missing_practices)} scenario practice(s) have no rows in "
                f"{ob.file}: {', '.join(ob.missing_practices[:10])}"
            )
    after = {x.measure: x for x in o.fitted.after.rows} if o.fitted else {}
    head = (
        f"\n{'measure':<36} {'simulated':>9} {'observed':>9} {'diff':>8} {'within if':>9}  within"
    )
    print(head + ("   after fit" if o.fitted else ""))
    for x in t.rows:
        within = {True: "yes", False: "NO", None: "-"}[x.within]
        # "+/- t" around the observed value, or ">= v": the floor a standard sets
        floor = x.observed - x.tolerance
        tol = f">={_num(floor)}" if x.comparison == "at_least" else f"+/-{_num(x.tolerance)}"
        line = (
            f"{x.measure:<36} {_num(x.simulated):>9} {_num(x.observed):>9} "
            f"{_num(x.difference):>8} {tol:>9}  {within:<6}"
        )
        if o.fitted:
            a = after[x.measure]
            line += f" {_num(a.simulated):>9} { ({True: 'yes', False: 'NO', None: '-'}[a.within]) }"
        print(line)
        if x.note:
            print(f"    {x.note}")
    verdicts = [x.within for x in t.rows]
    print(
        f"\n{verdicts.count(True)} of {len(verdicts)} measures within tolerance, "
        f"{verdicts.count(False)} outside, {verdicts.count(None)} not compared (see notes)"
    )
    if o.fitted:
        print("\nparameters changed (in the --out workbook only):")
        for p in o.fitted.parameters:
            print(f"  {p.name}: {p.before:g} -> {p.after:.3f}  (bounds {p.lower:g}-{p.upper:g})")
            if p.note:
                print(f"    {p.note}")
