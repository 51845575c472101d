"""Native charts in result workbooks are readable: at most 15 bars or series (the worst
or top ones plus "others"), titled axes, legends outside the plot, waits in hours."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from chart_facts import chart_facts

from intplan.cli import main
from intplan.domain import Scenario
from intplan.examples import build_dorset_bcp
from intplan.io.results import MAX_CHART_ITEMS, ChartSpec, ResultTable, write_results
from intplan.io.workbook import write_scenario
from intplan.services.simulate import SimulationOptions, result_rows, run_simulation


@pytest.fixture
def book(tiny: Scenario, tmp_path: Path) -> Path:
    path = tmp_path / "in.xlsx"
    write_scenario(tiny, path)
    return path


def _many(n: int) -> ResultTable:
    """n rows: row k waits k hours and is k % 2 seen within target."""
    return ResultTable(
        sheet="Results many",
        title="Many rows",
        headers=("label", "wait_hours", "share"),
        rows=tuple((f"R{k:03d}", float(k), k / n) for k in range(1, n + 1)),
        charts=(
            ChartSpec(
                kind="bar",
                title="Mean wait",
                x_column="label",
                y_columns=("wait_hours",),
                x_title="INT and activity",
                y_title="mean wait (hours)",
            ),
            ChartSpec(
                kind="bar",
                title="Share within target",
                x_column="label",
                y_columns=("share",),
                x_title="INT and activity",
                y_title="share",
                keep="lowest",
            ),
        ),
    )


def test_728_bars_become_the_worst_14_and_others(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    write_results(book, out, [_many(728)])
    wait, share = chart_facts(out)
    assert MAX_CHART_ITEMS == 15
    assert wait.points == (15,)
    # the 14 longest waits, longest first, then the other 714 as their mean
    assert wait.categories[:14] == tuple(f"R{k:03d}" for k in range(728, 714, -1))
    assert wait.categories[14] == "others (mean of 714)"
    assert "worst 14 of 728" in wait.title
    # for a share, the worst are the lowest
    assert share.categories[:3] == ("R001", "R002", "R003")
    assert share.points == (15,)


def test_others_value_is_the_mean_of_the_rest(book: Path, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "out.xlsx"
    write_results(book, out, [_many(20)])
    wb = openpyxl.load_workbook(out)
    ws = wb["Results many"]
    found = [
        (c.row, c.column) for row in ws.iter_rows() for c in row if c.value == "others (mean of 6)"
    ]
    assert len(found) == 2  # one chart-data block per chart
    r, col = found[0]
    assert ws.cell(row=r, column=col + 1).value == pytest.approx(sum(range(1, 7)) / 6)
    wb.close()


def test_a_small_table_is_charted_whole(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    write_results(book, out, [_many(15)])
    wait, _ = chart_facts(out)
    assert wait.points == (15,) and "others (mean of 1)" not in wait.categories
    assert wait.title == "Mean wait"


def test_52_lines_become_the_worst_14_and_others(book: Path, tmp_path: Path) -> None:
    ints = [f"INT-{k:02d}" for k in range(52)]
    table = ResultTable(
        sheet="Results weekly",
        title="Weekly",
        headers=("week", *ints),
        rows=tuple((w, *(float(k) for k in range(52))) for w in range(1, 9)),
        charts=(
            ChartSpec(
                kind="line",
                title="Mean wait by week",
                x_column="week",
                y_columns=tuple(ints),
                x_title="week after warm-up",
                y_title="mean wait (hours)",
            ),
        ),
    )
    out = tmp_path / "out.xlsx"
    write_results(book, out, [table])
    (chart,) = chart_facts(out)
    assert chart.series == 15 and set(chart.points) == {8}
    assert chart.legend == "r" and not chart.legend_overlay


def test_one_series_has_no_legend_and_axes_are_titled(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    write_results(book, out, [_many(5)])
    wait, _ = chart_facts(out)
    assert wait.legend is None
    assert wait.x_title == "INT and activity" and wait.y_title == "mean wait (hours)"


def test_wait_columns_are_in_hours(tiny: Scenario) -> None:
    opts = SimulationOptions(replications=1, weeks=3, warmup_weeks=1, seed=5, workers=1)
    r = run_simulation(tiny, opts)
    heads, rows = result_rows(r)["Results Sim activities"]
    assert not [h for h in heads if "minutes" in h]
    col = heads.index("wait_mean_hours_mean")
    served = 0
    for rec, row in zip(r.activities, rows, strict=True):
        minutes = rec.wait_mean_minutes.mean
        if math.isfinite(minutes):  # blank when nothing was served
            served += 1
            assert row[col] == pytest.approx(minutes / 60, abs=1e-6)
    assert served >= 3
    assert "wait_p90_hours_ci95_high" in heads
    heads, _ = result_rows(r)["Results Sim INTs"]
    assert "wait_mean_hours_mean" in heads
    heads, _ = result_rows(r)["Results Sim weekly"]
    assert "wait_mean_hours" in heads


def _check_readable(path: Path) -> list[str]:
    charts = chart_facts(path)
    assert charts
    for c in charts:
        where = f"{c.sheet}: {c.title}"
        assert c.series <= MAX_CHART_ITEMS, where
        assert all(p <= MAX_CHART_ITEMS for p in c.points) or c.title.startswith(
            ("Mean wait by week", "Trade-off")  # weeks on a line, options as points
        ), where
        assert c.x_title and c.y_title, where
        assert c.x_title != "label", where
        assert "minutes" not in (c.y_title + c.x_title + c.title), where
        assert (c.legend is None) == (c.series == 1), where
        assert not c.legend_overlay, where
    return [c.title for c in charts]


@pytest.mark.slow
def test_every_simulate_and_optimise_chart_is_readable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Dorset BCP: 9 INTs x 14 activities and 27 roles, more bars than a chart can show."""
    dorset = tmp_path / "dorset-bcp.xlsx"
    write_scenario(build_dorset_bcp(), dorset)
    sim = tmp_path / "sim.xlsx"
    fast = ["--replications", "1", "--weeks", "2", "--warmup-weeks", "1", "--workers", "1"]
    assert main(["simulate", str(dorset), *fast, "--out", str(sim)]) == 0
    titles = _check_readable(sim)
    assert any("worst 14 of" in t for t in titles)
    opt = tmp_path / "opt.xlsx"
    assert main(["optimise", str(dorset), "--out", str(opt)]) == 0
    _check_readable(opt)
    capsys.readouterr()
