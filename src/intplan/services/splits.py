"""Compare ways to split a PCN into 1, 2 or 3 INTs (seed 000:297, 752): the use case.

Steps: enumerate contiguous options within the population bounds; build a variant
scenario per option (staff re-mapped by the mapping rules); structural KPIs; simulate
the affected INTs of every option with few replications (screening); re-run the best
``top`` options, and the reference (today's grouping, or the first option), with more
replications; score and rank transparently; flag the Pareto front.

Common random numbers: every option is simulated with the same root seed, so
replication r of every option uses ``SeedSequence(seed).spawn(r + 1)[r]``, and INT
streams are picked by position: the INTs outside the PCN keep their positions and the
option's INTs take the next ones. Differences against the reference are paired by
replication, so their CIs are much narrower than the two options' own CIs.

Only the affected INTs (the option's INTs and any remnants of cross-PCN INTs) are
simulated; cover between them is simulated, cover from INTs outside the PCN is not.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from intplan.domain import Scenario
from intplan.io.results import ChartSpec, ResultTable, write_results
from intplan.optimise.optimiser import optimise
from intplan.optimise.options import OptimiseOptions
from intplan.services.progress import Cancelled, Progress, check_cancel, report
from intplan.services.simulate import within_target_share
from intplan.sim.engine import ReplicationResult
from intplan.sim.model import compile_scenario
from intplan.sim.replications import ReplicationsCancelled, run_replications
from intplan.sim.stats import Estimate, constant, estimate
from intplan.splits.enumerate import (
    ADJACENCY_METHOD,
    TORBAY_BAND,
    TORBAY_SOURCE,
    SplitEnumeration,
    SplitError,
    SplitOption,
    enumerate_splits,
)
from intplan.splits.evaluate import (
    HOME_VISIT_MIN_KM,
    KPI_BY_KEY,
    KPI_SPECS,
    WORKING_DAY_HOURS,
    WORKING_DAY_SOURCE,
    StructuralKpis,
    default_weights,
    normalised_weights,
    option_structural,
    rank_options,
    structural_kpis,
)
from intplan.splits.variant import Variant, build_variant, current_groups

#: a short horizon keeps a 6-practice comparison under a minute (benchmarks/splits_pcn.py)
SPLIT_WEEKS = 26
SPLIT_WEEKS_SOURCE = "assumption: 26 weeks (half a year) is enough to compare options' waits"
SIM_KPIS = ("wait", "within_target", "escalations", "utilisation", "continuity")


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
    screen_limit: int = 40  # most options simulated; beyond, pre-ranked by structural KPIs
    workers: int | None = None  # None: one per core for long runs (auto_workers)

    def check(self) -> None:
        if not 1 <= self.screen_replications <= 1000:
            raise SplitError("--screen-replications must be between 1 and 1000")
        if not self.screen_replications <= self.replications <= 10000:
            raise SplitError("--replications must be at least --screen-replications")
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


@dataclass(frozen=True, slots=True, kw_only=True)
class SimKpis:
    replications: int
    estimates: Mapping[str, Estimate]
    per_replication: Mapping[str, tuple[float, ...]]  # for paired differences


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionResult:
    option: SplitOption
    int_codes: tuple[str, ...]  # the option's INTs in the variant scenario
    current: bool  # the grouping the scenario has today
    reference: bool  # differences are against this option
    stage: str  # "final" (full replications), "screen", or "structural" (not simulated)
    replications: int
    kpis: Mapping[str, float | None]
    estimates: Mapping[str, Estimate]
    differences: Mapping[str, Estimate]  # KPI minus the reference's, paired by replication
    per_int: tuple[StructuralKpis, ...]
    remapped_staff: int
    score: float = 0.0
    rank: int = 0
    pareto: bool = False
    contributions: Mapping[str, float] = field(default_factory=dict)

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
            "stage": self.stage,
            "replications": self.replications,
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
    screen_replications: int
    replications: int
    top: int
    team_size_threshold: int
    settings_used: Mapping[str, tuple[object, str]]  # key -> (value, source)
    notes: tuple[str, ...]

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


def simulate_ints(
    scenario: Scenario,
    int_codes: Sequence[str],
    *,
    replications: int,
    seed: int,
    weeks: int,
    warmup_weeks: int,
    workers: int | None = None,
    cancel: threading.Event | None = None,
    earlier: SimKpis | None = None,
) -> SimKpis:
    """Simulate ``int_codes`` of ``scenario`` and aggregate their KPIs per replication.

    With ``earlier`` (the same INTs and run options, fewer replications), only the
    missing replications are run: replication r is the same whatever the total.
    """
    model = compile_scenario(
        scenario, weeks=weeks, warmup_weeks=warmup_weeks, int_codes=tuple(int_codes)
    )
    try:
        reps = run_replications(
            model,
            seed=seed,
            n_scenario_ints=len(scenario.ints),
            start=earlier.replications if earlier is not None else 0,
            stop=replications,
            workers=workers,
            cancel=cancel,
        )
    except ReplicationsCancelled as exc:
        raise Cancelled() from exc
    population = sum(scenario.int_population(c) for c in int_codes)
    rows = [aggregate_replication(r, population, weeks) for r in reps]
    before = earlier.per_replication if earlier is not None else {}
    per = {k: (*before.get(k, ()), *(row[k] for row in rows)) for k in SIM_KPIS}
    return SimKpis(
        replications=replications,
        estimates={k: estimate(v) for k, v in per.items()},
        per_replication=per,
    )


def aggregate_replication(r: ReplicationResult, population: int, weeks: int) -> dict[str, float]:
    served = float(np.sum(r.served))
    esc = float(np.sum(r.escalated))
    avail = float(np.sum(r.available_minutes))
    followups = float(np.sum(r.followups))
    return {
        "wait": float(np.sum(r.wait_sum_minutes)) / served if served else math.nan,
        # the same definition as intplan.services.simulate: escalations count as missed
        "within_target": float(
            within_target_share(
                np.asarray(np.sum(r.within_target)), np.asarray(served), np.asarray(esc)
            )
        ),
        "escalations": esc / (population / 1000.0) / weeks if population else math.nan,
        "utilisation": float(np.sum(r.busy_minutes)) / avail if avail else math.nan,
        "continuity": float(np.sum(r.followups_same_person)) / followups if followups else math.nan,
    }


@dataclass(slots=True)
class _Work:
    option: SplitOption
    variant: Variant
    per_int: tuple[StructuralKpis, ...]
    structural: dict[str, float]
    current: bool
    sim: SimKpis | None = None
    stage: str = "structural"
    cost_gbp: float | None = None


def compare_splits(
    scenario: Scenario,
    options: SplitsOptions,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> SplitsResult:
    options.check()
    s = scenario.settings
    seed = s.seed if options.seed is None else options.seed
    warmup = s.warmup_weeks if options.warmup_weeks is None else options.warmup_weeks
    enum = enumerate_splits(
        scenario,
        options.pcn,
        max_ints=options.max_ints,
        population_min=options.population_min,
        population_max=options.population_max,
    )
    if not enum.options:
        raise SplitError(enum.message)
    report(progress, 0.0, f"{len(enum.options)} option(s)")
    today = current_groups(scenario, options.pcn)
    work: list[_Work] = []
    for opt in enum.options:
        check_cancel(cancel)
        v = build_variant(scenario, options.pcn, opt)
        per_int = tuple(structural_kpis(v.scenario, c) for c in v.new_ints)
        work.append(
            _Work(
                option=opt,
                variant=v,
                per_int=per_int,
                structural=option_structural(
                    per_int, population_min=enum.population_min, population_max=enum.population_max
                ),
                current=opt.groups == today,
            )
        )
    ref = next((i for i, w in enumerate(work) if w.current), 0)
    notes: list[str] = [enum.message]
    if not any(w.current for w in work):
        notes.append(
            "today's grouping of the PCN's practices is not among the options (out of bounds "
            "or not contiguous); differences are against the first option"
        )
    # Too many options to simulate: keep the best by structural KPIs (and the reference).
    to_screen = list(range(len(work)))
    if len(work) > options.screen_limit:
        ranks = rank_options([w.structural for w in work], options.weights)
        by_rank = sorted(range(len(work)), key=lambda i: ranks[i].rank)
        to_screen = sorted(set(by_rank[: options.screen_limit]) | {ref})
        notes.append(
            f"{len(work)} options: only the {len(to_screen)} best on structural KPIs were "
            f"simulated (--screen-limit {options.screen_limit})"
        )
    # final runs add only the replications screening did not already run
    total_reps = options.screen_replications * len(to_screen) + (
        options.replications - options.screen_replications
    ) * (min(options.top, len(to_screen)) + 1)
    done = 0

    def run(i: int, reps: int, stage: str) -> None:
        nonlocal done
        check_cancel(cancel)
        w = work[i]
        before = w.sim.replications if w.sim is not None else 0
        ints = (*w.variant.remnant_ints, *w.variant.new_ints)
        w.sim = simulate_ints(
            w.variant.scenario,
            ints,
            earlier=w.sim,
            replications=reps,
            seed=seed,
            weeks=options.weeks,
            warmup_weeks=warmup,
            workers=options.workers,
            cancel=cancel,
        )
        w.stage = stage
        done += reps - before
        report(progress, done / total_reps, f"{stage}: {w.option.label}")

    for i in to_screen:
        run(i, options.screen_replications, "screen")
    if options.replications > options.screen_replications or options.top > 0:
        screened = rank_options([_kpis(work[i]) for i in to_screen], options.weights)
        best = [to_screen[j] for j in sorted(range(len(to_screen)), key=lambda j: screened[j].rank)]
        finals = sorted(set(best[: options.top]) | {ref})
        for i in finals:
            if options.replications > options.screen_replications:
                run(i, options.replications, "final")
            else:
                work[i].stage = "final"
    if options.with_cost:
        _add_costs(work, notes, cancel)
    kpis = [_kpis(w) for w in work]
    weights_used = normalised_weights(options.weights, kpis)
    rankings = rank_options(kpis, options.weights)
    ref_sim = work[ref].sim
    results = []
    for i, (w, r) in enumerate(zip(work, rankings, strict=True)):
        results.append(
            OptionResult(
                option=w.option,
                int_codes=w.variant.new_ints,
                current=w.current,
                reference=i == ref,
                stage=w.stage,
                replications=w.sim.replications if w.sim else 0,
                kpis=kpis[i],
                estimates=_estimates(w),
                differences=_differences(w.sim, ref_sim),
                per_int=w.per_int,
                remapped_staff=w.variant.remapped_staff,
                score=r.score,
                rank=r.rank,
                pareto=r.pareto,
                contributions=r.contributions,
            )
        )
    results.sort(key=lambda o: o.rank)
    report(progress, 1.0, "done")
    used_keys = (
        "int_population_min",
        "int_population_max",
        "team_size_threshold",
        "travel_speed_kmh",
        "warmup_weeks",
        "seed",
        "standard_week_hours",
        "integration_level",
    )
    return SplitsResult(
        pcn=options.pcn,
        scenario_name=scenario.name,
        enumeration=enum,
        options=tuple(results),
        weights=dict(options.weights),
        weights_used=weights_used,
        seed=seed,
        weeks=options.weeks,
        warmup_weeks=warmup,
        screen_replications=options.screen_replications,
        replications=options.replications,
        top=options.top,
        team_size_threshold=s.team_size_threshold,
        settings_used={k: (getattr(s, k), s.source(k)) for k in used_keys},
        notes=tuple(notes),
    )


def _kpis(w: _Work) -> dict[str, float | None]:
    out: dict[str, float | None] = dict.fromkeys(KPI_BY_KEY)
    out.update(w.structural)
    if w.sim is not None:
        for k in SIM_KPIS:
            m = w.sim.estimates[k].mean
            out[k] = m if math.isfinite(m) else None
    out["cost"] = w.cost_gbp
    return out


def _estimates(w: _Work) -> dict[str, Estimate]:
    return dict(w.sim.estimates) if w.sim is not None else {}


def _differences(sim: SimKpis | None, ref: SimKpis | None) -> dict[str, Estimate]:
    if sim is None or ref is None or sim.replications != ref.replications:
        return {}
    out = {}
    for k in SIM_KPIS:
        a, b = sim.per_replication[k], ref.per_replication[k]
        diffs = [x - y for x, y in zip(a, b, strict=True)]
        out[k] = estimate(diffs) if sim is not ref else constant(0.0, len(diffs))
    return out


def _add_costs(work: list[_Work], notes: list[str], cancel: threading.Event | None) -> None:
    """Annual pay cost of the option's INTs in the optimiser's recommended plan (LP)."""
    for w in work:
        check_cancel(cancel)
        ints = set(w.variant.new_ints) | set(w.variant.remnant_ints)
        result = optimise(w.variant.scenario, OptimiseOptions())
        if not result.feasible:
            notes.append(f"{w.option.label}: optimiser found no plan ({result.message})")
            continue
        w.cost_gbp = sum(r.recommended_cost_gbp for r in result.plan if r.int_code in ints)


# == the board workbook ==========================================================

Cell = str | int | float | bool | None
SUMMARY_SHEET = "Splits summary"
#: kept for callers that name the type; the sheets are intplan.io.results tables
Table = ResultTable


def _cell(x: float | None, digits: int = 4) -> Cell:
    return None if x is None or not math.isfinite(x) else round(float(x), digits)


def splits_tables(result: SplitsResult) -> tuple[ResultTable, ...]:
    """The board workbook's sheets: summary, INTs, score breakdown, assumptions."""
    sim_cols = [k for k in SIM_KPIS]
    headers = [
        "rank",
        "score",
        "pareto (wait vs team size)",
        "today",
        "INTs",
        "practice groups",
        "population per INT",
        "within bounds",
        "within 25-40k (000:1789)",
        "stage",
        "replications",
    ]
    for k in sim_cols:
        spec = KPI_BY_KEY[k]
        headers += [f"{k} ({spec.unit})", f"{k} CI95 low", f"{k} CI95 high"]
    structural = ["team_size", "travel", "cover_dependence", "resilience", "population_fit", "cost"]
    headers += [f"{k} ({KPI_BY_KEY[k].unit})" for k in structural]
    headers += ["wait vs reference (minutes)", "diff CI95 low", "diff CI95 high"]
    rows: list[tuple[Cell, ...]] = []
    for o in result.options:
        row: list[Cell] = [
            o.rank,
            round(o.score, 4),
            "yes" if o.pareto else "no",
            "yes" if o.current else "no",
            o.option.ints,
            o.option.label,
            ", ".join(f"{p:,}" for p in o.option.populations),
            "yes" if o.option.within_bounds else "no",
            "yes" if o.option.within_torbay_band else "no",
            o.stage,
            o.replications,
        ]
        for k in sim_cols:
            e = o.estimates.get(k)
            row += [_cell(o.kpis.get(k))] + (
                [_cell(e.low), _cell(e.high)] if e is not None else [None, None]
            )
        row += [_cell(o.kpis.get(k)) for k in structural]
        d = o.differences.get("wait")
        row += [_cell(d.mean), _cell(d.low), _cell(d.high)] if d else [None, None, None]
        rows.append(tuple(row))
    wait_h = f"wait ({KPI_BY_KEY['wait'].unit})"
    team_h = f"team_size ({KPI_BY_KEY['team_size'].unit})"
    summary = ResultTable(
        sheet=SUMMARY_SHEET,
        title=f"PCN {result.pcn}: split options, best score first",
        note=f"{result.enumeration.message}. Score weights and sources: Splits assumptions.",
        headers=tuple(headers),
        rows=tuple(rows),
        charts=(
            ChartSpec(
                kind="bar",
                title="Score by option (higher is better)",
                x_column="practice groups",
                y_columns=("score",),
                y_title="score (0-1)",
            ),
            ChartSpec(
                kind="bar",
                title="Mean wait in the affected INTs",
                x_column="practice groups",
                y_columns=(wait_h,),
                y_title="minutes",
            ),
            ChartSpec(
                kind="scatter",
                title="Trade-off: largest core team vs mean wait (Pareto: column C)",
                x_column=team_h,
                y_columns=(wait_h,),
                x_title="largest core team (people)",
                y_title="mean wait (minutes)",
            ),
        ),
    )
    ints = ResultTable(
        sheet="Splits INTs",
        title="The INTs of each option",
        headers=(
            "rank",
            "option",
            "INT",
            "practices",
            "population",
            "core headcount",
            f"over team size threshold ({result.team_size_threshold})",
            "core FTE",
            "travel minutes per home visit",
            "P(core role with nobody on duty) per rota day",
            "core roles with no one",
            "cover dependence (share of reference core hours)",
        ),
        rows=tuple(
            (
                o.rank,
                o.option.label,
                k.int_code,
                ", ".join(k.practices),
                k.population,
                k.core_headcount,
                "yes" if k.core_headcount > result.team_size_threshold else "no",
                round(k.core_fte, 3),
                round(k.travel_minutes, 2),
                round(k.core_gap_day_probability, 4),
                ", ".join(k.empty_core_roles),
                round(k.cover_dependence, 4),
            )
            for o in result.options
            for k in o.per_int
        ),
    )
    keys = list(result.weights_used)
    scores = ResultTable(
        sheet="Splits scores",
        title="Each KPI's contribution to the score (weight x normalised value)",
        headers=(
            "rank",
            "option",
            "score",
            *(f"{k} (weight {result.weights_used[k]:.2f})" for k in keys),
        ),
        rows=tuple(
            (
                o.rank,
                o.option.label,
                round(o.score, 4),
                *(round(o.contributions.get(k, 0.0), 4) for k in keys),
            )
            for o in result.options
        ),
    )
    en = result.enumeration
    a_rows: list[tuple[Cell, ...]] = [
        ("PCN", result.pcn, "", ""),
        ("scenario", result.scenario_name, "", ""),
        ("what was found", en.message, "", ""),
        (
            "population bounds",
            f"{en.population_min:,}-{en.population_max:,}",
            "people per INT",
            _bounds_source(result),
        ),
        (
            "bounds applied",
            "yes" if en.bounds_applied else "no (nothing fitted; all shown)",
            "",
            "",
        ),
        ("Torbay band", f"{TORBAY_BAND[0]:,}-{TORBAY_BAND[1]:,}", "people per team", TORBAY_SOURCE),
        ("contiguity", ADJACENCY_METHOD, "", "assumption: see docs/splits.md"),
        ("practice adjacency", "; ".join(f"{a}-{b}" for a, b in en.edges), "", "derived"),
        ("simulated weeks", result.weeks, "weeks", SPLIT_WEEKS_SOURCE),
        ("warm-up weeks", result.warmup_weeks, "weeks", "settings"),
        ("seed", result.seed, "", "common random numbers: the same seed for every option"),
        ("screening replications", result.screen_replications, "", "--screen-replications"),
        ("final replications", result.replications, "", "--replications"),
        ("options re-run", result.top, "plus the reference", "--top"),
        ("working day", WORKING_DAY_HOURS, "hours", WORKING_DAY_SOURCE),
        ("home visit distance floor", HOME_VISIT_MIN_KM, "km", "as the simulator"),
    ]
    for spec in KPI_SPECS:
        a_rows.append(
            (
                f"weight: {spec.key}",
                result.weights.get(spec.key, 0.0),
                f"used {result.weights_used.get(spec.key, 0.0):.3f}; {spec.better.value} is better; {spec.unit}",
                spec.source,
            )
        )
    for key, (value, source) in result.settings_used.items():
        a_rows.append((f"setting: {key}", _plain(value), "", source))
    for note in result.notes:
        a_rows.append(("note", note, "", ""))
    assumptions = ResultTable(
        sheet="Splits assumptions",
        title="Assumptions, weights, bounds and settings used",
        headers=("item", "value", "unit / detail", "source"),
        rows=tuple(a_rows),
    )
    return (summary, ints, scores, assumptions)


def _bounds_source(result: SplitsResult) -> str:
    en = result.enumeration
    lo, lo_src = result.settings_used["int_population_min"]
    hi, _ = result.settings_used["int_population_max"]
    if (en.population_min, en.population_max) == (lo, hi):
        return f"settings int_population_min/max: {lo_src}"
    return "given on the command line (--pop-min/--pop-max)"


def _plain(v: object) -> Cell:
    return v if isinstance(v, str | int | float | bool) or v is None else str(v)


def write_splits_workbook(result: SplitsResult, out: Path, *, source: Path) -> None:
    """Write the board workbook: ``source`` (inputs untouched) plus the Splits sheets.

    Earlier ``Splits …`` sheets of the same names are replaced. Saved atomically.
    """
    write_results(source, out, splits_tables(result))
