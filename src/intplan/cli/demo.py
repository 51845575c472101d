"""`intplan demo [--out DIR]`: the whole pipeline headless on a bundled example."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from intplan.cli._common import (
    EXIT_OK,
    EXIT_USAGE,
    MAX_WORKERS,
    REPLICATIONS,
    WEEKS,
    ProgressBar,
    emit_json,
    exit_code_for,
    fail,
    int_between,
)
from intplan.cli._interrupt import stop_if_interrupted
from intplan.domain.errors import IntplanError
from intplan.domain.units import MINUTES_PER_HOUR
from intplan.services.progress import Cancelled


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "demo",
        help="run the whole pipeline headless on the bundled Kent & Medway example",
        description="Writes the example workbook, then demand vs capacity, a simulation "
        "(few replications: a quick look), an optimised skill-mix and cover plan, and a PCN "
        "split comparison for the PCN with most practices, each as a workbook in DIR. "
        "Ctrl+C stops it; workbooks finished before then stay in DIR.",
    )
    p.add_argument("--out", default="intplan-demo", metavar="DIR", help="output folder")
    p.add_argument(
        "--template", default="kent-medway", choices=("kent-medway", "dorset-bcp", "tiny")
    )
    p.add_argument("--replications", type=REPLICATIONS, default=3, metavar="N", help="1-10,000 (3)")
    p.add_argument("--weeks", type=WEEKS, default=8, metavar="W", help="1-520 (8)")
    p.add_argument(
        "--workers", type=int_between(1, MAX_WORKERS), default=2, metavar="N", help="(2)"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from intplan.services.demo import DemoOptions, run_demo  # heavy: numpy, simpy, pulp

    bar = ProgressBar("demo")
    try:
        result = run_demo(
            Path(args.out),
            DemoOptions(
                template=args.template,
                replications=args.replications,
                weeks=args.weeks,
                workers=args.workers,
            ),
            progress=bar,
        )
    except (Cancelled, KeyboardInterrupt):
        bar.close()
        raise KeyboardInterrupt from None  # main reports it: exit 130
    except IntplanError as e:
        bar.close()
        return fail(exit_code_for(e), str(e), as_json=args.json)
    except OSError as e:  # DIR is a file, or cannot be created
        bar.close()
        return fail(EXIT_USAGE, f"{args.out}: {e.strerror or e}", as_json=args.json)
    stop_if_interrupted()
    if args.json:
        emit_json(
            {
                "ok": True,
                "scenario": result.scenario.name,
                "files": {k: str(v) for k, v in result.files.items()},
                "simulation": result.simulation.to_json(),
                "optimisation": result.optimisation.to_json(),
                "splits": result.splits.to_json(),
            }
        )
        return EXIT_OK
    s = result.scenario
    sim = result.simulation
    print(f"{s.name}: {len(s.ints)} INTs, {len(s.staff):,} staff, population {s.population:,}")
    print()
    print(f"Simulation ({sim.replications} replications x {sim.weeks} weeks, seed {sim.seed}):")
    worst = sorted(sim.ints, key=lambda r: -r.wait_mean_minutes.mean)[:5]
    for r in worst:
        w = r.wait_mean_minutes
        print(
            f"  {r.int_code:<12} mean wait {w.mean / MINUTES_PER_HOUR:7.1f} h "
            f"(95% CI {w.low / MINUTES_PER_HOUR:.1f}-{w.high / MINUTES_PER_HOUR:.1f} h)"
        )
    opt = result.optimisation.to_json()
    print()
    print(
        f"Optimiser: {opt.get('status')} with {opt.get('solver')}, "
        f"objective £{float(opt.get('objective') or 0):,.0f} a year"
    )
    for line in list(opt.get("explanations") or [])[:5]:
        print(f"  - {line}")
    sp = result.splits
    print()
    print(f"PCN {sp.pcn}: {len(sp.options)} split option(s); best first:")
    for o in sp.options[:3]:
        print(
            f"  #{o.rank} {o.option.label}  score {o.score:.3f}{'  (Pareto)' if o.pareto else ''}"
        )
    print()
    for k, v in result.files.items():
        print(f"{k:>10}: {v}")
    return EXIT_OK
