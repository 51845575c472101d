"""calibrate's Talking Therapies measures come from first contacts of an episode within
6 and 18 weeks of the request (``first_contact_within_*_weeks``), not from every session
against its own response target; both rows are compared with the national benchmarks."""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import pytest

from intplan.domain import Scenario
from intplan.io.benchmarks import load_benchmarks
from intplan.services.calibrate import benchmark_targets, compare, simulated_measures

TT_ROWS = ("tt_within_6_weeks_share", "tt_within_18_weeks_share")


def _tt(int_code: str, served: float, six: float | None, eighteen: float | None) -> Any:
    return SimpleNamespace(
        int_code=int_code,
        activity="TT",
        served_per_week=SimpleNamespace(mean=served),
        escalations_per_week=SimpleNamespace(mean=0.0),
        # every session within its own target: must not be what calibrate reports
        within_target_share=SimpleNamespace(mean=1.0),
        first_contact_within_6_weeks=six,
        first_contact_within_18_weeks=eighteen,
    )


def _result(*recs: Any) -> Any:
    return SimpleNamespace(activities=recs, ints=(SimpleNamespace(population=10_000),))


def test_tt_shares_are_first_contacts_weighted_by_contacts(tiny: Scenario) -> None:
    result = _result(_tt("INT-A", 300, 0.8, 0.96), _tt("INT-B", 100, 1.0, 1.0))
    m = simulated_measures(tiny, result)
    assert m["tt_within_6_weeks_share"].value == pytest.approx(0.8 * 0.75 + 1.0 * 0.25)
    assert m["tt_within_18_weeks_share"].value == pytest.approx(0.96 * 0.75 + 1.0 * 0.25)
    assert "first contacts" in m["tt_within_6_weeks_share"].note


def test_both_tt_rows_are_compared_with_the_national_benchmarks(tiny: Scenario) -> None:
    marks = benchmark_targets(load_benchmarks())
    rows = {r.measure: r for r in compare(tiny, _result(_tt("INT-A", 50, 0.5, 0.99)), marks)}
    six, eighteen = rows["tt_within_6_weeks_share"], rows["tt_within_18_weeks_share"]
    assert six.simulated == 0.5 and six.within is False  # national 0.903, 5 points below
    assert eighteen.simulated == 0.99 and eighteen.within is True  # national 0.985 at least


def test_no_first_contact_says_so_and_is_not_compared(tiny: Scenario) -> None:
    marks = benchmark_targets(load_benchmarks())
    rows = {r.measure: r for r in compare(tiny, _result(_tt("INT-A", 0, None, None)), marks)}
    for name in TT_ROWS:
        assert math.isnan(rows[name].simulated) and rows[name].within is None
        assert "no TT first contact" in rows[name].note
    # tiny has no talking therapies at all: said so
    assert "no TT activity" in simulated_measures(tiny, _result())[TT_ROWS[1]].note
