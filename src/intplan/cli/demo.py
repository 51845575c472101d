"""`intplan demo [--out DIR]`: the whole pipeline headless on a bundled example."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from intplan.cli._common import EXIT_INPUT, EXIT_OK, ProgressBar, emit_json, err
from intplan.domain.errors import IntplanError
from intplan.services.progress import Cancelled


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "demo",
        help="run the whole pipeline headless on the bundled Kent & Medway example",
        description="Writes the example workbook, then demand vs capacity, a simulation "
        "(few replications: a quick look), an optimised skill-mix and cover plan, and a PCN "
        "split comparison for the PCN with most practices, each as a workbook in DIR.",
    )
    p.add_argument("--out", default="intplan-demo", metavar="DIR", help="output folder")
    p.add_argument(
        "--template", default="kent-medway", choices=("kent-medway", "dorset-bcp", "tiny")
    )
    p.add_argument("--replications", type=int, default=3, metavar="N")
    p.add_argument("--weeks", type=int, default=8, metavar="W")
    p.add_argument("--workers", type=int, default=2, metavar="N")
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
    except Cancelled:
        bar.close()
        err("Cancelled.")
        return 130
    except IntplanError as e:
        bar.close()
        err(f"error: {e}")
        return EXIT_INPUT
    if args.json:
        emit_json(
            {
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
            f"  {r.int_code:<12} mean wait {w.mean / 60:7.1f} h "
            f"(95% CI {w.low / 60:.1f}-{w.high / 60:.1f} h)"
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
