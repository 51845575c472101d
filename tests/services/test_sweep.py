"""Sweeps: common random numbers, tornado and heat-map data, the Sweep sheet, and the
same numbers from the local pool and from Dask clusters of one or two workers."""

from __future__ import annotations

import dataclasses
import pickle
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypedDict

import openpyxl
import pytest

from intplan.domain import Scenario
from intplan.services.files import load_scenario, save_scenario
from intplan.services.progress import Cancelled
from intplan.services.sweep import SweepOptions, SweepResult, run_sweep
from intplan.services.sweep_dask import dask_client
from intplan.services.sweep_params import parse_vary
from intplan.services.sweep_tasks import PortableScenario
from intplan.services.sweep_write import write_sweep_results


class _Run(TypedDict):
    replications: int
    weeks: int
    warmup_weeks: int
    seed: int


RUN: _Run = {"replications": 3, "weeks": 4, "warmup_weeks": 1, "seed": 11}


def _varies(tiny: Scenario) -> list[Any]:
    g = tiny.settings.annual_growth_pct
    # growth's low end is the workbook's own value: that variant IS the baseline
    return [
        parse_vary(f"growth={g}:{g + 3}"),
        parse_vary("demand_scale[SDC]=0.7:1.3"),
        parse_vary("productive[GP]=0.5:0.9"),
    ]


@pytest.fixture(scope="module")
def local_oat(tiny: Scenario) -> SweepResult:
    return run_sweep(tiny, _varies(tiny), SweepOptions(engine="local", workers=1, **RUN))


def test_common_random_numbers_make_an_unchanged_variant_identical(
    local_oat: SweepResult,
) -> None:
    r = local_oat
    same = next(x for x in r.variants if x.values and x.values[0][0] == "growth")
    assert r.per_replication[same.index] == r.per_replication[0]
    for d in r.differences[same.index].values():
        assert (d.mean, d.low, d.high) == (0.0, 0.0, 0.0)
    # a real change moves the KPIs, and every replication of it is paired with the baseline's
    busy = next(x for x in r.variants if x.values == (("productive[GP]", 0.5),))
    assert r.per_replication[busy.index]["wait"] != r.per_replication[0]["wait"]
    assert all(e.n == 3 for est in r.estimates for e in est.values() if e.n)


def test_tornado_is_sorted_by_swing_and_measured_from_the_baseline(
    local_oat: SweepResult,
) -> None:
    r = local_oat
    bars = r.tornado("wait")
    assert sorted(b.parameter for b in bars) == ["demand_scale[SDC]", "growth", "productive[GP]"]
    swings = [b.swing for b in bars]
    assert swings == sorted(swings, reverse=True)
    base = r.estimates[0]["wait"].mean
    gp = next(b for b in bars if b.parameter == "productive[GP]")
    at_half = next(x for x in r.variants if x.values == (("productive[GP]", 0.5),))
    assert gp.at_low == pytest.approx(r.estimates[at_half.index]["wait"].mean - base)
    growth = next(b for b in bars if b.parameter == "growth")
    assert growth.at_low == 0.0  # the baseline's own value
    assert r.heat_map("wait") is None


def test_a_two_parameter_grid_gives_a_heat_map(tiny: Scenario) -> None:
    varies = [parse_vary("demand_scale[SDC]=0.8:1.2:2"), parse_vary("productive[GP]=0.6:0.9:3")]
    r = run_sweep(tiny, varies, SweepOptions(design="grid", engine="local", workers=1, **RUN))
    grid = r.heat_map("within_target")
    assert grid is not None
    rows, cols, means = grid
    assert rows == pytest.approx((0.8, 1.2)) and cols == pytest.approx((0.6, 0.75, 0.9))
    variant = next(
        x for x in r.variants if x.values == (("demand_scale[SDC]", 1.2), ("productive[GP]", 0.6))
    )
    assert means[1][0] == r.estimates[variant.index]["within_target"].mean
    assert r.tornado("wait") == ()


def test_the_sweep_sheet_has_a_tornado_per_kpi_and_keeps_the_scenario(
    local_oat: SweepResult, tiny: Scenario, tmp_path: Path
) -> None:
    book = tmp_path / "tiny.xlsx"
    save_scenario(tiny, book)
    out = tmp_path / "swept.xlsx"
    write_sweep_results(local_oat, source=book, out=out)
    assert load_scenario(out) == load_scenario(book)  # Sweep is a result sheet
    ws = openpyxl.load_workbook(out)["Sweep"]
    charts = ws._charts
    assert len(charts) == len(local_oat.kpis)
    assert all(c.type == "bar" and c.overlap == 100 for c in charts)  # horizontal tornado
    cells = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "Tornado: Mean wait (minutes)" in cells
    table = next(iter(ws.tables.values()))
    assert table.ref.startswith("A") and len(table.ref.split(":")) == 2
    rows = list(ws[table.ref])
    assert len(rows) == 1 + len(local_oat.variants) * len(local_oat.kpis)


def test_a_grid_sheet_colours_its_heat_maps(tiny: Scenario, tmp_path: Path) -> None:
    varies = [parse_vary("growth=0:2:2"), parse_vary("productive[GP]=0.6:0.9:2")]
    r = run_sweep(tiny, varies, SweepOptions(design="grid", engine="local", workers=1, **RUN))
    book = tmp_path / "tiny.xlsx"
    save_scenario(tiny, book)
    write_sweep_results(r, source=book, out=book)  # into the input itself
    ws = openpyxl.load_workbook(book)["Sweep"]
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules]
    assert len(rules) == len(r.kpis) and all(rule.type == "colorScale" for rule in rules)
    assert ws._charts == []
    assert load_scenario(book) == tiny


def test_a_scenario_travels_to_workers_and_back_equal(tiny: Scenario) -> None:
    portable = pickle.loads(pickle.dumps(PortableScenario.of(tiny, "t")))
    assert portable.scenario() == tiny


@pytest.fixture(scope="module")
def cluster_of_two() -> Iterator[Any]:
    with dask_client(None, 2) as client:
        yield client


@pytest.mark.slow
def test_dask_with_one_or_two_workers_gives_the_local_pool_s_numbers(
    tiny: Scenario, local_oat: SweepResult, cluster_of_two: Any
) -> None:
    varies = _varies(tiny)
    pooled = run_sweep(tiny, varies, SweepOptions(engine="local", workers=2, **RUN))
    assert pooled.run.workers == 2
    two = run_sweep(tiny, varies, SweepOptions(**RUN), client=cluster_of_two)
    one = run_sweep(tiny, varies, SweepOptions(workers=1, **RUN))  # its own LocalCluster
    assert (two.run.engine, two.run.workers, one.run.workers) == ("dask", 2, 1)
    address = cluster_of_two.scheduler.address
    assert two.run.scheduler == address and address.startswith("tcp://")
    # --scheduler ADDRESS: an existing cluster, reached by its address
    existing = run_sweep(tiny, varies, SweepOptions(scheduler=address, **RUN))
    assert (existing.run.scheduler, existing.run.workers) == (address, 2)
    for r in (pooled, two, one, existing):
        assert r.per_replication == local_oat.per_replication


@pytest.mark.slow
def test_cancel_stops_a_dask_sweep(tiny: Scenario, cluster_of_two: Any) -> None:
    cancel = threading.Event()
    seen: list[float] = []

    def progress(fraction: float, _message: str) -> None:
        seen.append(fraction)
        if fraction > 0:
            cancel.set()  # the first finished task: cancel the rest

    options = dataclasses.replace(SweepOptions(**RUN), replications=20)
    with pytest.raises(Cancelled):
        run_sweep(
            tiny, _varies(tiny), options, progress=progress, cancel=cancel, client=cluster_of_two
        )
    assert max(seen) < 1.0
    # the sweep's futures were cancelled (the client holds none of them any more)
    assert not [k for k in cluster_of_two.futures if str(k).startswith("sweep-")]
