"""The bundled examples' demand adds up to its anchors once referrals are counted.

An activity's anchor is ALL of its contacts (docs/reference-data.md, "Calibration"); its
demand table row is only what starts new episodes. For every example and every INT ×
activity: the expected total (the table's episodes, plus the episodes referrals and
re-presentations start, per episode, times contacts per episode) is within ±15% of the
anchor, and a simulation counts that many arrivals.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from intplan.demand import patient_activities
from intplan.domain import Scenario
from intplan.examples import TEMPLATES, load_template
from intplan.examples.anchors import anchor_rates
from intplan.examples.referral_flow import contacts_per_episode, expected_contacts, table_contacts
from intplan.sim.engine import run_replication
from intplan.sim.model import compile_scenario
from intplan.sim.replications import replication_seeds

#: INTs simulated per example (whole K&M is slow; these span its four HCPs)
SIMULATED = {
    "tiny": ("INT-A", "INT-B"),
    "dorset-bcp": None,  # all nine
    "kent-medway": ("INT-DGS01", "INT-MS06", "INT-WK07", "INT-EK12"),
}


def _totals(scenario: Scenario, ints: tuple[str, ...]) -> np.ndarray:
    acts = patient_activities(scenario)
    return expected_contacts(scenario, acts, table_contacts(scenario, ints))


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_expected_totals_match_the_anchors(name: str) -> None:
    scenario = load_template(name)
    acts = patient_activities(scenario)
    ints = tuple(i.code for i in scenario.ints)
    total = _totals(scenario, ints)
    anchors = table_contacts(dataclasses.replace(scenario, demand_rates=anchor_rates(name)), ints)
    assert anchors.sum() > 0
    # every INT x activity within 15% (INTs differ from the calibration's age mix) ...
    ratio = np.divide(total, anchors, out=np.ones_like(total), where=anchors > 0)
    worst = np.unravel_index(np.argmax(np.abs(ratio - 1.0)), ratio.shape)
    assert np.all(np.abs(ratio - 1.0) <= 0.15), (
        f"{ints[worst[0]]} {acts[worst[1]]}: total {total[worst]:.1f} a week, "
        f"anchor {anchors[worst]:.1f}"
    )
    assert np.all(total[anchors == 0] == 0)
    # ... and the whole example within 3% (the calibration is exact up to rounding)
    assert total.sum(axis=0) == pytest.approx(anchors.sum(axis=0), rel=0.03)
    # referrals matter: without them the table alone misses some anchors by far
    assert np.any(table_contacts(scenario, ints).sum(axis=0) < 0.8 * anchors.sum(axis=0))


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_simulated_arrivals_match_the_expected_totals(name: str) -> None:
    """The closed form against the engine: demand held at the table's level (no season,
    growth or interventions), every request served (staff doubled, no escalation) and
    follow-ups a day apart, so 10 warm-up weeks reach the steady state."""
    scenario = load_template(name)
    acts = patient_activities(scenario)
    ints = SIMULATED[name] or tuple(i.code for i in scenario.ints)
    weeks, warmup = 20, 10
    model = compile_scenario(scenario, weeks=weeks, warmup_weeks=warmup, int_codes=ints)
    table = table_contacts(scenario, ints)
    model = dataclasses.replace(
        model,
        cover=False,
        neighbours=tuple(() for _ in ints),
        demand=np.repeat(table[:, :, None], weeks + warmup, axis=2),
        escalation_minutes=(math.inf,) * len(acts),
        # missed contacts booked again are extra arrivals the anchors do not hold
        dna_probability=(0.0,) * len(model.dna_probability),
        followup_delay_minutes=(1440.0,) * len(acts),
        staff_int=model.staff_int * 2,
        staff_role=model.staff_role * 2,
        staff_absence=model.staff_absence * 2,
        staff_segments=model.staff_segments * 2,
    )
    (seed,) = replication_seeds(7, 0, 1)
    simulated = run_replication(model, seed, len(scenario.ints)).arrivals.sum(axis=0)
    expected = _totals(scenario, ints).sum(axis=0) * weeks
    # contacts come in episodes (1 + geometric follow-ups): compound Poisson variance
    cpe = contacts_per_episode([scenario.activity_by_code[a] for a in acts])
    sd = np.sqrt(expected / cpe * cpe * (2 * cpe - 1))
    for k, a in enumerate(acts):
        assert abs(simulated[k] - expected[k]) <= 4 * sd[k] + 0.02 * expected[k] + 1, (
            f"{name} {a}: simulated {simulated[k] / weeks:.1f} a week, "
            f"expected {expected[k] / weeks:.1f}"
        )
