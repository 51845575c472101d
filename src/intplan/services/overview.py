"""The ICS overview: one row per INT with traffic lights against targets.

Every figure is read from a finished :class:`~intplan.services.simulate.SimulationResult`
(nothing is simulated or re-estimated here); an INT's within-target share is its
activities' shares weighted by the requests each one served or escalated per week. The
thresholds are declared once, below, each with its source.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the result types; simulate imports this module for its Overview sheet
    from intplan.services.simulate import ActivityRecord, SimulationResult


class Light(IntEnum):
    """A traffic light; the order is severity (sorting puts red last when ascending)."""

    NONE = 0  # not measured in this run
    GREEN = 1
    AMBER = 2
    RED = 3

    @property
    def label(self) -> str:
        return {0: "n/a", 1: "green", 2: "amber", 3: "red"}[self.value]


@dataclass(frozen=True, slots=True, kw_only=True)
class Threshold:
    """Green up to ``green``, red beyond ``red``, amber between; "beyond" means below for
    figures where more is better."""

    kpi: str
    green: float
    red: float
    higher_is_better: bool
    source: str

    def light(self, value: float) -> Light:
        if not math.isfinite(value):
            return Light.NONE
        if self.higher_is_better:
            return (
                Light.GREEN
                if value >= self.green
                else Light.RED
                if value < self.red
                else Light.AMBER
            )
        return (
            Light.GREEN if value <= self.green else Light.RED if value > self.red else Light.AMBER
        )

    def describe(self, unit: str = "", scale: float = 1.0, *, with_source: bool = True) -> str:
        good, bad = ("≥", "<") if self.higher_is_better else ("≤", ">")
        g, r = f"{self.green * scale:g}{unit}", f"{self.red * scale:g}{unit}"
        rule = f"green {good} {g}, red {bad} {r}, amber between"
        return f"{rule} ({self.source})" if with_source else rule


WITHIN_TARGET = Threshold(
    kpi="within_target_share",
    green=0.70,
    red=0.50,
    higher_is_better=True,
    source="green: NHS England Urgent Community Response guidance 2022, 70% within the "
    "2-hour standard, the one national response standard the activity table cites, applied "
    "to each activity's own target; red: assumption: half of requests late is a failing "
    "service",
)
UTILISATION = Threshold(
    kpi="utilisation",
    green=0.85,
    red=0.95,
    higher_is_better=False,
    source="green: the Settings utilisation_ceiling default (assumption: queueing delays "
    "rise steeply above ~85%, Erlang C); red: assumption: above 95% queues no longer clear "
    "between peaks",
)
BACKLOG = Threshold(
    kpi="backlog_growing_activities",
    green=0,
    red=1,
    higher_is_better=False,
    source="assumption: one activity's growing queue can be met by cover from a neighbour; "
    "two or more mean the INT is short overall",
)
UNMET = Threshold(
    kpi="unmet_per_1000_per_week",
    green=0.5,
    red=2.0,
    higher_is_better=False,
    source="assumption: no national figure; against the ~130 requests per 1,000 people a "
    "week of the bundled examples, up to 0.5 (under 0.4%) unmet is green, over 2 (1.5%) red",
)
THRESHOLDS: tuple[Threshold, ...] = (WITHIN_TARGET, UTILISATION, BACKLOG, UNMET)


@dataclass(frozen=True, slots=True, kw_only=True)
class OverviewRow:
    int_code: str
    population: int
    within_target_share: float  # NaN when nothing was served or escalated
    within_target_light: Light
    worst_activity: str  # the activity with the lowest within-target share ("" if none)
    worst_activity_share: float  # its share (NaN if none)
    utilisation: float
    utilisation_light: Light
    backlog_growing: tuple[str, ...]  # activities whose backlog grew through the run
    backlog_end: float  # requests waiting at the end, all activities (mean of replications)
    backlog_light: Light
    unmet_per_1000_per_week: float  # NaN when the run did not measure it
    unmet_light: Light

    @property
    def overall(self) -> Light:
        """The worst of the four lights."""
        return max(
            (self.within_target_light, self.utilisation_light, self.backlog_light, self.unmet_light)
        )

    @property
    def backlog_trend(self) -> str:
        return "growing: " + ", ".join(self.backlog_growing) if self.backlog_growing else "stable"


def overview_rows(result: SimulationResult) -> tuple[OverviewRow, ...]:
    """One row per simulated INT, in the result's INT order."""
    activities: dict[str, list[ActivityRecord]] = {}
    for a in result.activities:
        activities.setdefault(a.int_code, []).append(a)
    rows = []
    for unit in result.ints:
        acts = activities.get(unit.int_code, [])
        share, worst, worst_share = _within_target(acts)
        growing = tuple(a.activity for a in acts if a.backlog_growing)
        backlog = sum(_finite(a.backlog_end.mean) for a in acts)
        unmet = unit.unmet_per_1000_per_week.mean
        rows.append(
            OverviewRow(
                int_code=unit.int_code,
                population=unit.population,
                within_target_share=share,
                within_target_light=WITHIN_TARGET.light(share),
                worst_activity=worst,
                worst_activity_share=worst_share,
                utilisation=unit.utilisation.mean,
                utilisation_light=UTILISATION.light(unit.utilisation.mean),
                backlog_growing=growing,
                backlog_end=backlog,
                backlog_light=BACKLOG.light(float(len(growing))),
                unmet_per_1000_per_week=unmet,
                unmet_light=UNMET.light(unmet),
            )
        )
    return tuple(rows)


def _within_target(acts: Sequence[ActivityRecord]) -> tuple[float, str, float]:
    """The share weighted by requests served or escalated, and the lowest activity's."""
    weighted = total = 0.0
    worst, worst_share = "", math.inf
    for a in acts:
        share = a.within_target_share.mean
        weight = _finite(a.served_per_week.mean) + _finite(a.escalations_per_week.mean)
        if not math.isfinite(share) or weight <= 0:
            continue
        weighted += share * weight
        total += weight
        if share < worst_share:
            worst, worst_share = a.activity, share
    return (weighted / total if total > 0 else math.nan), worst, worst_share if worst else math.nan


def _finite(x: float) -> float:
    return x if math.isfinite(x) else 0.0


# -- the Overview result sheet --------------------------------------------------------------

SHEET_OVERVIEW = "Results Overview"
OVERVIEW_HEADERS: tuple[str, ...] = (
    "int_code",
    "population",
    "overall",
    "within_target_share",
    "within_target_light",
    "worst_activity",
    "worst_activity_share",
    "utilisation",
    "utilisation_light",
    "backlog_trend",
    "backlog_end",
    "backlog_light",
    "unmet_per_1000_per_week",
    "unmet_light",
)


def overview_cells(row: OverviewRow) -> tuple[str | int | float | None, ...]:
    def num(x: float) -> float | None:
        return round(x, 6) if math.isfinite(x) else None

    return (
        row.int_code,
        row.population,
        row.overall.label,
        num(row.within_target_share),
        row.within_target_light.label,
        row.worst_activity,
        num(row.worst_activity_share),
        num(row.utilisation),
        row.utilisation_light.label,
        row.backlog_trend,
        num(row.backlog_end),
        row.backlog_light.label,
        num(row.unmet_per_1000_per_week),
        row.unmet_light.label,
    )


def overview_table(result: SimulationResult) -> Any:
    """The overview as an ``intplan.io.results.ResultTable`` (sheet ``Results Overview``)."""
    from intplan.io.results import ResultTable

    legend = "; ".join(f"{t.kpi}: {t.describe()}" for t in THRESHOLDS)
    return ResultTable(
        sheet=SHEET_OVERVIEW,
        title="ICS overview: one row per INT with traffic lights against targets",
        headers=OVERVIEW_HEADERS,
        rows=tuple(overview_cells(r) for r in overview_rows(result)),
        number_formats={
            "within_target_share": "0%",
            "worst_activity_share": "0%",
            "utilisation": "0%",
            "backlog_end": "0",
        },
        note=(
            f"{result.replications} replications x {result.weeks} weeks, seed {result.seed}. "
            f"Lights: {legend}"
        ),
    )
