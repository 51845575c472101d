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


def test_a_role_keeps_up_with_overtime_in_every_view(capsys: pytest.CaptureFixture[str]) -> None:
    """A role a little over 100% of its on-duty hours keeps up on the overtime the
    simulator allows: `info` calls its INT stable, so no view may call the role short.
    `stable` is exactly "every patient-serving role keeps up and nothing is unserved"."""
    path = SCENARIOS / "kent-medway.xlsx"
    s = read_scenario(path)
    table = capacity_table(s)
    over = [
        (i.int_code, r.role)
        for i in table.ints
        for r in i.roles
        if r.serves_demand and r.utilisation > 1 and r.keeps_up
    ]
    assert over  # the example runs some general-practice pools at 101-109%
    model = {w.int_code: w for w in workload_model(s)}
    for i in table.ints:
        pools = {p.role: p for p in model[i.int_code].pools}
        for r in i.roles:
            assert r.keeps_up is pools[r.role].keeps_up
        assert i.stable is (
            all(r.keeps_up for r in i.roles if r.serves_demand)
            and not any(a.unserved_contacts_per_week > 0 for a in i.activities)
        )
    info = {i["int"]: i for i in _info_json(path, capsys)["ints"]}
    code, role = over[0]
    row = next(r for r in info[code]["roles"] if r["role"] == role)
    assert row["utilisation_expected"] > 1 and row["keeps_up"] is True
    assert row["overtime_hours_per_week"] > 0
    assert info[code]["stable"] is True


def test_info_marks_the_roles_that_do_not_keep_up(
    tiny: Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    """The tiny example is overloaded: its short roles carry a `!` in `info`'s text."""
    short = [
        (i.int_code, r.role)
        for i in capacity_table(tiny).ints
        for r in i.roles
        if r.serves_demand and not r.keeps_up
    ]
    assert short
    assert main(["info", str(SCENARIOS / "tiny.xlsx")]) == 0
    text = capsys.readouterr().out
    for code, role in short:
        line = next(x for x in text.splitlines() if x.startswith(code))
        assert f" {role} " in line and "%!" in line
    assert "a role marked ! does not" in text
