"""The bundled examples reproduce the national benchmarks (issue 13's acceptance).

Kent & Medway, all INTs, 5 replications x 26 weeks (slow): general-practice booking
categories, did-not-attend, talking therapies, UCR, no growing backlog anywhere (the
issue allowed up to five deliberately stressed INTs; none is needed), and every
benchmark `intplan calibrate` compares within its tolerance. Dorset BCP: the same, on a shorter run.
"""

from __future__ import annotations

import math

import pytest

from intplan.examples import load_template
from intplan.io.benchmarks import load_benchmarks
from intplan.services.calibrate import benchmark_targets, calibration_table
from intplan.services.simulate import SimulationOptions

#: benchmarks calibrate cannot simulate yet (it says so in the row's note): none left
NOT_SIMULATED: set[str] = set()


def check_acceptance(name: str, options: SimulationOptions) -> None:
    table = calibration_table(load_template(name), options, benchmark_targets(load_benchmarks()))
    rows = {r.measure: r for r in table.rows}
    for r in table.rows:
        if r.measure in NOT_SIMULATED:
            assert not math.isfinite(r.simulated) and "not simulated" in r.note
            continue
        assert r.within is True, (r.measure, r.simulated, r.observed, r.tolerance, r.note)
    # the acceptance ranges
    assert 0.38 <= rows["gp_same_day_share"].simulated <= 0.52
    assert 0.75 <= rows["gp_within_14_days_share"].simulated <= 0.90
    assert 0.03 <= rows["gp_dna_rate"].simulated <= 0.07
    assert rows["tt_within_6_weeks_share"].simulated >= 0.85
    assert rows["ucr_within_2_hours_share"].simulated >= 0.70
    growing = {(a.int_code, a.activity) for a in table.result.activities if a.backlog_growing}
    assert growing == set(), sorted(growing)


def test_dorset_reproduces_the_national_benchmarks() -> None:
    check_acceptance("dorset-bcp", SimulationOptions(replications=2, weeks=13, workers=1, seed=1))


@pytest.mark.slow
def test_kent_medway_reproduces_the_national_benchmarks() -> None:
    check_acceptance("kent-medway", SimulationOptions(replications=5, weeks=26, workers=2))
