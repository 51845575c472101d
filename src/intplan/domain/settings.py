"""Scenario-wide settings, each with a unit, a default and the source of that default."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

from intplan.domain import _check
from intplan.domain.errors import DomainError
from intplan.domain.limits import Limit


@dataclass(frozen=True, slots=True)
class SettingSpec:
    key: str
    unit: str
    default: float | int | str
    source: str
    description: str
    limit: Limit | None = None  # plausible range; None for text settings


SETTING_SPECS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "standard_week_hours",
        "hours",
        37.5,
        "NHS Terms and Conditions (Agenda for Change) handbook s.27: 37.5 h full-time week",
        "Hours in a full-time week, used where a role gives none",
        limit=Limit(1, 80, "a full-time week; 80 allows any contract"),
    ),
    SettingSpec(
        "horizon_weeks",
        "weeks",
        52,
        "assumption: one planning year",
        "Simulated weeks after warm-up",
        limit=Limit(1, 520, "assumption: ten years is the longest useful plan"),
    ),
    SettingSpec(
        "warmup_weeks",
        "weeks",
        4,
        "assumption: queues in an INT settle within a month; deleted from statistics",
        "Weeks simulated and discarded before statistics start",
        limit=Limit(0, 104, "assumption: queues settle long before two years"),
    ),
    SettingSpec(
        "replications",
        "count",
        10,
        "assumption: 10 gives CI half-widths of a few % for waits at INT level",
        "Independent replications for confidence intervals",
        limit=Limit(1, 10_000, "assumption: more gives no useful precision"),
    ),
    SettingSpec(
        "seed",
        "integer",
        20240729,
        "assumption: any fixed integer; the K&M framework's date (seed 000:7)",
        "Root seed; replications use SeedSequence(seed).spawn(n)",
        limit=Limit(
            0, 4_294_967_295, "a 32-bit seed; Excel keeps whole numbers exact only to 15 digits"
        ),
    ),
    SettingSpec(
        "start_month",
        "month",
        4,
        "assumption: NHS financial year starts in April",
        "Calendar month of simulation week 0 (for seasonality)",
        limit=Limit(1, 12, "a calendar month"),
    ),
    SettingSpec(
        "annual_growth_pct",
        "% per year",
        0.53,
        "seed 000:1369: 5.4% over ten years = 0.53% a year (000:1193 says more)",
        "Population growth applied to demand over the horizon",
        limit=Limit(
            -10, 10, "assumption: ONS projections for English areas stay within ±2% a year"
        ),
    ),
    SettingSpec(
        "integration_level",
        "0-1",
        0.0,
        "assumption: 0 = today's separate teams; 1 = hand-offs removed (seed 000:143)",
        "Cuts referral rejection and hand-off delay in proportion",
        limit=Limit(0, 1, "a share"),
    ),
    SettingSpec(
        "represent_activity",
        "activity code",
        "SDC",
        "seed 002:168: people screened out return to their GP or ED in a worse state",
        "Activity a rejected referral re-presents as",
    ),
    SettingSpec(
        "represent_delay_hours",
        "hours",
        72.0,
        "assumption: rejected referrals return within a few days (seed 002:168 gives none)",
        "Delay before a rejected referral re-presents",
        limit=Limit(0, 8760, "up to a year"),
    ),
    SettingSpec(
        "travel_speed_kmh",
        "km/h",
        30.0,
        "assumption: mixed urban/rural driving in Kent (seed 000:1368 names travel, no figure)",
        "Speed for home-visit travel within an INT",
        limit=Limit(1, 200, "walking pace to motorway speed"),
    ),
    SettingSpec(
        "overtime_limit_hours_per_day",
        "hours",
        1.0,
        "assumption: staff finish the contact in hand, up to an hour past shift end",
        "Most a shift runs over to finish a contact",
        limit=Limit(0, 12, "half a day"),
    ),
    SettingSpec(
        "team_size_threshold",
        "people",
        50,
        "assumption: Dunbar-style group size; seed 000:147 asks teams small enough to know each other",
        "Core-team headcount above which members cannot all know each other",
        limit=Limit(1, 100_000, "people; above 100,000 is a typing error"),
    ),
    SettingSpec(
        "int_population_min",
        "people",
        30000,
        "seed 003:95: INTs serve 30,000-50,000",
        "Lower bound of INT population",
        limit=Limit(0, 10_000_000, "people; the largest ICS serves about 3 million"),
    ),
    SettingSpec(
        "int_population_max",
        "people",
        50000,
        "seed 003:95: INTs serve 30,000-50,000",
        "Upper bound of INT population",
        limit=Limit(1, 10_000_000, "people; the largest ICS serves about 3 million"),
    ),
    SettingSpec(
        "utilisation_ceiling",
        "0-1",
        0.85,
        "assumption: queueing delays rise steeply above ~85% utilisation (Erlang C)",
        "Planning ceiling on the share of productive time spent on demand",
        limit=Limit(0.05, 1, "a share of productive time"),
    ),
    SettingSpec(
        "cover_share_cap",
        "0-1",
        0.2,
        "assumption: INTs cover absence/vacancy of neighbours (seed 000:746); 20% of hours",
        "Most of a role's hours an INT may lend to adjacent INTs",
        limit=Limit(0, 1, "a share"),
    ),
    SettingSpec(
        "move_fte_cap_share",
        "0-1",
        0.1,
        "assumption: moving named people between INTs is disruptive; cap at 10%",
        "Most of existing FTE the optimiser may move between INTs",
        limit=Limit(0, 1, "a share"),
    ),
    SettingSpec(
        "demand_percentile",
        "0-1",
        0.5,
        "assumption: plan for mean demand (0.5); raise to allow for variation",
        "Weekly demand level the optimiser must meet",
        limit=Limit(0.01, 0.999, "a percentile strictly inside 0-1"),
    ),
    SettingSpec(
        "budget_gbp",
        "GBP per year",
        0.0,
        "assumption: 0 means no budget limit",
        "Annual pay budget across all INTs for the optimiser",
        limit=Limit(0, 1e12, "£1 trillion is far above the whole NHS budget"),
    ),
    SettingSpec(
        "unmet_penalty_gbp_per_hour",
        "GBP per hour",
        500.0,
        "assumption: well above any role's hourly cost so demand is met before saving money",
        "Optimiser penalty per hour of unmet demand",
        limit=Limit(0, 1_000_000, "£ per hour; above a million is a typing error"),
    ),
)

#: issue 13's summary of NHS England, "Appointments in General Practice, April 2024"
_AGP = "NHS England, Appointments in General Practice, April 2024 (as summarised in issue 13)"
#: did-not-attend probability by booking lead, in the NHS categories (key suffix, label,
#: default, source); the published figures are the ends, the middle is interpolated
DNA_BUCKET_DEFAULTS: tuple[tuple[str, str, float, str], ...] = (
    (
        "same_day",
        "for the same day",
        0.02,
        f"{_AGP}: about 2% of same-day appointments are not attended",
    ),
    (
        "1_day",
        "for the next day",
        0.04,
        f"assumption: between same day (2%) and over a week (8%); {_AGP}",
    ),
    (
        "2_7_days",
        "2-7 days ahead",
        0.06,
        f"assumption: between same day (2%) and over a week (8%); {_AGP}",
    ),
    (
        "8_14_days",
        "8-14 days ahead",
        0.08,
        f"{_AGP}: 8-10% for appointments booked more than a week ahead",
    ),
    (
        "15_21_days",
        "15-21 days ahead",
        0.09,
        f"{_AGP}: 8-10% for appointments booked more than a week ahead",
    ),
    (
        "22_28_days",
        "22-28 days ahead",
        0.09,
        f"{_AGP}: 8-10% for appointments booked more than a week ahead",
    ),
    (
        "over_28_days",
        "over 28 days ahead",
        0.10,
        f"{_AGP}: about 10% for appointments booked four weeks or more ahead",
    ),
)
SETTING_SPECS += (
    SettingSpec(
        "dna_enabled",
        "0/1",
        0,
        "assumption: off, so results match earlier versions; 1 models did-not-attend",
        "1: patients miss booked contacts with the dna_* probabilities (docs/model.md)",
        limit=Limit(0, 1, "0 = off, 1 = on"),
    ),
    *(
        SettingSpec(
            f"dna_{suffix}",
            "0-1",
            default,
            source,
            f"Did-not-attend probability of a contact booked {label} (dna_enabled = 1)",
            limit=Limit(0, 1, "a probability"),
        )
        for suffix, label, default, source in DNA_BUCKET_DEFAULTS
    ),
    SettingSpec(
        "dna_represent_probability",
        "0-1",
        0.5,
        "assumption: half of those who miss an appointment book another (no national figure)",
        "Probability a missed contact is booked again, as the same activity",
        limit=Limit(0, 1, "a probability"),
    ),
    SettingSpec(
        "dna_represent_delay_hours",
        "hours",
        168.0,
        "assumption: a missed appointment is rebooked to fall about a week later",
        "Time from a missed contact to the rebooked one",
        limit=Limit(0, 8760, "up to a year"),
    ),
)

#: where people who give up waiting go (key suffix, label, default share)
_UNMET = "assumption: most self-care; to be replaced by local survey answers (no national split)"
UNMET_DESTINATIONS: tuple[tuple[str, str, float], ...] = (
    ("ed", "emergency department", 0.10),
    ("111", "NHS 111 or out of hours", 0.15),
    ("pharmacy", "community pharmacy", 0.15),
    ("self_care", "self-care (no service)", 0.60),
)
SETTING_SPECS += (
    SettingSpec(
        "booking_horizon_enabled",
        "0/1",
        0,
        "assumption: off, so results match earlier versions; 1 limits how far ahead people book",
        "1: requests not seen within the activity's booking_horizon_days are turned away",
        limit=Limit(0, 1, "0 = off, 1 = on"),
    ),
    SettingSpec(
        "patience_enabled",
        "0/1",
        0,
        "assumption: off, so results match earlier versions; 1 models giving up",
        "1: waiting requests give up after the activity's patience (Activities sheet)",
        limit=Limit(0, 1, "0 = off, 1 = on"),
    ),
    *(
        SettingSpec(
            f"unmet_{key}_share",
            "0-1",
            share,
            _UNMET,
            f"Share of those who give up waiting who go to {label} (the four are "
            "normalised to add up to 1)",
            limit=Limit(0, 1, "a share"),
        )
        for key, label, share in UNMET_DESTINATIONS
    ),
)

_SPEC_BY_KEY = {s.key: s for s in SETTING_SPECS}


def spec(key: str) -> SettingSpec:
    return _SPEC_BY_KEY[key]


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    standard_week_hours: float = 37.5
    horizon_weeks: int = 52
    warmup_weeks: int = 4
    replications: int = 10
    seed: int = 20240729
    start_month: int = 4
    annual_growth_pct: float = 0.53
    integration_level: float = 0.0
    represent_activity: str = "SDC"
    represent_delay_hours: float = 72.0
    travel_speed_kmh: float = 30.0
    overtime_limit_hours_per_day: float = 1.0
    team_size_threshold: int = 50
    int_population_min: int = 30000
    int_population_max: int = 50000
    utilisation_ceiling: float = 0.85
    cover_share_cap: float = 0.2
    move_fte_cap_share: float = 0.1
    demand_percentile: float = 0.5
    budget_gbp: float = 0.0
    unmet_penalty_gbp_per_hour: float = 500.0
    dna_enabled: int = 0
    dna_same_day: float = 0.02
    dna_1_day: float = 0.04
    dna_2_7_days: float = 0.06
    dna_8_14_days: float = 0.08
    dna_15_21_days: float = 0.09
    dna_22_28_days: float = 0.09
    dna_over_28_days: float = 0.10
    dna_represent_probability: float = 0.5
    dna_represent_delay_hours: float = 168.0
    booking_horizon_enabled: int = 0
    patience_enabled: int = 0
    unmet_ed_share: float = 0.10
    unmet_111_share: float = 0.15
    unmet_pharmacy_share: float = 0.15
    unmet_self_care_share: float = 0.60
    #: key -> source, for values that differ from (or restate) the defaults' sources
    sources: MappingProxyType[str, str] = field(
        default_factory=lambda: MappingProxyType({s.key: s.source for s in SETTING_SPECS})
    )

    def __post_init__(self) -> None:
        for spec in SETTING_SPECS:
            value = getattr(self, spec.key)
            if spec.limit is not None:
                _check.within(spec.key, value, spec.limit, whole=isinstance(spec.default, int))
        _check.code("represent_activity", self.represent_activity)
        if self.int_population_max < self.int_population_min:
            raise DomainError("int_population_max", "must not be below int_population_min")
        if not isinstance(self.sources, MappingProxyType):
            object.__setattr__(self, "sources", MappingProxyType(dict(self.sources)))

    def dna_probabilities(self) -> tuple[float, ...]:
        """Did-not-attend probability per booking category (NHS order); zeros when off."""
        if not self.dna_enabled:
            return (0.0,) * len(DNA_BUCKET_DEFAULTS)
        return tuple(float(getattr(self, f"dna_{k}")) for k, _, _, _ in DNA_BUCKET_DEFAULTS)

    def unmet_destination_shares(self) -> dict[str, float]:
        """Where people who give up go: ed, 111, pharmacy, self_care shares, normalised to
        add up to 1 (as weights); all 0 when every unmet_*_share is 0 (no split known)."""
        raw = {k: float(getattr(self, f"unmet_{k}_share")) for k, _, _ in UNMET_DESTINATIONS}
        total = sum(raw.values())
        return {k: (v / total if total > 0 else 0.0) for k, v in raw.items()}

    def source(self, key: str) -> str:
        return self.sources.get(key) or _SPEC_BY_KEY[key].source

    def values(self) -> dict[str, Any]:
        """Setting values by key, in SETTING_SPECS order."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "sources"}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Settings):
            return NotImplemented
        return self.values() == other.values() and dict(self.sources) == dict(other.sources)

    __hash__ = None  # type: ignore[assignment]  # mutable-mapping field; equality only
