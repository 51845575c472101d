"""The ICS overview rows: read from the result, lights against the declared thresholds."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import openpyxl
import pytest

from intplan.domain import Scenario
from intplan.io.workbook import write_scenario
from intplan.services.overview import (
    BACKLOG,
    OVERVIEW_HEADERS,
    SHEET_OVERVIEW,
    THRESHOLDS,
    UNMET,
    UTILISATION,
    WITHIN_TARGET,
    Light,
    overview_cells,
    overview_rows,
)
from intplan.services.simulate import (
    SimulationOptions,
    SimulationResult,
    run_simulation,
    write_simulation_results,
)
from intplan.sim import Estimate

QUICK = SimulationOptions(replications=2, weeks=4, warmup_weeks=1, seed=11)


@pytest.fixture(scope="module")
def result(tiny: Scenario) -> SimulationResult:
    return run_simulation(tiny, QUICK)


def _estimate(mean: float) -> Estimate:
    return Estimate(mean=mean, low=mean, high=mean, n=2)


@pytest.mark.parametrize(
    ("threshold", "value", "light"),
    [
        (WITHIN_TARGET, 0.70, Light.GREEN),  # the limit itself is met
        (WITHIN_TARGET, 0.69, Light.AMBER),
        (WITHIN_TARGET, 0.50, Light.AMBER),
        (WITHIN_TARGET, 0.49, Light.RED),
        (UTILISATION, 0.85, Light.GREEN),
        (UTILISATION, 0.90, Light.AMBER),
        (UTILISATION, 0.95, Light.AMBER),
        (UTILISATION, 0.96, Light.RED),
        (BACKLOG, 0, Light.GREEN),
        (BACKLOG, 1, Light.AMBER),
        (BACKLOG, 2, Light.RED),
        (UNMET, 0.5, Light.GREEN),
        (UNMET, 1.0, Light.AMBER),
        (UNMET, 2.5, Light.RED),
        (UNMET, math.nan, Light.NONE),  # not measured: no light, not green
    ],
)
def test_traffic_light_thresholds(threshold: object, value: float, light: Light) -> None:
    assert threshold.light(value) is light  # type: ignore[attr-defined]


def test_every_threshold_names_its_source() -> None:
    for t in THRESHOLDS:
        assert t.source, t.kpi
        # each limit is either cited or marked as an assumption with its reason
        assert "assumption:" in t.source or "guidance" in t.source, t.kpi
        assert (t.green >= t.red) if t.higher_is_better else (t.green <= t.red), t.kpi


def test_one_row_per_int_read_from_the_result(result: SimulationResult) -> None:
    rows = overview_rows(result)
    assert [r.int_code for r in rows] == [i.int_code for i in result.ints]
    for row, unit in zip(rows, result.ints, strict=True):
        acts = [a for a in result.activities if a.int_code == row.int_code]
        assert row.utilisation == unit.utilisation.mean
        assert row.utilisation_light is UTILISATION.light(unit.utilisation.mean)
        assert row.unmet_per_1000_per_week == unit.unmet_per_1000_per_week.mean
        assert row.backlog_growing == tuple(a.activity for a in acts if a.backlog_growing)
        assert row.backlog_end == pytest.approx(sum(a.backlog_end.mean for a in acts))
        shares = [a.within_target_share.mean for a in acts if a.served_per_week.mean > 0]
        assert min(shares) <= row.within_target_share <= max(shares)
        assert row.worst_activity_share == min(shares)
        assert row.overall == max(
            row.within_target_light, row.utilisation_light, row.backlog_light, row.unmet_light
        )


def test_within_target_is_weighted_by_requests_and_a_late_int_is_red(
    result: SimulationResult,
) -> None:
    code = result.ints[0].int_code
    acts = []
    for a in result.activities:
        if a.int_code == code:
            # one busy activity far behind, one quiet one on time, nothing escalated
            busy = a.activity == "SDC"
            a = dataclasses.replace(
                a,
                within_target_share=_estimate(0.2 if busy else 1.0),
                served_per_week=_estimate(600.0 if busy else 100.0),
                escalations_per_week=_estimate(0.0),
            )
        acts.append(a)
    units = tuple(
        dataclasses.replace(u, utilisation=_estimate(0.9)) if u.int_code == code else u
        for u in result.ints
    )
    changed = dataclasses.replace(result, activities=tuple(acts), ints=units)
    row = next(r for r in overview_rows(changed) if r.int_code == code)
    others = sum(1 for a in acts if a.int_code == code and a.activity != "SDC")
    assert row.within_target_share == pytest.approx(
        (0.2 * 600 + 100 * others) / (600 + 100 * others)
    )
    assert row.worst_activity == "SDC" and row.worst_activity_share == 0.2
    assert row.utilisation_light is Light.AMBER
    assert row.within_target_light is Light.RED
    assert row.overall is Light.RED


def test_overview_sheet_rows_equal_the_service_rows(
    tiny: Scenario, result: SimulationResult, tmp_path: Path
) -> None:
    source, out = tmp_path / "tiny.xlsx", tmp_path / "out.xlsx"
    write_scenario(tiny, source)
    write_simulation_results(result, source=str(source), out=str(out))
    wb = openpyxl.load_workbook(out, read_only=True)
    cells = [tuple(row) for row in wb[SHEET_OVERVIEW].iter_rows(values_only=True)]
    header_at = cells.index(OVERVIEW_HEADERS)
    body = [r for r in cells[header_at + 1 :] if any(v is not None for v in r)]
    expected = [overview_cells(r) for r in overview_rows(result)]
    assert body == expected
    assert len(body) == len(tiny.ints)
