"""Split options as typed rows: what ``intplan compare-splits`` prints and the GUI charts."""

from __future__ import annotations

import pytest

from intplan.cli.compare_splits import print_text
from intplan.domain import Scenario
from intplan.services.splits import SplitsOptions, SplitsResult, compare_splits


@pytest.fixture(scope="module")
def result(tiny: Scenario) -> SplitsResult:
    options = SplitsOptions(
        pcn="PCN1",
        weeks=4,
        warmup_weeks=1,
        screen_replications=2,
        replications=3,
        top=1,
        population_min=0,
        population_max=100_000,
    )
    return compare_splits(tiny, options)


def test_rows_follow_the_options_with_waits_in_hours(result: SplitsResult) -> None:
    rows = result.option_rows()
    assert [r.rank for r in rows] == [o.rank for o in result.options]
    for r, o in zip(rows, result.options, strict=True):
        assert (r.score, r.pareto, r.ints, r.groups) == (
            o.score,
            o.pareto,
            o.option.ints,
            o.option.label,
        )
        assert r.screened_only is o.screened_only
        assert r.chart_label == f"#{o.rank}: {o.option.ints} INT{'s' if o.option.ints > 1 else ''}"
        wait = o.estimates["wait"]
        assert r.wait_hours == pytest.approx(wait.mean / 60)
        assert r.wait_half_width_hours == pytest.approx(wait.half_width / 60)
        assert r.team_size == o.kpis["team_size"]
        assert (r.today != "") is o.current
    today = next(r for r in rows if r.today)
    assert today.today.startswith("today")


def test_cli_prints_the_rows(result: SplitsResult, capsys: pytest.CaptureFixture[str]) -> None:
    print_text(result)
    lines = capsys.readouterr().out.splitlines()
    assert any("wait h" in line and "groups" in line for line in lines)
    for r in result.option_rows():
        line = next(
            x for x in lines if x.rstrip().endswith(r.groups + (f" ({r.today})" if r.today else ""))
        )
        assert f"{r.wait_hours:,.2f}" in line and f"{r.score:.3f}" in line
