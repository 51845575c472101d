"""A 12-parameter one-at-a-time sweep on a Dask LocalCluster of 2 workers vs 1.

Issue 16's measure: Kent & Medway, 5 replications x 26 weeks, 12 parameters at LOW and
HIGH (25 variants, 125 tasks). Reports wall time per cluster size and the speed-up, the
Dask overhead per task (measured two ways: no-op tasks through the same cluster, and the
sweep's wall x workers minus the tasks' own compute time), and each worker's peak
memory. Cluster start and the workers' first load of the compiled kernel are timed
separately (a warm-up task), not counted in the sweep. Checks that 1 and 2 workers give
identical numbers.

    .venv/bin/python benchmarks/sweep_dask.py [--workbook scenarios/kent-medway.xlsx]
        [--replications 5] [--weeks 26] [--params 12]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

from intplan.services.files import load_scenario
from intplan.services.sweep import SweepOptions, run_sweep
from intplan.services.sweep_dask import dask_client
from intplan.services.sweep_params import parse_vary

ROOT = Path(__file__).resolve().parents[1]
#: valid on both bundled ICS examples (same activity, role and intervention codes)
PARAMETERS = (
    "growth=0:2",
    "demand_scale[SDC]=0.9:1.1",
    "demand_scale[LTC]=0.9:1.1",
    "demand_scale[HV]=0.9:1.1",
    "demand_scale[UCR]=0.9:1.1",
    "demand_scale[MHA]=0.9:1.1",
    "effect[PROACTIVE-SDC]=-10:0",
    "productive[GP]=0.7:0.9",
    "productive[DN]=0.7:0.9",
    "productive[ANP]=0.7:0.9",
    "fte_scale[GP]=0.9:1.1",
    "fte_scale[PN]=0.9:1.1",
)


def _peak_rss_mb() -> float:
    import resource  # POSIX; the benchmark runs on the Linux development box

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _noop(x: int) -> int:
    return x


def _warm(workbook: str) -> float:
    """Load the engine (numba cache) in a worker, as a sweep's first task would."""
    from intplan.examples import build_tiny
    from intplan.sim import RunSpec, Simulation

    t0 = time.perf_counter()
    Simulation(build_tiny(), RunSpec(weeks=1, warmup_weeks=0, workers=1)).replications(0, 1)
    return time.perf_counter() - t0


def measure(workers: int, args: argparse.Namespace) -> dict[str, Any]:
    scenario = load_scenario(Path(args.workbook))
    varies = [parse_vary(p) for p in PARAMETERS[: args.params]]
    t0 = time.perf_counter()
    with dask_client(None, workers) as client:
        started = time.perf_counter() - t0
        warm = client.run(_warm, args.workbook)
        n_noop = 500
        t1 = time.perf_counter()
        client.gather(client.map(_noop, range(n_noop), pure=False))
        noop_ms = (time.perf_counter() - t1) / n_noop * 1000
        options = SweepOptions(replications=args.replications, weeks=args.weeks, seed=args.seed)
        t2 = time.perf_counter()
        result = run_sweep(scenario, varies, options, client=client)
        wall = time.perf_counter() - t2
        peaks = client.run(_peak_rss_mb)
    tasks = len(result.variants) * result.replications
    return {
        "workers": workers,
        "cluster_start_s": round(started, 2),
        "worker_warm_s": [round(v, 2) for v in warm.values()],
        "variants": len(result.variants),
        "tasks": tasks,
        "wall_s": round(wall, 2),
        "task_compute_s": round(result.run.compute_seconds, 2),
        "overhead_per_task_ms": round(
            (wall * workers - result.run.compute_seconds) / tasks * 1000, 1
        ),
        "noop_task_ms": round(noop_ms, 2),
        "peak_rss_mb_per_worker": [round(v) for v in peaks.values()],
        "per_replication": result.per_replication,
        "warmup_weeks": result.warmup_weeks,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--workbook", default=str(ROOT / "scenarios" / "kent-medway.xlsx"))
    p.add_argument("--replications", type=int, default=5)
    p.add_argument("--weeks", type=int, default=26)
    p.add_argument("--params", type=int, default=12, choices=range(1, len(PARAMETERS) + 1))
    p.add_argument("--seed", type=int, default=20240729)
    args = p.parse_args()
    print(f"load average before: {os.getloadavg()}")
    runs = [measure(1, args), measure(2, args)]
    one, two = runs
    same = one.pop("per_replication") == two.pop("per_replication")
    for r in runs:
        print(json.dumps(r))
    print(
        f"{Path(args.workbook).name}: {args.params} parameters OAT, {one['variants']} variants x "
        f"{args.replications} replications x {args.weeks} weeks (+{one['warmup_weeks']} warm-up) "
        f"= {one['tasks']} tasks"
    )
    print(
        f"1 worker {one['wall_s']} s, 2 workers {two['wall_s']} s: speed-up "
        f"{one['wall_s'] / two['wall_s']:.2f}x; identical results: {same}"
    )
    print(
        f"Dask overhead per task: no-op {one['noop_task_ms']} / {two['noop_task_ms']} ms "
        f"(1 / 2 workers); sweep wall x workers - task compute: "
        f"{one['overhead_per_task_ms']} / {two['overhead_per_task_ms']} ms"
    )
    print(
        f"peak RSS per worker (MB): 1 worker {one['peak_rss_mb_per_worker']}, "
        f"2 workers {two['peak_rss_mb_per_worker']}"
    )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
