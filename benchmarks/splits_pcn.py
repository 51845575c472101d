"""Benchmark: ``intplan compare-splits`` on a 6-practice PCN (target: under 60 s).

Screening every option at 5 replications, then the best three (plus today's grouping,
the reference) at 30, 26 simulated weeks after the scenario's warm-up, one worker.

The PCN is synthetic so the figure measures the split comparison, not an example's
data: six practices of 6,000-9,000 people (about 45,000 in all) on the tiny example's
roles, activities and demand rates, staffed for roughly 75-85 % utilisation (an
overloaded example grows queues and slows any simulation). Population bounds
10,000-50,000 per INT leave 1-, 2- and 3-INT options.

    .venv/bin/python benchmarks/splits_pcn.py [--runs 3] [--replications 30] [--screen-replications 5] [--weeks 26]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "splits"))

from splits_layouts import pcn_scenario  # noqa: E402

from intplan.domain import Settings  # noqa: E402
from intplan.io.workbook import write_scenario  # noqa: E402

LAYOUT = [
    ("P1", 0.0, 0.0, 8000),
    ("P2", 3.0, 1.0, 7000),
    ("P3", 1.0, 4.0, 9000),
    ("P4", 9.0, 2.0, 6000),
    ("P5", 11.0, 5.0, 8000),
    ("P6", 8.0, 7.0, 7000),
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    # smaller sizes for a quick comparison (benchmarks/side_by_side.py); defaults as recorded
    ap.add_argument("--screen-replications", type=int, default=5)
    ap.add_argument("--replications", type=int, default=30)
    ap.add_argument("--weeks", type=int, default=26)
    args = ap.parse_args()
    scenario = pcn_scenario(
        LAYOUT,
        gp_fte_per_practice=4.0,
        pn_fte_per_practice=2.0,
        dn_fte=8.0,
        settings=Settings(warmup_weeks=2),
    )
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "pcn6.xlsx"
        write_scenario(scenario, book)
        cli = [sys.executable, "-m", "intplan.cli"]  # the same Python and PYTHONPATH as this
        cmd = [
            *cli,
            "compare-splits",
            str(book),
            "--pcn",
            "PCN1",
            "--screen-replications",
            str(args.screen_replications),
            "--replications",
            str(args.replications),
            "--top",
            "3",
            "--weeks",
            str(args.weeks),
            "--pop-min",
            "10000",
            "--pop-max",
            "50000",
            "--out",
            str(Path(tmp) / "board.xlsx"),
        ]
        print(
            "command: intplan",
            " ".join(cmd[len(cli) :]).replace(str(book), "pcn6.xlsx"),
            flush=True,
        )
        times: list[float] = []
        cpu: list[float] = []
        loads: list[float] = []
        out = ""
        for _ in range(args.runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            done = subprocess.run(cmd, check=True, capture_output=True, text=True)
            times.append(time.perf_counter() - t0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            loads.append(os.getloadavg()[0])
            out = done.stdout
        print(out)
        print("wall seconds per run:", ", ".join(f"{t:.1f}" for t in times))
        print("CPU seconds per run: ", ", ".join(f"{t:.1f}" for t in cpu))
        print("1-min load average after each run:", ", ".join(f"{x:.1f}" for x in loads))
        print(
            f"median wall {statistics.median(times):.1f} s, median CPU "
            f"{statistics.median(cpu):.1f} s over {len(times)} runs (target < 60 s wall)"
        )


if __name__ == "__main__":
    main()
