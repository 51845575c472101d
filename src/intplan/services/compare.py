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

    def kpi_keys(self) -> tuple[str, ...]:
        return (*SIMULATED, *STRUCTURAL)

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
        report(progress, n / len(scenarios), f"simulating {names[n]}")
        sim = simulate_ints(
            sc,
            tuple(i.code for i in sc.ints),
            replications=o.replications,
            seed=seed,
            weeks=weeks,
            warmup_weeks=warm,
            workers=o.workers,
            cancel=cancel,
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
        d: dict[str, Estimate] = {}
        for k in SIM_KPIS:
            pairs = [
                x - y
                for x, y in zip(s.sim.per_replication[k], base.sim.per_replication[k], strict=True)
            ]
            d[k] = constant(0.0, len(pairs)) if s is base else estimate(pairs)
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
        row: list[str | float | None] = [labels[k][0], labels[k][1]]
        for i, (s, d) in enumerate(zip(result.scenarios, result.differences, strict=True)):
            e = s.estimates()[k]
            row += [_c(e.mean), _c(e.low), _c(e.high)]
            if i > 0:
                row += [_c(d[k].mean), _c(d[k].low), _c(d[k].high)]
        rows.append(tuple(row))
    by_scenario = ResultTable(
        sheet="Compare",
        title="Scenarios side by side (means, 95% CIs, paired differences vs the first)",
        note=f"{result.replications} replications each, seed {result.seed}, {result.weeks} "
        f"weeks after {result.warmup_weeks} warm-up; common random numbers",
        headers=tuple(headers),
        rows=tuple(rows),
    )
    # one row per scenario for the charts: mean wait and share within target
    chart_rows = tuple(
        (tag, _c(s.sim.estimates["wait"].mean), _c(s.sim.estimates["within_target"].mean))
        for tag, s in zip(tags, result.scenarios, strict=True)
    )
    charts = ResultTable(
        sheet="Compare",
        title="Headline KPIs by scenario",
        headers=("scenario", "mean wait (minutes)", "share within target"),
        rows=chart_rows,
        charts=(
            ChartSpec(
                kind="bar",
                title="Mean wait",
                x_column="scenario",
                y_columns=("mean wait (minutes)",),
                y_title="minutes",
            ),
            ChartSpec(
                kind="bar",
                title="Share seen within target",
                x_column="scenario",
                y_columns=("share within target",),
                y_title="share",
            ),
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
    return (by_scenario, charts, assumptions)


def write_compare_workbook(result: CompareResult, out: Path, *, source: Path) -> None:
    """``source`` (the first scenario's workbook, inputs untouched) plus Compare sheets."""
    write_results(source, out, compare_tables(result))
