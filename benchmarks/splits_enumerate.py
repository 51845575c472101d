"""Benchmark: enumerate contiguous 1-3 INT splits of PCNs of 6-15 practices.

Practices are placed at random (fixed seed) in a 12 x 12 km square with 3,000-12,000
people each; bounds are the settings' 30,000-50,000 (seed 003:95) and, for the worst
case, none at all (what ``compare-splits`` falls back to when nothing fits).

    .venv/bin/python benchmarks/splits_enumerate.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from intplan.splits.adjacency import delaunay_edges
from intplan.splits.enumerate import enumerate_partitions


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    rng = np.random.default_rng(20240729)
    print(f"{'practices':>9} {'bounds':>12} {'options':>8} {'median s':>9} {'max s':>7}")
    for n in (6, 10, 12, 15):
        xy = [(float(x), float(y)) for x, y in rng.uniform(0, 12, size=(n, 2))]
        pops = [int(p) for p in rng.integers(3000, 12001, size=n)]
        for label, lo, hi in (("30k-50k", 30000, 50000), ("none", None, None)):
            times = []
            count = 0
            for _ in range(args.runs):
                t0 = time.perf_counter()
                edges = delaunay_edges(xy)
                count = sum(
                    1
                    for _ in enumerate_partitions(pops, edges, max_parts=3, pop_min=lo, pop_max=hi)
                )
                times.append(time.perf_counter() - t0)
            print(
                f"{n:>9} {label:>12} {count:>8} {statistics.median(times):>9.3f} {max(times):>7.3f}"
            )


if __name__ == "__main__":
    main()
