"""Replication seeding and the spawn-safe process pool."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from intplan.domain import Scenario
from intplan.sim import replications
from intplan.sim.model import compile_scenario
from intplan.sim.replications import (
    ReplicationsCancelled,
    auto_workers,
    replication_seeds,
    run_replications,
)


def test_replication_seeds_do_not_depend_on_the_batch() -> None:
    whole = replication_seeds(1, 0, 5)
    parts = replication_seeds(1, 0, 2) + replication_seeds(1, 2, 5)
    assert [s.generate_state(2).tolist() for s in whole] == [
        s.generate_state(2).tolist() for s in parts
    ]


@pytest.mark.parametrize("ints", [None, ("INT-B",)])
def test_pool_matches_in_process_and_cancel_stops_the_pool(
    tiny: Scenario, ints: tuple[str, ...] | None
) -> None:
    # ("INT-B",): the model's only INT is the scenario's second (its own random stream)
    model = compile_scenario(tiny, weeks=2, warmup_weeks=0, int_codes=ints)
    local = run_replications(model, seed=3, n_scenario_ints=2, start=0, stop=2, workers=1)
    pooled = run_replications(model, seed=3, n_scenario_ints=2, start=0, stop=2, workers=2)
    for a, b in zip(local, pooled, strict=True):
        assert np.array_equal(a.wait_sum_minutes, b.wait_sum_minutes)
        assert np.array_equal(a.weekly_backlog, b.weekly_backlog)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(ReplicationsCancelled):
        run_replications(
            model, seed=3, n_scenario_ints=2, start=0, stop=4, workers=2, cancel=cancel
        )


def test_automatic_workers_one_for_short_runs_else_a_core_per_replication(
    tiny: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = compile_scenario(tiny, weeks=4, warmup_weeks=1)
    monkeypatch.setattr(replications, "available_cores", lambda: 8)
    assert auto_workers(model, 30) == 1  # seconds of work: a pool would only add start-up
    monkeypatch.setattr(replications, "PARALLEL_MIN_CONTACTS", float(model.demand.sum()))
    assert auto_workers(model, 1) == 1
    assert auto_workers(model, 3) == 3
    assert auto_workers(model, 30) == 8
