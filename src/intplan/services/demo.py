"""The whole pipeline, headless, on a bundled example: the README's first command.

new -> validate -> demand vs capacity -> simulate -> optimise -> compare PCN splits,
each step writing the same workbooks a planner would get from the separate commands.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from intplan.domain import Scenario
from intplan.examples import load_template
from intplan.io.workbook import write_scenario
from intplan.services.capacity import CapacityTable, capacity_table
from intplan.services.optimise import OptimiseResult, run_optimise, write_plan
from intplan.services.progress import Progress, check_cancel, report
from intplan.services.simulate import (
    SimulationOptions,
    SimulationResult,
    run_simulation,
    write_simulation_results,
)
from intplan.services.splits import (
    SplitsOptions,
    SplitsResult,
    compare_splits,
    write_splits_workbook,
)
from intplan.splits.enumerate import enumerate_splits


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoOptions:
    template: str = "kent-medway"
    replications: int = 3  # a quick look; the planner's own runs use Settings (10+)
    weeks: int = 8
    workers: int = 2
    split_pcn: str | None = None  # None: the PCN with the most practices (ties: first)


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoResult:
    scenario: Scenario
    capacity: CapacityTable
    simulation: SimulationResult
    optimisation: OptimiseResult
    splits: SplitsResult
    files: dict[str, Path]


def pick_split_pcn(scenario: Scenario) -> str:
    """The PCN with most split options within the population bounds (ties: first code):
    where the 1-vs-2-vs-3 INT question is most open. Enumeration is cheap."""

    def n_options(code: str) -> int:
        e = enumerate_splits(scenario, code)
        return len(e.options) if e.bounds_applied else 0

    return max(sorted(scenario.practices_of_pcn), key=n_options)


def run_demo(
    out_dir: Path,
    options: DemoOptions | None = None,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> DemoResult:
    o = options or DemoOptions()
    out_dir.mkdir(parents=True, exist_ok=True)
    scenario_path = out_dir / f"{o.template}.xlsx"
    files = {"scenario": scenario_path}

    report(progress, 0.0, "building the example")
    scenario = load_template(o.template)
    write_scenario(scenario, scenario_path)
    table = capacity_table(scenario)
    check_cancel(cancel)

    def part(lo: float, hi: float) -> Progress:
        return lambda f, m: report(progress, lo + (hi - lo) * f, m)

    sim = run_simulation(
        scenario,
        SimulationOptions(replications=o.replications, weeks=o.weeks, workers=o.workers),
        progress=part(0.05, 0.6),
        cancel=cancel,
    )
    files["simulation"] = out_dir / f"{o.template}-simulated.xlsx"
    write_simulation_results(sim, source=str(scenario_path), out=str(files["simulation"]))

    report(progress, 0.6, "optimising skill mix and cover")
    plan = run_optimise(scenario, progress=part(0.6, 0.7), cancel=cancel)
    files["plan"] = out_dir / f"{o.template}-plan.xlsx"
    write_plan(plan, source=str(scenario_path), out=str(files["plan"]))

    pcn = o.split_pcn or pick_split_pcn(scenario)
    splits = compare_splits(
        scenario,
        SplitsOptions(
            pcn=pcn,
            replications=max(o.replications, 5),
            screen_replications=min(3, o.replications),
            top=2,
            screen_limit=6,
            weeks=o.weeks,
            workers=o.workers,
        ),
        progress=part(0.7, 1.0),
        cancel=cancel,
    )
    files["splits"] = out_dir / f"{o.template}-splits-{pcn}.xlsx"
    write_splits_workbook(splits, files["splits"], source=scenario_path)
    report(progress, 1.0, "done")
    return DemoResult(
        scenario=scenario,
        capacity=table,
        simulation=sim,
        optimisation=plan,
        splits=splits,
        files=files,
    )
