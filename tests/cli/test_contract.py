"""The command line contract, for every subcommand at once.

- ``--help`` exits 0 everywhere (and ``%`` in help text is not doubled in the output);
- with ``--json``, stdout holds exactly one JSON object, for good and bad input alike,
  argparse usage errors included: ``"ok": false`` and the documented exit code
  (1 input problems, 2 usage or unreadable/unwritable file);
- solver chatter never reaches stdout (a real subprocess: HiGHS prints from C).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from intplan.cli import COMMANDS, build_parser, main
from intplan.domain import Scenario
from intplan.services.files import save_scenario

#: the subcommands as typed on the command line
NAMES = tuple(c.replace("_", "-") for c in COMMANDS)


def _subcommands() -> set[str]:
    parser = build_parser()
    actions = [a for a in parser._actions if a.dest == "command"]
    return set(actions[0].choices or ())


def test_every_subcommand_is_covered_here() -> None:
    assert set(NAMES) == _subcommands()


def _one_json_object(text: str) -> dict[str, object]:
    """Strict: one object, nothing before or after it, no NaN/Infinity."""

    def no_constants(name: str) -> None:
        raise AssertionError(f"{name} is not JSON")

    doc = json.loads(text, parse_constant=no_constants)
    assert isinstance(doc, dict), text
    return doc


@pytest.mark.parametrize("argv", [["--help"], ["-h"], *([n, "--help"] for n in NAMES)])
def test_help_exits_0(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: intplan")
    assert "%%" not in out
    if argv[0] == "simulate":
        assert "95% confidence" in out


@pytest.fixture
def books(tiny: Scenario, tmp_path: Path) -> dict[str, Path]:
    good = tmp_path / "tiny.xlsx"
    save_scenario(tiny, good)
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(b"PK\x03\x04 this is not a workbook")
    register = tmp_path / "reg.csv"
    register.write_text("Staff Number,Name,Job Title,WTE,Practice Code\n1,A B,GP,1,P1\n")
    return {
        "good": good,
        "damaged": damaged,
        "missing": tmp_path / "missing.xlsx",
        "register": register,
        "nofolder": tmp_path / "no" / "such" / "out.xlsx",
    }


Argv = Callable[[dict[str, Path]], list[str]]
FAST = ["--weeks", "1", "--warmup-weeks", "0"]

#: (id, argv, exit code) for bad input of every kind, per subcommand
BAD: list[tuple[str, Argv, int]] = [
    ("new-exists", lambda b: ["new", str(b["good"])], 2),
    ("new-suffix", lambda b: ["new", str(b["good"].with_suffix(".csv"))], 2),
    ("new-nofolder", lambda b: ["new", str(b["nofolder"])], 2),
    ("new-unknown-option", lambda b: ["new", "x.xlsx", "--bogus"], 2),
    ("new-bad-template", lambda b: ["new", "x.xlsx", "--template", "narnia"], 2),
    ("validate-missing", lambda b: ["validate", str(b["missing"])], 2),
    ("validate-damaged", lambda b: ["validate", str(b["damaged"])], 2),
    ("validate-unknown-option", lambda b: ["validate", str(b["good"]), "--bogus"], 2),
    ("info-missing", lambda b: ["info", str(b["missing"])], 2),
    ("info-damaged", lambda b: ["info", str(b["damaged"])], 2),
    ("info-unknown-int", lambda b: ["info", str(b["good"]), "--int", "NOPE"], 1),
    ("gui-unknown-option", lambda b: ["gui", str(b["good"]), "--bogus"], 2),
    ("no-command-unknown-option", lambda b: ["--bogus"], 2),
    ("unknown-command", lambda b: ["frobnicate"], 2),
    ("map-missing", lambda b: ["map", str(b["missing"]), "--staff", str(b["register"])], 2),
    ("map-damaged", lambda b: ["map", str(b["damaged"]), "--staff", str(b["register"])], 2),
    ("map-no-staff", lambda b: ["map", str(b["good"])], 2),
    (
        "map-bad-column",
        lambda b: ["map", str(b["good"]), "--staff", str(b["register"]), "--column", "x=y"],
        2,
    ),
    (
        "map-out-nofolder",
        lambda b: [
            "map",
            str(b["good"]),
            "--staff",
            str(b["register"]),
            "--out",
            str(b["nofolder"]),
        ],
        2,
    ),
    ("simulate-missing", lambda b: ["simulate", str(b["missing"])], 2),
    ("simulate-damaged", lambda b: ["simulate", str(b["damaged"])], 2),
    ("simulate-weeks-huge", lambda b: ["simulate", str(b["good"]), "--weeks", "100000"], 2),
    (
        "simulate-reps-huge",
        lambda b: ["simulate", str(b["good"]), "--replications", "1000000000"],
        2,
    ),
    ("simulate-workers-0", lambda b: ["simulate", str(b["good"]), "--workers", "0"], 2),
    ("simulate-unknown-int", lambda b: ["simulate", str(b["good"]), "--int", "NOPE"], 1),
    (
        "simulate-out-nofolder",
        lambda b: [
            "simulate",
            str(b["good"]),
            *FAST,
            "--replications",
            "1",
            "--out",
            str(b["nofolder"]),
        ],
        2,
    ),
    ("optimise-missing", lambda b: ["optimise", str(b["missing"])], 2),
    ("optimise-damaged", lambda b: ["optimise", str(b["damaged"])], 2),
    ("optimise-bad-solver", lambda b: ["optimise", str(b["good"]), "--solver", "gurobi"], 2),
    (
        "optimise-verify-negative",
        lambda b: ["optimise", str(b["good"]), "--verify-replications", "-1"],
        2,
    ),
    ("optimise-bad-pair", lambda b: ["optimise", str(b["good"]), "--max-fte", "GP"], 2),
    (
        "optimise-out-nofolder",
        lambda b: ["optimise", str(b["good"]), "--out", str(b["nofolder"])],
        2,
    ),
    ("compare-one-workbook", lambda b: ["compare", str(b["good"])], 2),
    ("compare-missing", lambda b: ["compare", str(b["good"]), str(b["missing"])], 2),
    ("compare-damaged", lambda b: ["compare", str(b["good"]), str(b["damaged"])], 2),
    (
        "compare-weeks-huge",
        lambda b: ["compare", str(b["good"]), str(b["good"]), "--weeks", "521"],
        2,
    ),
    ("compare-splits-missing", lambda b: ["compare-splits", str(b["missing"]), "--pcn", "PCN1"], 2),
    ("compare-splits-damaged", lambda b: ["compare-splits", str(b["damaged"]), "--pcn", "PCN1"], 2),
    ("compare-splits-no-pcn", lambda b: ["compare-splits", str(b["good"])], 2),
    (
        "compare-splits-bad-weight",
        lambda b: ["compare-splits", str(b["good"]), "--pcn", "PCN1", "--weight", "speed=1"],
        2,
    ),
    (
        "compare-splits-unknown-pcn",
        lambda b: ["compare-splits", str(b["good"]), "--pcn", "NOPE"],
        1,
    ),
    ("report-missing", lambda b: ["report", str(b["missing"]), "--out", "p.pdf"], 2),
    ("report-damaged", lambda b: ["report", str(b["damaged"]), "--out", "p.pdf"], 2),
    ("report-no-out", lambda b: ["report", str(b["good"])], 2),
    (
        "report-no-results",
        lambda b: ["report", str(b["good"]), "--out", str(b["good"].with_suffix(".pdf"))],
        1,
    ),
    ("demo-unknown-option", lambda b: ["demo", "--bogus"], 2),
    ("demo-weeks-huge", lambda b: ["demo", "--weeks", "100000"], 2),
    ("demo-out-is-a-file", lambda b: ["demo", "--template", "tiny", "--out", str(b["good"])], 2),
    ("calibrate-missing", lambda b: ["calibrate", str(b["missing"])], 2),
    ("calibrate-damaged", lambda b: ["calibrate", str(b["damaged"])], 2),
    ("calibrate-weeks-huge", lambda b: ["calibrate", str(b["good"]), "--weeks", "100000"], 2),
    (
        "calibrate-observed-missing",
        lambda b: ["calibrate", str(b["good"]), *FAST, "--observed", str(b["missing"])],
        2,
    ),
    (
        "calibrate-observed-unrecognised",
        lambda b: ["calibrate", str(b["good"]), *FAST, "--observed", str(b["register"])],
        2,
    ),
    (
        "calibrate-fit-evaluations-0",
        lambda b: ["calibrate", str(b["good"]), "--fit", "--fit-evaluations", "0"],
        2,
    ),
    (
        "calibrate-out-nofolder",
        lambda b: [
            "calibrate",
            str(b["good"]),
            *FAST,
            "--replications",
            "1",
            "--out",
            str(b["nofolder"]),
        ],
        2,
    ),
    ("sweep-missing", lambda b: ["sweep", str(b["missing"]), "--vary", "growth=0:2"], 2),
    ("sweep-damaged", lambda b: ["sweep", str(b["damaged"]), "--vary", "growth=0:2"], 2),
    ("sweep-no-vary", lambda b: ["sweep", str(b["good"])], 2),
    ("sweep-bad-vary", lambda b: ["sweep", str(b["good"]), "--vary", "speed=1:2"], 2),
    (
        "sweep-unknown-role",
        lambda b: ["sweep", str(b["good"]), "--vary", "productive[NOPE]=0.5:0.9"],
        1,
    ),
]


def test_every_subcommand_has_bad_input_cases() -> None:
    for name in NAMES:
        assert any(argv_id.startswith(f"{name}-") for argv_id, _, _ in BAD), name


@pytest.mark.parametrize(("argv", "code"), [(a, c) for _, a, c in BAD], ids=[i for i, _, _ in BAD])
def test_json_bad_input_gives_one_json_object_and_the_documented_code(
    books: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: Argv,
    code: int,
) -> None:
    monkeypatch.chdir(tmp_path)
    before = {p: p.read_bytes() for p in (books["good"], books["damaged"])}
    got = main([*argv(books), "--json"])
    captured = capsys.readouterr()
    assert got == code, captured.err
    doc = _one_json_object(captured.out)
    assert doc["ok"] is False
    assert doc.get("error") or doc.get("issues"), doc
    assert "Traceback" not in captured.err
    assert captured.err.strip(), "the error is also told on stderr"
    assert {p: p.read_bytes() for p in before} == before, "inputs unchanged"


@pytest.mark.parametrize(
    "argv",
    [
        lambda b: ["new", "fresh.xlsx", "--template", "tiny"],
        lambda b: ["validate", str(b["good"])],
        lambda b: ["info", str(b["good"])],
        lambda b: ["info", str(b["good"]), "--int", "INT-A"],
        lambda b: ["simulate", str(b["good"]), *FAST, "--replications", "2", "--no-write"],
        lambda b: ["optimise", str(b["good"])],
        lambda b: ["calibrate", str(b["good"]), *FAST, "--replications", "1"],
    ],
    ids=["new", "validate", "info", "info-int", "simulate", "optimise", "calibrate"],
)
def test_json_good_input_gives_one_json_object_with_ok_true(
    books: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: Argv,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([*argv(books), "--json"]) == 0
    assert _one_json_object(capsys.readouterr().out)["ok"] is True


def test_usage_error_without_json_keeps_argparse_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["simulate", "x.xlsx", "--weeks", "100000"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "usage: intplan simulate" in captured.err
    assert "--weeks" in captured.err and "520" in captured.err


def test_size_bounds_are_checked_before_the_workbook_is_read(
    books: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", str(books["missing"]), "--weeks", "100000", "--json"]) == 2
    doc = _one_json_object(capsys.readouterr().out)
    assert "--weeks" in str(doc["error"]) and "520" in str(doc["error"])


def test_info_unknown_int_names_the_known_ones(
    books: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["info", str(books["good"]), "--int", "NOPE", "--int", "INT-A"]) == 1
    err = capsys.readouterr().err
    assert "NOPE" in err and "INT-A, INT-B" in err


def _run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    src = Path(__file__).resolve().parents[2] / "src"
    env = dict(os.environ, PYTHONPATH=str(src) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run(
        [sys.executable, "-m", "intplan.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_optimise_json_stdout_is_pure_json_in_a_real_process(tmp_path: Path) -> None:
    """HiGHS >= 1.16 prints its banner from C on file descriptor 1 (not sys.stdout)."""
    made = _run_cli("new", "x.xlsx", "--template", "tiny", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    run = _run_cli("optimise", "x.xlsx", "--json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "HiGHS" not in run.stdout
    doc = _one_json_object(run.stdout)
    assert doc["ok"] is True and doc["status"] == "optimal"


def test_top_level_help_in_a_real_process(tmp_path: Path) -> None:
    run = _run_cli("--help", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "compare" in run.stdout and run.stderr == ""
