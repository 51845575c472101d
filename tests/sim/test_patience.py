"""Patience (giving up while waiting) against Erlang A, M/M/c+M (intplan.demand.queueing),
in both engines."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from scipy import stats

from intplan.demand.queueing import erlang_a
from intplan.domain import Patience, Scenario
from intplan.examples import build_tiny
from intplan.io.errors import WorkbookError
from intplan.io.workbook import read_scenario, write_scenario
from intplan.services.simulate import SimulationOptions, run_simulation
from intplan.sim import engine, reference
from intplan.sim.model import compile_scenario
from intplan.sim.replications import replication_seeds


def impatient(
    make_queue: Callable[..., Scenario],
    *,
    servers: int,
    rho: float,
    mean_minutes: float,
    patience_minutes: float,
    kind: Patience = Patience.EXPONENTIAL,
) -> Scenario:
    lam = rho * servers / mean_minutes  # per minute
    s = make_queue(servers=servers, arrivals_per_hour=lam * 60, mean_minutes=mean_minutes)
    acts = tuple(
        dataclasses.replace(a, patience=kind, patience_mean_hours=patience_minutes / 60.0)
        for a in s.activities
    )
    return dataclasses.replace(
        s, activities=acts, settings=dataclasses.replace(s.settings, patience_enabled=1)
    )


def within_99(values: list[float], exact: float) -> bool:
    x = np.asarray(values)
    half = stats.t.ppf(0.995, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x))
    return bool(abs(x.mean() - exact) <= half)


@pytest.mark.parametrize(
    ("servers", "rho"),
    [(1, 0.9), (1, 1.3), (3, 0.95)],  # Erlang A is stable at any load
)
@pytest.mark.parametrize("run", [engine.run_replication, reference.run_replication])
def test_abandonment_and_wait_match_erlang_a(
    make_queue: Callable[..., Scenario],
    servers: int,
    rho: float,
    run: Callable[..., engine.ReplicationResult],
) -> None:
    mean_minutes, patience = 30.0, 45.0
    s = impatient(
        make_queue, servers=servers, rho=rho, mean_minutes=mean_minutes, patience_minutes=patience
    )
    m = compile_scenario(s, weeks=12, warmup_weeks=1)
    results = [run(m, ss, 1) for ss in replication_seeds(9, 0, 10)]
    lam = rho * servers / mean_minutes
    exact = erlang_a(servers, lam, 1 / mean_minutes, 1 / patience)
    gave_up = [float(r.reneged.sum() / r.arrivals.sum()) for r in results]
    waits = [float(r.wait_sum_minutes.sum() / r.served.sum()) for r in results]
    assert within_99(gave_up, exact.abandon_probability), (np.mean(gave_up), exact)
    assert within_99(waits, exact.served_wait_mean), (np.mean(waits), exact)


def test_without_patience_nobody_gives_up(make_queue: Callable[..., Scenario]) -> None:
    s = impatient(make_queue, servers=1, rho=1.2, mean_minutes=30.0, patience_minutes=45.0)
    off = dataclasses.replace(s, settings=dataclasses.replace(s.settings, patience_enabled=0))
    m = compile_scenario(off, weeks=2, warmup_weeks=1)
    r = engine.run_replication(m, replication_seeds(1, 0, 1)[0], 1)
    assert r.reneged.sum() == 0
    assert r.backlog_end.sum() > 100  # overloaded: the queue grows instead


def test_lognormal_patience_gives_up_less_often_than_its_mean_suggests_when_short_waits(
    make_queue: Callable[..., Scenario],
) -> None:
    # a lognormal patience with the same mean and cv 1 has fewer very short patiences
    # than the exponential: at a light load, with short waits, fewer give up
    kw: dict[str, Any] = {"servers": 1, "rho": 0.7, "mean_minutes": 30.0, "patience_minutes": 120.0}
    rates: dict[tuple[Patience, object], float] = {}
    for kind in (Patience.EXPONENTIAL, Patience.LOGNORMAL):
        m = compile_scenario(impatient(make_queue, kind=kind, **kw), weeks=10, warmup_weeks=1)
        for run in (engine.run_replication, reference.run_replication):
            rs = [run(m, ss, 1) for ss in replication_seeds(2, 0, 4)]
            rates[kind, run] = sum(r.reneged.sum() for r in rs) / sum(r.arrivals.sum() for r in rs)
    for run in (engine.run_replication, reference.run_replication):
        assert 0 < rates[Patience.LOGNORMAL, run] < rates[Patience.EXPONENTIAL, run]


def test_reneging_is_reported_and_split_by_destination(
    make_queue: Callable[..., Scenario],
) -> None:
    s = impatient(make_queue, servers=1, rho=1.2, mean_minutes=30.0, patience_minutes=45.0)
    result = run_simulation(s, SimulationOptions(replications=2, weeks=2, warmup_weeks=1, seed=5))
    j = result.to_json()
    act, int_ = j["activities"][0], j["ints"][0]
    assert act["reneged_per_week"] > 0
    assert int_["reneged_per_week"] == pytest.approx(act["reneged_per_week"])
    # 1,000 registered people: per 1,000 a week is the weekly count
    assert int_["unmet_per_1000_per_week"] == pytest.approx(act["reneged_per_week"])
    dest = int_["unmet_destinations_per_1000_per_week"]
    assert set(dest) == {"ed", "111", "pharmacy", "self_care"}
    assert sum(dest.values()) == pytest.approx(int_["unmet_per_1000_per_week"])
    heads = result.to_tables()[3].headers
    assert {"unmet_per_1000_per_week_mean", "unmet_destinations_per_1000_per_week_ed"} <= set(heads)


def test_patience_round_trips_through_the_workbook_and_a_missing_mean_is_named(
    tmp_path: Path,
) -> None:
    s = build_tiny()
    acts = tuple(
        dataclasses.replace(a, patience=Patience.LOGNORMAL, patience_mean_hours=36.0)
        if a.code == "SDC"
        else a
        for a in s.activities
    )
    s = dataclasses.replace(s, activities=acts)
    path = tmp_path / "p.xlsx"
    write_scenario(s, path)
    assert read_scenario(path) == s
    # a patience without its mean: one clear issue naming the sheet, row and column
    wb = openpyxl.load_workbook(path)
    ws = wb["Activities"]
    heads = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "SDC")
    ws.cell(row, heads.index("patience_mean_hours") + 1).value = None
    wb.save(path)
    with pytest.raises(WorkbookError) as err:
        read_scenario(path)
    text = str(err.value)
    assert "Activities" in text and "patience_mean_hours" in text and f"row {row}" in text
