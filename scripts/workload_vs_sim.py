"""Check the one workload model against the simulator: on-duty hours, workload and
utilisation per INT (and role), from a short run without cover.

    PYTHONPATH=src .venv/bin/python scripts/workload_vs_sim.py tiny --scale 0.7 --no-referrals
    PYTHONPATH=src .venv/bin/python scripts/workload_vs_sim.py dorset-bcp --scale 0.75 \\
        --no-referrals --weeks 20 --ints 6 --roles

``--scale`` multiplies every demand rate (to reach a stable load); ``--no-referrals``
drops referrals, so the check does not depend on how the engine draws them. The
simulator's busy time counts only the part of a contact inside the shift, and a short
run has not reached steady state for long episodes (social prescribing's follow-ups are
three weeks apart), so those activities read low in the simulation.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import numpy as np

from intplan.demand.workload import workload_model
from intplan.io.workbook import read_scenario
from intplan.sim.engine import run_replication
from intplan.sim.model import compile_scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("example", help="tiny, dorset-bcp or kent-medway")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--no-referrals", action="store_true")
    ap.add_argument("--weeks", type=int, default=26)
    ap.add_argument("--warmup", type=int, default=8)
    ap.add_argument("--ints", type=int, default=6, help="first N INTs")
    ap.add_argument("--replications", type=int, default=2)
    ap.add_argument("--roles", action="store_true", help="print every role pool too")
    args = ap.parse_args()
    s = read_scenario(SCENARIOS / f"{args.example}.xlsx")
    if args.no_referrals:
        s = dataclasses.replace(s, referrals=())
    s = dataclasses.replace(
        s,
        demand_rates=tuple(
            dataclasses.replace(r, per_1000_per_week=r.per_1000_per_week * args.scale)
            for r in s.demand_rates
        ),
    )
    ints = tuple(i.code for i in s.ints)[: args.ints]
    m = compile_scenario(s, weeks=args.weeks, warmup_weeks=args.warmup, int_codes=ints, cover=False)
    expected = {w.int_code: w for w in workload_model(s, weeks=args.weeks, int_codes=ints)}
    seeds = np.random.SeedSequence(s.settings.seed).spawn(args.replications)
    runs = [run_replication(m, seed, len(s.ints)) for seed in seeds]
    per_week = 60.0 * args.weeks * len(runs)
    busy = sum(r.busy_minutes for r in runs) / per_week
    avail = sum(r.available_minutes for r in runs) / per_week
    col = {r: k for k, r in enumerate(m.role_codes)}
    for i, code in enumerate(ints):
        w = expected[code]
        pools = [p for p in w.pools if p.serves_patients]
        sim_busy = sum(busy[i, col[p.role]] for p in pools)
        sim_avail = sum(avail[i, col[p.role]] for p in pools)
        print(
            f"{code}: utilisation expected {w.utilisation_expected:.3f} simulated "
            f"{sim_busy / sim_avail:.3f} (stable: {w.stable}); on duty {w.capacity_hours_per_week:.0f} "
            f"vs {sim_avail:.0f} h; workload {w.workload_hours_per_week:.0f} vs {sim_busy:.0f} h"
        )
        if args.roles:
            for p in pools:
                k = col[p.role]
                print(
                    f"   {p.role:5} on duty {p.on_duty_hours_per_week:7.1f} vs {avail[i, k]:7.1f}"
                    f"  workload {p.workload_hours_per_week:7.1f} vs {busy[i, k]:7.1f}"
                )


if __name__ == "__main__":
    main()
