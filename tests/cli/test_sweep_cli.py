"""``intplan sweep``: the CLI contract (exit codes, one JSON object) and the Sweep sheet."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from intplan.cli import main
from intplan.domain import Scenario
from intplan.services import sweep_dask
from intplan.services.files import save_scenario

FAST = ["--weeks", "4", "--warmup-weeks", "1", "--seed", "3", "--replications", "2"]


@pytest.fixture
def book(tiny: Scenario, tmp_path: Path) -> Path:
    path = tmp_path / "tiny.xlsx"
    save_scenario(tiny, path)
    return path


@pytest.mark.parametrize(
    ("vary", "says"),
    [
        ("speed=1:2", "unknown parameter 'speed'"),
        ("growth=3:1", "LOW must be below HIGH"),
        ("growth=0:50", "growth must stay within -10 to 10"),
    ],
)
def test_bad_vary_is_a_usage_error_in_one_json_object(
    book: Path, vary: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sweep", str(book), "--vary", vary, "--json"]) == 2
    out = capsys.readouterr().out
    doc = json.loads(out)
    assert doc["ok"] is False and doc["exit_code"] == 2 and says in doc["error"]


@pytest.mark.parametrize(
    ("case", "code", "says"),
    [
        ("missing", 2, "file not found"),
        ("damaged", 2, "not a readable workbook"),
        ("no-vary", 2, "the following arguments are required: --vary"),
        ("out-nofolder", 2, "the folder does not exist"),
        ("reps-1", 1, "--replications must be at least 2"),
    ],
)
def test_bad_input_of_every_kind_ends_in_its_code(
    book: Path, tmp_path: Path, case: str, code: int, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(b"PK\x03\x04 not a workbook")
    vary = ["--vary", "growth=0:2", "--engine", "local"]
    argv = {
        "missing": [str(tmp_path / "missing.xlsx"), *vary],
        "damaged": [str(damaged), *vary],
        "no-vary": [str(book)],
        "out-nofolder": [str(book), *vary, "--out", str(tmp_path / "no" / "out.xlsx")],
        "reps-1": [str(book), *vary, "--replications", "1"],
    }[case]
    assert main(["sweep", *argv, "--json"]) == code
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is False and doc["exit_code"] == code
    assert says in json.dumps(doc)


def test_a_key_the_workbook_lacks_is_an_input_problem(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["sweep", str(book), "--vary", "productive[XX]=0.5:0.9", *FAST, "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1 and doc["exit_code"] == 1
    assert "the workbook has no role 'XX'; choose one of DN, GP, PN" in doc["error"]


def test_lhs_with_steps_is_a_usage_error(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sweep", str(book), "--vary", "growth=0:2:3", "--design", "lhs", *FAST])
    assert code == 2 and "drop the :STEPS" in capsys.readouterr().err


def test_local_engine_json_and_the_sweep_sheet(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "swept.xlsx"
    before = book.read_bytes()
    args = ["sweep", str(book), "--vary", "growth=0:2", "--vary", "productive[GP]=0.6:0.9"]
    code = main([*args, "--engine", "local", "--workers", "1", *FAST, "--out", str(out), "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["ok"] is True and doc["written"] == str(out)
    assert (doc["engine"], doc["scheduler"], doc["workers"]) == ("local", None, 1)
    assert doc["common_random_numbers"] is True
    assert [v["label"] for v in doc["variants"]] == [
        "baseline",
        "growth=0",
        "growth=2",
        "productive[GP]=0.6",
        "productive[GP]=0.9",
    ]
    wait = doc["variants"][0]["kpis"]["wait"]
    assert wait["mean"] > 0 and wait["n"] == 2
    assert [b["parameter"] for b in doc["tornado"]["wait"]] in (
        ["growth", "productive[GP]"],
        ["productive[GP]", "growth"],
    )
    assert book.read_bytes() == before, "the input is never changed"
    assert "Sweep" in openpyxl.load_workbook(out).sheetnames


def test_text_summary_without_out_writes_nothing(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["sweep", str(book), "--vary", "growth=0:2", "--engine", "local", *FAST])
    text = capsys.readouterr().out
    assert code == 0 and "oat sweep, 3 variants x 2 replications" in text
    assert "Tornado, mean wait" in text


def test_scheduler_needs_the_dask_engine(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--scheduler", "tcp://127.0.0.1:1", "--engine", "local", "--json"]
    assert main(["sweep", str(book), "--vary", "growth=0:2", *args]) == 2
    assert "--scheduler needs --engine dask" in json.loads(capsys.readouterr().out)["error"]


@pytest.mark.slow
def test_an_unreachable_scheduler_is_exit_2(
    book: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sweep_dask, "CONNECT_TIMEOUT_S", 1)
    args = ["--vary", "growth=0:2", "--scheduler", "tcp://127.0.0.1:9", *FAST, "--json"]
    assert main(["sweep", str(book), *args]) == 2
    doc = json.loads(capsys.readouterr().out)
    assert "cannot reach the Dask scheduler tcp://127.0.0.1:9" in doc["error"]


@pytest.mark.slow
def test_dask_run_records_engine_scheduler_and_workers(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--vary", "growth=0:2", "--workers", "2", *FAST, "--json"]
    assert main(["sweep", str(book), *args]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["engine"] == "dask" and doc["workers"] == 2
    assert doc["scheduler"].startswith("tcp://127.0.0.1:")


CTRL_C_DRIVER = """
import os, signal, sys
import intplan.cli.sweep as cmd
from intplan.cli import main

class CtrlCAfterFirstTask:
    def __init__(self, label):
        pass
    def __call__(self, fraction, message):
        if fraction > 0:  # tasks are running on the workers: Ctrl+C to the whole group
            os.killpg(os.getpgid(0), signal.SIGINT)
    def close(self):
        pass

cmd.ProgressBar = CtrlCAfterFirstTask
sys.argv = ["intplan", *sys.argv[1:]]
sys.exit(main())
"""


@pytest.mark.slow
def test_ctrl_c_cancels_the_dask_sweep_exits_130_and_writes_nothing(
    book: Path, tmp_path: Path
) -> None:
    src = Path(__file__).resolve().parents[2] / "src"
    out = tmp_path / "out.xlsx"
    argv = ["sweep", str(book), "--vary", "growth=0:2", "--workers", "2", *FAST]
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            CTRL_C_DRIVER,
            *argv,
            "--replications",
            "30",
            "--out",
            str(out),
            "--json",
        ],
        env=dict(os.environ, PYTHONPATH=str(src)),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        start_new_session=True,  # its own process group, as a terminal's job
    )
    assert run.returncode == 130, run.stderr
    assert json.loads(run.stdout)["exit_code"] == 130
    assert not out.exists()
    assert "Interrupted; no files were changed." in run.stderr
    assert "Traceback" not in run.stderr, run.stderr
