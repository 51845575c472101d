"""Compare several scenarios side by side, with differences against the first and CIs.

Every scenario is simulated afresh (stored Results sheets are not read): paired
differences need each replication's values, the same seed, horizon and warm-up for
every scenario (common random numbers: replication r of each scenario uses
``SeedSequence(seed).spawn(r + 1)[r]``), and stored results may be stale against the
inputs or made with other run options. Seed, weeks and warm-up default to the first
scenario's settings so "A vs B" always means the same run conditions.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intplan.domain import Scenario
from intplan.domain.errors import IntplanError
from intplan.domain.units import MINUTES_PER_HOUR
from intplan.io.results import ChartSpec, ResultTable, write_results
from intplan.services.progress import Progress, check_cancel, report
from intplan.services.splits import SIM_KPIS, SimKpis, simulate_ints
from intplan.sim import Estimate, choose_warmup, constant, estimate
from intplan.splits.evaluate import structural_kpis

#: structural (deterministic) KPIs of a whole scenario: key -> (label, unit)
STRUCTURAL: dict[str, tuple[str, str]] = {
    "population": ("Registered population", "people"),
    "ints": ("INTs", "count"),
    "staff_fte": ("Staff in post", "FTE"),
    "vacant_fte": ("Vacant posts", "FTE"),
    "pay_cost": ("Pay cost of staff in post", "GBP per year"),
    "team_size": ("Largest core team", "people"),
    "over_threshold": ("INTs over the team size threshold", "count"),
    "resilience": ("P(a core role has nobody on duty), worst INT", "probability per rota day"),
    "travel": ("Travel per home visit (population-weighted)", "minutes"),
    "cover_dependence": ("Dependence on cover from neighbours", "share of reference core hours"),
}
SIMULATED: dict[str, tuple[str, str]] = {
    "wait": ("Mean wait", "minutes"),
    "within_target": ("Share seen within target", "share"),
    "escalations": ("Escalations to ED", "per 1,000 people per week"),
    "utilisation": ("Mean utilisation", "share"),
    "continuity": ("Continuity (same person in an episode)", "share"),
}
COMPARE_REPLICATIONS = 10
COMPARE_REPLICATIONS_SOURCE = "assumption: the scenario's default, 10 replications (Settings)"
#: KPIs shown in another unit than computed: key -> (unit, factor). Waits are in hours
#: wherever people read them (tables, text, charts); the JSON's ``scenarios`` block keeps
#: the computed minutes, as earlier versions wrote it.
SHOWN_IN: dict[str, tuple[str, float]] = {"wait": ("hours", 1 / MINUTES_PER_HOUR)}
#: ``DifferenceRow.where`` of the rows for the whole scenario
ALL_INTS = "All INTs"
#: at most this many bars or series in a chart (the tables hold every scenario)
MAX_CHART_BARS = 15


def ci_excludes_zero(low: float, high: float) -> bool:
    """Does the 95% CI ``[low, high]`` leave zero out, so the replications tell the
    scenarios apart? An interval touching zero, or none (NaN), does not."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return False
    return low > 0 or high < 0


@dataclass(frozen=True, slots=True, kw_only=True)
class DifferenceRow:
    """One KPI of a compared scenario (whole, or one INT) minus the first scenario's.

    Simulated KPIs: the mean of differences paired by replication, with its 95% CI.
    KPIs from the inputs (``simulated`` False) are exact: no interval.
    """

    scenario: str  # the compared scenario's label (file name)
    kpi: str  # key, e.g. "wait"
    label: str  # e.g. "Mean wait"
    unit: str  # of baseline, value, difference and the CI (waits in hours)
    int_code: str | None  # None: the whole scenario
    simulated: bool
    baseline: float  # the first scenario's mean
    value: float  # the compared scenario's mean
    difference: float
    low: float | None  # None when exact
    high: float | None

    @property
    def where(self) -> str:
        return self.int_code or ALL_INTS

    @property
    def excludes_zero(self) -> bool:
        """A difference the comparison can tell: the CI leaves zero out, or, exact, not 0."""
        if self.low is None or self.high is None:
            return math.isfinite(self.difference) and self.difference != 0
        return ci_excludes_zero(self.low, self.high)

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "kpi": self.kpi,
            "label": self.label,
            "unit": self.unit,
            "int": self.int_code,
            "simulated": self.simulated,
            "baseline": _c(self.baseline),
            "value": _c(self.value),
            "difference": _c(self.difference),
            "ci95": None
            if self.low is None or self.high is None
            else [_c(self.low), _c(self.high)],
            "excludes_zero": self.excludes_zero,
        }


def _row(
    scenario: str,
    key: str,
    int_code: str | None,
    base: Estimate,
    value: Estimate,
    diff: Estimate,
) -> DifferenceRow:
    label, unit = (SIMULATED | STRUCTURAL)[key]
    unit, factor = SHOWN_IN.get(key, (unit, 1.0))
    simulated = key in SIMULATED
    return DifferenceRow(
        scenario=scenario,
        kpi=key,
        label=label,
        unit=unit,
        int_code=int_code,
        simulated=simulated,
        baseline=base.mean * factor,
        value=value.mean * factor,
        difference=diff.mean * factor,
        low=diff.low * factor if simulated else None,
        high=diff.high * factor if simulated else None,
    )


class CompareError(IntplanError):
    """The comparison cannot be run as asked."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CompareOptions:
    replications: int = COMPARE_REPLICATIONS
    weeks: int | None = None  # None: the first scenario's horizon_weeks
    warmup_weeks: int | None = None
    seed: int | None = None
    workers: int | None = None  # None: one per core for long runs (auto_workers)


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioKpis:
    name: str
    source: str  # file name, or "" when compared in memory
    structural: dict[str, float]
    sim: SimKpis

    def estimates(self) -> dict[str, Estimate]:
        out = {k: constant(v, self.sim.replications) for k, v in self.structural.items()}
        out.update(self.sim.estimates)
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class CompareResult:
    scenarios: tuple[ScenarioKpis, ...]
    differences: tuple[dict[str, Estimate], ...]  # vs the first; the first's are zero
    seed: int
    weeks: int
    warmup_weeks: int
    replications: int
    #: per scenario: INT code -> simulated KPI -> paired difference vs the first scenario's
    #: same INT (INTs both scenarios have)
    int_differences: tuple[dict[str, dict[str, Estimate]], ...] = ()

    def kpi_keys(self) -> tuple[str, ...]:
        return (*SIMULATED, *STRUCTURAL)

    def label(self, n: int) -> str:
        s = self.scenarios[n]
        return s.source or s.name

    def difference_rows(self, only: int | None = None) -> tuple[DifferenceRow, ...]:
        """Every KPI of each compared scenario (or scenario ``only``) against the first,
        for the whole scenario."""
        base = self.scenarios[0].estimates()
        rows = []
        for n, (s, d) in enumerate(zip(self.scenarios, self.differences, strict=True)):
            if n == 0 or only not in (None, n):
                continue
            values = s.estimates()
            rows += [
                _row(self.label(n), k, None, base[k], values[k], d[k]) for k in self.kpi_keys()
            ]
        return tuple(rows)

    def int_difference_rows(self, only: int | None = None) -> tuple[DifferenceRow, ...]:
        """The simulated KPIs INT by INT, for the INTs both scenarios have."""
        base = self.scenarios[0].sim.by_int
        rows = []
        for n, (s, d) in enumerate(zip(self.scenarios, self.int_differences, strict=True)):
            if n == 0 or only not in (None, n):
                continue
            for code, diffs in d.items():
                mine, theirs = s.sim.by_int[code].estimates, base[code].estimates
                rows += [
                    _row(self.label(n), k, code, theirs[k], mine[k], diffs[k]) for k in SIM_KPIS
                ]
        return tuple(rows)

    def to_json(self) -> dict[str, Any]:
        units = {k: u for k, (_, u) in (SIMULATED | STRUCTURAL).items()}
        return {
            "seed": self.seed,
            "weeks": self.weeks,
            "warmup_weeks": self.warmup_weeks,
            "replications": self.replications,
            "baseline": self.scenarios[0].name,
            "units": units,
            "scenarios": [
                {
                    "name": s.name,
                    "file": s.source,
                    "kpis": {k: e.to_json() for k, e in s.estimates().items()},
                    "difference_vs_first": {k: e.to_json() for k, e in d.items()},
                }
                for s, d in zip(self.scenarios, self.differences, strict=True)
            ],
            # added in 0.x: the rows the GUI and text output show (waits in hours), whole
            # scenario first, then INT by INT
            "differences": [
                r.to_json() for r in (*self.difference_rows(), *self.int_difference_rows())
            ],
        }


def scenario_structural(scenario: Scenario) -> dict[str, float]:
    per = [structural_kpis(scenario, i.code) for i in scenario.ints]
    total = sum(k.population for k in per) or 1
    threshold = scenario.settings.team_size_threshold
    filled = [p for p in scenario.staff if not p.vacant]
    return {
        "population": float(scenario.population),
        "ints": float(len(scenario.ints)),
        "staff_fte": round(sum(p.fte for p in filled), 6),
        "vacant_fte": round(sum(p.fte for p in scenario.staff if p.vacant), 6),
        "pay_cost": round(
            sum(p.fte * scenario.role_by_code[p.role].pay_cost_gbp_per_fte for p in filled), 2
        ),
        "team_size": float(max((k.core_headcount for k in per), default=0)),
        "over_threshold": float(sum(k.core_headcount > threshold for k in per)),
        "resilience": max((k.core_gap_day_probability for k in per), default=0.0),
        "travel": sum(k.travel_minutes * k.population for k in per) / total,
        "cover_dependence": sum(k.cover_dependence * k.population for k in per) / total,
    }


def compare_scenarios(
    scenarios: Sequence[Scenario],
    options: CompareOptions | None = None,
    *,
    sources: Sequence[str] | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> CompareResult:
    o = options or CompareOptions()
    if len(scenarios) < 2:
        raise CompareError("give at least two scenarios to compare")
    if o.replications < 2:
        raise CompareError("--replications must be at least 2 for confidence intervals")
    if o.workers is not None and o.workers < 1:
        raise CompareError("--workers must be at least 1")
    first = scenarios[0].settings
    weeks = first.horizon_weeks if o.weeks is None else o.weeks
    if o.warmup_weeks is not None and o.warmup_weeks < 0:
        raise CompareError("--warmup-weeks must be 0 or more")
    # the warm-up rule as simulate applies it (on the first scenario), the same for all so
    # the comparison stays paired
    warm = choose_warmup(scenarios[0], o.warmup_weeks).weeks
    seed = first.seed if o.seed is None else o.seed
    if weeks < 1:
        raise CompareError("--weeks must be at least 1")
    names = list(sources or [s.name for s in scenarios])
    out: list[ScenarioKpis] = []
    for n, sc in enumerate(scenarios):
        check_cancel(cancel)
        label = f"{names[n]} ({n + 1} of {len(scenarios)})"
        report(progress, n / len(scenarios), f"{label}: starting")
        sim = simulate_ints(
            sc,
            tuple(i.code for i in sc.ints),
            replications=o.replications,
            seed=seed,
            weeks=weeks,
            warmup_weeks=warm,
            workers=o.workers,
            cancel=cancel,
            on_progress=_ReplicationProgress(
                progress,
                label,
                first=n * o.replications,
                reps=o.replications,
                total=len(scenarios) * o.replications,
            ),
            by_int=True,
        )
        out.append(
            ScenarioKpis(
                name=sc.name,
                source=names[n] if sources else "",
                structural=scenario_structural(sc),
                sim=sim,
            )
        )
    report(progress, 1.0, "done")
    base = out[0]
    diffs = []
    for s in out:
        d = paired_differences(s.sim, base.sim)
        for k, v in s.structural.items():
            d[k] = constant(v - base.structural[k], o.replications)
        diffs.append(d)
    return CompareResult(
        scenarios=tuple(out),
        differences=tuple(diffs),
        seed=seed,
        weeks=weeks,
        warmup_weeks=warm,
        replications=o.replications,
        int_differences=tuple(_int_differences(s.sim, base.sim) for s in out),
    )


def paired_differences(mine: SimKpis, base: SimKpis) -> dict[str, Estimate]:
    """Each simulated KPI's mean difference, paired by replication, with its 95% CI
    (common random numbers: replication r of both used the same streams)."""
    d: dict[str, Estimate] = {}
    for k in SIM_KPIS:
        pairs = [
            x - y for x, y in zip(mine.per_replication[k], base.per_replication[k], strict=True)
        ]
        d[k] = constant(0.0, len(pairs)) if mine is base else estimate(pairs)
    return d


def _int_differences(mine: SimKpis, base: SimKpis) -> dict[str, dict[str, Estimate]]:
    return {
        code: paired_differences(kpis, base.by_int[code])
        for code, kpis in mine.by_int.items()
        if code in base.by_int
    }


class _ReplicationProgress:
    """One scenario's share of its replications done, as the comparison's progress: a
    report as each replication finishes ("… replication 2 of 10 done") and, between, the
    running share ("… replication 3 of 10"), so a long run never looks frozen."""

    def __init__(
        self, progress: Progress | None, label: str, *, first: int, reps: int, total: int
    ) -> None:
        self.progress = progress
        self.label = label
        self.first = first  # replications of the scenarios before this one
        self.reps = reps
        self.total = total
        self.done = 0

    def __call__(self, share: float) -> None:
        # the engine reports (k + week share) / reps: k whole replications are done
        finished = min(self.reps, int(share * self.reps + 1e-9))
        while self.done < finished:
            self.done += 1
            report(
                self.progress,
                (self.first + self.done) / self.total,
                f"{self.label}: replication {self.done} of {self.reps} done",
            )
        if finished < self.reps:
            report(
                self.progress,
                (self.first + share * self.reps) / self.total,
                f"{self.label}: replication {finished + 1} of {self.reps}",
            )


def distinct_labels(labels: Sequence[str]) -> list[str]:
    """``labels`` with repeats numbered ("plan", "plan (2)"): result sheets need one
    column header per scenario."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return distinct_labels(out) if len(set(out)) < len(out) else out


def path_labels(paths: Sequence[Path]) -> list[str]:
    """Short, distinct labels for scenario files: the file name, with as many parent
    folders as it takes to tell apart files of the same name (``v1/plan.xlsx``,
    ``v2/plan.xlsx``); the same file given twice is numbered."""
    parts = [Path(p).absolute().parts for p in paths]
    labels = []
    for mine in parts:
        others = [p for p in parts if p != mine]
        k = 1
        while k < len(mine) and any(p[-k:] == mine[-k:] for p in others):
            k += 1
        labels.append("/".join(mine[-k:]))
    return distinct_labels(labels)


def _c(x: float) -> float | None:
    return None if not math.isfinite(x) else round(x, 4)


def compare_tables(result: CompareResult) -> tuple[ResultTable, ...]:
    labels = SIMULATED | STRUCTURAL
    headers: list[str] = ["KPI", "unit"]
    tags = distinct_labels([s.source or s.name for s in result.scenarios])
    for i, tag in enumerate(tags):
        headers += [tag, f"{tag} CI95 low", f"{tag} CI95 high"]
        if i > 0:
            headers += [f"{tag} minus first", f"{tag} diff CI95 low", f"{tag} diff CI95 high"]
    rows = []
    for k in result.kpi_keys():
        unit, f = SHOWN_IN.get(k, (labels[k][1], 1.0))
        row: list[str | float | None] = [labels[k][0], unit]
        for i, (s, d) in enumerate(zip(result.scenarios, result.differences, strict=True)):
            e = s.estimates()[k]
            row += [_c(e.mean * f), _c(e.low * f), _c(e.high * f)]
            if i > 0:
                row += [_c(d[k].mean * f), _c(d[k].low * f), _c(d[k].high * f)]
        rows.append(tuple(row))
    by_scenario = ResultTable(
        sheet="Compare",
        title="Scenarios side by side (means, 95% CIs, paired differences vs the first)",
        note=f"{result.replications} replications each, seed {result.seed}, {result.weeks} "
        f"weeks after {result.warmup_weeks} warm-up; common random numbers",
        headers=tuple(headers),
        rows=tuple(rows),
    )
    # one row per scenario for the charts: mean wait and share within target; at most
    # MAX_CHART_BARS bars (the table above has every scenario)
    hours = SHOWN_IN["wait"][1]
    chart_rows = tuple(
        (
            tag,
            _c(s.sim.estimates["wait"].mean * hours),
            _c(s.sim.estimates["within_target"].mean),
        )
        for tag, s in list(zip(tags, result.scenarios, strict=True))[:MAX_CHART_BARS]
    )
    shown = "" if len(tags) <= MAX_CHART_BARS else f" (the first {MAX_CHART_BARS})"
    charts = ResultTable(
        sheet="Compare",
        title=f"Headline KPIs by scenario{shown}",
        headers=("scenario", "mean wait (hours)", "share within target"),
        rows=chart_rows,
        charts=(
            ChartSpec(
                kind="bar",
                title="Mean wait",
                x_column="scenario",
                y_columns=("mean wait (hours)",),
                y_title="Mean wait (hours)",
                x_title="Scenario",
            ),
            ChartSpec(
                kind="bar",
                title="Share seen within target",
                x_column="scenario",
                y_columns=("share within target",),
                y_title="Share seen within target",
                x_title="Scenario",
            ),
        ),
    )
    by_int = ResultTable(
        sheet="Compare by INT",
        title="Paired differences vs the first scenario, INT by INT (95% CIs)",
        note="* the CI leaves zero out: the replications tell the scenarios apart there",
        headers=(
            "scenario",
            "INT",
            "KPI",
            "unit",
            "first",
            "this scenario",
            "difference",
            "diff CI95 low",
            "diff CI95 high",
            "CI excludes 0",
        ),
        rows=tuple(
            (
                r.scenario,
                r.where,
                r.label,
                r.unit,
                _c(r.baseline),
                _c(r.value),
                _c(r.difference),
                None if r.low is None else _c(r.low),
                None if r.high is None else _c(r.high),
                "yes *" if r.excludes_zero else "no",
            )
            for r in result.int_difference_rows()
        ),
    )
    assumptions = ResultTable(
        sheet="Compare assumptions",
        title="How the scenarios were compared",
        headers=("item", "value", "source"),
        rows=(
            ("scenarios", ", ".join(tags), "command line, in order; the first is the baseline"),
            ("seed", result.seed, "the first scenario's seed unless --seed"),
            ("weeks", result.weeks, "the first scenario's horizon unless --weeks"),
            ("warm-up weeks", result.warmup_weeks, "the first scenario's unless --warmup-weeks"),
            ("replications", result.replications, COMPARE_REPLICATIONS_SOURCE),
            (
                "method",
                "every scenario simulated with the same seed (common random numbers); "
                "differences are paired by replication; stored Results sheets are not read",
                "docs/splits.md",
            ),
        ),
    )
    return (by_scenario, charts, by_int, assumptions)


def write_compare_workbook(result: CompareResult, out: Path, *, source: Path) -> None:
    """``source`` (the first scenario's workbook, inputs untouched) plus Compare sheets."""
    write_results(source, out, compare_tables(result))
