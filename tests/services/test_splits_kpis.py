"""Splits and simulate agree on what "seen within target" means."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from intplan.domain import Scenario
from intplan.services.simulate import kpi_value
from intplan.services.splits import aggregate_replication, simulate_ints
from intplan.sim.model import compile_scenario
from intplan.sim.replications import run_replications

RUN = {"seed": 11, "weeks": 3, "warmup_weeks": 1}


def _one_gp(s: Scenario) -> Scenario:
    """Keep a single GP: queues grow past their tolerance and requests escalate."""
    gps = [p for p in s.staff if p.role == "GP"]
    kept = tuple(p for p in s.staff if p.role != "GP" or p is gps[0])
    return dataclasses.replace(s, name="one GP", staff=kept)


def test_within_target_counts_escalations_as_missed(tiny: Scenario) -> None:
    short = _one_gp(tiny)
    ints = tuple(i.code for i in short.ints)
    model = compile_scenario(short, weeks=RUN["weeks"], warmup_weeks=RUN["warmup_weeks"])
    reps = run_replications(
        model, seed=RUN["seed"], n_scenario_ints=len(short.ints), start=0, stop=3
    )
    assert all(r.escalated.sum() > 0 for r in reps), "the scenario must escalate"
    population = sum(short.int_population(c) for c in ints)
    for r in reps:
        row = aggregate_replication(r, population, RUN["weeks"])
        served, esc, within = r.served.sum(), r.escalated.sum(), r.within_target.sum()
        assert row["within_target"] == pytest.approx(within / (served + esc))
        # the whole-run KPI of the simulate service (its adaptive mode) agrees
        assert row["within_target"] == pytest.approx(kpi_value("within_target", r))
        assert row["within_target"] < within / served  # the old, served-only share
    # and the splits simulation (same seed, same INTs) reports exactly those values
    sim = simulate_ints(short, ints, replications=3, **RUN)
    expected = [aggregate_replication(r, population, RUN["weeks"]) for r in reps]
    assert sim.per_replication["within_target"] == pytest.approx(
        tuple(e["within_target"] for e in expected)
    )
    assert np.isfinite(sim.estimates["within_target"].mean)
