"""One model, one answer: the analytic workload view (``info``, the Demand & capacity
view, the optimiser's demand) and the simulation agree about the same INTs.

The acceptance of issue "One model, one answer": for every INT the simulation finds
stable, ``utilisation_expected`` is within 5 percentage points of the simulated
``utilisation``; and ``stable`` agrees with "no backlog growing" for at least 90% of
INTs (Kent & Medway, slow).
"""

from __future__ import annotations

import pytest

from intplan.domain import Scenario
from intplan.examples import build_dorset_bcp, build_kent_medway
from intplan.services.capacity import capacity_table
from intplan.services.simulate import SimulationOptions, SimulationResult, run_simulation

TOLERANCE = 0.05  # percentage points of utilisation, as a share


def _compare(scenario: Scenario, result: SimulationResult) -> tuple[list[str], int, int]:
    """(INTs the simulation finds stable whose utilisations differ by more than the
    tolerance, INTs where ``stable`` agrees with "no backlog growing", INTs)."""
    growing: dict[str, bool] = {}
    for a in result.activities:
        growing[a.int_code] = growing.get(a.int_code, False) or a.backlog_growing
    simulated = {i.int_code: i.utilisation.mean for i in result.ints}
    far, agree = [], 0
    table = capacity_table(scenario)
    for i in table.ints:
        if not growing[i.int_code] and abs(i.utilisation_expected - simulated[i.int_code]) > (
            TOLERANCE
        ):
            far.append(f"{i.int_code}: {i.utilisation_expected:.3f} vs {simulated[i.int_code]:.3f}")
        agree += i.stable == (not growing[i.int_code])
    return far, agree, len(table.ints)


def test_dorset_expected_and_simulated_utilisation_agree() -> None:
    dorset = build_dorset_bcp()
    # over the Settings horizon, the one info's expected figures average over
    result = run_simulation(dorset, SimulationOptions(replications=2, workers=1))
    far, _agree, n = _compare(dorset, result)
    assert n == 9
    assert far == []


@pytest.mark.slow
def test_kent_medway_views_agree() -> None:
    km = build_kent_medway()
    result = run_simulation(km, SimulationOptions(replications=3, weeks=52))
    far, agree, n = _compare(km, result)
    assert n == 52
    assert far == []
    assert agree >= 0.9 * n, f"stable agrees with the simulation in {agree} of {n} INTs"
    # held since the views count the same work (docs/model.md, 2026-12-01): 51 measured
    assert agree >= n - 2, f"stable agrees with the simulation in {agree} of {n} INTs"
