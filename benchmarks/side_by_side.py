"""Every benchmark before and after a change, side by side in one run.

    .venv/bin/python benchmarks/side_by_side.py [--before b68b8da] [--after HEAD] [--runs 5]
        [--only sim_ics workbook_io ...] [--record benchmarks/results/side_by_side.md] [--json]

Each revision is checked out as a detached ``git worktree`` in a temporary folder (removed
afterwards; your own working tree is never touched). Each benchmark then runs at a quick
size, alternately on each side (before, after, before, after, ...) so that other load on
the machine falls on both alike, with the same Python as this script and
``PYTHONPATH=<that worktree>/src``. The first run of each side is a warm-up (compiling the
numba kernel, writing .pyc files, filling the OS file cache) and is reported apart, not in
the medians. A benchmark that fails on one side is reported as failed, not a crash.

Speed-up is >1 when "after" is faster, whatever the figure's direction. How to read the
table: benchmarks/results/side_by_side.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import resource
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SIDES = ("before", "after")
#: a number as the scripts print it: "3,536,757" or "0.91"
NUMBER = r"(\d[\d,]*(?:\.\d+)?)"


@dataclass(frozen=True)
class Figure:
    """One headline number a benchmark prints, found by ``pattern`` (its one group)."""

    name: str
    pattern: str
    higher_is_better: bool = False

    def parse(self, output: str) -> float:
        found = re.search(self.pattern, output, re.MULTILINE)
        if found is None:
            raise ValueError(f"{self.name!r} not found in the output")
        return float(found.group(1).replace(",", ""))


@dataclass(frozen=True)
class Benchmark:
    """A script in benchmarks/, the arguments for a quick but meaningful size, its figures."""

    name: str
    args: str  # as on a command line
    figures: tuple[Figure, ...]
    timeout_s: float = 600.0
    #: run this checkout's script against both revisions' src: it takes arguments that the
    #: older script lacks (its imports exist on both sides)
    current_script: bool = False

    def script(self, root: Path) -> Path:
        return root / "benchmarks" / f"{self.name}.py"


def _row(label: str) -> str:
    """The median-total cell of an optimise_ics.py table row (``| highs | LP | ...``)."""
    return rf"^\| {label} \|.*\| {NUMBER} \([^|]*\) \|$"


def _sweep(workers: int, key: str) -> str:
    return rf'"workers": {workers},.*"{key}": {NUMBER}'


def _workbook(step: str) -> str:
    return rf"^\| {re.escape(step)} \| {NUMBER} \|"


BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark(
        "gui_startup",
        "--runs 1",
        (
            Figure("first paint s (wall)", rf"^median first_paint_s: {NUMBER} s"),
            Figure("imports done s (wall)", rf"^median imports_s: {NUMBER} s"),
        ),
    ),
    Benchmark(
        "map_draw",
        "--runs 5",
        (
            Figure("draw ms (CPU)", rf"^CPU time, all three: median {NUMBER} ms"),
            Figure("draw ms (wall)", rf"^total: median {NUMBER} ms"),
        ),
    ),
    Benchmark(
        "map_register",
        "--rows 3000 --runs 1",
        (
            Figure(
                "intplan map s (CPU)", rf"^intplan map \(whole command\):.*CPU median {NUMBER} s"
            ),
            Figure(
                "run_mapping s (CPU)", rf"^run_mapping \(service only\) *:.*CPU median {NUMBER} s"
            ),
        ),
    ),
    Benchmark(
        "nhs_import",
        "--runs 3",
        (
            Figure("build s (wall)", rf"^build: median {NUMBER} s"),
            Figure("write workbook s (wall)", rf"^write workbook: median {NUMBER} s"),
        ),
    ),
    Benchmark(
        "optimise_ics",
        "--repeats 1 --lp-only",
        (
            Figure("HiGHS LP s (wall)", _row(r"highs \| LP")),
            Figure("CBC LP s (wall)", _row(r"cbc \| LP")),
        ),
        current_script=True,
    ),
    Benchmark(
        "sim_ics",
        "--replications 2 --weeks 8 --workers 1",
        (
            Figure("whole process s (CPU)", rf"CPU {NUMBER} s \(all processes\)"),
            Figure("simulation s (wall)", rf"^wall {NUMBER} s"),
        ),
    ),
    Benchmark(
        "sim_reference",
        "--runs 3",
        (
            Figure("kernel contacts/CPU-s", rf"^median: kernel {NUMBER} contacts/s", True),
            Figure("SimPy reference contacts/CPU-s", rf"; reference {NUMBER}/s", True),
        ),
    ),
    Benchmark(
        "sim_throughput",
        "--runs 3",
        (
            Figure("intplan contacts/CPU-s", rf"^median: intplan {NUMBER} contacts/s", True),
            Figure("SimPy baseline contacts/CPU-s", rf"same-INT baseline {NUMBER}/s", True),
        ),
    ),
    Benchmark(
        "splits_enumerate",
        "--runs 3",
        (
            Figure("15 practices 30k-50k s (wall)", rf"^\s+15\s+30k-50k\s+\d+\s+{NUMBER}"),
            Figure("15 practices no bounds s (wall)", rf"^\s+15\s+none\s+\d+\s+{NUMBER}"),
        ),
    ),
    Benchmark(
        "splits_pcn",
        "--runs 1 --replications 10 --screen-replications 3 --weeks 8",
        (
            Figure("compare-splits s (CPU)", rf"median CPU {NUMBER} s"),
            Figure("compare-splits s (wall)", rf"^median wall {NUMBER} s"),
        ),
        current_script=True,
    ),
    Benchmark(
        "sweep_dask",
        # Dorset (9 INTs): at this size K&M took 200 s a run on the loaded box
        "--workbook scenarios/dorset-bcp.xlsx --params 1 --replications 2 --weeks 4",
        (
            Figure("1 worker: task compute s", _sweep(1, "task_compute_s")),
            Figure("1 worker: sweep s (wall)", _sweep(1, "wall_s")),
            Figure("2 workers: sweep s (wall)", _sweep(2, "wall_s")),
            Figure("1 worker: cluster start s", _sweep(1, "cluster_start_s")),
        ),
    ),
    Benchmark(
        "workbook_io",
        "--runs 3",
        (
            Figure("save s (wall)", _workbook("save (write_scenario)")),
            Figure("load s (wall)", _workbook("load (read_scenario)")),
            Figure("write_results s (wall)", _workbook("write_results (1 sheet + chart)")),
        ),
    ),
)


@dataclass
class Run:
    """One run of one benchmark on one side: its figures, or why it failed."""

    benchmark: str
    side: str
    round: int  # 0 is the warm-up
    wall_s: float = 0.0
    cpu_s: float = 0.0  # user + system of the script and every process it waited for
    figures: dict[str, float] = field(default_factory=dict)
    error: str = ""


@dataclass(frozen=True)
class Stats:
    median: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Stats | None:
        if not values:
            return None
        return cls(statistics.median(values), min(values), max(values), len(values))


def speedup(before: float, after: float, higher_is_better: bool) -> float:
    """How many times faster "after" is: >1 faster, <1 slower, whichever way the figure goes."""
    if higher_is_better:
        return after / before if before else float("nan")
    return before / after if after else float("nan")


def verdict(before: Stats, after: Stats, higher_is_better: bool) -> str:
    """ "slower" only when every run after is worse than every run before, "faster" when
    every run after is better: otherwise "within noise". If nothing changed, runs fall
    that way by chance with probability 1 / C(2n, n) for n runs a side (1/20 at 3, 1/252
    at 5), whatever their distribution: a rank test at its extreme."""
    b_worst, b_best = (before.low, before.high) if higher_is_better else (before.high, before.low)
    a_worst, a_best = (after.low, after.high) if higher_is_better else (after.high, after.low)
    if speedup(b_worst, a_best, higher_is_better) < 1:
        return "slower"
    if speedup(b_best, a_worst, higher_is_better) > 1:
        return "faster"
    return "within noise"


def schedule(benchmarks: Sequence[Benchmark], runs: int) -> Iterator[tuple[Benchmark, int, str]]:
    """Benchmark by benchmark: a warm-up round, then ``runs`` rounds, each side in turn."""
    for bench in benchmarks:
        for rnd in range(runs + 1):
            for side in SIDES:
                yield bench, rnd, side


def child_env(worktree: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(worktree / "src")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def run_once(
    bench: Benchmark, script: Path, worktree: Path, python: str, side: str, rnd: int
) -> Run:
    """Run the script once in its own process group (so a timeout ends every process it
    started) and parse its figures; any failure is recorded on the run, not raised."""
    run = Run(bench.name, side, rnd)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [python, str(script), *shlex.split(bench.args)],
        cwd=worktree,
        env=child_env(worktree),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=bench.timeout_s)
    except BaseException as e:  # a timeout, or Ctrl+C (which the new session does not get)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        if not isinstance(e, subprocess.TimeoutExpired):
            raise
        run.error = f"timed out after {bench.timeout_s:.0f} s"
        return run
    run.wall_s = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    run.cpu_s = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if proc.returncode != 0:
        last = err.strip().splitlines()[-1:] or ["(no error output)"]
        run.error = f"exit {proc.returncode}: {last[0][:200]}"
        return run
    try:
        run.figures = {f.name: f.parse(out) for f in bench.figures}
    except ValueError as e:
        run.error = str(e)
    return run


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@dataclass(frozen=True)
class Revision:
    asked: str
    sha: str
    subject: str


def resolve(repo: Path, rev: str) -> Revision:
    sha = _git(repo, "rev-parse", "--verify", f"{rev}^{{commit}}")
    return Revision(rev, sha, _git(repo, "log", "-1", "--format=%s", sha))


@contextlib.contextmanager
def worktrees(repo: Path, revisions: dict[str, Revision]) -> Iterator[dict[str, Path]]:
    """A detached worktree per side in a temporary folder, removed however the run ends."""
    tmp = Path(tempfile.mkdtemp(prefix="side_by_side-"))
    made: dict[str, Path] = {}
    try:
        for side, rev in revisions.items():
            path = tmp / side
            _git(repo, "worktree", "add", "--detach", str(path), rev.sha)
            made[side] = path
        yield made
    finally:
        for path in made.values():
            with contextlib.suppress(subprocess.CalledProcessError):
                _git(repo, "worktree", "remove", "--force", str(path))
        shutil.rmtree(tmp, ignore_errors=True)
        with contextlib.suppress(subprocess.CalledProcessError):
            _git(repo, "worktree", "prune")


def check_imports(worktree: Path, python: str, package: str) -> None:
    """The package must come from this worktree's src, not from an installed copy."""
    code = f"import {package}; print({package}.__file__)"
    found = subprocess.run(
        [python, "-c", code], env=child_env(worktree), capture_output=True, text=True, check=True
    ).stdout.strip()
    if not Path(found).resolve().is_relative_to((worktree / "src").resolve()):
        raise RuntimeError(f"{package} imports from {found}, not from {worktree}/src")


@dataclass
class Report:
    revisions: dict[str, Revision]
    runs: list[Run]
    benchmarks: tuple[Benchmark, ...]
    rounds: int
    python: str
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    started: str = ""


def run_side_by_side(
    repo: Path,
    before: str,
    after: str,
    benchmarks: Sequence[Benchmark],
    runs: int,
    *,
    python: str = sys.executable,
    package: str = "intplan",
    progress: bool = False,
) -> Report:
    revisions = {"before": resolve(repo, before), "after": resolve(repo, after)}
    report = Report(
        revisions,
        [],
        tuple(benchmarks),
        runs,
        python,
        os.getloadavg(),
        started=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    with worktrees(repo, revisions) as trees:
        for tree in trees.values():
            check_imports(tree, python, package)
        for bench, rnd, side in schedule(benchmarks, runs):
            script = bench.script(repo if bench.current_script else trees[side])
            run = run_once(bench, script, trees[side], python, side, rnd)
            report.runs.append(run)
            if progress:
                state = run.error or ", ".join(f"{k} {v:g}" for k, v in run.figures.items())
                print(
                    f"{bench.name} round {rnd} {side}: {run.wall_s:.1f} s; {state}", file=sys.stderr
                )
    report.load_after = os.getloadavg()
    return report


# --- the summary ----------------------------------------------------------------------


def _runs(report: Report, bench: str, side: str) -> list[Run]:
    return [r for r in report.runs if r.benchmark == bench and r.side == side]


def figure_stats(report: Report, bench: Benchmark, side: str, figure: Figure) -> Stats | None:
    good = [r for r in _runs(report, bench.name, side) if r.round > 0 and not r.error]
    return Stats.of([r.figures[figure.name] for r in good])


def warm_up(report: Report, bench: Benchmark, side: str) -> dict[str, float | None]:
    """The first run's wall and CPU seconds, and the median wall seconds of the later runs."""
    runs = [r for r in _runs(report, bench.name, side) if not r.error]
    first = [r for r in runs if r.round == 0]
    later = [r.wall_s for r in runs if r.round > 0]
    return {
        "first_wall_s": first[0].wall_s if first else None,
        "first_cpu_s": first[0].cpu_s if first else None,
        "later_wall_s": statistics.median(later) if later else None,
    }


def summary(report: Report) -> list[dict[str, Any]]:
    """One entry per benchmark: its command, each figure's stats per side, the warm-up."""
    out = []
    for bench in report.benchmarks:
        figures = []
        for fig in bench.figures:
            b, a = (figure_stats(report, bench, side, fig) for side in SIDES)
            figures.append(
                {
                    "figure": fig.name,
                    "higher_is_better": fig.higher_is_better,
                    "before": asdict(b) if b else None,
                    "after": asdict(a) if a else None,
                    "speedup": speedup(b.median, a.median, fig.higher_is_better)
                    if b and a
                    else None,
                    "verdict": verdict(b, a, fig.higher_is_better) if b and a else "failed",
                }
            )
        out.append(
            {
                "benchmark": bench.name,
                "command": command(bench),
                "current_script": bench.current_script,
                "figures": figures,
                "warm_up": {side: warm_up(report, bench, side) for side in SIDES},
                "errors": [
                    f"{r.side} round {r.round}: {r.error}"
                    for r in report.runs
                    if r.benchmark == bench.name and r.error
                ],
            }
        )
    return out


def command(bench: Benchmark) -> str:
    return f"benchmarks/{bench.name}.py {bench.args}".strip()


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def _cell(st: dict[str, Any] | None) -> tuple[str, str]:
    if st is None:
        return "failed", "-"
    return _num(st["median"]), f"{_num(st['low'])}–{_num(st['high'])}"


def _secs(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| benchmark | figure | better | before median | after median | speed-up | verdict "
        "| before min–max | after min–max |",
        "|---|---|---|---:|---:|---:|---|---:|---:|",
    ]
    for row in rows:
        mark = " †" if row["current_script"] else ""
        for fig in row["figures"]:
            (bm, br), (am, ar) = _cell(fig["before"]), _cell(fig["after"])
            ratio = "-" if fig["speedup"] is None else f"{fig['speedup']:.2f}×"
            better = "higher" if fig["higher_is_better"] else "lower"
            lines.append(
                f"| {row['benchmark']}{mark} | {fig['figure']} | {better} | {bm} | {am} | "
                f"{ratio} | {fig['verdict']} | {br} | {ar} |"
            )
    lines += [
        "",
        "First run of each side (warm-up, not in the medians), against the median later run:",
        "",
        "| benchmark | before first run s (CPU s) | before later runs s | after first run s (CPU s) "
        "| after later runs s |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        cells = []
        for side in SIDES:
            w = row["warm_up"][side]
            cells += [
                f"{_secs(w['first_wall_s'])} ({_secs(w['first_cpu_s'])})",
                _secs(w["later_wall_s"]),
            ]
        lines.append(f"| {row['benchmark']} | {' | '.join(cells)} |")
    if any(row["current_script"] for row in rows):
        lines += ["", "† this checkout's script, run against both revisions' `src`."]
    errors = [f"- {row['benchmark']}, {e}" for row in rows for e in row["errors"]]
    if errors:
        lines += ["", "Failures:", "", *errors]
    return "\n".join(lines)


def header(report: Report, argv: Sequence[str]) -> str:
    b, a = report.revisions["before"], report.revisions["after"]
    load = ", ".join(f"{x:.2f}" for x in report.load_before)
    load_after = ", ".join(f"{x:.2f}" for x in report.load_after)
    cmds = "\n".join(command(bench) for bench in report.benchmarks)
    return (
        f"### {report.started}: {b.asked} → {a.asked}\n\n"
        f"- before: `{b.sha[:10]}` {b.subject}\n"
        f"- after: `{a.sha[:10]}` {a.subject}\n"
        f"- {report.rounds} measured runs a side after one warm-up, alternating before/after; "
        f"Python {platform.python_version()} (`{report.python}`)\n"
        f"- load average (1, 5, 15 min) before: {load}; after: {load_after}\n\n"
        f"```\n{shlex.join(['python', 'benchmarks/side_by_side.py', *argv])}\n"
        f"# each benchmark, per side:\n{cmds}\n```\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    names = [b.name for b in BENCHMARKS]
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--before", default="b68b8da", help="git revision (default: %(default)s)")
    ap.add_argument("--after", default="HEAD", help="git revision (default: %(default)s)")
    ap.add_argument("--runs", type=int, default=5, help="measured runs a side, after one warm-up")
    ap.add_argument("--only", nargs="+", choices=names, metavar="NAME", help=" ".join(names))
    ap.add_argument("--record", type=Path, metavar="FILE", help="append the results to FILE")
    ap.add_argument("--json", action="store_true", help="print one JSON object, not Markdown")
    ap.add_argument("--list", action="store_true", help="list the benchmarks and their commands")
    args = ap.parse_args(args_in)
    chosen = tuple(b for b in BENCHMARKS if not args.only or b.name in args.only)
    if args.list:
        print("\n".join(command(b) for b in chosen))
        return 0
    report = run_side_by_side(REPO, args.before, args.after, chosen, args.runs, progress=True)
    rows = summary(report)
    table = markdown(rows)
    if args.json:
        print(
            json.dumps(
                {
                    "revisions": {s: asdict(r) for s, r in report.revisions.items()},
                    "runs": report.rounds,
                    "python": report.python,
                    "load_average": {"before": report.load_before, "after": report.load_after},
                    "started": report.started,
                    "benchmarks": rows,
                }
            )
        )
    else:
        print(table)
    if args.record:
        with args.record.open("a", encoding="utf-8") as f:
            f.write(f"\n{header(report, args_in)}\n{table}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
