"""Load and save time of a Kent & Medway sized scenario workbook.

Run: .venv/bin/python benchmarks/workbook_io.py [--runs 5]
Before/after: .venv/bin/python benchmarks/workbook_io.py --compare OLD/src NEW/src [--rounds 5]
(each round runs both trees in fresh processes, alternating which goes first).

Uses ``intplan.examples.build_kent_medway`` when it exists; otherwise synthesises a
scenario of that scale (184 practices, ~54 INTs, ~15,000 staff) from the tiny example.
Prints medians (and min/max) of several runs: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from intplan.domain import INT, Assignment, Scenario, Staff
from intplan.examples import build_tiny
from intplan.io.results import ChartSpec, ResultTable, write_results
from intplan.io.workbook import read_scenario, write_scenario


def synthetic(n_practices: int = 184, per_int: int = 3, staff_per_practice: int = 82) -> Scenario:
    """Tiny's reference data with K&M-sized geography and workforce."""
    tiny = build_tiny()
    template = tiny.practices[0]
    practices = tuple(
        dataclasses.replace(template, code=f"P{i:04d}", name=f"Practice {i}", x_km=i * 0.5)
        for i in range(n_practices)
    )
    ints = tuple(
        INT(
            code=f"INT{k:03d}",
            name=f"INT {k}",
            hcp="HCP1",
            practices=tuple(p.code for p in practices[k * per_int : (k + 1) * per_int]),
        )
        for k in range((n_practices + per_int - 1) // per_int)
    )
    int_of = {p: i.code for i in ints for p in i.practices}
    staff = []
    for p in practices:
        for j in range(staff_per_practice):
            role = ("GP", "PN", "DN")[j % 3]
            staff.append(
                Staff(
                    id=f"{p.code}-{j:03d}",
                    name=f"Person {p.code} {j}",
                    role=role,
                    employer=f"{p.name} practice",
                    base_kind=tiny.staff[0].base_kind,
                    base=p.code,
                    fte=0.8,
                    assignments=(Assignment(int_code=int_of[p.code], fte=0.8, rule="practice"),),
                )
            )
    return dataclasses.replace(
        tiny,
        name="Synthetic K&M scale (illustrative)",
        practices=practices,
        ints=ints,
        adjacencies=(),
        teams=(),
        staff=tuple(staff),
        interventions=(),
    )


def scenario(force_synthetic: bool) -> tuple[str, Scenario]:
    if force_synthetic:
        return "synthetic (184 practices, 82 staff each)", synthetic()
    try:
        from intplan.examples import build_kent_medway  # type: ignore[attr-defined]
    except ImportError:
        return "synthetic (184 practices)", synthetic()
    return "build_kent_medway()", build_kent_medway()


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--synthetic", action="store_true", help="use the synthetic 15,000-staff scenario"
    )
    parser.add_argument("--json", action="store_true", help="print the timings as JSON")
    parser.add_argument(
        "--compare",
        nargs=2,
        metavar=("BEFORE_SRC", "AFTER_SRC"),
        help="time two source trees side by side (PYTHONPATH of each run)",
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds of --compare")
    args = parser.parse_args(argv)
    if args.compare:
        return compare(*args.compare, rounds=args.rounds, runs=args.runs, synthetic=args.synthetic)
    label, s = scenario(args.synthetic)
    n_asg = sum(len(x.assignments) for x in s.staff)
    print(
        f"scenario: {label}: {len(s.practices)} practices, {len(s.ints)} INTs, "
        f"{len(s.staff)} staff, {n_asg} assignments"
    )
    table = ResultTable(
        sheet="ResultsBench",
        title="INT populations",
        headers=("int", "population"),
        rows=tuple((i.code, s.int_population(i.code)) for i in s.ints),
        charts=(ChartSpec(kind="bar", title="pop", x_column="int", y_columns=("population",)),),
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        out = Path(tmp) / "out.xlsx"
        save = timed(lambda: write_scenario(s, path), args.runs)
        load = timed(lambda: read_scenario(path), args.runs)
        results = timed(lambda: write_results(path, out, [table]), args.runs)
        assert read_scenario(out) == s
        size = path.stat().st_size
    if args.json:
        print(json.dumps({"save": save, "load": load, "write_results": results}))
        return 0
    print(f"file size: {size / 1e6:.2f} MB; runs: {args.runs}")
    print("| step | median s | min s | max s |")
    print("| --- | --- | --- | --- |")
    for name, xs in (
        ("save (write_scenario)", save),
        ("load (read_scenario)", load),
        ("write_results (1 sheet + chart)", results),
    ):
        print(f"| {name} | {statistics.median(xs):.2f} | {min(xs):.2f} | {max(xs):.2f} |")
    return 0


def compare(before: str, after: str, *, rounds: int, runs: int, synthetic: bool) -> int:
    """Median of every run of each step, per tree, and after/before."""
    samples: dict[str, dict[str, list[float]]] = {before: {}, after: {}}
    for i in range(rounds):
        for src in (before, after) if i % 2 == 0 else (after, before):
            cmd = [sys.executable, __file__, "--runs", str(runs), "--json"]
            if synthetic:
                cmd.append("--synthetic")
            env = {**os.environ, "PYTHONPATH": src}
            out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
            for step, xs in json.loads(out.stdout.splitlines()[-1]).items():
                samples[src].setdefault(step, []).extend(xs)
    print(f"before: {before}; after: {after}; {rounds} rounds x {runs} runs, alternating")
    print("| step | before median s | after median s | after / before |")
    print("| --- | --- | --- | --- |")
    for step in samples[before]:
        b, a = statistics.median(samples[before][step]), statistics.median(samples[after][step])
        print(f"| {step} | {b:.3f} | {a:.3f} | {a / b:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
