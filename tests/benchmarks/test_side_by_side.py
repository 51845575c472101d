"""benchmarks/side_by_side.py: each benchmark's figures parsed from real output, the
alternating order, the medians and speed-ups, and one real run between two revisions of a
toy git repository."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = Path(__file__).resolve().parent / "samples"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "side_by_side", ROOT / "benchmarks" / "side_by_side.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["side_by_side"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


sbs = _load_script()

#: the headline figures in each recorded sample output (tests/benchmarks/samples/NAME.txt:
#: real output of each script at a quick size, copied unedited)
EXPECTED: dict[str, dict[str, float]] = {
    "gui_startup": {"first paint s (wall)": 2.80, "imports done s (wall)": 1.72},
    "map_draw": {"draw ms (CPU)": 90.8, "draw ms (wall)": 90.9},
    "map_register": {"intplan map s (CPU)": 5.71, "run_mapping s (CPU)": 0.45},
    "nhs_import": {"build s (wall)": 1.03, "write workbook s (wall)": 0.12},
    "optimise_ics": {"HiGHS LP s (wall)": 10.69, "CBC LP s (wall)": 12.78},
    "sim_ics": {"whole process s (CPU)": 14.0, "simulation s (wall)": 12.0},
    "sim_reference": {
        "kernel contacts/CPU-s": 1_830_052,
        "SimPy reference contacts/CPU-s": 21_683,
    },
    "sim_throughput": {
        "intplan contacts/CPU-s": 2_032_097,
        "SimPy baseline contacts/CPU-s": 19_323,
    },
    "splits_enumerate": {
        "15 practices 30k-50k s (wall)": 0.265,
        "15 practices no bounds s (wall)": 1.694,
    },
    "splits_pcn": {"compare-splits s (CPU)": 4.5, "compare-splits s (wall)": 8.8},
    "sweep_dask": {
        "1 worker: task compute s": 76.62,
        "1 worker: sweep s (wall)": 85.1,
        "2 workers: sweep s (wall)": 66.94,
        "1 worker: cluster start s": 8.87,
    },
    "workbook_io": {
        "save s (wall)": 1.19,
        "load s (wall)": 4.51,
        "write_results s (wall)": 0.31,
    },
}


def _benchmark(name: str) -> Any:
    return next(b for b in sbs.BENCHMARKS if b.name == name)


def test_every_benchmark_script_is_declared_with_a_sample() -> None:
    scripts = {p.stem for p in (ROOT / "benchmarks").glob("*.py")}
    helpers = {"side_by_side", "sim_common"}
    assert {b.name for b in sbs.BENCHMARKS} == scripts - helpers
    assert {p.stem for p in SAMPLES.glob("*.txt")} == scripts - helpers


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_figure_is_parsed_from_the_scripts_output(name: str) -> None:
    bench = _benchmark(name)
    output = (SAMPLES / f"{name}.txt").read_text(encoding="utf-8")
    parsed = {f.name: f.parse(output) for f in bench.figures}
    assert parsed == pytest.approx(EXPECTED[name])


def test_every_declared_figure_is_found_in_its_sample() -> None:
    for bench in sbs.BENCHMARKS:
        output = (SAMPLES / f"{bench.name}.txt").read_text(encoding="utf-8")
        for fig in bench.figures:
            assert fig.parse(output) > 0, (bench.name, fig.name)


def test_list_prints_each_chosen_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert sbs.main(["--list", "--only", "sim_ics", "workbook_io"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "benchmarks/sim_ics.py --replications 2 --weeks 8 --workers 1",
        "benchmarks/workbook_io.py --runs 3",
    ]


def test_a_missing_figure_is_an_error_not_a_zero() -> None:
    fig = sbs.Figure("load s", r"^load: median (\d+\.\d+) s")
    with pytest.raises(ValueError, match="load s"):
        fig.parse("save: median 0.20 s\n")
    assert fig.parse("x\nload: median 1.25 s\n") == 1.25


def test_sides_alternate_after_a_warm_up_round_per_benchmark() -> None:
    a, b = sbs.Benchmark("a", "", ()), sbs.Benchmark("b", "", ())
    order = [(bench.name, rnd, side) for bench, rnd, side in sbs.schedule([a, b], 2)]
    assert order == [
        ("a", 0, "before"),
        ("a", 0, "after"),
        ("a", 1, "before"),
        ("a", 1, "after"),
        ("a", 2, "before"),
        ("a", 2, "after"),
        ("b", 0, "before"),
        ("b", 0, "after"),
        ("b", 1, "before"),
        ("b", 1, "after"),
        ("b", 2, "before"),
        ("b", 2, "after"),
    ]


def test_speedup_is_above_one_when_after_is_faster_either_way_round() -> None:
    assert sbs.speedup(2.0, 1.0, False) == 2.0  # seconds halved
    assert sbs.speedup(1.0, 2.0, True) == 2.0  # contacts per second doubled
    assert sbs.speedup(1.0, 1.25, False) == 0.8


def test_verdict_calls_slower_only_when_every_run_after_is_worse() -> None:
    before = sbs.Stats(median=1.0, low=0.9, high=1.2, n=3)
    seconds = [
        ((1.1, 1.3), "within noise"),  # medians apart, runs overlap
        ((1.25, 1.4), "slower"),
        ((0.7, 0.85), "faster"),
    ]
    for (low, high), expected in seconds:
        after = sbs.Stats(median=(low + high) / 2, low=low, high=high, n=3)
        assert sbs.verdict(before, after, False) == expected
    rates = [((0.8, 1.0), "within noise"), ((0.7, 0.85), "slower"), ((1.25, 1.4), "faster")]
    for (low, high), expected in rates:
        after = sbs.Stats(median=(low + high) / 2, low=low, high=high, n=3)
        assert sbs.verdict(before, after, True) == expected


def _run(side: str, rnd: int, value: float | None, wall: float = 1.0) -> Any:
    if value is None:
        return sbs.Run("x", side, rnd, wall_s=wall, error="exit 1: boom")
    return sbs.Run("x", side, rnd, wall_s=wall, cpu_s=wall, figures={"t": value})


def test_summary_leaves_the_warm_up_out_of_the_medians() -> None:
    bench = sbs.Benchmark("x", "--n 1", (sbs.Figure("t", r"t (\d+)"),))
    runs = [
        _run("before", 0, 50.0, wall=30.0),  # warm-up: compiling, not in the median
        _run("after", 0, 40.0, wall=20.0),
        _run("before", 1, 4.0),
        _run("after", 1, 2.0),
        _run("before", 2, 6.0),
        _run("after", 2, None),  # a failed run counts nowhere
        _run("before", 3, 5.0),
        _run("after", 3, 3.0),
    ]
    report = sbs.Report({}, runs, (bench,), 3, sys.executable, (0.0, 0.0, 0.0))
    (row,) = sbs.summary(report)
    (fig,) = row["figures"]
    assert fig["before"] == {"median": 5.0, "low": 4.0, "high": 6.0, "n": 3}
    assert fig["after"] == {"median": 2.5, "low": 2.0, "high": 3.0, "n": 2}
    assert fig["speedup"] == 2.0
    assert fig["verdict"] == "faster"
    assert row["warm_up"]["before"] == {
        "first_wall_s": 30.0,
        "first_cpu_s": 30.0,
        "later_wall_s": 1.0,
    }
    assert row["errors"] == ["after round 2: exit 1: boom"]
    table = sbs.markdown([row])
    assert "| x | t | lower | 5 | 2.5 | 2.00× | faster | 4–6 | 2–3 |" in table
    assert "- x, after round 2: exit 1: boom" in table


def test_a_side_with_no_good_run_is_reported_failed() -> None:
    bench = sbs.Benchmark("x", "", (sbs.Figure("t", r"t (\d+)"),))
    runs = [_run("before", 1, 4.0), _run("after", 1, None)]
    report = sbs.Report({}, runs, (bench,), 1, sys.executable, (0.0, 0.0, 0.0))
    (row,) = sbs.summary(report)
    assert row["figures"][0]["after"] is None
    assert row["figures"][0]["verdict"] == "failed"
    assert "| x | t | lower | 4 | failed | - | failed |" in sbs.markdown([row])


# --- one real run between two revisions of a toy repository ---------------------------


def _git(repo: Path, *args: str) -> str:
    ident = ["-c", "user.name=Test", "-c", "user.email=test@example.org"]
    done = subprocess.run(["git", *ident, *args], cwd=repo, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _commit(repo: Path, files: dict[str, str], message: str) -> str:
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", message)
    return _git(repo, "rev-parse", "HEAD")


#: prints its own revision's number, so the figure shows which src each side imported
TOY_BENCH = "import toy\nprint(f'cost: {toy.COST} s')\n"


def test_two_revisions_run_side_by_side_in_their_own_worktrees(tmp_path: Path) -> None:
    repo = tmp_path / "toy"
    repo.mkdir()
    _git(repo, "init", "-q")
    first = _commit(
        repo, {"src/toy/__init__.py": "COST = 4\n", "benchmarks/x.py": TOY_BENCH}, "first"
    )
    second = _commit(
        repo,
        {"src/toy/__init__.py": "COST = 2\n", "benchmarks/only_after.py": TOY_BENCH},
        "second",
    )
    # uncommitted work in the user's tree: never used by a side, never touched
    (repo / "src" / "toy" / "__init__.py").write_text("COST = 99\n", encoding="utf-8")
    (repo / "benchmarks" / "current.py").write_text(TOY_BENCH, encoding="utf-8")
    cost = sbs.Figure("cost s", r"^cost: (\d+) s")
    benchmarks = [
        sbs.Benchmark("x", "", (cost,)),
        sbs.Benchmark("only_after", "", (cost,)),  # no such script before: fails there
        sbs.Benchmark("current", "", (cost,), current_script=True),
    ]

    report = sbs.run_side_by_side(repo, first, second, benchmarks, 2, package="toy")

    assert report.revisions["before"].sha == first
    assert report.revisions["after"].subject == "second"
    rows = {row["benchmark"]: row for row in sbs.summary(report)}
    (x,) = rows["x"]["figures"]
    assert (x["before"]["median"], x["after"]["median"], x["speedup"]) == (4.0, 2.0, 2.0)
    assert x["before"]["n"] == 2  # the warm-up is apart
    (after_only,) = rows["only_after"]["figures"]
    assert after_only["before"] is None and after_only["after"]["median"] == 2.0
    assert all(e.startswith("before round") for e in rows["only_after"]["errors"])
    (current,) = rows["current"]["figures"]  # this tree's script, each side's src
    assert (current["before"]["median"], current["after"]["median"]) == (4.0, 2.0)
    assert [(r.benchmark, r.round, r.side) for r in report.runs][:4] == [
        ("x", 0, "before"),
        ("x", 0, "after"),
        ("x", 1, "before"),
        ("x", 1, "after"),
    ]
    # the temporary worktrees are gone and the user's tree is as it was
    assert _git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1
    assert (repo / "src" / "toy" / "__init__.py").read_text(encoding="utf-8") == "COST = 99\n"
    assert _git(repo, "rev-parse", "HEAD") == second
