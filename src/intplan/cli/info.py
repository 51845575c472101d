"""`intplan info WORKBOOK`: population, staff and demand vs capacity per INT."""

from __future__ import annotations

import argparse
import math
from typing import Any

from intplan.cli._common import EXIT_INPUT, EXIT_OK, emit_json, fail
from intplan.cli._load import LoadFailedError, load_or_report
from intplan.domain import Scenario
from intplan.services.capacity import CapacityTable, capacity_table


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "info",
        help="per INT: population, staff, expected weekly workload vs on-duty hours",
        description="A first, deterministic answer with the simulator's rules: per INT, the "
        "expected weekly workload (contacts with follow-ups, referrals, re-presentations and "
        "seasonality, by the role that serves them, plus home-visit travel) against on-duty "
        "hours (rotas less meetings and absence). No waits: use `intplan simulate` for those.",
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


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%" if math.isfinite(x) else "inf"


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
        f"{'workload h/wk':>13} {'on-duty h/wk':>12} {'util':>5} {'stable':>6}  busiest roles",
    ]
    for i in table.ints:
        busiest = [
            f"{r.role} {_pct(r.utilisation)}{'' if r.keeps_up else '!'}"
            for r in sorted(i.roles, key=lambda r: -r.utilisation)
            if r.serves_demand and (r.utilisation >= 0.85 or not r.keeps_up)
        ][:3]
        lines.append(
            f"{i.int_code:<12} {i.population:>10,} {i.headcount:>6} {i.fte:>7.1f} "
            f"{i.workload_hours_per_week:>13,.0f} {i.capacity_hours_per_week:>12,.0f} "
            f"{_pct(i.utilisation_expected):>5} {'yes' if i.stable else 'NO':>6}  "
            f"{', '.join(busiest)}"
        )
    lines.append("")
    lines.append(
        "workload h/wk: expected contacts a week (mean over the horizon, with follow-ups,\n"
        "referrals, re-presentations and, with did-not-attend on, missed contacts and\n"
        "bookings again) x the minutes of the role that serves them, plus home-visit\n"
        "travel. on-duty h/wk: rostered clinical time of the patient-serving roles (within\n"
        "rota hours, less meetings and absence). util: workload / on-duty. stable: every\n"
        "role's workload within its on-duty hours plus the overtime the simulator allows past\n"
        "shift ends (Settings overtime_limit_hours_per_day), so a role may show a little over\n"
        "100%, and every activity with demand has someone eligible; a role marked ! does not\n"
        "keep up. Busiest roles: 85% or more. docs/model.md, 'One workload model';\n"
        "`intplan simulate` for waits."
    )
    return "\n".join(lines)
