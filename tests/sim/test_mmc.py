"""The engine against Erlang C: M/M/c at utilisation 0.5, 0.8 and 0.9."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from scipy import stats

from intplan.domain import Scenario
from intplan.services.simulate import SimulationOptions, run_simulation
from intplan.sim.stats import Estimate


def erlang_c(c: int, offered: float) -> float:
    """Probability an arrival waits in M/M/c with offered load ``offered`` = lambda / mu."""
    rho = offered / c
    top = offered**c / math.factorial(c) / (1.0 - rho)
    return top / (sum(offered**k / math.factorial(k) for k in range(c)) + top)


def contains_99(e: Estimate, value: float) -> bool:
    """Whether the 99% CI (widened from the reported 95% one) contains ``value``: six
    checks at 95% would fail somewhere by chance for one seed in four."""
    widen = stats.t.ppf(0.995, e.n - 1) / stats.t.ppf(0.975, e.n - 1)
    half = (e.high - e.low) / 2 * widen
    return bool(e.mean - half <= value <= e.mean + half)


@pytest.mark.slow
@pytest.mark.parametrize("rho", [0.5, 0.8, 0.9])
def test_mmc_matches_erlang_c(make_queue: Callable[..., Scenario], rho: float) -> None:
    c, mean_minutes = 3, 30.0
    lam_per_min = rho * c / mean_minutes
    scenario = make_queue(servers=c, arrivals_per_hour=lam_per_min * 60, mean_minutes=mean_minutes)
    result = run_simulation(
        scenario, SimulationOptions(replications=10, weeks=30, warmup_weeks=2, seed=11)
    )
    rec = result.activities[0]
    p_wait = erlang_c(c, lam_per_min * mean_minutes)
    wq = p_wait / (c / mean_minutes - lam_per_min)
    w = rec.wait_mean_minutes
    assert contains_99(w, wq), (rho, wq, w)
    pw = rec.waited_share
    assert contains_99(pw, p_wait), (rho, p_wait, pw)
    util = result.roles[0].utilisation
    assert util.low - 0.01 <= rho <= util.high + 0.01
