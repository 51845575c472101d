"""Scenarios for validating the engine against queueing theory, built from domain objects.

Everything used here is expressible in the workbook: a FLAT arrival profile, an H24 rota,
exponential durations, productive fraction 1 (no leave), no meetings, referrals or travel.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from intplan.domain import (
    HCP,
    INT,
    PCN,
    ActivityKind,
    ActivityType,
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

T = "test: queueing-theory configuration"
#: 2 people x 1.5 FTE x 56 h = 168 h: one server on duty around the clock (relay rota)
HOURS_PER_FTE = 56.0
PEOPLE_PER_SERVER = 2


def queue_scenario(
    *,
    servers: int,
    arrivals_per_hour: float | tuple[float, ...],
    mean_minutes: float,
    priorities: tuple[int, ...] = (1,),
    distribution: DurationDistribution = DurationDistribution.EXPONENTIAL,
    extra_staff: int = 0,
    ints: int = 1,
) -> Scenario:
    """``servers`` always on duty per INT; one activity per priority, same duration."""
    rates = (
        arrivals_per_hour
        if isinstance(arrivals_per_hour, tuple)
        else (arrivals_per_hour,) * len(priorities)
    )
    acts = tuple(
        ActivityType(
            code=f"A{k}",
            name=f"Activity {k}",
            kind=ActivityKind.PATIENT,
            priority=p,
            response_target_hours=1.0,
            setting=CareSetting.CLINIC,
            arrival_profile="FLAT",
            duration_distribution=distribution,
            duration_cv=0.0,
            contacts_per_episode=1,
            deprivation_gradient=0.0,
            escalation_hours=None,
            source=T,
        )
        for k, p in enumerate(priorities)
    )
    # 1,000 people aged 18-64, so the rate per 1,000 per week is the weekly count
    demand = tuple(
        DemandRate(activity=a.code, age_band="18-64", per_1000_per_week=r * 168.0, source=T)
        for a, r in zip(acts, rates, strict=True)
    )
    int_codes = [f"I{k}" for k in range(ints)]
    practices = tuple(
        Practice(
            code=f"P{k}",
            name=f"Practice {k}",
            pcn="N1",
            list_by_age=(0, 1000, 0, 0, 0),
            deprivation_decile=5,
            x_km=float(k * 5),
            y_km=0.0,
        )
        for k in range(ints)
    )
    staff = tuple(
        Staff(
            id=f"S{k}-{n:03d}",
            name=f"Server {n}",
            role="X",
            employer="Test",
            base_kind=BaseKind.PRACTICE,
            base=f"P{k}",
            fte=1.5,
            assignments=(Assignment(int_code=int_codes[k], fte=1.5, rule="manual"),),
        )
        for k in range(ints)
        for n in range((servers + extra_staff) * PEOPLE_PER_SERVER)
    )
    return Scenario(
        name="queue test",
        hcps=(HCP(code="H", name="H"),),
        pcns=(PCN(code="N1", name="N1", hcp="H"),),
        practices=practices,
        ints=tuple(
            INT(code=c, name=c, hcp="H", practices=(f"P{k}",)) for k, c in enumerate(int_codes)
        ),
        rotas=(
            Rota(
                code="H24",
                name="24/7",
                days=(True,) * 7,
                start_hour=0.0,
                end_hour=24.0,
                source=T,
            ),
        ),
        roles=(
            Role(
                code="X",
                name="Server",
                staff_group=StaffGroup.NURSING,
                employer_type=EmployerType.GP_PRACTICE,
                pay_cost_gbp_per_fte=50000,
                hours_per_fte_week=HOURS_PER_FTE,
                productive_fraction=1.0,
                skills=(),
                core=True,
                rota="H24",
                population_per_fte=None,
                source=T,
            ),
        ),
        staff=staff,
        arrival_profiles=(
            ArrivalProfile(
                code="FLAT",
                name="Flat",
                day_weights=(1.0,) * 7,
                hour_weights=(1.0,) * 24,
                source=T,
            ),
        ),
        activities=acts,
        eligibilities=tuple(
            Eligibility(
                activity=a.code, role="X", duration_minutes=mean_minutes, preference=1, source=T
            )
            for a in acts
        ),
        demand_rates=demand,
        settings=Settings(
            annual_growth_pct=0.0,
            overtime_limit_hours_per_day=12.0,
            represent_activity=acts[0].code,
        ),
    )


@pytest.fixture(scope="session")
def make_queue() -> Callable[..., Scenario]:
    return queue_scenario
