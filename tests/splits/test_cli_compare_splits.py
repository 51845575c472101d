"""``intplan compare-splits`` end to end on the bundled tiny workbook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from intplan.cli import main
from intplan.examples import build_tiny
from intplan.io.workbook import write_scenario

FAST = ["--weeks", "4", "--warmup-weeks", "1", "--screen-replications", "2"]
FAST += ["--replications", "4", "--pop-min", "0", "--pop-max", "100000"]


@pytest.fixture(scope="module")
def tiny_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("splits") / "tiny.xlsx"
    write_scenario(build_tiny(), path)
    return path


def test_json_and_board_workbook(
    tiny_book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "board.xlsx"
    code = main(
        ["compare-splits", str(tiny_book), "--pcn", "PCN1", *FAST, "--json", "--out", str(out)]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    doc = json.loads(captured.out)
    assert doc["pcn"] == "PCN1"
    labels = [o["label"] for o in doc["options"]]
    assert sorted(labels) == sorted(
        ["P1+P2+P3", "P1 | P2+P3", "P1+P2 | P3", "P1+P3 | P2", "P1 | P2 | P3"]
    )
    assert [o["rank"] for o in doc["options"]] == [1, 2, 3, 4, 5]
    for o in doc["options"]:
        assert o["ints"] == len(o["groups"]) and 1 <= o["ints"] <= 3
        assert {"wait", "team_size", "travel", "resilience"} <= set(o["kpis"])
        assert isinstance(o["pareto"], bool)
    assert sum(o["current"] for o in doc["options"]) == 1
    wb = load_workbook(out)
    assert {"Splits summary", "Splits INTs", "Splits scores", "Splits assumptions"} <= set(
        wb.sheetnames
    )
    assert "Practices" in wb.sheetnames, "the scenario's inputs travel with the results"
    summary = wb["Splits summary"]
    col_a = [r[0] for r in summary.iter_rows(values_only=True)]
    header = col_a.index("rank")
    assert col_a[header + 1 :] == [o["rank"] for o in doc["options"]], "one row per option"
    assert len(summary._charts) == 3
    items = [r[0] for r in wb["Splits assumptions"].iter_rows(values_only=True)]
    assert "weight: wait" in items and "Torbay band" in items
    assert tiny_book.stat().st_size > 0


def test_weights_change_ranking_and_bad_usage(
    tiny_book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["compare-splits", str(tiny_book), "--pcn", "PCN1", *FAST, "--json"]
    assert main([*args, "--weight", "team_size=20", "--weight", "wait=0"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["options"][0]["label"] == "P1 | P2 | P3", "the only option with 9-person teams"
    assert doc["weights"]["team_size"] == 20.0
    assert "wait" not in doc["weights_used"]
    assert sum(doc["weights_used"].values()) == pytest.approx(1.0)
    assert main([*args, "--weight", "speed=1"]) == 2
    assert "KPI one of" in capsys.readouterr().err
    assert main(["compare-splits", str(tiny_book), "--pcn", "NOPE", *FAST]) == 1
    assert "unknown PCN" in capsys.readouterr().err
    assert main(["compare-splits", str(tiny_book), "--pcn", "PCN1", *FAST, "--workers", "0"]) == 2
    assert "argument --workers: must be from 1" in capsys.readouterr().err
    assert main(["compare-splits", str(tiny_book.with_name("missing.xlsx")), "--pcn", "X"]) == 2


def test_replications_below_screening_and_screened_only_rows_are_marked(
    tiny_book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--replications 3`` screens at 3 (it used to exit 1); screened-only rows say so."""
    args = ["compare-splits", str(tiny_book), "--pcn", "PCN1", "--weeks", "6"]
    args += ["--warmup-weeks", "1", "--pop-min", "0", "--pop-max", "100000", "--top", "1"]
    # default --screen-replications is 5; --screen-limit 4 < 5 options: a shorter screening
    out = tmp_path / "board.xlsx"
    code = main([*args, "--replications", "3", "--screen-limit", "4", "--json", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    doc = json.loads(captured.out)
    assert doc["screen_replications"] == 3 and doc["screen_weeks"] == 4
    finals = [o for o in doc["options"] if not o["screened_only"]]
    screened = [o for o in doc["options"] if o["screened_only"]]
    # the re-run set: the best screened option and today's grouping (the same option when
    # today's grouping screens best), ranked 1..k among themselves; the rest follow
    best = min(doc["options"], key=lambda o: o["screen_rank"])
    current = next(o for o in doc["options"] if o["current"])
    assert {o["label"] for o in finals} == {best["label"], current["label"]}
    k = len(finals)
    assert [o["rank"] for o in finals] == list(range(1, k + 1)) and len(screened) == 5 - k
    assert {(o["replications"], o["weeks"]) for o in finals} == {(3, 6)}
    assert {(o["replications"], o["weeks"]) for o in screened} == {(3, 4)}
    summary = load_workbook(out)["Splits summary"]
    rows = list(summary.iter_rows(values_only=True))
    header = next(r for r in rows if r[0] == "rank")
    col = header.index("screened only (ranked after the re-run options)")
    flags = [r[col] for r in rows[rows.index(header) + 1 :]]
    assert flags == ["no"] * k + ["yes"] * (5 - k)
    assert main([*args, "--replications", "3", "--screen-limit", "4"]) == 0
    text = capsys.readouterr().out
    assert "screened at 3 replications over 4 weeks" in text
    starred = tuple(f"  {r}*" for r in range(k + 1, 6))
    assert sum(line.startswith(starred) for line in text.splitlines()) == 5 - k
