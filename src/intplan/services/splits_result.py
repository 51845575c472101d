"""The split comparison's options and results (the values the CLI, GUI and workbook read)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from intplan.sim import SIM_KPIS as SIM_KPIS  # re-exported
from intplan.sim import Estimate
from intplan.splits.enumerate import SplitEnumeration, SplitError, SplitOption
from intplan.splits.evaluate import KPI_BY_KEY, KPI_SPECS, StructuralKpis, default_weights

#: a short horizon keeps a 6-practice comparison under a minute (benchmarks/splits_pcn.py)
SPLIT_WEEKS = 26
SPLIT_WEEKS_SOURCE = "assumption: 26 weeks (half a year) is enough to compare options' waits"
#: With more options than ``screen_limit``, screening is made cheaper so that it costs
#: about what ``screen_limit`` options at the full horizon would: first a shorter horizon
#: (down to MIN_SCREEN_WEEKS), then fewer replications (down to MIN_SCREEN_REPLICATIONS).
MIN_SCREEN_WEEKS = 4
MIN_SCREEN_WEEKS_SOURCE = (
    "assumption: 4 weeks (a month) is the shortest screening horizon whose waits still "
    "separate options; the final runs use the full horizon"
)
MIN_SCREEN_REPLICATIONS = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class SplitsOptions:
    pcn: str
    max_ints: int = 3
    replications: int = 30
    screen_replications: int = 5
    top: int = 3
    weeks: int = SPLIT_WEEKS
    warmup_weeks: int | None = None  # None: the scenario's setting
    seed: int | None = None  # None: the scenario's setting
    weights: Mapping[str, float] = field(default_factory=default_weights)
    with_cost: bool = False
    population_min: int | None = None  # None: settings.int_population_min (003:95)
    population_max: int | None = None
    # options screened at the full horizon; with more, screening uses fewer weeks
    screen_limit: int = 40
    workers: int | None = None  # None: one per core for long runs (auto_workers)

    def check(self) -> None:
        if not 1 <= self.screen_replications <= 1000:
            raise SplitError("--screen-replications must be between 1 and 1000")
        # fewer final replications than screening ones: screening runs at that count
        if not 1 <= self.replications <= 10000:
            raise SplitError("--replications must be between 1 and 10000")
        if self.top < 1:
            raise SplitError("--top must be at least 1")
        if self.weeks < 1:
            raise SplitError("--weeks must be at least 1")
        if self.workers is not None and self.workers < 1:
            raise SplitError("--workers must be at least 1")
        if self.screen_limit < 1:
            raise SplitError("--screen-limit must be at least 1")
        unknown = sorted(set(self.weights) - set(KPI_BY_KEY))
        if unknown:
            raise SplitError(
                f"unknown KPI weight(s) {', '.join(unknown)}; known: {', '.join(KPI_BY_KEY)}"
            )
        if any(w < 0 or not math.isfinite(w) for w in self.weights.values()):
            raise SplitError("weights must be zero or positive numbers")

    def screening(self, n_options: int) -> tuple[int, int]:
        """Replications and weeks to screen ``n_options`` options with.

        Never more replications than the final runs. With more than ``screen_limit``
        options, every option is still simulated (so waits, escalations and continuity
        always count in the score) but more cheaply: the replication-weeks of
        ``screen_limit`` options at the full horizon are shared out, by shortening the
        horizon first (to :data:`MIN_SCREEN_WEEKS`), then by fewer replications (to
        :data:`MIN_SCREEN_REPLICATIONS`). Beyond that, screening grows with the options.
        """
        reps = min(self.screen_replications, self.replications)
        weeks = self.weeks
        if n_options <= self.screen_limit:
            return reps, weeks
        budget = self.screen_limit * reps * self.weeks
        weeks = min(weeks, max(MIN_SCREEN_WEEKS, budget // (n_options * reps)))
        if n_options * reps * weeks > budget:
            reps = min(reps, max(MIN_SCREEN_REPLICATIONS, budget // (n_options * weeks)))
        return reps, weeks


@dataclass(frozen=True, slots=True, kw_only=True)
class SimKpis:
    replications: int
    weeks: int  # simulated weeks after warm-up
    estimates: Mapping[str, Estimate]
    per_replication: Mapping[str, tuple[float, ...]]  # for paired differences
    #: the same per simulated INT (from the same replications), when asked for
    by_int: Mapping[str, SimKpis] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionResult:
    option: SplitOption
    int_codes: tuple[str, ...]  # the option's INTs in the variant scenario
    current: bool  # the grouping the scenario has today
    reference: bool  # differences are against this option
    stage: str  # "final" (full replications and horizon) or "screen" (screened only)
    replications: int
    weeks: int  # simulated weeks after warm-up (shorter for options screened only)
    enumerated: bool  # False: today's grouping, added although the enumeration left it out
    kpis: Mapping[str, float | None]
    estimates: Mapping[str, Estimate]
    differences: Mapping[str, Estimate]  # KPI minus the reference's, paired by replication
    per_int: tuple[StructuralKpis, ...]
    remapped_staff: int
    score: float = 0.0  # among the options run the same way (finals, or screened only)
    rank: int = 0  # finals first (ranked among themselves), then the options screened only
    pareto: bool = False  # among the options run the same way
    contributions: Mapping[str, float] = field(default_factory=dict)
    screen_score: float = 0.0  # every option at the screening runs: one basis for all
    screen_rank: int = 0

    @property
    def screened_only(self) -> bool:
        return self.stage == "screen"

    def to_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "score": round(self.score, 6),
            "pareto": self.pareto,
            "ints": self.option.ints,
            "groups": [list(g) for g in self.option.groups],
            "label": self.option.label,
            "int_codes": list(self.int_codes),
            "populations": list(self.option.populations),
            "within_bounds": self.option.within_bounds,
            "within_torbay_band": self.option.within_torbay_band,
            "current": self.current,
            "reference": self.reference,
            "enumerated": self.enumerated,
            "stage": self.stage,
            "screened_only": self.screened_only,
            "replications": self.replications,
            "weeks": self.weeks,
            "screen_score": round(self.screen_score, 6),
            "screen_rank": self.screen_rank,
            "kpis": {k: _num(v) for k, v in self.kpis.items()},
            "ci95": {k: [_num(e.low), _num(e.high)] for k, e in self.estimates.items()},
            "difference_vs_reference": {k: e.to_json() for k, e in self.differences.items()},
            "contributions": {k: round(v, 6) for k, v in self.contributions.items()},
            "per_int": [
                {
                    "int": k.int_code,
                    "practices": list(k.practices),
                    "population": k.population,
                    "core_headcount": k.core_headcount,
                    "core_fte": round(k.core_fte, 3),
                    "travel_minutes_per_home_visit": round(k.travel_minutes, 2),
                    "core_gap_day_probability": round(k.core_gap_day_probability, 6),
                    "empty_core_roles": list(k.empty_core_roles),
                    "cover_dependence": round(k.cover_dependence, 6),
                }
                for k in self.per_int
            ],
            "remapped_staff": self.remapped_staff,
        }


MINUTES_PER_HOUR = 60.0


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionRow:
    """One option as people read it (CLI table, GUI charts): waits in hours."""

    rank: int
    screened_only: bool  # ranked after the re-run options, by its screening score
    score: float
    pareto: bool
    ints: int
    groups: str  # the practice groups, e.g. "P1+P2 | P3"
    today: str  # "" or "today", "today, outside the bounds", "today, not an enumerated option"
    wait_hours: float | None
    wait_low_hours: float | None  # 95% CI
    wait_high_hours: float | None
    team_size: float | None
    travel_minutes: float | None
    resilience: float | None  # P(a core role has nobody on duty)
    replications: int
    weeks: int

    @property
    def chart_label(self) -> str:
        return f"#{self.rank}: {self.ints} INT{'s' if self.ints > 1 else ''}"

    @property
    def wait_half_width_hours(self) -> float | None:
        if self.wait_low_hours is None or self.wait_high_hours is None:
            return None
        return (self.wait_high_hours - self.wait_low_hours) / 2


def option_row(o: OptionResult) -> OptionRow:
    today = ""
    if o.current and not o.option.within_bounds:
        today = "today, outside the bounds"
    elif o.current:
        today = "today" if o.enumerated else "today, not an enumerated option"
    wait = o.estimates.get("wait")

    def hours(x: float | None) -> float | None:
        return None if x is None else x / MINUTES_PER_HOUR

    return OptionRow(
        rank=o.rank,
        screened_only=o.screened_only,
        score=o.score,
        pareto=o.pareto,
        ints=o.option.ints,
        groups=o.option.label,
        today=today,
        wait_hours=hours(wait.mean) if wait else None,
        wait_low_hours=hours(wait.low) if wait else None,
        wait_high_hours=hours(wait.high) if wait else None,
        team_size=o.kpis.get("team_size"),
        travel_minutes=o.kpis.get("travel"),
        resilience=o.kpis.get("resilience"),
        replications=o.replications,
        weeks=o.weeks,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class SplitsResult:
    pcn: str
    scenario_name: str
    enumeration: SplitEnumeration
    options: tuple[OptionResult, ...]  # best rank first
    weights: Mapping[str, float]  # as given
    weights_used: Mapping[str, float]  # normalised over KPIs every option has
    seed: int
    weeks: int
    warmup_weeks: int
    screen_weeks: int
    screen_replications: int
    replications: int
    top: int
    team_size_threshold: int
    settings_used: Mapping[str, tuple[object, str]]  # key -> (value, source)
    notes: tuple[str, ...]

    def option_rows(self) -> tuple[OptionRow, ...]:
        """The options, best rank first, as the CLI prints them and the GUI charts them."""
        return tuple(option_row(o) for o in self.options)

    def to_json(self) -> dict[str, Any]:
        e = self.enumeration
        return {
            "pcn": self.pcn,
            "scenario": self.scenario_name,
            "message": e.message,
            "practices": list(e.practices),
            "adjacency": [list(x) for x in e.edges],
            "population_bounds": [e.population_min, e.population_max],
            "bounds_applied": e.bounds_applied,
            "seed": self.seed,
            "weeks": self.weeks,
            "warmup_weeks": self.warmup_weeks,
            "screen_weeks": self.screen_weeks,
            "screen_replications": self.screen_replications,
            "replications": self.replications,
            "top": self.top,
            "team_size_threshold": self.team_size_threshold,
            "weights": dict(self.weights),
            "weights_used": {k: round(v, 6) for k, v in self.weights_used.items()},
            "kpi_units": {k.key: k.unit for k in KPI_SPECS},
            "notes": list(self.notes),
            "options": [o.to_json() for o in self.options],
        }


def _num(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), 6)
