"""Use case: does the scenario's baseline reproduce what is observed? (``intplan calibrate``)

Simulate the baseline, turn the result into the measures the NHS publishes, and compare
them with the national benchmarks (``resources/national_benchmarks.csv``) or the user's
own observed counts (``intplan.io.observed``). Fitting lives in ``calibrate_fit``.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intplan.domain import Scenario
from intplan.io.benchmarks import Benchmark, load_benchmarks
from intplan.io.observed import BUCKETS, GP_ALL, UNKNOWN_BUCKET, ObservedCounts, read_observed
from intplan.services.progress import Progress
from intplan.services.simulate import (
    ActivityRecord,
    SimulationOptions,
    SimulationResult,
    run_simulation,
)

#: the activities that are GP-practice appointments (resources/activities.csv): same-day
#: consultation, routine consultation, long-term condition review, medication review
GP_ACTIVITIES: tuple[str, ...] = ("SDC", "RC", "LTC", "SMR")
TALKING_THERAPY = "TT"
UCR = "UCR"
WEEKS_PER_MONTH = 365.25 / 7 / 12
#: assumption: a user's own counts are matched within 10% (no published error to use)
OWN_VOLUME_TOLERANCE = 0.10
NOT_SIMULATED = "not simulated by this version"


@dataclass(frozen=True, slots=True, kw_only=True)
class Figure:
    """One simulated measure, or why there is none (``value`` NaN, ``note`` says why)."""

    value: float
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ValidationRow:
    measure: str
    simulated: float  # NaN when not simulated (see note)
    observed: float
    tolerance: float
    comparison: str  # "equal" or "at_least"
    note: str
    source: str

    @property
    def difference(self) -> float:
        return self.simulated - self.observed

    @property
    def within(self) -> bool | None:
        if not math.isfinite(self.simulated):
            return None
        return Benchmark(
            measure=self.measure,
            value=self.observed,
            comparison=self.comparison,
            tolerance=self.tolerance,
            unit="",
            period="",
            source="",
            tolerance_source="",
        ).within(self.simulated)

    def to_json(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "simulated": self.simulated,
            "observed": self.observed,
            "difference": self.difference,
            "tolerance": self.tolerance,
            "comparison": self.comparison,
            "within": self.within,
            "note": self.note,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ObservedReport:
    """What was done with a user's observed file: matched and unknown areas."""

    file: str
    kind: str
    matched_areas: tuple[str, ...]
    unknown_areas: tuple[str, ...]
    unknown_rows: int
    unknown_count: float
    missing_practices: tuple[str, ...]  # scenario practices with no rows in the file

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "kind": self.kind,
            "matched_areas": list(self.matched_areas),
            "unknown_areas": list(self.unknown_areas),
            "unknown_rows": self.unknown_rows,
            "unknown_count": self.unknown_count,
            "missing_practices": list(self.missing_practices),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """An observed value to compare a simulated measure with."""

    measure: str
    value: float
    tolerance: float
    comparison: str
    source: str


# == simulated measures =========================================================


def _mean(x: Any) -> float:
    """An ``Estimate``'s mean, or a plain number (fields added by later engines)."""
    v = getattr(x, "mean", x)
    return float(v) if isinstance(v, int | float) else math.nan


def _weighted(pairs: Iterable[tuple[float, float]]) -> float:
    total = weight = 0.0
    for value, w in pairs:
        if math.isfinite(value) and w > 0:
            total += value * w
            weight += w
    return total / weight if weight > 0 else math.nan


def _population(result: SimulationResult) -> float:
    return float(sum(i.population for i in result.ints))


def _per_1000_per_month(result: SimulationResult, activities: tuple[str, ...]) -> Figure:
    recs = [a for a in result.activities if a.activity in activities]
    if not recs:
        return Figure(value=math.nan, note=f"no {'/'.join(activities)} activity in the scenario")
    pop = _population(result)
    served = sum(_mean(a.served_per_week) for a in recs)
    return Figure(value=served * WEEKS_PER_MONTH / pop * 1000 if pop else math.nan)


def _buckets(recs: list[ActivityRecord]) -> list[tuple[dict[str, float], float]] | None:
    out = []
    for a in recs:
        b = getattr(a, "booking_buckets", None)
        if b is None:
            return None
        out.append(({k: _mean(v) for k, v in b.items()}, _mean(a.served_per_week)))
    return out


def _bucket_share(recs: list[ActivityRecord], keys: tuple[str, ...]) -> Figure:
    if not recs:
        return Figure(value=math.nan, note="no GP-practice activity in the scenario")
    buckets = _buckets(recs)
    if buckets is None:
        return Figure(value=math.nan, note=f"{NOT_SIMULATED} (no booking_buckets)")
    return Figure(value=_weighted((sum(b.get(k, 0.0) for k in keys), w) for b, w in buckets))


DNA_OFF = "did-not-attend is switched off in this scenario (Settings dna_enabled = 0)"


def _dna(recs: list[ActivityRecord], enabled: bool) -> Figure:
    if not recs:
        return Figure(value=math.nan, note="no GP-practice activity in the scenario")
    if any(getattr(a, "dna_rate", None) is None for a in recs):
        return Figure(value=math.nan, note=f"{NOT_SIMULATED} (no dna_rate)")
    if not enabled:
        return Figure(value=math.nan, note=DNA_OFF)
    return Figure(
        value=_weighted(
            (_mean(getattr(a, "dna_rate", math.nan)), _mean(a.served_per_week)) for a in recs
        )
    )


def _dna_in(recs: list[ActivityRecord], keys: tuple[str, ...], enabled: bool) -> Figure:
    """Missed ÷ booked over the booking categories ``keys``: each activity's attended
    contacts in a category (attended a week × its share) and its missed rate there give
    the missed ones (attended × r / (1 − r))."""
    if not recs:
        return Figure(value=math.nan, note="no GP-practice activity in the scenario")
    if any(getattr(a, "dna_rate_by_bucket", None) is None for a in recs):
        return Figure(value=math.nan, note=f"{NOT_SIMULATED} (no dna_rate_by_bucket)")
    if not enabled:
        return Figure(value=math.nan, note=DNA_OFF)
    missed = booked = 0.0
    for a in recs:
        attended = _mean(getattr(a, "attended_per_week", a.served_per_week))
        for k in keys:
            share = a.booking_buckets.get(k)
            rate = a.dna_rate_by_bucket.get(k)
            if share is None or rate is None or rate >= 1.0:
                continue
            came = attended * float(share)
            missed += came * float(rate) / (1.0 - float(rate))
            booked += came + came * float(rate) / (1.0 - float(rate))
    if booked <= 0:
        return Figure(value=math.nan, note="no GP-practice contact booked in these categories")
    return Figure(value=missed / booked)


def _within_target(
    scenario: Scenario, result: SimulationResult, activity: str, hours: float, what: str
) -> Figure:
    act = next((a for a in scenario.activities if a.code == activity), None)
    recs = [a for a in result.activities if a.activity == activity]
    if act is None or not recs:
        return Figure(value=math.nan, note=f"no {activity} activity in the scenario")
    if not math.isclose(act.response_target_hours, hours):
        return Figure(
            value=math.nan,
            note=f"{activity}'s response target is {act.response_target_hours:g} h, not "
            f"{hours:g} h: the simulator measures only the share within that target",
        )
    value = _weighted(
        (_mean(a.within_target_share), _mean(a.served_per_week) + _mean(a.escalations_per_week))
        for a in recs
    )
    return Figure(value=value, note=what)


def _first_contact_share(result: SimulationResult, activity: str, weeks: int) -> Figure:
    """Share of an activity's first contacts (new episodes; not follow-ups or missed
    contacts booked again) seen within ``weeks`` of the request, over the INTs weighted by
    contacts seen (an activity's first contacts are the same fraction of them in every INT)."""
    recs = [a for a in result.activities if a.activity == activity]
    if not recs:
        return Figure(value=math.nan, note=f"no {activity} activity in the scenario")
    field = f"first_contact_within_{weeks}_weeks"
    shares = [(getattr(a, field, None), _mean(a.served_per_week)) for a in recs]
    if all(v is None for v, _ in shares):
        return Figure(value=math.nan, note=f"no {activity} first contact in the measured weeks")
    return Figure(
        value=_weighted((float(v), w) for v, w in shares if v is not None),
        note=f"{activity} first contacts of an episode within {weeks} weeks of the request "
        "(the NHS counts finished courses' first treatment)",
    )


def simulated_measures(scenario: Scenario, result: SimulationResult) -> dict[str, Figure]:
    """Every measure calibrate knows, from one simulation result."""
    gp = [a for a in result.activities if a.activity in GP_ACTIVITIES]
    within_14 = ("same_day", "1_day", "2_7_days", "8_14_days")
    dna_on = bool(scenario.settings.dna_enabled)
    out = {
        "gp_appointments_per_1000_per_month": _per_1000_per_month(result, GP_ACTIVITIES),
        "gp_same_day_share": _bucket_share(gp, ("same_day",)),
        "gp_within_14_days_share": _bucket_share(gp, within_14),
        "gp_dna_rate": _dna(gp, dna_on),
        "gp_dna_same_day": _dna_in(gp, ("same_day",), dna_on),
        "gp_dna_8_to_28_days": _dna_in(gp, ("8_14_days", "15_21_days", "22_28_days"), dna_on),
        "gp_dna_over_28_days": _dna_in(gp, ("over_28_days",), dna_on),
        "tt_within_6_weeks_share": _first_contact_share(result, TALKING_THERAPY, 6),
        "tt_within_18_weeks_share": _first_contact_share(result, TALKING_THERAPY, 18),
        "ucr_within_2_hours_share": _within_target(
            scenario,
            result,
            UCR,
            2,
            "UCR contacts (follow-ups too) within the 2-hour response target",
        ),
    }
    for code in sorted({a.activity for a in result.activities}):
        out[f"{code}_contacts_per_1000_per_month"] = _per_1000_per_month(result, (code,))
    return out


# == observed ===================================================================


def benchmark_targets(benchmarks: tuple[Benchmark, ...]) -> list[Target]:
    return [
        Target(
            measure=b.measure,
            value=b.value,
            tolerance=b.tolerance,
            comparison=b.comparison,
            source=f"{b.source} ({b.period}); tolerance {b.tolerance_source}",
        )
        for b in benchmarks
    ]


def _areas(scenario: Scenario) -> dict[str, tuple[str, ...]]:
    """INT and practice codes -> the practices they cover."""
    out: dict[str, tuple[str, ...]] = {p.code: (p.code,) for p in scenario.practices}
    out.update({i.code: i.practices for i in scenario.ints})
    return out


def observed_targets(
    scenario: Scenario, observed: ObservedCounts
) -> tuple[list[Target], ObservedReport]:
    """Aggregate a user's counts to the scenario's INTs/practices (unknown areas are
    counted and reported) and turn them into targets."""
    areas = _areas(scenario)
    lists = {p.code: sum(p.list_by_age) for p in scenario.practices}
    matched = sorted(a for a in observed.rows if a in areas)
    unknown = sorted(a for a in observed.rows if a not in areas)
    covered = {p for a in matched for p in areas[a]}
    report = ObservedReport(
        file=observed.file,
        kind=observed.kind,
        matched_areas=tuple(matched),
        unknown_areas=tuple(unknown),
        unknown_rows=sum(observed.rows[a] for a in unknown),
        unknown_count=sum(c for (a, *_), c in observed.counts.items() if a not in areas),
        missing_practices=tuple(sorted(set(lists) - covered)),
    )
    # counts per month, summed over matched areas; the population is theirs
    monthly: dict[tuple[str, str, str], float] = {}
    for (area, activity, bucket, status), c in observed.counts.items():
        if area in areas:
            key = (activity, bucket, status)
            monthly[key] = monthly.get(key, 0.0) + c / observed.months[area]
    population = float(sum(lists[p] for p in covered))
    src = f"observed: {observed.file}"
    national = {b.measure: b for b in load_benchmarks()}
    targets: list[Target] = []

    def add(measure: str, value: float, tolerance: float | None = None) -> None:
        if not math.isfinite(value):
            return
        b = national.get(measure)
        comparison = b.comparison if b else "equal"
        tol = tolerance if tolerance is not None else (b.tolerance if b else math.nan)
        targets.append(
            Target(measure=measure, value=value, tolerance=tol, comparison=comparison, source=src)
        )

    def total(
        activities: set[str],
        *,
        buckets: Iterable[str] | None = None,
        statuses: Iterable[str] = ("attended",),
    ) -> float:
        bs = set(buckets) if buckets is not None else None
        st = set(statuses)
        return sum(
            c
            for (act, b, s), c in monthly.items()
            if act in activities and s in st and (bs is None or b in bs)
        )

    gp = {GP_ALL, *GP_ACTIVITIES}
    if population > 0:
        every = ("attended", "dna", "unknown")
        if observed.kind == "appointments_extract":
            gp_total = total(gp, statuses=every)  # the publication counts every status
        else:
            gp_total = total(gp)
        if gp_total > 0:
            value = gp_total / population * 1000
            add("gp_appointments_per_1000_per_month", value, OWN_VOLUME_TOLERANCE * value)
        for act in sorted({a for a, _, _ in monthly} - {GP_ALL}):
            value = total({act}) / population * 1000
            add(f"{act}_contacts_per_1000_per_month", value, OWN_VOLUME_TOLERANCE * value)
    known = total(gp, buckets=BUCKETS)
    if known > 0:
        add("gp_same_day_share", total(gp, buckets=("same_day",)) / known)
        add("gp_within_14_days_share", total(gp, buckets=BUCKETS[:4]) / known)

    def dna(buckets: Iterable[str]) -> float:
        bs = tuple(buckets)
        booked = total(gp, buckets=bs, statuses=("attended", "dna"))
        return total(gp, buckets=bs, statuses=("dna",)) / booked if booked else math.nan

    if total(gp, statuses=("dna",)) > 0:
        add("gp_dna_rate", dna((*BUCKETS, UNKNOWN_BUCKET)))
        add("gp_dna_same_day", dna(("same_day",)))
        add("gp_dna_8_to_28_days", dna(BUCKETS[3:6]))
        add("gp_dna_over_28_days", dna(BUCKETS[6:]))
    return targets, report


# == the table ==================================================================


@dataclass(frozen=True, slots=True, kw_only=True)
class CalibrationTable:
    rows: tuple[ValidationRow, ...]
    result: SimulationResult
    observed: ObservedReport | None

    def to_json(self) -> dict[str, Any]:
        return {
            "rows": [r.to_json() for r in self.rows],
            "observed_file": self.observed.to_json() if self.observed else None,
            "simulation": {
                "replications": self.result.replications,
                "weeks": self.result.weeks,
                "warmup_weeks": self.result.warmup_weeks,
                "seed": self.result.seed,
            },
        }


def compare(
    scenario: Scenario, result: SimulationResult, targets: list[Target]
) -> tuple[ValidationRow, ...]:
    sims = simulated_measures(scenario, result)
    rows = []
    for t in targets:
        fig = sims.get(t.measure, Figure(value=math.nan, note=NOT_SIMULATED))
        rows.append(
            ValidationRow(
                measure=t.measure,
                simulated=fig.value,
                observed=t.value,
                tolerance=t.tolerance,
                comparison=t.comparison,
                note=fig.note,
                source=t.source,
            )
        )
    return tuple(rows)


def load_targets(
    scenario: Scenario, observed_path: Path | None
) -> tuple[list[Target], ObservedReport | None]:
    if observed_path is None:
        return benchmark_targets(load_benchmarks()), None
    return observed_targets(scenario, read_observed(observed_path))


def calibration_table(
    scenario: Scenario,
    options: SimulationOptions,
    targets: list[Target],
    observed: ObservedReport | None = None,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> CalibrationTable:
    """Simulate the baseline and compare it with ``targets``."""
    result = run_simulation(scenario, options, progress=progress, cancel=cancel)
    return CalibrationTable(
        rows=compare(scenario, result, targets), result=result, observed=observed
    )
