"""`intplan info WORKBOOK`: population, staff and demand vs capacity per INT."""

from __future__ import annotations

import argparse
from typing import Any

from intplan.cli._common import EXIT_INPUT, EXIT_OK, emit_json, fail
from intplan.cli._load import LoadFailedError, load_or_report
from intplan.domain import Scenario
from intplan.services.capacity import CapacityTable, capacity_table


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "info",
        help="per INT: population, staff by role and employer, weekly demand vs capacity hours",
        description="A first, deterministic answer: per INT, weekly demand hours by activity "
        "(rates x population) against capacity hours by role (assigned FTE x productive "
        "hours, less MDT time). No queueing: use `intplan simulate` for waits.",
    )
    p.add_argument("workbook", help="scenario workbook (.xlsx)")
    p.add_argument(
        "--int", dest="ints", action="append", metavar="ID", help="only this INT (repeatable)"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        s = load_or_report(args.workbook, as_json=args.json)
    except LoadFailedError as e:
        return e.code
    table = capacity_table(s)
    if args.ints:
        wanted = set(args.ints)
        known = [i.int_code for i in table.ints]
        unknown = sorted(wanted - set(known))
        if unknown:
            return fail(
                EXIT_INPUT,
                f"unknown INT(s): {', '.join(unknown)}; known: {', '.join(known)}",
                as_json=args.json,
            )
        table = CapacityTable(
            scenario_name=table.scenario_name,
            ints=tuple(i for i in table.ints if i.int_code in wanted),
        )
    if args.json:
        emit_json(_json(s, table))
    else:
        print(_text(s, table))
    return EXIT_OK


def _json(s: Scenario, table: CapacityTable) -> dict[str, Any]:
    return {
        "ok": True,
        "scenario": s.name,
        "notes": s.notes,
        "counts": {
            "hcps": len(s.hcps),
            "pcns": len(s.pcns),
            "practices": len(s.practices),
            "ints": len(s.ints),
            "staff": len(s.staff),
        },
        "population": s.population,
        "ints": table.to_json(),
    }


def _text(s: Scenario, table: CapacityTable) -> str:
    lines = [
        f"{s.name}: {len(s.hcps)} HCPs, {len(s.pcns)} PCNs, {len(s.practices)} practices, "
        f"{len(s.ints)} INTs, {len(s.staff):,} staff, population {s.population:,}",
    ]
    if s.notes:
        lines.append(s.notes)
    lines += [
        "",
        f"{'INT':<12} {'population':>10} {'staff':>6} {'FTE':>7} "
        f"{'demand h/wk':>12} {'capacity h/wk':>14} {'balance':>9}  short roles",
    ]
    for i in table.ints:
        short = [
            f"{r.role} {r.balance_hours_per_week:+.0f}h"
            for r in sorted(i.roles, key=lambda r: r.balance_hours_per_week)
            if r.balance_hours_per_week < 0
        ][:3]
        lines.append(
            f"{i.int_code:<12} {i.population:>10,} {i.headcount:>6} {i.fte:>7.1f} "
            f"{i.demand_hours_per_week:>12,.0f} {i.capacity_hours_per_week:>14,.0f} "
            f"{i.capacity_hours_per_week - i.demand_hours_per_week:>+9,.0f}  {', '.join(short)}"
        )
    lines.append("")
    lines.append(
        "demand h/wk: contacts a week x the preferred role's minutes. capacity h/wk: assigned\n"
        "FTE of roles that can serve the modelled activities x productive hours (after leave,\n"
        "sickness, training) less MDT/huddle time. Short roles: preferred-role demand above\n"
        "that role's capacity (substitutes may absorb it; `intplan simulate` shows the waits)."
    )
    return "\n".join(lines)
