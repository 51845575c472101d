"""Time writing a Kent & Medway simulation's result sheets into its workbook.

Run: .venv/bin/python benchmarks/simulate_write.py [km.xlsx] [--weeks W] [--result sim.pkl] [--runs 5]

Without a workbook it writes the bundled Kent & Medway example to a temporary folder.

The simulation runs once (2 replications, the workbook's weeks) and its result is kept
in ``--result`` (a pickle this script wrote; reused when it exists), so only
``write_simulation_results`` is timed: building the result sheets with openpyxl,
merging their styles and splicing them into the workbook package. Run it with two
source trees on one result to compare them side by side.
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import sys
import tempfile
import time
from pathlib import Path

from intplan.examples import build_kent_medway
from intplan.io.workbook import read_scenario, write_scenario
from intplan.services.simulate import SimulationOptions, run_simulation, write_simulation_results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("workbook", type=Path, nargs="?", help="default: the K&M example")
    parser.add_argument("--weeks", type=int, default=None, help="default: the workbook's")
    parser.add_argument("--result", type=Path, default=None, help="pickled result to reuse")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        if args.workbook is None:
            args.workbook = Path(tmp) / "km.xlsx"
            write_scenario(build_kent_medway(), args.workbook)
        if args.result is not None and args.result.exists():
            # only ever a file this script wrote itself (below)
            result = pickle.loads(args.result.read_bytes())
        else:
            options = SimulationOptions(replications=2, weeks=args.weeks)
            result = run_simulation(read_scenario(args.workbook), options)
            if args.result is not None:
                args.result.write_bytes(pickle.dumps(result))
        times = []
        out = Path(tmp) / "out.xlsx"
        for _ in range(args.runs):
            start = time.perf_counter()
            write_simulation_results(result, source=str(args.workbook), out=str(out))
            times.append(time.perf_counter() - start)
        size = out.stat().st_size
    print(f"output {size / 1e6:.1f} MB; runs {args.runs}")
    print(f"write_simulation_results: median {statistics.median(times):.2f} s, ", end="")
    print(f"min {min(times):.2f} s, max {max(times):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
