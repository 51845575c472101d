"""A hand-solvable scenario: 2 INTs, 2 roles, 2 activities (see test_hand_solved.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from intplan.domain import (
    HCP,
    INT,
    PCN,
    ActivityKind,
    ActivityType,
    Adjacency,
    ArrivalProfile,
    Assignment,
    BaseKind,
    CareSetting,
    DemandRate,
    DurationDistribution,
    Eligibility,
    EmployerType,
    Practice,
    Role,
    Rota,
    Scenario,
    Settings,
    Staff,
    StaffGroup,
)

SRC = "test: hand-solvable instance"


def _role(code: str, pay: float) -> Role:
    return Role(
        code=code,
        name=f"Role {code}",
        staff_group=StaffGroup.NURSING,
        employer_type=EmployerType.GP_PRACTICE,
        pay_cost_gbp_per_fte=pay,
        hours_per_fte_week=40.0,
        productive_fraction=0.5,  # 20 productive hours per FTE
        skills=(),
        core=False,
        rota="WEEKDAY",
        population_per_fte=None,
        source=SRC,
    )


def _activity(code: str) -> ActivityType:
    return ActivityType(
        code=code,
        name=f"Activity {code}",
        kind=ActivityKind.PATIENT,
        priority=2,
        response_target_hours=48,
        setting=CareSetting.CLINIC,
        arrival_profile="FLAT",
        duration_distribution=DurationDistribution.FIXED,
        duration_cv=0.0,
        contacts_per_episode=1,
        deprivation_gradient=0.0,
        escalation_hours=None,
        source=SRC,
    )


def _staff(n: int, role: str, int_code: str, practice: str, fte: float) -> Staff:
    return Staff(
        id=f"S{n}",
        name=f"Person {n}",
        role=role,
        employer="Practice",
        base_kind=BaseKind.PRACTICE,
        base=practice,
        fte=fte,
        assignments=(Assignment(int_code=int_code, fte=fte, rule="practice"),),
    )


def build_handmade(
    *,
    settings: Settings | None = None,
    travel_minutes: float = 0.0,
    x_in_a_fte: float = 1.25,
) -> Scenario:
    """INT A (10,000 people) and INT B (5,000), all aged 18-64, adjacent.

    Roles X (£50,000/FTE) and Y (£30,000/FTE), 20 usable hours per FTE a week.
    Activity P: X 60 min (preferred), Y 120 min. Activity Q: Y 60 min only.
    Rates: P 2, Q 1 per 1,000 a week. Staff: A has X 1.25 + Y 0.5 FTE; B has Y 1.0.
    """
    rota = Rota(
        code="WEEKDAY",
        name="Weekdays",
        days=(True, True, True, True, True, False, False),
        start_hour=8,
        end_hour=18,
        source=SRC,
    )
    practices = (
        Practice(
            code="PA",
            name="Practice A",
            pcn="PCN1",
            list_by_age=(0, 10000, 0, 0, 0),
            deprivation_decile=5,
            x_km=0,
            y_km=0,
        ),
        Practice(
            code="PB",
            name="Practice B",
            pcn="PCN1",
            list_by_age=(0, 5000, 0, 0, 0),
            deprivation_decile=5,
            x_km=5,
            y_km=0,
        ),
    )
    rates = tuple(
        DemandRate(activity=a, age_band=b, per_1000_per_week=r if b == "18-64" else 0.0, source=SRC)
        for a, r in (("P", 2.0), ("Q", 1.0))
        for b in ("0-17", "18-64", "65-74", "75-84", "85+")
    )
    return Scenario(
        name="Hand-solvable",
        hcps=(HCP(code="H", name="HCP"),),
        pcns=(PCN(code="PCN1", name="PCN", hcp="H"),),
        practices=practices,
        ints=(
            INT(code="A", name="Alpha", hcp="H", practices=("PA",)),
            INT(code="B", name="Beta", hcp="H", practices=("PB",)),
        ),
        adjacencies=(Adjacency(int_a="A", int_b="B", travel_minutes=travel_minutes, source=SRC),),
        rotas=(rota,),
        roles=(_role("X", 50000.0), _role("Y", 30000.0)),
        staff=(
            _staff(1, "X", "A", "PA", x_in_a_fte),
            _staff(2, "Y", "A", "PA", 0.5),
            _staff(3, "Y", "B", "PB", 1.0),
        ),
        arrival_profiles=(
            ArrivalProfile(
                code="FLAT",
                name="Flat",
                day_weights=(1.0,) * 7,
                hour_weights=(1.0,) * 24,
                source=SRC,
            ),
        ),
        activities=(_activity("P"), _activity("Q")),
        eligibilities=(
            Eligibility(activity="P", role="X", duration_minutes=60, preference=1, source=SRC),
            Eligibility(activity="P", role="Y", duration_minutes=120, preference=2, source=SRC),
            Eligibility(activity="Q", role="Y", duration_minutes=60, preference=1, source=SRC),
        ),
        demand_rates=rates,
        settings=dataclasses.replace(
            settings or Settings(annual_growth_pct=0.0, utilisation_ceiling=1.0),
            represent_activity="P",
        ),
    )


@pytest.fixture()
def handmade() -> Callable[..., Scenario]:
    """The builder, so tests can vary settings, travel and staffing."""
    return build_handmade
