"""The simulation's INT utilisation and growing-backlog flags (the quantities the
analytic workload model predicts)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from intplan.domain import ActivityKind, ActivityType, Eligibility, Role, Scenario
from intplan.services.simulate import SimulationOptions, result_rows, run_simulation

OPTIONS = SimulationOptions(replications=4, weeks=12, warmup_weeks=1, seed=5)


def with_meeting_only_role(s: Scenario) -> Scenario:
    """Add a role that only attends meetings (no patient activity): it has on-duty time
    but serves nobody, so it must not dilute the INT's utilisation."""
    role = dataclasses.replace(s.roles[0], code="MGR", name="Manager")
    meeting = ActivityType(
        **{
            **{f.name: getattr(s.activities[0], f.name) for f in dataclasses.fields(ActivityType)},
            "code": "MDT",
            "name": "MDT",
            "kind": ActivityKind.MEETING,
        }
    )
    staff = dataclasses.replace(s.staff[0], id="M-001", role="MGR")
    return dataclasses.replace(
        s,
        roles=(*s.roles, role),
        activities=(*s.activities, meeting),
        eligibilities=(
            *s.eligibilities,
            Eligibility(activity="MDT", role="MGR", duration_minutes=60, preference=1, source="t"),
        ),
        staff=(*s.staff, staff),
    )


@pytest.mark.parametrize("rho", [0.5, 0.8])
def test_int_utilisation_is_the_offered_load_of_patient_serving_staff(
    make_queue: Callable[..., Scenario], rho: float
) -> None:
    c, mean_minutes = 2, 30.0
    scenario = with_meeting_only_role(
        make_queue(servers=c, arrivals_per_hour=rho * c / mean_minutes * 60, mean_minutes=30)
    )
    assert isinstance(scenario.roles[-1], Role)
    r = run_simulation(scenario, OPTIONS)
    u = r.ints[0].utilisation
    assert u.low - 0.02 <= rho <= u.high + 0.02, (rho, u)
    # on duty: 2 servers around the clock (the meeting-only role is not counted)
    assert r.ints[0].on_duty_hours_per_week.mean == pytest.approx(c * 168, rel=1e-9)
    assert r.ints[0].contact_hours_per_week.mean == pytest.approx(
        u.mean * r.ints[0].on_duty_hours_per_week.mean, rel=0.05
    )
    assert not any(a.backlog_growing for a in r.activities)


def test_an_overloaded_queue_is_flagged_growing(make_queue: Callable[..., Scenario]) -> None:
    # two activities: an urgent one at 60% load, and a routine one taking the staff to
    # 130% in all: only the routine one's backlog grows
    scenario = make_queue(
        servers=2, arrivals_per_hour=(2.4, 2.8), mean_minutes=30, priorities=(1, 3)
    )
    r = run_simulation(scenario, OPTIONS)
    growing = {a.activity: a.backlog_growing for a in r.activities}
    assert growing == {"A0": False, "A1": True}
    assert r.ints[0].utilisation.mean > 0.97
    j = r.to_json()
    assert {a["activity"]: a["backlog_growing"] for a in j["activities"]} == growing
    assert 0.97 < j["ints"][0]["utilisation"] <= 1.05
    assert len(j["ints"][0]["utilisation_ci95"]) == 2
    heads, rows = result_rows(r)["Results Sim activities"]
    assert rows[1][heads.index("backlog_growing")] is True
    heads, rows = result_rows(r)["Results Sim INTs"]
    assert {"utilisation_mean", "on_duty_hours_per_week_mean"} <= set(heads)
