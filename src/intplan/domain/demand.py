"""Activity types, skill eligibility, referrals, demand rates and their modifiers."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from intplan.domain import _check
from intplan.domain import limits as L
from intplan.domain.errors import DomainError
from intplan.domain.geography import AGE_BANDS


class CareSetting(StrEnum):
    CLINIC = "clinic"
    HOME = "home"  # adds travel time that grows with the INT's area
    REMOTE = "remote"


class ActivityKind(StrEnum):
    PATIENT = "patient"  # requests arrive from the population
    MEETING = "meeting"  # MDT/huddle: fixed minutes per attending FTE per week


class DurationDistribution(StrEnum):
    FIXED = "fixed"
    EXPONENTIAL = "exponential"
    LOGNORMAL = "lognormal"


class Patience(StrEnum):
    """How long a waiting request stays before the person gives up (reneges)."""

    NONE = "none"  # waits as long as it takes
    EXPONENTIAL = "exponential"
    LOGNORMAL = "lognormal"  # coefficient of variation PATIENCE_LOGNORMAL_CV


#: assumption: patience times vary about as much as their mean (as exponential ones do)
PATIENCE_LOGNORMAL_CV = 1.0
#: the longest booking lead: a geometric lead beyond it is booked this many days ahead
#: (assumption: practices open their appointment books up to about 8 weeks ahead)
MAX_LEAD_DAYS = 56


def lead_cdf(mean_days: float) -> tuple[float, ...]:
    """P(lead <= d) for d = 1 .. MAX_LEAD_DAYS of a geometric lead on 1, 2, ... days with
    mean ``mean_days``; longer leads are booked MAX_LEAD_DAYS ahead (the last entry is 1).
    The simulator samples leads from it; the workload model averages over it."""
    stay = 1.0 - 1.0 / mean_days  # P(lead > d | lead > d - 1)
    return (*(1.0 - stay**d for d in range(1, MAX_LEAD_DAYS)), 1.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class ArrivalProfile:
    """Relative arrival weights by day of week and hour of day (normalised on use)."""

    code: str
    name: str
    day_weights: tuple[float, ...]  # 7 values, mon..sun
    hour_weights: tuple[float, ...]  # 24 values, 00..23
    source: str

    def __post_init__(self) -> None:
        _check.code("code", self.code)
        _check.text("name", self.name)
        if len(self.day_weights) != 7:
            raise DomainError("day_weights", "needs 7 values, Monday to Sunday")
        if len(self.hour_weights) != 24:
            raise DomainError("hour_weights", "needs 24 values, hour 0 to 23")
        for i, w in enumerate(self.day_weights):
            _check.within(f"day_{i}", w, L.WEIGHT)
        for i, w in enumerate(self.hour_weights):
            _check.within(f"hour_{i:02d}", w, L.WEIGHT)
        if sum(self.day_weights) <= 0 or sum(self.hour_weights) <= 0:
            raise DomainError("day_weights", "weights must not all be zero")
        _check.text("source", self.source)


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityType:
    code: str
    name: str
    kind: ActivityKind
    priority: int  # 1 = most urgent
    response_target_hours: float
    setting: CareSetting
    arrival_profile: str
    duration_distribution: DurationDistribution
    duration_cv: float  # coefficient of variation for lognormal durations
    contacts_per_episode: float  # mean contacts in an episode (continuity is measured over it)
    deprivation_gradient: float  # multiplier 1+g at decile 1, 1-g at decile 10
    escalation_hours: float | None  # waits beyond this escalate to ED; None = never
    source: str
    #: a waiting request gives up after a random time with this shape and mean (only when
    #: Settings.patience_enabled); NONE = it waits as long as it takes
    patience: Patience = Patience.NONE
    patience_mean_hours: float | None = None
    #: a request that cannot be seen within this many days of asking is turned away
    #: (only when Settings.booking_horizon_enabled); None = no limit
    booking_horizon_days: float | None = None
    #: the share of new episodes whose first contact is booked for a later day on
    #: purpose (recall, a day that suits the patient), not because of a queue; None = 0
    booked_ahead_share: float | None = None
    #: mean booking lead of those, whole days (geometric on 1, 2, ... up to MAX_LEAD_DAYS)
    booked_ahead_mean_days: float | None = None
    #: days from one contact of an episode to the next (a course of weekly sessions: 7);
    #: None = the response target, the next contact booked one target later
    followup_interval_days: float | None = None

    def __post_init__(self) -> None:
        _check.code("code", self.code)
        _check.text("name", self.name)
        _check.within("priority", self.priority, L.PRIORITY, whole=True)
        _check.within("response_target_hours", self.response_target_hours, L.TARGET_HOURS)
        _check.code("arrival_profile", self.arrival_profile)
        _check.within("duration_cv", self.duration_cv, L.DURATION_CV)
        _check.within("contacts_per_episode", self.contacts_per_episode, L.CONTACTS_PER_EPISODE)
        _check.within("deprivation_gradient", self.deprivation_gradient, L.DEPRIVATION_GRADIENT)
        if self.escalation_hours is not None:
            _check.within("escalation_hours", self.escalation_hours, L.TARGET_HOURS)
        _check.text("source", self.source)
        if self.patience_mean_hours is not None:
            _check.within("patience_mean_hours", self.patience_mean_hours, L.PATIENCE_HOURS)
        if self.booking_horizon_days is not None:
            _check.within("booking_horizon_days", self.booking_horizon_days, L.BOOKING_DAYS)
        if self.patience_mean_hours is None and self.patience is not Patience.NONE:
            raise DomainError("patience_mean_hours", f"is needed with {self.patience} patience")
        if self.booked_ahead_share is not None:
            _check.within("booked_ahead_share", self.booked_ahead_share, L.PROBABILITY)
        if self.booked_ahead_mean_days is not None:
            _check.within("booked_ahead_mean_days", self.booked_ahead_mean_days, L.LEAD_DAYS)
        if self.booked_ahead_share and self.booked_ahead_mean_days is None:
            raise DomainError("booked_ahead_mean_days", "is needed with a booked_ahead_share")
        if self.followup_interval_days is not None:
            _check.within("followup_interval_days", self.followup_interval_days, L.FOLLOWUP_DAYS)

    @property
    def followup_interval_hours(self) -> float:
        """Hours from one contact of an episode to the next: ``followup_interval_days``,
        else the response target."""
        if self.followup_interval_days is None:
            return self.response_target_hours
        return self.followup_interval_days * 24.0

    @property
    def books_ahead(self) -> bool:
        """Some first contacts are booked for a later day on purpose."""
        return bool(self.booked_ahead_share) and self.booked_ahead_mean_days is not None

    def deprivation_multiplier(self, decile: int) -> float:
        """Linear in IMD decile, 1 at the middle (5.5), so the national mix averages 1."""
        return 1.0 + self.deprivation_gradient * (5.5 - decile) / 4.5


@dataclass(frozen=True, slots=True, kw_only=True)
class Eligibility:
    """A role may do an activity, taking this long; preference 1 is asked first."""

    activity: str
    role: str
    duration_minutes: float  # per contact; for meetings, minutes per attending FTE per week
    preference: int
    source: str

    def __post_init__(self) -> None:
        _check.code("activity", self.activity)
        _check.code("role", self.role)
        _check.within("duration_minutes", self.duration_minutes, L.DURATION_MINUTES)
        _check.within("preference", self.preference, L.PREFERENCE, whole=True)
        _check.text("source", self.source)

    @property
    def key(self) -> str:
        return f"{self.activity}/{self.role}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Referral:
    """After an activity, a share of patients is referred on to another activity."""

    from_activity: str
    to_activity: str
    probability: float
    delay_hours: float
    rejection_probability: float  # screened out; re-presents at higher acuity (seed 002:168)
    source: str

    def __post_init__(self) -> None:
        _check.code("from_activity", self.from_activity)
        _check.code("to_activity", self.to_activity)
        _check.within("probability", self.probability, L.PROBABILITY)
        _check.within("delay_hours", self.delay_hours, L.DELAY_HOURS)
        _check.within("rejection_probability", self.rejection_probability, L.PROBABILITY)
        _check.text("source", self.source)

    @property
    def key(self) -> str:
        return f"{self.from_activity}>{self.to_activity}"


@dataclass(frozen=True, slots=True, kw_only=True)
class DemandRate:
    activity: str
    age_band: str
    per_1000_per_week: float
    source: str

    def __post_init__(self) -> None:
        _check.code("activity", self.activity)
        _check.choice("age_band", self.age_band, AGE_BANDS)
        _check.within("per_1000_per_week", self.per_1000_per_week, L.RATE_PER_1000_PER_WEEK)
        _check.text("source", self.source)

    @property
    def key(self) -> str:
        return f"{self.activity}/{self.age_band}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Seasonality:
    """Demand multiplier by calendar month; activity '*' applies to all activities."""

    activity: str
    month: int
    factor: float
    source: str

    def __post_init__(self) -> None:
        if self.activity != "*":
            _check.code("activity", self.activity)
        _check.within("month", self.month, L.MONTH, whole=True)
        _check.within("factor", self.factor, L.SEASON_FACTOR)
        _check.text("source", self.source)

    @property
    def key(self) -> str:
        return f"{self.activity}/{self.month}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Intervention:
    """A demand lever: effect % on an activity, after a lag, reached over a ramp.

    Lags follow the activation chain (staff 1+ month, patients 3+, health 6+,
    demand 12+; seed 000:277); adoption takes 6-12 months (seed 001:928).
    """

    code: str
    name: str
    activity: str
    int_code: str | None  # None = every INT
    effect_pct: float  # negative reduces demand
    start_week: int
    lag_weeks: int
    ramp_weeks: int
    source: str

    def __post_init__(self) -> None:
        _check.code("code", self.code)
        _check.text("name", self.name)
        _check.code("activity", self.activity)
        if self.int_code is not None:
            _check.code("int_code", self.int_code)
        _check.within("effect_pct", self.effect_pct, L.EFFECT_PCT)
        _check.within("start_week", self.start_week, L.WEEK, whole=True)
        _check.within("lag_weeks", self.lag_weeks, L.WEEK, whole=True)
        _check.within("ramp_weeks", self.ramp_weeks, L.WEEK, whole=True)
        _check.text("source", self.source)

    def multiplier(self, week: float) -> float:
        """Demand multiplier in simulation week ``week`` (0-based)."""
        t = week - self.start_week - self.lag_weeks
        if t <= 0:
            return 1.0
        share = 1.0 if self.ramp_weeks == 0 else min(1.0, t / self.ramp_weeks)
        return 1.0 + share * self.effect_pct / 100.0
