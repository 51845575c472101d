"""``intplan optimise WORKBOOK``: recommend a skill mix and cross-cover plan, explained."""

from __future__ import annotations

import argparse
from typing import Any

from intplan.cli._common import (
    EXIT_INFEASIBLE,
    EXIT_INPUT,
    EXIT_OK,
    EXIT_USAGE,
    MAX_REPLICATIONS,
    ProgressBar,
    emit_json,
    err,
    exit_code_for,
    fail,
    float_between,
    int_between,
    write_checked,
)
from intplan.cli._load import LoadFailedError, load_or_report
from intplan.domain.errors import IntplanError
from intplan.optimise import OPTION_SOURCES, OptimiseOptions, SolverName, SolveStatus
from intplan.services.optimise import OptimiseResult, run_optimise, write_plan

_DEFAULTS = OptimiseOptions()


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "optimise",
        help="recommend a skill mix and cover plan (LP/MILP) and explain it",
        description="Recommend FTE by role in each INT (moves, new posts, vacancies to fill "
        "or drop) and cover between adjacent INTs, at least cost plus penalties for unmet "
        "demand; explain the binding constraints. Exit 0 with a plan, 3 when no plan meets "
        "every requirement (the conflict and the smallest relaxations are printed), 1 when "
        "the inputs have problems or no plan was found in the time limit, 2 on usage errors "
        "or a file that cannot be read or written. Writes only with --out.",
    )
    p.add_argument("workbook", help="scenario workbook (.xlsx)")
    p.add_argument(
        "--solver",
        choices=[s.value for s in SolverName],
        default=_DEFAULTS.solver.value,
        help="highs (default, via highspy) or cbc (bundled with PuLP)",
    )
    p.add_argument("--integer", action="store_true", help="posts in 0.1-FTE steps (MILP)")
    p.add_argument(
        "--lexicographic",
        action="store_true",
        help="minimise unmet demand first, then cost (default: one weighted objective)",
    )
    p.add_argument(
        "--time-limit",
        type=float_between(0, 86_400, low_open=True),
        default=_DEFAULTS.time_limit_seconds,
        metavar="S",
        help=f"solver time limit in seconds, at most 86,400 "
        f"(default {_DEFAULTS.time_limit_seconds:g})",
    )
    p.add_argument(
        "--gap",
        type=float_between(0, 1),
        default=_DEFAULTS.gap,
        metavar="G",
        help=f"relative MIP gap (default {_DEFAULTS.gap:g})",
    )
    p.add_argument(
        "--min-core-fte",
        type=float,
        default=_DEFAULTS.min_core_fte,
        metavar="FTE",
        help=f"minimum FTE of each core role in every INT; 0 = off "
        f"(default {_DEFAULTS.min_core_fte:g}; {OPTION_SOURCES['min_core_fte']})",
    )
    p.add_argument(
        "--recruit-share",
        type=float,
        default=_DEFAULTS.recruit_share,
        metavar="X",
        help=f"recruitable share of a role's establishment beyond vacancies "
        f"(default {_DEFAULTS.recruit_share:g})",
    )
    p.add_argument(
        "--scarce-recruit-share",
        type=float,
        default=_DEFAULTS.scarce_recruit_share,
        metavar="X",
        help=f"the same for scarce roles (default {_DEFAULTS.scarce_recruit_share:g})",
    )
    p.add_argument(
        "--scarce-roles",
        default=",".join(_DEFAULTS.scarce_roles),
        metavar="R1,R2",
        help=f"comma-separated scarce role codes (default {','.join(_DEFAULTS.scarce_roles)})",
    )
    p.add_argument(
        "--recruit-limit",
        action="append",
        default=[],
        metavar="ROLE=FTE",
        help="FTE of ROLE that can be recruited ICS-wide (repeatable; overrides the shares)",
    )
    p.add_argument(
        "--max-fte",
        action="append",
        default=[],
        metavar="ROLE=FTE",
        help="most FTE of ROLE in the ICS after the plan (repeatable)",
    )
    p.add_argument(
        "--move-penalty",
        type=float,
        default=_DEFAULTS.move_penalty_gbp_per_fte,
        metavar="GBP",
        help=f"penalty per FTE moved between INTs (default {_DEFAULTS.move_penalty_gbp_per_fte:g})",
    )
    p.add_argument(
        "--verify-replications",
        type=int_between(0, MAX_REPLICATIONS),
        default=0,
        metavar="N",
        help="simulate before and after the plan with N replications (0-10,000; default 0: "
        "no simulation) and compare waits",
    )
    p.add_argument(
        "--out",
        metavar="OUT.xlsx",
        help="write WORKBOOK (inputs untouched) with the plan sheets here (default: write nothing)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=run)


class UsageValueError(ValueError):
    """An option value that cannot be parsed (a usage error: exit 2)."""


def _pairs(values: list[str], flag: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in values:
        role, sep, number = item.partition("=")
        try:
            if not sep or not role.strip():
                raise ValueError
            out[role.strip()] = float(number)
        except ValueError:
            raise UsageValueError(f"{flag} {item!r}: expected ROLE=FTE, e.g. {flag} GP=5") from None
    return out


def options_from_args(args: argparse.Namespace) -> OptimiseOptions:
    return OptimiseOptions(
        solver=SolverName(args.solver),
        integer=args.integer,
        lexicographic=args.lexicographic,
        time_limit_seconds=args.time_limit,
        gap=args.gap,
        min_core_fte=args.min_core_fte,
        recruit_share=args.recruit_share,
        scarce_recruit_share=args.scarce_recruit_share,
        scarce_roles=tuple(r.strip() for r in args.scarce_roles.split(",") if r.strip()),
        recruit_limit_fte=_pairs(args.recruit_limit, "--recruit-limit"),
        max_fte=_pairs(args.max_fte, "--max-fte"),
        move_penalty_gbp_per_fte=args.move_penalty,
    )


def run(args: argparse.Namespace) -> int:
    try:
        options = options_from_args(args)
    except UsageValueError as e:
        return fail(EXIT_USAGE, str(e), as_json=args.json)
    except IntplanError as e:
        return _input_error(e, as_json=args.json)
    try:
        scenario = load_or_report(args.workbook, as_json=args.json)
    except LoadFailedError as e:
        return e.code
    bar = ProgressBar("optimise")
    try:
        outcome = run_optimise(
            scenario, options, verify_replications=args.verify_replications, progress=bar
        )
        if args.out and outcome.feasible:
            out = args.out

            def write() -> None:
                write_plan(outcome, source=args.workbook, out=out)

            write_checked(out, write)
    except IntplanError as e:
        bar.close()
        return _input_error(e, as_json=args.json)
    if args.json:
        emit_json({"ok": outcome.result.status.has_solution} | outcome.to_json())
    else:
        _print_summary(outcome)
    status = outcome.result.status
    if status is SolveStatus.INFEASIBLE:
        err("No feasible plan:")
        for line in outcome.result.explanations:
            err(f"  - {line}")
        return EXIT_INFEASIBLE
    if not status.has_solution:
        for line in outcome.result.explanations:
            err(f"error: {line}")
        return EXIT_INPUT
    return EXIT_OK


def _input_error(e: IntplanError, *, as_json: bool) -> int:
    return fail(exit_code_for(e), str(e), as_json=as_json, status="input_error")


def _print_summary(outcome: OptimiseResult) -> None:
    r = outcome.result
    objective = "-" if r.objective is None else f"£{r.objective:,.0f} a year"
    print(
        f"{outcome.scenario_name}: {r.status.value} ({r.solver}, "
        f"{r.build_seconds + r.solve_seconds:.2f} s); objective {objective}"
    )
    if not r.feasible:
        return
    for line in r.explanations:
        print(f"  - {line}")
    changed = [p for p in r.plan if abs(p.recommended_fte - p.current_fte) > 0.005]
    if changed:
        print("\nINT          role    current  recommended  (FTE)")
        for p in changed:
            print(f"{p.int_code:<12} {p.role:<7} {p.current_fte:7.2f}  {p.recommended_fte:11.2f}")
    if r.cover:
        print("\nfrom         to           role    hours/week")
        for c in r.cover:
            print(f"{c.from_int:<12} {c.to_int:<12} {c.role:<7} {c.hours_per_week:10.1f}")
    if outcome.verification_note:
        print(f"\nverification: {outcome.verification_note}")
    _print_activity_verification(outcome)


def _print_activity_verification(outcome: OptimiseResult, *, shown: int = 10) -> None:
    """Per INT × activity share seen within target: the count, then the worst pairs."""
    v = outcome.verification
    if v is None or not v.activities:
        return
    met, pairs = v.meeting_target
    print(
        f"\nseen within target (target {v.target_share:.0%}): {met} of {pairs} "
        "INT × activity pairs after the plan"
    )
    missing = sorted((a for a in v.activities if not a.meets_target), key=lambda a: a.after or 0)
    if not missing:
        return
    print("INT          activity  before   after  why")
    for a in missing[:shown]:
        before = "-" if a.before is None else f"{a.before:6.1%}"
        after = "-" if a.after is None else f"{a.after:6.1%}"
        print(f"{a.int_code:<12} {a.activity:<8} {before:>7} {after:>7}  {a.reason or ''}")
    if len(missing) > shown:
        print(f"... and {len(missing) - shown} more (all in --json and the PlanVerify sheet)")
