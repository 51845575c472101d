"""Booking horizon: a request that cannot be seen within N days of asking is turned away.

Known answers: M/M/1 whose customers are turned away when their wait would exceed a fixed
horizon tau (equivalently, deterministic patience tau) loses the share
(1 - rho) rho e^(-(mu - lambda) tau) / (1 - rho^2 e^(-(mu - lambda) tau)), which is
rho / (1 + rho) at tau = 0 (M/M/1/1) and 1 - 1/rho as tau grows when rho > 1; with a
horizon of 0 days an M/M/c queue is the Erlang loss system (Erlang B).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np
import pytest
from scipy import stats

from intplan.demand.queueing import erlang_b
from intplan.domain import Scenario
from intplan.services.simulate import SimulationOptions, run_simulation
from intplan.sim import engine, reference
from intplan.sim.model import compile_scenario
from intplan.sim.replications import replication_seeds


def with_horizon(
    make_queue: Callable[..., Scenario], *, servers: int, rho: float, days: float
) -> Scenario:
    mean_minutes = 30.0
    lam = rho * servers / mean_minutes
    s = make_queue(servers=servers, arrivals_per_hour=lam * 60, mean_minutes=mean_minutes)
    acts = tuple(dataclasses.replace(a, booking_horizon_days=days) for a in s.activities)
    return dataclasses.replace(
        s, activities=acts, settings=dataclasses.replace(s.settings, booking_horizon_enabled=1)
    )


Run = Callable[..., engine.ReplicationResult]
RUNS = pytest.mark.parametrize("run", [engine.run_replication, reference.run_replication])


def turned_away_share(
    s: Scenario, run: Run = engine.run_replication, reps: int = 12, weeks: int = 20
) -> list[float]:
    m = compile_scenario(s, weeks=weeks, warmup_weeks=1)
    results = [run(m, ss, 1) for ss in replication_seeds(4, 0, reps)]
    assert all(r.reneged.sum() == 0 for r in results)  # nobody gives up: no patience
    return [float(r.turned_away.sum() / r.arrivals.sum()) for r in results]


def within_99(values: list[float], exact: float) -> bool:
    x = np.asarray(values)
    half = stats.t.ppf(0.995, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x))
    return bool(abs(x.mean() - exact) <= half)


@RUNS
@pytest.mark.parametrize(("rho", "tau_minutes"), [(0.9, 72.0), (1.4, 144.0)])
def test_mm1_turned_away_share_matches_the_closed_form(
    make_queue: Callable[..., Scenario], rho: float, tau_minutes: float, run: Run
) -> None:
    mu = 1 / 30.0
    lam = rho * mu
    x = rho**2 * math.exp(-(mu - lam) * tau_minutes)
    exact = (1 - rho) * rho * math.exp(-(mu - lam) * tau_minutes) / (1 - x)
    s = with_horizon(make_queue, servers=1, rho=rho, days=tau_minutes / 1440.0)
    got = turned_away_share(s, run)
    assert within_99(got, exact), (np.mean(got), exact)


@RUNS
def test_a_horizon_of_zero_days_is_the_erlang_loss_system(
    make_queue: Callable[..., Scenario], run: Run
) -> None:
    # nobody can wait at all: M/M/3/3 turns away Erlang B of the arrivals
    s = with_horizon(make_queue, servers=3, rho=0.8, days=0.0)
    got = turned_away_share(s, run, reps=8, weeks=6)
    assert within_99(got, erlang_b(3, 2.4)), (np.mean(got), erlang_b(3, 2.4))


def test_turned_away_is_reported_as_unmet_need(make_queue: Callable[..., Scenario]) -> None:
    s = with_horizon(make_queue, servers=1, rho=1.3, days=0.05)
    result = run_simulation(s, SimulationOptions(replications=2, weeks=2, warmup_weeks=1, seed=5))
    j = result.to_json()
    act, int_ = j["activities"][0], j["ints"][0]
    assert act["turned_away_per_week"] > 0 and act["reneged_per_week"] == 0
    assert int_["unmet_per_1000_per_week"] == pytest.approx(act["turned_away_per_week"])
    assert "turned_away_per_week_mean" in result.to_tables()[1].headers


def test_the_horizon_switch_turns_it_off(make_queue: Callable[..., Scenario]) -> None:
    s = with_horizon(make_queue, servers=1, rho=1.3, days=0.05)
    off = dataclasses.replace(
        s, settings=dataclasses.replace(s.settings, booking_horizon_enabled=0)
    )
    m_off = compile_scenario(off, weeks=2, warmup_weeks=1)
    r = engine.run_replication(m_off, replication_seeds(1, 0, 1)[0], 1)
    assert r.turned_away.sum() == 0 and r.backlog_end.sum() > 100
