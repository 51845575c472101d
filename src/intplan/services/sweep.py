"""What-if sweeps: which assumptions move the answer, and how far (``intplan sweep``).

Each variant of the scenario (sweep_design) is simulated with the same replications:
replication ``r`` of every variant uses the same random numbers, so a difference
between two variants is paired and its confidence interval is narrow. Per variant and
KPI the result holds a mean with its 95% CI and the paired difference from the
baseline; an ``oat`` design also gives each parameter's swing (the tornado), a grid of
two parameters a table per KPI (the heat map).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from intplan.domain import Scenario
from intplan.domain.errors import IntplanError
from intplan.services.compare import SIMULATED
from intplan.services.progress import Progress, check_cancel, report
from intplan.services.sweep_dask import ENGINES, EngineRun, run_dask, run_local
from intplan.services.sweep_design import DEFAULT_SAMPLES, Variant, build_design
from intplan.services.sweep_params import Vary, baseline_value, check_varies
from intplan.sim import SIM_KPIS, Estimate, RunSpec, choose_warmup, estimate

#: the KPIs every variant reports (the simulator's scenario-wide KPIs)
SWEEP_KPIS: tuple[str, ...] = SIM_KPIS
#: shares are clipped to 0..1 in their intervals
_SHARES = {"within_target", "utilisation", "continuity"}


class SweepError(IntplanError):
    """The sweep cannot be run as asked."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SweepOptions:
    design: str = "oat"
    replications: int | None = None  # None: Settings
    weeks: int | None = None
    warmup_weeks: int | None = None  # None: the warm-up rule on the baseline
    seed: int | None = None
    samples: int = DEFAULT_SAMPLES  # lhs
    engine: str = "dask"
    scheduler: str | None = None
    workers: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TornadoBar:
    """One parameter's swing of one KPI in an ``oat`` sweep."""

    parameter: str
    low_value: float
    high_value: float
    at_low: float  # KPI mean at LOW minus the baseline's
    at_high: float
    swing: float  # largest minus smallest KPI mean over the parameter's levels


@dataclass(frozen=True, slots=True, kw_only=True)
class SweepResult:
    scenario_name: str
    design: str
    varies: tuple[Vary, ...]
    baselines: dict[str, float | None]  # parameter label -> the workbook's value
    variants: tuple[Variant, ...]
    per_replication: tuple[dict[str, tuple[float, ...]], ...]  # per variant: KPI -> values
    estimates: tuple[dict[str, Estimate], ...]
    differences: tuple[dict[str, Estimate], ...]  # paired, vs variant 0 (the baseline)
    seed: int
    weeks: int
    warmup_weeks: int
    replications: int
    run: EngineRun

    @property
    def kpis(self) -> tuple[str, ...]:
        return SIM_KPIS

    def tornado(self, kpi: str) -> tuple[TornadoBar, ...]:
        """Per parameter, sorted by swing (largest first); empty unless ``oat``."""
        if self.design != "oat":
            return ()
        base = self.estimates[0][kpi].mean
        bars = []
        for v in self.varies:
            points = [
                (value, self.estimates[x.index][kpi].mean)
                for x in self.variants
                for label, value in x.values
                if label == v.label
            ]
            means = [m for _, m in points if math.isfinite(m)]
            (lo_v, lo_m), (hi_v, hi_m) = min(points), max(points)
            bars.append(
                TornadoBar(
                    parameter=v.label,
                    low_value=lo_v,
                    high_value=hi_v,
                    at_low=lo_m - base,
                    at_high=hi_m - base,
                    swing=(max(means) - min(means)) if means else math.nan,
                )
            )
        return tuple(sorted(bars, key=lambda b: -b.swing if math.isfinite(b.swing) else 0.0))

    def heat_map(
        self, kpi: str
    ) -> tuple[tuple[float, ...], tuple[float, ...], list[list[float]]] | None:
        """(levels of the first parameter, of the second, means[i][j]) for a two-parameter
        grid; None otherwise."""
        if self.design != "grid" or len(self.varies) != 2:
            return None
        first, second = (v.label for v in self.varies)
        cells: dict[tuple[float, float], float] = {}
        for x in self.variants[1:]:
            values = dict(x.values)
            cells[(values[first], values[second])] = self.estimates[x.index][kpi].mean
        rows = sorted({a for a, _ in cells})
        cols = sorted({b for _, b in cells})
        return tuple(rows), tuple(cols), [[cells[(a, b)] for b in cols] for a in rows]

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario_name,
            "design": self.design,
            "engine": self.run.engine,
            "scheduler": self.run.scheduler,
            "workers": self.run.workers,
            "seed": self.seed,
            "weeks": self.weeks,
            "warmup_weeks": self.warmup_weeks,
            "replications": self.replications,
            "common_random_numbers": True,
            "seconds": round(self.run.wall_seconds, 3),
            "parameters": [
                {
                    "name": v.label,
                    "low": v.low,
                    "high": v.high,
                    "steps": v.steps,
                    "unit": v.parameter.unit,
                    "baseline": self.baselines[v.label],
                }
                for v in self.varies
            ],
            "units": {k: SIMULATED[k][1] for k in SIM_KPIS},
            "variants": [
                {
                    "variant": x.index,
                    "label": x.label,
                    "values": dict(x.values),
                    "kpis": {k: e.to_json() for k, e in est.items()},
                    "difference_vs_baseline": {k: e.to_json() for k, e in diff.items()},
                }
                for x, est, diff in zip(
                    self.variants, self.estimates, self.differences, strict=True
                )
            ],
            "tornado": {
                k: [
                    {
                        "parameter": b.parameter,
                        "low_value": b.low_value,
                        "high_value": b.high_value,
                        "at_low": b.at_low,
                        "at_high": b.at_high,
                        "swing": b.swing,
                    }
                    for b in self.tornado(k)
                ]
                for k in SIM_KPIS
            }
            if self.design == "oat"
            else None,
        }


def _estimate(kpi: str, values: Sequence[float]) -> Estimate:
    if kpi in _SHARES:
        return estimate(values, lower=0.0, upper=1.0)
    return estimate(values)


def run_sweep(
    scenario: Scenario,
    varies: Sequence[Vary],
    options: SweepOptions | None = None,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    client: Any | None = None,
) -> SweepResult:
    """Simulate every variant of the design with common random numbers.

    ``client``: an existing ``distributed.Client`` to use (engine ``dask``).
    """
    o = options or SweepOptions()
    if o.engine not in ENGINES:
        raise SweepError(f"unknown engine {o.engine!r}; choose one of {', '.join(ENGINES)}")
    s = scenario.settings
    replications = s.replications if o.replications is None else o.replications
    if replications < 2:
        raise SweepError("--replications must be at least 2 for confidence intervals")
    seed = s.seed if o.seed is None else o.seed
    check_varies(varies, scenario)
    variants = build_design(o.design, varies, samples=o.samples, seed=seed)
    by_label = {v.label: v for v in varies}
    assignments = [tuple((by_label[k], x) for k, x in x.values) for x in variants]
    # one warm-up for every variant (the baseline's), so variants differ only in the
    # parameters varied
    warmup = choose_warmup(scenario, o.warmup_weeks).weeks
    weeks = s.horizon_weeks if o.weeks is None else o.weeks
    # a Dask task is one replication in one process; the local engine picks its pool size
    spec = RunSpec(
        seed=seed, weeks=weeks, warmup_weeks=warmup, workers=1 if o.engine == "dask" else None
    )
    check_cancel(cancel)
    report(progress, 0.0, f"{len(variants)} variants x {replications} replications")

    def on_done(done: int, total: int) -> None:
        check_cancel(cancel)
        report(progress, done / total, f"{done}/{total} runs")

    if o.engine == "dask":
        run = run_dask(
            scenario,
            assignments,
            spec,
            replications,
            scheduler=o.scheduler,
            workers=o.workers,
            on_done=on_done,
            cancel=cancel,
            client=client,
        )
    else:
        run = run_local(
            scenario,
            assignments,
            spec,
            replications,
            workers=o.workers,
            on_done=on_done,
            cancel=cancel,
        )
    per = tuple({k: tuple(rep[k] for rep in reps) for k in SIM_KPIS} for reps in run.results)
    estimates = tuple({k: _estimate(k, p[k]) for k in SIM_KPIS} for p in per)
    differences = tuple(
        {k: estimate([a - b for a, b in zip(p[k], per[0][k], strict=True)]) for k in SIM_KPIS}
        for p in per
    )
    report(progress, 1.0, "done")
    return SweepResult(
        scenario_name=scenario.name,
        design=o.design,
        varies=tuple(varies),
        baselines={v.label: baseline_value(v, scenario) for v in varies},
        variants=variants,
        per_replication=per,
        estimates=estimates,
        differences=differences,
        seed=seed,
        weeks=weeks,
        warmup_weeks=warmup,
        replications=replications,
        run=run,
    )
