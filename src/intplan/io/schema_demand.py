"""The workbook's sheets about demand: ArrivalProfiles, Activities, Eligibility,
Referrals, DemandRates, Seasonality, Interventions."""

from __future__ import annotations

from intplan.domain import (
    AGE_BANDS,
    DAYS,
    MAX_LEAD_DAYS,
    ActivityKind,
    ActivityType,
    ArrivalProfile,
    CareSetting,
    DemandRate,
    DurationDistribution,
    Eligibility,
    Intervention,
    Patience,
    Referral,
    Seasonality,
)
from intplan.domain import limits as L
from intplan.io.schema_model import (
    SheetSpec,
    choice,
    code,
    integer,
    num,
    ref,
    source,
    text,
)

HOUR_HEADERS = tuple(f"h{h:02d}" for h in range(24))

ARRIVAL_PROFILES = SheetSpec(
    name="ArrivalProfiles",
    description="Relative arrival weights by day of week and hour of day (normalised on use).",
    columns=(
        code("code", "Profile code (INHOURS, SEVENDAY, FLAT)"),
        text("name", "Profile name"),
        *(
            num(
                d,
                f"Relative weight of {d.capitalize()}",
                L.WEIGHT,
                unit="weight",
                width=7,
                fields=(f"day_{i}",) + (("day_weights",) if i == 0 else ()),
                attr="day_weights",
                index=i,
            )
            for i, d in enumerate(DAYS)
        ),
        *(
            num(
                h,
                f"Relative weight of hour {h[1:]}:00-{h[1:]}:59",
                L.WEIGHT,
                unit="weight",
                width=6,
                fields=(f"hour_{i:02d}",) + (("hour_weights",) if i == 0 else ()),
                attr="hour_weights",
                index=i,
            )
            for i, h in enumerate(HOUR_HEADERS)
        ),
        source(),
    ),
    key=("code",),
    model=ArrivalProfile,
    scenario_field="arrival_profiles",
)

ACTIVITIES = SheetSpec(
    name="Activities",
    description="Activity types: priority, response target, setting, arrival profile, "
    "duration variability, episode length, deprivation gradient, escalation.",
    columns=(
        code("code", "Activity code (SDC, RC, LTC, HV, UCR, ...)"),
        text("name", "Activity name"),
        choice("kind", ActivityKind, "patient (requests) or meeting (MDT time)"),
        integer("priority", "1 = most urgent, 5 = least", L.PRIORITY, unit="1-5"),
        num(
            "response_target_hours",
            "Target time from request to contact",
            L.TARGET_HOURS,
            unit="hours",
            fmt="0.0#",
            width=14,
        ),
        choice("setting", CareSetting, "clinic, home (adds travel) or remote"),
        ref("arrival_profile", "ArrivalProfiles", "When requests arrive"),
        choice("duration_distribution", DurationDistribution, "Shape of contact durations"),
        num(
            "duration_cv",
            "Coefficient of variation of durations",
            L.DURATION_CV,
            unit="ratio",
            fmt="0.00",
        ),
        num(
            "contacts_per_episode",
            "Mean contacts in an episode of care",
            L.CONTACTS_PER_EPISODE,
            unit="contacts",
            fmt="0.0#",
        ),
        num(
            "deprivation_gradient",
            "Demand multiplier 1+g at decile 1, 1-g at decile 10",
            L.DEPRIVATION_GRADIENT,
            unit="ratio",
            fmt="0.00",
        ),
        num(
            "escalation_hours",
            "Waits beyond this escalate to ED (blank = never)",
            L.TARGET_HOURS,
            unit="hours",
            required=False,
        ),
        source(),
        choice(
            "patience",
            Patience,
            "How long a waiting request stays before giving up (blank = none: it waits as "
            "long as it takes); used when Settings patience_enabled = 1",
            required=False,
            if_blank=Patience.NONE,
        ),
        num(
            "patience_mean_hours",
            "Mean time a waiting request stays before giving up (needed with a patience)",
            L.PATIENCE_HOURS,
            unit="hours",
            required=False,
        ),
        num(
            "booking_horizon_days",
            "A request that cannot be seen within this many days is turned away (blank = no "
            "limit); used when Settings booking_horizon_enabled = 1",
            L.BOOKING_DAYS,
            unit="days",
            required=False,
        ),
        num(
            "booked_ahead_share",
            "Share of new episodes whose first contact is booked for a later day on purpose "
            "(recall, a day that suits the patient), not because of a queue (blank = 0: "
            "each asks to be seen as soon as possible)",
            L.PROBABILITY,
            unit="share",
            fmt="0.00",
            required=False,
        ),
        num(
            "booked_ahead_mean_days",
            "Mean booking lead of those, whole days: geometric on 1, 2, ... days, longer "
            f"than {MAX_LEAD_DAYS} booked {MAX_LEAD_DAYS} days ahead; a day the activity's "
            "arrival profile gives no requests (a closed day) moves to the next open day "
            "(needed with a booked_ahead_share)",
            L.LEAD_DAYS,
            unit="days",
            fmt="0.0",
            required=False,
        ),
        num(
            "followup_interval_days",
            "Days from one contact of an episode to the next, e.g. 7 for weekly sessions "
            "(blank = the response target: the next contact is booked one target later)",
            L.FOLLOWUP_DAYS,
            unit="days",
            fmt="0.0",
            required=False,
        ),
    ),
    key=("code",),
    model=ActivityType,
    scenario_field="activities",
)

ELIGIBILITY = SheetSpec(
    name="Eligibility",
    description="Which roles may do which activity, how long it takes them, and who is "
    "asked first. For meetings, duration is minutes per attending FTE per week.",
    columns=(
        ref("activity", "Activities", "Activity code"),
        ref("role", "Roles", "Role code"),
        num(
            "duration_minutes",
            "Minutes per contact (meetings: per attending FTE per week)",
            L.DURATION_MINUTES,
            unit="minutes",
            fmt="0.0",
        ),
        integer("preference", "1 is asked first", L.PREFERENCE, unit="1-9"),
        source(),
    ),
    key=("activity", "role"),
    model=Eligibility,
    scenario_field="eligibilities",
)

REFERRALS = SheetSpec(
    name="Referrals",
    description=(
        "After an activity's episode, a share of patients is referred on to another: "
        "decided once per episode, after its last contact (follow-ups do not refer)."
    ),
    columns=(
        ref("from_activity", "Activities", "Referring activity"),
        ref("to_activity", "Activities", "Activity referred to"),
        num(
            "probability",
            "Share of episodes referred on (at most one route per episode; an "
            "activity's rows add up to 1 or less)",
            L.PROBABILITY,
            unit="0-1",
            fmt="0.0000",
        ),
        num(
            "delay_hours",
            "Delay from the episode's last contact until the referred episode arrives "
            "(x (1 - integration_level))",
            L.DELAY_HOURS,
            unit="hours",
            fmt="0.0",
        ),
        num(
            "rejection_probability",
            "Share of referrals screened out (x (1 - integration_level)); each re-presents "
            "once, as one episode of represent_activity one priority more urgent, after "
            "represent_delay_hours",
            L.PROBABILITY,
            unit="0-1",
            fmt="0.000",
        ),
        source(),
    ),
    key=("from_activity", "to_activity"),
    model=Referral,
    scenario_field="referrals",
)

DEMAND_RATES = SheetSpec(
    name="DemandRates",
    description="Requests per 1,000 registered patients per week, by activity and age band.",
    columns=(
        ref("activity", "Activities", "Activity code"),
        choice("age_band", AGE_BANDS, "Age band", width=10),
        num(
            "per_1000_per_week",
            "Requests per 1,000 patients in the band per week",
            L.RATE_PER_1000_PER_WEEK,
            unit="per 1,000 per week",
            fmt="0.00",
            width=14,
        ),
        source(),
    ),
    key=("activity", "age_band"),
    model=DemandRate,
    scenario_field="demand_rates",
)

SEASONALITY = SheetSpec(
    name="Seasonality",
    description="Demand multiplier by calendar month; activity '*' applies to all.",
    columns=(
        code("activity", "Activity code, or * for all activities"),
        integer("month", "Calendar month 1-12", L.MONTH, unit="month"),
        num("factor", "Demand multiplier for the month", L.SEASON_FACTOR, unit="ratio", fmt="0.00"),
        source(),
    ),
    key=("activity", "month"),
    model=Seasonality,
    scenario_field="seasonality",
)

INTERVENTIONS = SheetSpec(
    name="Interventions",
    description="Demand levers: effect on an activity after a lag, reached over a ramp "
    "(lags: seed 000:277).",
    columns=(
        code("code", "Intervention code"),
        text("name", "Intervention name"),
        ref("activity", "Activities", "Activity affected"),
        ref(
            "int",
            "INTs",
            "INT it applies to (blank = every INT)",
            required=False,
            fields=("int", "int_code"),
            attr="int_code",
        ),
        num("effect_pct", "Change in demand once fully ramped", L.EFFECT_PCT, unit="%", fmt="0.0"),
        integer("start_week", "Simulation week it starts", L.WEEK, unit="week"),
        integer("lag_weeks", "Weeks before any effect", L.WEEK, unit="weeks"),
        integer("ramp_weeks", "Weeks from first effect to full effect", L.WEEK, unit="weeks"),
        source(),
    ),
    key=("code",),
    model=Intervention,
    scenario_field="interventions",
)
