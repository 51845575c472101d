"""Speed of the reference model (plain SimPy, sim/reference.py) against the kernel on one
INT-year (the same synthetic INT as sim_throughput.py: ~107k contacts, 4 roles), same
CompiledModel and seeds. CPU seconds of this process (time.process_time).

    .venv/bin/python benchmarks/sim_reference.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sim_common import one_int_year

from intplan.sim.engines import run_replication_with
from intplan.sim.model import compile_scenario
from intplan.sim.replications import replication_seeds


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    scenario = one_int_year()
    model = compile_scenario(scenario, weeks=52, warmup_weeks=0, cover=False)
    seeds = replication_seeds(1, 0, args.runs)
    run_replication_with("kernel", model, seeds[0], 1)  # compile or load the kernel first
    rate: dict[str, list[float]] = {"kernel": [], "reference": []}
    for k, ss in enumerate(seeds):
        line = [f"run {k + 1}:"]
        for engine in rate:
            t = time.process_time()
            r = run_replication_with(engine, model, ss, 1)
            dt = time.process_time() - t
            n = float(r.contacts.sum())
            rate[engine].append(n / dt)
            wait = r.wait_sum_minutes.sum() / r.served.sum()
            line.append(f"{engine} {n:,.0f} contacts in {dt:.2f} s, mean wait {wait:.0f} min;")
        print(" ".join(line))
    k, ref = statistics.median(rate["kernel"]), statistics.median(rate["reference"])
    print(
        f"median: kernel {k:,.0f} contacts/s; reference {ref:,.0f}/s; kernel {k / ref:.0f}x faster"
    )


if __name__ == "__main__":
    main()
