"""Compare ways to split a PCN into 1, 2 or 3 INTs (seed 000:297, 752): the use case.

Steps: enumerate contiguous options within the population bounds, and add today's
grouping when the enumeration left it out (flagged); build a variant scenario per
option (staff re-mapped by the mapping rules); structural KPIs; simulate the affected
INTs of *every* option with few replications (screening; a shorter horizon when there
are more than ``screen_limit`` options, so waits, escalations and continuity always
count in the score); re-run the best ``top`` options and today's grouping (the
reference) with the full replications and horizon; rank the re-run options among
themselves, then the options screened only by their screening score; flag the Pareto
front.

Common random numbers: every option is simulated with the same root seed, so
replication r of every option uses ``SeedSequence(seed).spawn(r + 1)[r]``, and INT
streams are picked by position: the INTs outside the PCN keep their positions and the
option's INTs take the next ones. Differences against the reference are paired by
replication, so their CIs are much narrower than the two options' own CIs.

Only the affected INTs (the option's INTs and any remnants of cross-PCN INTs) are
simulated; cover between them is simulated, cover from INTs outside the PCN is not.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from intplan.domain import Scenario
from intplan.optimise.optimiser import optimise
from intplan.optimise.options import OptimiseOptions
from intplan.services.progress import Cancelled, Progress, check_cancel, report
from intplan.services.splits_board import (
    SUMMARY_SHEET,
    splits_tables,
    write_splits_workbook,
)
from intplan.services.splits_result import (
    MIN_SCREEN_REPLICATIONS,
    MIN_SCREEN_WEEKS,
    SIM_KPIS,
    SPLIT_WEEKS,
    SPLIT_WEEKS_SOURCE,
    OptionResult,
    SimKpis,
    SplitsOptions,
    SplitsResult,
)
from intplan.sim import (
    DEFAULT_COVER,
    Estimate,
    ReplicationResult,
    ReplicationsCancelled,
    RunSpec,
    Simulation,
    aggregate_replication,
    choose_warmup,
    constant,
    estimate,
    patient_serving_roles,
)
from intplan.splits.enumerate import (
    SplitEnumeration,
    SplitError,
    SplitOption,
    enumerate_splits,
    grouping_option,
    why_not_an_option,
)
from intplan.splits.evaluate import (
    KPI_BY_KEY,
    Ranking,
    StructuralKpis,
    normalised_weights,
    option_structural,
    rank_options,
    structural_kpis,
)
from intplan.splits.variant import Variant, build_variant, current_groups

__all__ = [
    "MIN_SCREEN_REPLICATIONS",
    "MIN_SCREEN_WEEKS",
    "SIM_KPIS",
    "SPLIT_WEEKS",
    "SPLIT_WEEKS_SOURCE",
    "SUMMARY_SHEET",
    "OptionResult",
    "SimKpis",
    "SplitsOptions",
    "SplitsResult",
    "aggregate_replication",
    "compare_splits",
    "simulate_ints",
    "splits_tables",
    "write_splits_workbook",
]


def simulate_ints(
    scenario: Scenario,
    int_codes: Sequence[str],
    *,
    replications: int,
    seed: int,
    weeks: int,
    warmup_weeks: int | None,
    workers: int | None = None,
    cover: bool = DEFAULT_COVER,
    cancel: threading.Event | None = None,
    earlier: SimKpis | None = None,
    on_progress: Callable[[float], None] | None = None,
    by_int: bool = False,
) -> SimKpis:
    """Simulate ``int_codes`` of ``scenario`` and aggregate their KPIs per replication.

    With ``earlier`` (the same INTs and run options, fewer replications), only the
    missing replications are run: replication r is the same whatever the total.
    ``warmup_weeks`` None: the warm-up rule, as ``simulate`` chooses it.
    ``on_progress`` gets the share of the replications to run done (0..1), as the
    engine reports it (weekly in one process, per replication across processes).
    ``by_int``: also each INT's KPIs per replication (``SimKpis.by_int``), from the same runs.
    """
    if earlier is not None and earlier.weeks != weeks:
        raise ValueError("earlier replications were run over a different horizon")
    if by_int and earlier is not None and not earlier.by_int:
        raise ValueError("earlier replications were not kept INT by INT")
    spec = RunSpec(
        seed=seed,
        weeks=weeks,
        warmup_weeks=warmup_weeks,
        ints=tuple(int_codes),
        cover=cover,
        workers=workers,
    )
    sim = Simulation(scenario, spec)
    start = earlier.replications if earlier is not None else 0
    try:
        reps = sim.replications(start, replications, cancel=cancel, on_progress=on_progress)
    except ReplicationsCancelled as exc:
        raise Cancelled() from exc
    population = sum(scenario.int_population(c) for c in int_codes)
    serving = patient_serving_roles(sim.model)
    rows = [aggregate_replication(r, population, weeks, serving) for r in reps]
    by_int_kpis: dict[str, SimKpis] = {}
    if by_int:
        for i, code in enumerate(sim.model.int_codes):
            mine = [
                aggregate_replication(one_int(r, i), scenario.int_population(code), weeks, serving)
                for r in reps
            ]
            before_int = earlier.by_int.get(code) if earlier is not None else None
            by_int_kpis[code] = _sim_kpis(mine, replications, weeks, before_int)
    return _sim_kpis(rows, replications, weeks, earlier, by_int_kpis)


def _sim_kpis(
    rows: Sequence[Mapping[str, float]],
    replications: int,
    weeks: int,
    earlier: SimKpis | None,
    by_int: Mapping[str, SimKpis] | None = None,
) -> SimKpis:
    """Replications' KPI rows (after ``earlier``'s) as estimates and per-replication values."""
    before = earlier.per_replication if earlier is not None else {}
    per = {k: (*before.get(k, ()), *(row[k] for row in rows)) for k in SIM_KPIS}
    return SimKpis(
        replications=replications,
        weeks=weeks,
        estimates={k: estimate(v) for k, v in per.items()},
        per_replication=per,
        by_int=dict(by_int or {}),
    )


def one_int(r: ReplicationResult, i: int) -> ReplicationResult:
    """Replication ``r`` cut down to the ``i``-th simulated INT: every array's first axis
    is the INT, so the scenario-wide KPI definitions give that INT's values."""
    cut: dict[str, Any] = {
        f.name: value[i : i + 1]
        for f in dataclasses.fields(r)
        if isinstance(value := getattr(r, f.name), np.ndarray)
    }
    return dataclasses.replace(r, **cut)


@dataclass(slots=True)
class _Work:
    option: SplitOption
    variant: Variant
    per_int: tuple[StructuralKpis, ...]
    structural: dict[str, float]
    current: bool
    enumerated: bool
    sim: SimKpis | None = None
    stage: str = "screen"
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
    # the warm-up rule as simulate applies it, chosen once so every option runs alike
    warmup = choose_warmup(scenario, options.warmup_weeks).weeks
    enum = enumerate_splits(
        scenario,
        options.pcn,
        max_ints=options.max_ints,
        population_min=options.population_min,
        population_max=options.population_max,
    )
    if not enum.options:
        raise SplitError(enum.message)
    notes: list[str] = [enum.message]
    work = _build_work(scenario, options.pcn, enum, notes, cancel)
    report(progress, 0.0, f"{len(work)} option(s)")
    ref = next((i for i, w in enumerate(work) if w.current), 0)
    screen_reps, screen_weeks = options.screening(len(work))
    notes += _screening_notes(options, len(work), screen_reps, screen_weeks)
    if options.with_cost:
        _add_costs(work, notes, cancel)  # before screening: cost counts in the short list

    # progress counts replication-weeks; final runs reuse screening runs of the same horizon
    n_finals = min(options.top + 1, len(work))
    reused = screen_reps if screen_weeks == options.weeks else 0
    total = (
        len(work) * screen_reps * screen_weeks
        + n_finals * (options.replications - reused) * options.weeks
    )
    done = 0

    def run(w: _Work, reps: int, weeks: int, stage: str) -> None:
        nonlocal done
        check_cancel(cancel)
        earlier = w.sim if w.sim is not None and w.sim.weeks == weeks else None
        w.sim = simulate_ints(
            w.variant.scenario,
            (*w.variant.remnant_ints, *w.variant.new_ints),
            earlier=earlier,
            replications=reps,
            seed=seed,
            weeks=weeks,
            warmup_weeks=warmup,
            workers=options.workers,
            cancel=cancel,
        )
        w.stage = stage
        done += (reps - (earlier.replications if earlier else 0)) * weeks
        report(progress, min(1.0, done / max(total, 1)), f"{stage}: {w.option.label}")

    for w in work:
        run(w, screen_reps, screen_weeks, "screen")
    screen_kpis = [_kpis(w) for w in work]
    screened = rank_options(screen_kpis, options.weights)
    if (screen_reps, screen_weeks) == (options.replications, options.weeks):
        for w in work:  # screening already ran every option the full way
            w.stage = "final"
    else:
        best = sorted(range(len(work)), key=lambda i: screened[i].rank)
        for i in sorted(set(best[: options.top]) | {ref}):
            run(work[i], options.replications, options.weeks, "final")
    results, weights_used = _rank(work, ref, screened, options)
    screen_used = normalised_weights(options.weights, screen_kpis)
    if screen_used.keys() != weights_used.keys():
        notes.append(
            "screening scored on "
            + ", ".join(screen_used)
            + " (a KPI some option lacks is left out)"
        )
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
        screen_weeks=screen_weeks,
        screen_replications=screen_reps,
        replications=options.replications,
        top=options.top,
        team_size_threshold=s.team_size_threshold,
        settings_used={k: (getattr(s, k), s.source(k)) for k in used_keys},
        notes=tuple(notes),
    )


def _build_work(
    scenario: Scenario,
    pcn: str,
    enum: SplitEnumeration,
    notes: list[str],
    cancel: threading.Event | None,
) -> list[_Work]:
    """A variant per option, plus today's grouping when the enumeration left it out."""
    today = current_groups(scenario, pcn)
    listed: list[tuple[SplitOption, bool]] = [(o, True) for o in enum.options]
    covered = sorted(p for g in today for p in g) == sorted(enum.practices)
    if covered and all(o.groups != today for o in enum.options):
        mine = grouping_option(scenario, enum, today)
        listed.append((mine, False))
        notes.append(
            f"today's grouping ({mine.label}) is not among the enumerated options: "
            f"{why_not_an_option(enum, mine)}; it is simulated and shown for comparison, "
            "and differences are against it"
        )
    elif not covered:
        notes.append(
            "some of the PCN's practices are in no INT today; differences are against the "
            "first option"
        )
    work: list[_Work] = []
    for opt, enumerated in listed:
        check_cancel(cancel)
        v = build_variant(scenario, pcn, opt)
        per_int = tuple(structural_kpis(v.scenario, c) for c in v.new_ints)
        structural = option_structural(
            per_int, population_min=enum.population_min, population_max=enum.population_max
        )
        work.append(
            _Work(
                option=opt,
                variant=v,
                per_int=per_int,
                structural=structural,
                current=opt.groups == today,
                enumerated=enumerated,
            )
        )
    return work


def _screening_notes(
    options: SplitsOptions, n_options: int, screen_reps: int, screen_weeks: int
) -> list[str]:
    notes = []
    if options.replications < options.screen_replications:
        notes.append(
            f"--replications {options.replications} is below --screen-replications "
            f"{options.screen_replications}: screened at {options.replications}"
        )
    wanted = min(options.screen_replications, options.replications)
    if (screen_reps, screen_weeks) != (wanted, options.weeks):
        notes.append(
            f"{n_options} options, more than --screen-limit {options.screen_limit}: every "
            f"option was screened more cheaply, {screen_reps} replication(s) over "
            f"{screen_weeks} weeks (at least {MIN_SCREEN_WEEKS} weeks); the re-run options "
            f"use {options.replications} over {options.weeks} weeks"
        )
    return notes


def _rank(
    work: Sequence[_Work], ref: int, screened: Sequence[Ranking], options: SplitsOptions
) -> tuple[list[OptionResult], dict[str, float]]:
    """Finals ranked among themselves first, then the options screened only.

    Scores are only compared between options run the same way: the finals' scores are
    over the finals; an option screened only keeps its screening score and rank order.
    """
    kpis = [_kpis(w) for w in work]
    finals = [i for i, w in enumerate(work) if w.stage == "final"]
    final_rank = dict(
        zip(finals, rank_options([kpis[i] for i in finals], options.weights), strict=True)
    )
    rest = sorted(
        (i for i, w in enumerate(work) if w.stage != "final"), key=lambda i: screened[i].rank
    )
    rank = {i: final_rank[i].rank for i in finals}
    rank.update({i: len(finals) + n for n, i in enumerate(rest, start=1)})
    ref_sim = work[ref].sim
    results = []
    for i, w in enumerate(work):
        r = final_rank.get(i, screened[i])
        results.append(
            OptionResult(
                option=w.option,
                int_codes=w.variant.new_ints,
                current=w.current,
                reference=i == ref,
                stage=w.stage,
                replications=w.sim.replications if w.sim else 0,
                weeks=w.sim.weeks if w.sim else 0,
                enumerated=w.enumerated,
                kpis=kpis[i],
                estimates=_estimates(w),
                differences=_differences(w.sim, ref_sim),
                per_int=w.per_int,
                remapped_staff=w.variant.remapped_staff,
                score=r.score,
                rank=rank[i],
                pareto=r.pareto,
                contributions=r.contributions,
                screen_score=screened[i].score,
                screen_rank=screened[i].rank,
            )
        )
    results.sort(key=lambda o: o.rank)
    return results, normalised_weights(options.weights, [kpis[i] for i in finals])


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
    if sim is None or ref is None or (sim.replications, sim.weeks) != (ref.replications, ref.weeks):
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
