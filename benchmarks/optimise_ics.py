"""Optimiser timing on the Kent & Medway example: LP and 0.1-FTE MILP, HiGHS and CBC.

Run:  .venv/bin/python benchmarks/optimise_ics.py [--repeats 3] [--cbc-milp-limit 60] [--lp-only]

Times are wall-clock for the whole ``optimise()`` call (inputs, model building,
solve, reading the plan and the shadow prices), medians of ``--repeats`` runs.
"""

from __future__ import annotations

import argparse
import statistics
import time

from intplan.examples.kent_medway import build_kent_medway
from intplan.optimise import OptimiseOptions, SolverName, available_solvers, optimise
from intplan.optimise.inputs import build_inputs
from intplan.optimise.model import build_model


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cbc-milp-limit", type=float, default=60.0)
    # a quick comparison (benchmarks/side_by_side.py) times the LPs alone
    parser.add_argument("--lp-only", action="store_true", help="leave the 0.1-FTE MILPs out")
    args = parser.parse_args()

    scenario = build_kent_medway()
    options = OptimiseOptions()
    model = build_model(build_inputs(scenario, options), options)
    print(
        f"Kent & Medway: {len(scenario.ints)} INTs, {len(scenario.roles)} roles, "
        f"{len(scenario.adjacencies)} adjacency edges, {len(scenario.staff)} staff rows; "
        f"LP has {len(model.prob.variables())} variables, {len(model.prob.constraints())} "
        "constraints"
    )
    print("| solver | model | status | objective £/yr | build s | solve s | total s (median) |")
    print("|---|---|---|---|---|---|---|")
    for solver in available_solvers():
        for integer in (False,) if args.lp_only else (False, True):
            limit = args.cbc_milp_limit if (solver is SolverName.CBC and integer) else 60.0
            repeats = 1 if (solver is SolverName.CBC and integer) else args.repeats
            opts = OptimiseOptions(solver=solver, integer=integer, time_limit_seconds=limit)
            totals, builds, solves = [], [], []
            result = None
            for _ in range(repeats):
                t0 = time.perf_counter()
                result = optimise(scenario, opts)
                totals.append(time.perf_counter() - t0)
                builds.append(result.build_seconds)
                solves.append(result.solve_seconds)
            assert result is not None
            objective = "-" if result.objective is None else f"{result.objective:,.0f}"
            gap = f" (gap {result.mip_gap:.2%})" if result.mip_gap is not None else ""
            print(
                f"| {solver.value} | {'MILP 0.1 FTE' if integer else 'LP'} | "
                f"{result.status.value}{gap} | {objective} | {statistics.median(builds):.2f} | "
                f"{statistics.median(solves):.2f} | {statistics.median(totals):.2f} "
                f"({', '.join(f'{t:.2f}' for t in totals)}) |"
            )


if __name__ == "__main__":
    main()
