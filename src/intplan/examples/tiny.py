"""The ``tiny`` example: one PCN, three practices, two INTs. Small enough for tests.

Built from literals rather than the reference CSVs so tests do not move when the
reference data is revised. Illustrative only: fictional places and people.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from intplan.domain import (
    AGE_BANDS,
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
    Intervention,
    Practice,
    Referral,
    Role,
    Rota,
    Scenario,
    Seasonality,
    Settings,
    Staff,
    StaffGroup,
    Team,
)
from intplan.examples.referral_flow import referred_contacts

ILLUSTRATIVE = "illustrative: fictional tiny example for tests"
#: illustrative totals: ALL contacts per 1,000 a week by age band (0-17 ... 85+), referred
#: or not; the demand table holds what referrals and re-presentations do not bring
ANCHORS: dict[str, tuple[float, float, float, float, float]] = {
    "SDC": (40, 45, 70, 95, 120),
    "LTC": (2, 8, 25, 35, 40),
    # most of tiny's home visits follow a same-day contact (5% of SDC episodes, below);
    # what is left for HV's own episodes is close to tiny's earlier table (0, 0.5, 3, 12, 40)
    "HV": (0, 1.8, 10.8, 43.2, 144),
}
WEEKDAY = (True, True, True, True, True, False, False)


def build_tiny() -> Scenario:
    rotas = (
        Rota(
            code="WEEKDAY",
            name="Mon-Fri 08:00-18:30",
            days=WEEKDAY,
            start_hour=8.0,
            end_hour=18.5,
            source="NHS GP core hours 08:00-18:30 weekdays (GMS contract)",
        ),
        Rota(
            code="SEVENDAY",
            name="7 days 08:00-20:00",
            days=(True,) * 7,
            start_hour=8.0,
            end_hour=20.0,
            source="assumption: community services run 7 days (seed 000:141)",
        ),
    )
    roles = (
        Role(
            code="GP",
            name="GP",
            staff_group=StaffGroup.MEDICAL,
            employer_type=EmployerType.GP_PRACTICE,
            pay_cost_gbp_per_fte=140000,
            hours_per_fte_week=37.5,
            productive_fraction=0.8,
            skills=("diagnose", "prescribe"),
            core=True,
            rota="WEEKDAY",
            population_per_fte=2000,
            source=ILLUSTRATIVE,
        ),
        Role(
            code="PN",
            name="Practice nurse",
            staff_group=StaffGroup.NURSING,
            employer_type=EmployerType.GP_PRACTICE,
            pay_cost_gbp_per_fte=48000,
            hours_per_fte_week=37.5,
            productive_fraction=0.82,
            skills=("ltc",),
            core=True,
            rota="WEEKDAY",
            population_per_fte=4000,
            source=ILLUSTRATIVE,
        ),
        Role(
            code="DN",
            name="District nurse",
            staff_group=StaffGroup.NURSING,
            employer_type=EmployerType.COMMUNITY_PROVIDER,
            pay_cost_gbp_per_fte=58000,
            hours_per_fte_week=37.5,
            productive_fraction=0.8,
            skills=("home",),
            core=True,
            rota="SEVENDAY",
            population_per_fte=6000,
            source=ILLUSTRATIVE,
        ),
    )
    practices = (
        Practice(
            code="P1",
            name="Riverside Surgery",
            pcn="PCN1",
            list_by_age=(2000, 6000, 1200, 600, 200),
            deprivation_decile=3,
            x_km=0.0,
            y_km=0.0,
        ),
        Practice(
            code="P2",
            name="Hill Lane Practice",
            pcn="PCN1",
            list_by_age=(1500, 4500, 900, 500, 150),
            deprivation_decile=6,
            x_km=2.0,
            y_km=1.0,
        ),
        Practice(
            code="P3",
            name="Marsh Road Medical",
            pcn="PCN1",
            list_by_age=(1800, 5200, 1100, 700, 250),
            deprivation_decile=8,
            x_km=9.0,
            y_km=4.0,
        ),
    )
    profiles = (
        ArrivalProfile(
            code="INHOURS",
            name="Weekday daytime",
            day_weights=(1.2, 1.0, 1.0, 1.0, 1.0, 0, 0),
            hour_weights=tuple(1.0 if 8 <= h < 18 else 0.0 for h in range(24)),
            source=ILLUSTRATIVE,
        ),
        ArrivalProfile(
            code="FLAT",
            name="Around the clock",
            day_weights=(1.0,) * 7,
            hour_weights=(1.0,) * 24,
            source=ILLUSTRATIVE,
        ),
    )
    activities = (
        ActivityType(
            code="SDC",
            name="Same-day consultation",
            kind=ActivityKind.PATIENT,
            priority=1,
            response_target_hours=24,
            setting=CareSetting.CLINIC,
            arrival_profile="INHOURS",
            duration_distribution=DurationDistribution.LOGNORMAL,
            duration_cv=0.5,
            contacts_per_episode=1,
            deprivation_gradient=0.2,
            escalation_hours=48,
            source=ILLUSTRATIVE,
        ),
        ActivityType(
            code="LTC",
            name="LTC review",
            kind=ActivityKind.PATIENT,
            priority=3,
            response_target_hours=336,
            setting=CareSetting.CLINIC,
            arrival_profile="INHOURS",
            duration_distribution=DurationDistribution.LOGNORMAL,
            duration_cv=0.3,
            contacts_per_episode=2,
            deprivation_gradient=0.3,
            escalation_hours=None,
            source=ILLUSTRATIVE,
        ),
        ActivityType(
            code="HV",
            name="Housebound home visit",
            kind=ActivityKind.PATIENT,
            priority=2,
            response_target_hours=48,
            setting=CareSetting.HOME,
            arrival_profile="INHOURS",
            duration_distribution=DurationDistribution.LOGNORMAL,
            duration_cv=0.4,
            contacts_per_episode=3,
            deprivation_gradient=0.1,
            escalation_hours=96,
            source=ILLUSTRATIVE,
        ),
        ActivityType(
            code="MDT",
            name="MDT and huddle time",
            kind=ActivityKind.MEETING,
            priority=5,
            response_target_hours=168,
            setting=CareSetting.CLINIC,
            arrival_profile="INHOURS",
            duration_distribution=DurationDistribution.FIXED,
            duration_cv=0.0,
            contacts_per_episode=1,
            deprivation_gradient=0.0,
            escalation_hours=None,
            source=ILLUSTRATIVE,
        ),
    )
    elig = (
        Eligibility(
            activity="SDC", role="GP", duration_minutes=15, preference=1, source=ILLUSTRATIVE
        ),
        Eligibility(
            activity="SDC", role="PN", duration_minutes=20, preference=2, source=ILLUSTRATIVE
        ),
        Eligibility(
            activity="LTC", role="PN", duration_minutes=30, preference=1, source=ILLUSTRATIVE
        ),
        Eligibility(
            activity="LTC", role="GP", duration_minutes=20, preference=2, source=ILLUSTRATIVE
        ),
        Eligibility(
            activity="HV", role="DN", duration_minutes=40, preference=1, source=ILLUSTRATIVE
        ),
        Eligibility(
            activity="HV", role="GP", duration_minutes=30, preference=2, source=ILLUSTRATIVE
        ),
        Eligibility(
            activity="MDT", role="GP", duration_minutes=60, preference=1, source=ILLUSTRATIVE
        ),
        Eligibility(
            activity="MDT", role="DN", duration_minutes=60, preference=1, source=ILLUSTRATIVE
        ),
    )
    referrals = (
        Referral(
            from_activity="SDC",
            to_activity="HV",
            probability=0.05,
            delay_hours=24,
            rejection_probability=0.2,
            source=ILLUSTRATIVE,
        ),
    )
    settings = Settings(horizon_weeks=8, warmup_weeks=1, replications=3)
    rates = _calibrated_rates(practices, activities, referrals, settings)
    staff = []
    n = 0

    def add(
        role: str,
        employer: str,
        kind: BaseKind,
        base: str,
        fte: float,
        ints: dict[str, float],
        rule: str,
    ) -> None:
        nonlocal n
        n += 1
        staff.append(
            Staff(
                id=f"S{n:03d}",
                name=f"Person {n:03d}",
                role=role,
                employer=employer,
                base_kind=kind,
                base=base,
                fte=fte,
                assignments=tuple(
                    Assignment(int_code=i, fte=f, rule=rule) for i, f in ints.items()
                ),
            )
        )

    for p, i in (("P1", "INT-A"), ("P2", "INT-A"), ("P3", "INT-B")):
        for _ in range(3):
            add("GP", f"{p} practice", BaseKind.PRACTICE, p, 0.8, {i: 0.8}, "practice")
        for _ in range(2):
            add("PN", f"{p} practice", BaseKind.PRACTICE, p, 1.0, {i: 1.0}, "practice")
    pop_a = sum(sum(x.list_by_age) for x in practices[:2])
    pop_b = sum(practices[2].list_by_age)
    share_a = pop_a / (pop_a + pop_b)
    for _ in range(4):
        add(
            "DN",
            "Fictional Community Health",
            BaseKind.TEAM,
            "DNTEAM",
            1.0,
            {"INT-A": round(share_a, 6), "INT-B": round(1 - share_a, 6)},
            "team_share",
        )
    return Scenario(
        name="Tiny (illustrative)",
        notes="Fictional: one PCN, three practices, two INTs. For tests and the user guide.",
        hcps=(HCP(code="HCP1", name="Tiny HCP"),),
        pcns=(PCN(code="PCN1", name="Tiny PCN", hcp="HCP1"),),
        practices=practices,
        ints=(
            INT(code="INT-A", name="Riverside & Hill", hcp="HCP1", practices=("P1", "P2")),
            INT(code="INT-B", name="Marsh", hcp="HCP1", practices=("P3",)),
        ),
        adjacencies=(
            Adjacency(int_a="INT-A", int_b="INT-B", travel_minutes=15, source=ILLUSTRATIVE),
        ),
        teams=(
            Team(
                code="DNTEAM",
                name="Tiny district nursing",
                employer="Fictional Community Health",
                practices=("P1", "P2", "P3"),
            ),
        ),
        rotas=rotas,
        roles=roles,
        staff=tuple(staff),
        arrival_profiles=profiles,
        activities=activities,
        eligibilities=elig,
        referrals=referrals,
        demand_rates=rates,
        seasonality=tuple(
            Seasonality(activity="*", month=m, factor=f, source=ILLUSTRATIVE)
            for m, f in zip(
                range(1, 13),
                (1.15, 1.1, 1.05, 0.95, 0.95, 0.9, 0.85, 0.85, 1.0, 1.05, 1.05, 1.1),
                strict=True,
            )
        ),
        interventions=(
            Intervention(
                code="HOUSEBOUND-MDT",
                name="Proactive housebound MDT",
                activity="HV",
                int_code=None,
                effect_pct=-10,
                start_week=0,
                lag_weeks=12,
                ramp_weeks=26,
                source="seed 002:91 (GP demand -6%); illustrative",
            ),
        ),
        settings=settings,
    )


def anchor_rates() -> tuple[DemandRate, ...]:
    """The illustrative totals as a demand table (what the calibrated rates add up to)."""
    return tuple(
        DemandRate(activity=a, age_band=b, per_1000_per_week=r, source=ILLUSTRATIVE)
        for a, rates in ANCHORS.items()
        for b, r in zip(AGE_BANDS, rates, strict=True)
    )


def _calibrated_rates(
    practices: Sequence[Practice],
    activities: Sequence[ActivityType],
    referrals: Sequence[Referral],
    settings: Settings,
) -> tuple[DemandRate, ...]:
    """Each activity's anchor less the share referrals and re-presentations bring, on the
    example's own age mix (docs/reference-data.md, "Calibration")."""
    patient = [a for a in activities if a.code in ANCHORS]
    people = np.sum([p.list_by_age for p in practices], axis=0) / 1000.0
    anchor = np.array([float(np.dot(ANCHORS[a.code], people)) for a in patient])
    referred = referred_contacts(patient, referrals, settings, anchor)
    out: list[DemandRate] = []
    for a, total, came in zip(patient, anchor, referred, strict=True):
        keep = 1.0 - came / total
        note = (
            f"{ILLUSTRATIVE}; anchor = all {a.code} contacts, referred or not; "
            f"base = anchor x {keep:.3f}: referrals and re-presentations bring the rest"
        )
        out.extend(
            DemandRate(
                activity=a.code,
                age_band=b,
                per_1000_per_week=round(float(r * keep), 3),
                source=note if came > 0 else ILLUSTRATIVE,
            )
            for b, r in zip(AGE_BANDS, ANCHORS[a.code], strict=True)
        )
    return tuple(out)
