"""Did-not-attend by booking lead: the simulated rate per NHS category matches the table."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pytest

from intplan.domain import Scenario, Settings
from intplan.services.simulate import SimulationOptions, run_simulation
from intplan.sim import BOOKING_BUCKETS, engine, reference
from intplan.sim.model import compile_scenario
from intplan.sim.replications import replication_seeds

#: a table with every category different, so a contact counted in the wrong one shows
TABLE = {"same_day": 0.05, "8_14_days": 0.3}


def with_dna(s: Scenario, **settings: float) -> Scenario:
    dna = {f"dna_{k}": 0.0 for k in BOOKING_BUCKETS} | {f"dna_{k}": v for k, v in TABLE.items()}
    new = dataclasses.replace(s.settings, dna_enabled=1, **(dna | settings))  # type: ignore[arg-type]
    return dataclasses.replace(s, settings=new)


def booked_ahead(make_queue: Callable[..., Scenario], **settings: float) -> Scenario:
    """Nobody waits (ten idle servers): first contacts are same day, follow-ups (two
    contacts per episode on average) are booked 10 days ahead, so fall in 8-14 days."""
    s = make_queue(servers=1, arrivals_per_hour=2.0, mean_minutes=10.0, extra_staff=9)
    acts = tuple(
        dataclasses.replace(a, contacts_per_episode=2.0, response_target_hours=240.0)
        for a in s.activities
    )
    return with_dna(dataclasses.replace(s, activities=acts), **settings)


@pytest.mark.parametrize("run", [engine.run_replication, reference.run_replication])
def test_dna_rate_by_booking_category_matches_the_table(
    make_queue: Callable[..., Scenario], run: Callable[..., engine.ReplicationResult]
) -> None:
    m = compile_scenario(booked_ahead(make_queue), weeks=10, warmup_weeks=2)
    results = [run(m, ss, 1) for ss in replication_seeds(3, 0, 4)]
    dna = np.sum([r.dna_by_bucket[0, 0] for r in results], axis=0)
    att = np.sum([r.attended_by_bucket[0, 0] for r in results], axis=0)
    for b, name in enumerate(BOOKING_BUCKETS):
        n = dna[b] + att[b]
        p = TABLE.get(name, 0.0)
        if name in TABLE:
            assert n > 1000, name
            # binomial 99.9% interval around the configured probability
            assert abs(dna[b] / n - p) <= 3.3 * np.sqrt(p * (1 - p) / n), (name, dna[b] / n)
        else:  # only the missed contacts booked again (a week later: 2-7 days) are here
            assert dna[b] == 0, name
            assert att[b] == 0 or name == "2_7_days", name
    # every contact, missed or not, used a clinician's slot
    assert dna.sum() + att.sum() == sum(r.served.sum() for r in results)


def test_missed_contacts_are_booked_again_with_the_configured_probability(
    make_queue: Callable[..., Scenario],
) -> None:
    # all same-day contacts are missed; each is booked again a day later with p = 0.25
    s = booked_ahead(
        make_queue,
        dna_same_day=1.0,
        dna_8_14_days=0.0,
        dna_represent_probability=0.25,
        dna_represent_delay_hours=24.0,
    )
    s = dataclasses.replace(
        s, activities=tuple(dataclasses.replace(a, contacts_per_episode=1.0) for a in s.activities)
    )
    m = compile_scenario(s, weeks=10, warmup_weeks=2)
    results = [engine.run_replication(m, ss, 1) for ss in replication_seeds(3, 0, 3)]
    dna = np.sum([r.dna_by_bucket[0, 0] for r in results], axis=0)
    att = np.sum([r.attended_by_bucket[0, 0] for r in results], axis=0)
    # first contacts: all missed (same day); rebooked a day later: all attended (1 day)
    assert att[0] == 0 and dna[1:].sum() == 0 and set(np.flatnonzero(att)) == {1}
    share = att[1] / dna[0]
    assert abs(share - 0.25) <= 3.3 * np.sqrt(0.25 * 0.75 / dna[0]), share


def test_dna_off_by_default_changes_nothing(make_queue: Callable[..., Scenario]) -> None:
    s = booked_ahead(make_queue)
    off = dataclasses.replace(s, settings=dataclasses.replace(s.settings, dna_enabled=0))
    assert Settings().dna_enabled == 0
    opts = SimulationOptions(replications=2, weeks=2, warmup_weeks=1, seed=4)
    rec = run_simulation(off, opts).activities[0]
    assert rec.dna_rate.mean == 0.0
    assert rec.attended_per_week.mean == rec.served_per_week.mean


def test_dna_rate_is_in_the_json_and_the_result_sheet(make_queue: Callable[..., Scenario]) -> None:
    opts = SimulationOptions(replications=2, weeks=4, warmup_weeks=1, seed=4)
    result = run_simulation(booked_ahead(make_queue), opts)
    act = result.to_json()["activities"][0]
    assert 0.05 < act["dna_rate"] < 0.3
    assert act["dna_rate_by_bucket"]["1_day"] is None
    assert act["dna_rate_by_bucket"]["same_day"] == pytest.approx(0.05, abs=0.03)
    heads = result.to_tables()[1].headers
    assert {"dna_rate_mean", "dna_rate_by_bucket_8_14_days"} <= set(heads)
