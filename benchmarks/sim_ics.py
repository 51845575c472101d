"""Whole-ICS run: the Kent & Medway example, 52 weeks, N replications on W workers.

    .venv/bin/python benchmarks/sim_ics.py [--replications 30] [--workers 2] [--weeks 52]
    .venv/bin/python benchmarks/sim_ics.py --synthetic 54   # ~35k-population INTs instead

Reports wall time, contacts simulated, throughput and peak memory (max RSS of this
process and of its worker processes, from resource.getrusage).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sim_common import ics

from intplan.domain import Scenario
from intplan.services.simulate import SimulationOptions, run_simulation


def scenario(synthetic: int) -> Scenario:
    if synthetic:
        return ics(synthetic)
    from intplan.examples import build_kent_medway

    return build_kent_medway()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--replications", type=int, default=30)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--synthetic", type=int, default=0, metavar="N_INTS")
    args = ap.parse_args()
    s = scenario(args.synthetic)
    t0 = time.perf_counter()
    r = run_simulation(
        s,
        SimulationOptions(replications=args.replications, weeks=args.weeks, workers=args.workers),
    )
    wall = time.perf_counter() - t0
    contacts = sum(a.served_per_week.mean for a in r.activities) * r.weeks * r.replications
    me = resource.getrusage(resource.RUSAGE_SELF)
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    own, kids = me.ru_maxrss / 1024, ch.ru_maxrss / 1024
    cpu = me.ru_utime + me.ru_stime + ch.ru_utime + ch.ru_stime
    print(
        f"{s.name}: {len(r.ints)} INTs, population {s.population:,}, {r.replications} reps x "
        f"{r.weeks} weeks (+{r.warmup_weeks} warm-up), {args.workers} workers"
    )
    print(
        f"wall {wall:.1f} s, CPU {cpu:.1f} s (all processes); {contacts:,.0f} measured contacts "
        f"({contacts / wall:,.0f}/s wall, {contacts / cpu:,.0f}/CPU-s); "
        f"peak RSS parent {own:,.0f} MB, largest worker {kids:,.0f} MB"
    )
    print(
        f"ICS mean wait {r.kpi_estimate.mean:.0f} min "
        f"(95% CI {r.kpi_estimate.low:.0f}-{r.kpi_estimate.high:.0f})"
    )


if __name__ == "__main__":
    main()
