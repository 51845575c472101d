from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from intplan.cli import main
from intplan.demand.workload import workload_model
from intplan.domain import ActivityKind, Scenario
from intplan.io.workbook import read_scenario
from intplan.optimise.demand_hours import weekly_demand
from intplan.services.capacity import capacity_table

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _info_json(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["info", str(path), "--json"]) == 0
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    return report


@pytest.mark.parametrize("example", ["tiny", "dorset-bcp"])
def test_info_view_and_optimiser_give_the_same_numbers(
    example: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """One workload model: `info --json`, the Demand & capacity service and the optimiser's
    demand agree, INT by INT and activity by activity."""
    path = SCENARIOS / f"{example}.xlsx"
    s = read_scenario(path)
    model = {w.int_code: w for w in workload_model(s)}
    info = {i["int"]: i for i in _info_json(path, capsys)["ints"]}
    view = {i.int_code: i for i in capacity_table(s).ints}
    planned = weekly_demand(s)
    assert set(info) == set(view) == set(model) == {i.code for i in s.ints}
    for code, w in model.items():
        assert info[code]["workload_hours_per_week"] == pytest.approx(
            w.workload_hours_per_week, abs=0.05
        )
        assert info[code]["capacity_hours_per_week"] == pytest.approx(
            w.capacity_hours_per_week, abs=0.05
        )
        assert info[code]["utilisation_expected"] == pytest.approx(w.utilisation_expected, abs=5e-5)
        assert info[code]["stable"] is w.stable is view[code].stable
        assert view[code].workload_hours_per_week == pytest.approx(w.workload_hours_per_week)
        assert view[code].capacity_hours_per_week == pytest.approx(w.capacity_hours_per_week)
        assert view[code].utilisation_expected == pytest.approx(w.utilisation_expected)
        rows = {a["activity"]: a for a in info[code]["activities"]}
        shown = {a.activity: a for a in view[code].activities}
        for a in w.activities:
            d = planned[(code, a.activity)]
            assert d.mean_requests_per_week == pytest.approx(a.contacts_per_week)
            assert shown[a.activity].contacts_per_week == pytest.approx(a.contacts_per_week)
            assert rows[a.activity]["contacts_per_week"] == pytest.approx(
                a.contacts_per_week, abs=0.05
            )
            assert d.planned_hours_per_week == pytest.approx(a.preferred_hours_per_week)
            assert rows[a.activity]["preferred_hours_per_week"] == pytest.approx(
                a.preferred_hours_per_week, abs=0.05
            )


def test_capacity_is_on_duty_hours_and_demand_is_routed_workload(tiny: Scenario) -> None:
    table = capacity_table(tiny)
    for unit in table.ints:
        w = workload_model(tiny, int_codes=(unit.int_code,))[0]
        pools = {p.role: p for p in w.pools}
        for rc in unit.roles:
            role = tiny.role_by_code[rc.role]
            fte = sum(
                a.fte
                for s in tiny.staff
                if s.role == rc.role and not s.vacant
                for a in s.assignments
                if a.int_code == unit.int_code
            )
            meeting = sum(
                e.duration_minutes
                for e in tiny.eligibilities
                if e.role == rc.role
                and tiny.activity_by_code[e.activity].kind is ActivityKind.MEETING
            )
            # tiny's rotas are open longer than anyone's week: no cap
            hours = fte * (role.hours_per_fte_week - meeting / 60) * role.productive_fraction
            assert rc.fte == pytest.approx(fte)
            assert rc.capacity_hours_per_week == pytest.approx(hours)
            assert rc.demand_hours_per_week == pytest.approx(pools[rc.role].workload_hours_per_week)
        assert unit.demand_hours_per_week == pytest.approx(
            sum(a.hours_per_week for a in unit.activities)
        )


def test_vacant_posts_give_no_capacity(tiny: Scenario) -> None:
    vacant = tuple(dataclasses.replace(s, vacant=True) for s in tiny.staff)
    table = capacity_table(dataclasses.replace(tiny, staff=vacant))
    assert all(i.capacity_hours_per_week == 0 for i in table.ints)
    assert all(i.demand_hours_per_week == 0 for i in table.ints)  # nobody to serve it
    assert not any(i.stable for i in table.ints)
    assert all(
        a.unserved_contacts_per_week == pytest.approx(a.contacts_per_week)
        for i in table.ints
        for a in i.activities
    )


def test_population_sums_to_scenario(tiny: Scenario) -> None:
    table = capacity_table(tiny)
    assert sum(i.population for i in table.ints) == tiny.population
