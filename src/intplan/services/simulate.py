"""Use case: simulate a scenario's INTs with replications and confidence intervals.

This module runs the replications and summarises them; the records it returns live in
``simulate_records`` and their result sheets in ``simulate_sheets``. Both are re-exported
here, where callers import them."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from intplan.domain import IntplanError, Scenario
from intplan.domain.units import MINUTES_PER_HOUR, MINUTES_PER_WEEK
from intplan.services.progress import Cancelled, Progress, check_cancel, report

# re-exported (``X as X``): callers import the records and the sheets from this module
from intplan.services.simulate_records import ActivityRecord as ActivityRecord
from intplan.services.simulate_records import IntRecord as IntRecord
from intplan.services.simulate_records import RoleRecord as RoleRecord
from intplan.services.simulate_records import SimulationResult as SimulationResult
from intplan.services.simulate_records import WeeklyActivity as WeeklyActivity
from intplan.services.simulate_records import WeeklyRole as WeeklyRole
from intplan.services.simulate_sheets import SHEET_ACTIVITIES as SHEET_ACTIVITIES
from intplan.services.simulate_sheets import SHEET_INTS as SHEET_INTS
from intplan.services.simulate_sheets import SHEET_ROLES as SHEET_ROLES
from intplan.services.simulate_sheets import SHEET_RUN as SHEET_RUN
from intplan.services.simulate_sheets import SHEET_WEEKLY as SHEET_WEEKLY
from intplan.services.simulate_sheets import SHEET_WEEKLY_ROLES as SHEET_WEEKLY_ROLES
from intplan.services.simulate_sheets import Cell as Cell
from intplan.services.simulate_sheets import result_rows as result_rows
from intplan.services.simulate_sheets import sheet_column as sheet_column
from intplan.services.simulate_sheets import to_tables as to_tables
from intplan.services.simulate_sheets import (
    write_simulation_results as write_simulation_results,
)
from intplan.sim import (
    BOOKING_BUCKETS,
    DEFAULT_COVER,
    MIN_ADAPTIVE_REPLICATIONS,
    CompiledModel,
    Estimate,
    ReplicationResult,
    ReplicationsCancelled,
    RunSpec,
    Simulation,
    backlog_growing,
    constant,
    estimate,
    kpi_value,
    patient_serving_roles,
    replications_wanted,
    safe_ratio,
    serving_work_and_duty,
    within_target_share,
)
from intplan.sim import KPIS as KPIS  # re-exported: the CLI lists them

#: assumption: a safety stop for the adaptive mode (a few minutes for one INT-year)
DEFAULT_MAX_REPLICATIONS = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class SimulationOptions:
    """Run options; ``None`` takes the scenario's Settings value."""

    replications: int | None = None
    weeks: int | None = None
    warmup_weeks: int | None = None
    seed: int | None = None
    workers: int | None = None  # None: one per core for long runs (auto_workers)
    ints: tuple[str, ...] = ()
    cover: bool = DEFAULT_COVER  # the one default (intplan.sim.run)
    target_halfwidth: float | None = None  # relative CI half-width that stops adding reps
    kpi: str = "wait_mean"
    max_replications: int = DEFAULT_MAX_REPLICATIONS
    engine: str = "kernel"  # or "reference": the plain SimPy model, slow (sim/engines.py)


def _resolve(scenario: Scenario, o: SimulationOptions) -> tuple[int, RunSpec]:
    s = scenario.settings
    reps = s.replications if o.replications is None else o.replications
    weeks = s.horizon_weeks if o.weeks is None else o.weeks
    seed = s.seed if o.seed is None else o.seed
    if isinstance(reps, bool) or not isinstance(reps, int) or reps < 1:
        raise IntplanError(f"replications must be at least 1 (got {reps!r})")
    if not isinstance(seed, int) or seed < 0:
        raise IntplanError(f"seed must be a whole number of 0 or more (got {seed!r})")
    if o.workers is not None and o.workers < 1:
        raise IntplanError(f"workers must be at least 1 (got {o.workers})")
    if o.kpi not in KPIS:
        raise IntplanError(f"unknown KPI {o.kpi!r}; choose one of {', '.join(KPIS)}")
    if o.target_halfwidth is not None and not (0 < o.target_halfwidth < 1):
        raise IntplanError("target half-width is relative: give a number between 0 and 1")
    if o.warmup_weeks is not None and (
        isinstance(o.warmup_weeks, bool)
        or not isinstance(o.warmup_weeks, int)
        or o.warmup_weeks < 0
    ):
        raise IntplanError(f"warm-up weeks must be 0 or more (got {o.warmup_weeks!r})")
    spec = RunSpec(
        seed=seed,
        weeks=weeks,
        warmup_weeks=o.warmup_weeks,
        ints=o.ints,
        cover=o.cover,
        workers=o.workers,
        engine=o.engine,
    )
    return reps, spec


def run_simulation(
    scenario: Scenario,
    options: SimulationOptions | None = None,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> SimulationResult:
    """Simulate, replicate and summarise. Raises ``Cancelled`` when ``cancel`` is set."""
    started = time.perf_counter()
    o = options or SimulationOptions()
    reps, spec = _resolve(scenario, o)
    sim = Simulation(scenario, spec)
    model, warm = sim.model, sim.warmup
    check_cancel(cancel)
    workers = sim.workers_for(reps)
    # the engine's compiled loop is built on first use on a machine (~20 s), then cached
    report(progress, 0.0, "preparing the simulation engine")
    target = o.target_halfwidth
    serving = patient_serving_roles(model)
    limit = max(reps, o.max_replications) if target is not None else reps
    results: list[ReplicationResult] = []

    def batch(stop: int) -> None:
        start = len(results)

        def on_progress(share: float) -> None:
            report(
                progress,
                (start + share * (stop - start)) / limit if target is not None else share,
                f"replication {start + min(stop - start, int(share * (stop - start)) + 1)} of {stop}",
            )

        try:
            results.extend(
                sim.replications(
                    start, stop, workers=workers, on_progress=on_progress, cancel=cancel
                )
            )
        except ReplicationsCancelled:
            raise Cancelled() from None

    # adaptive: at least the rule's minimum, then as many as the rule still wants (a
    # worker's worth at a time, so parallel runs stay busy)
    batch(min(limit, max(reps, MIN_ADAPTIVE_REPLICATIONS)) if target is not None else reps)
    while target is not None and len(results) < limit:
        wanted = replications_wanted([kpi_value(o.kpi, r, serving) for r in results], target)
        if wanted <= len(results):
            break
        batch(min(limit, max(wanted, len(results) + workers)))
    kpi_est = estimate(kpi_value(o.kpi, r, serving) for r in results)
    report(progress, 1.0, "done")
    result = summarise(
        scenario.name,
        model,
        results,
        seed=sim.seed,
        workers=workers,
        kpi=o.kpi,
        kpi_estimate=kpi_est,
        target_halfwidth=target,
        warmup_rule=warm.rule,
        engine=o.engine,
    )
    from intplan.services.model_report import model_report_rows

    seconds = time.perf_counter() - started
    rows = model_report_rows(scenario, result, run_seconds=seconds)
    return replace(result, run_seconds=seconds, model_report=tuple(rows))


def summarise(
    scenario_name: str,
    model: CompiledModel,
    results: Sequence[ReplicationResult],
    *,
    seed: int,
    workers: int,
    kpi: str,
    kpi_estimate: Estimate,
    target_halfwidth: float | None,
    warmup_rule: str = "given",
    engine: str = "kernel",
) -> SimulationResult:
    n = len(results)
    weeks = model.weeks
    ints, acts, roles = model.int_codes, model.activity_codes, model.role_codes

    def stack(get: Callable[[ReplicationResult], NDArray[np.float64]]) -> NDArray[np.float64]:
        return np.stack([get(r) for r in results])

    def est(x: NDArray[np.float64], idx: tuple[int, ...], *, share: bool = False) -> Estimate:
        # every output is non-negative; shares also stay at most 1
        values: list[float] = x[(slice(None), *idx)].tolist()  # type: ignore[arg-type]  # numpy index tuple
        return estimate(values, lower=0.0, upper=1.0 if share else None)

    served = stack(lambda r: r.served)
    wait_mean = safe_ratio(stack(lambda r: r.wait_sum_minutes), served)
    within = within_target_share(
        stack(lambda r: r.within_target), served, stack(lambda r: r.escalated)
    )
    waited = safe_ratio(stack(lambda r: r.waited), served)
    arrivals = stack(lambda r: r.arrivals) / weeks
    p50 = stack(lambda r: r.wait_p50_minutes)
    p90 = stack(lambda r: r.wait_p90_minutes)
    p95 = stack(lambda r: r.wait_p95_minutes)
    backlog = stack(lambda r: r.backlog_end)
    esc = stack(lambda r: r.escalated) / weeks
    by_bucket = stack(lambda r: r.attended_by_bucket)  # (rep, INT, activity, bucket)
    attended = by_bucket.sum(axis=3)
    pooled = by_bucket.sum(axis=0)
    dna_by_bucket = stack(lambda r: r.dna_by_bucket)
    dna = dna_by_bucket.sum(axis=3)
    dna_rate = safe_ratio(dna, dna + attended)
    dna_pooled = dna_by_bucket.sum(axis=0)

    def dna_buckets(i: int, a: int) -> dict[str, float | None]:
        offered = dna_pooled[i, a] + pooled[i, a]
        return {
            name: (round(float(dna_pooled[i, a, b] / offered[b]), 9) if offered[b] > 0 else None)
            for b, name in enumerate(BOOKING_BUCKETS)
        }

    def buckets(i: int, a: int) -> dict[str, float | None]:
        total = float(pooled[i, a].sum())
        return {
            name: (round(float(pooled[i, a, b]) / total, 9) if total > 0 else None)
            for b, name in enumerate(BOOKING_BUCKETS)
        }

    # -- first contacts (issue 13): pooled shares, like booking_buckets --
    first = stack(lambda r: r.first_contacts).sum(axis=0)  # (INT, activity, 3)

    def first_share(i: int, a: int, col: int) -> float | None:
        n_first = float(first[i, a, 0])
        return round(float(first[i, a, col]) / n_first, 9) if n_first > 0 else None

    reneged = stack(lambda r: r.reneged) / weeks
    turned = stack(lambda r: r.turned_away) / weeks
    growing = backlog_growing(stack(lambda r: r.weekly_backlog).mean(axis=0), arrivals.mean(axis=0))
    activities = tuple(
        ActivityRecord(
            int_code=ic,
            activity=ac,
            arrivals_per_week=est(arrivals, (i, a)),
            served_per_week=est(served / weeks, (i, a)),
            wait_mean_minutes=est(wait_mean, (i, a)),
            wait_p50_minutes=est(p50, (i, a)),
            wait_p90_minutes=est(p90, (i, a)),
            wait_p95_minutes=est(p95, (i, a)),
            within_target_share=est(within, (i, a), share=True),
            waited_share=est(waited, (i, a), share=True),
            backlog_end=est(backlog, (i, a)),
            escalations_per_week=est(esc, (i, a)),
            backlog_growing=bool(growing[i, a]),
            attended_per_week=est(attended / weeks, (i, a)),
            booking_buckets=buckets(i, a),
            dna_rate=est(dna_rate, (i, a), share=True),
            dna_rate_by_bucket=dna_buckets(i, a),
            reneged_per_week=est(reneged, (i, a)),
            turned_away_per_week=est(turned, (i, a)),
            first_contact_within_6_weeks=first_share(i, a, 1),
            first_contact_within_18_weeks=first_share(i, a, 2),
        )
        for i, ic in enumerate(ints)
        for a, ac in enumerate(acts)
        if model.demand[i, a].sum() > 0 or served[:, i, a].sum() > 0
    )
    busy = stack(lambda r: r.busy_minutes)
    avail = stack(lambda r: r.available_minutes)
    util = safe_ratio(busy, avail)
    ot = stack(lambda r: r.overtime_minutes) / MINUTES_PER_HOUR / weeks
    contacts = stack(lambda r: r.contacts)
    role_recs = tuple(
        RoleRecord(
            int_code=ic,
            role=rc,
            fte=round(float(model.fte[i, r]), 6),
            meeting_hours_per_week=round(float(model.meeting_hours_per_week[i, r]), 6),
            available_hours_per_week=est(avail / MINUTES_PER_HOUR / weeks, (i, r)),
            utilisation=est(util, (i, r), share=True),
            overtime_hours_per_week=est(ot, (i, r)),
            contacts_per_week=est(contacts / weeks, (i, r)),
        )
        for i, ic in enumerate(ints)
        for r, rc in enumerate(roles)
        if model.fte[i, r] > 0
    )
    pop = np.asarray(model.population, dtype=float)
    per_1000 = np.where(pop > 0, 1000.0 / np.where(pop > 0, pop, 1.0), np.nan) / weeks
    served_i = served.sum(axis=2)
    wait_i = safe_ratio(stack(lambda r: r.wait_sum_minutes).sum(axis=2), served_i)
    refs = stack(lambda r: r.referrals)
    rej = stack(lambda r: r.rejections) / weeks
    cont = safe_ratio(stack(lambda r: r.followups_same_person), stack(lambda r: r.followups))
    cover = stack(lambda r: r.cover_contacts) / weeks
    qlen = stack(lambda r: r.queue_minutes_area) / (weeks * MINUTES_PER_WEEK)
    esc_i = esc.sum(axis=2)
    serving = patient_serving_roles(model)
    work_duty = [serving_work_and_duty(r, serving) for r in results]
    work_i = np.stack([w for w, _ in work_duty])
    duty_i = np.stack([d for _, d in work_duty])
    util_i = safe_ratio(work_i, duty_i)
    reneged_i = reneged.sum(axis=2)
    turned_i = turned.sum(axis=2)
    unmet_i = (reneged_i + turned_i) * 1000.0 / np.where(pop > 0, pop, np.nan)
    int_recs = tuple(
        IntRecord(
            int_code=ic,
            population=int(pop[i]),
            contacts_per_1000_per_week=est(served_i * per_1000[i], (i,)),
            referrals_per_1000_per_week=est(refs * per_1000[i], (i,)),
            rejections_per_week=est(rej, (i,)),
            escalations_per_week=est(esc_i, (i,)),
            continuity_share=est(cont, (i,), share=True),
            cover_contacts_per_week=est(cover, (i,)),
            queue_length_mean=est(qlen, (i,)),
            wait_mean_minutes=est(wait_i, (i,)),
            cost_per_capita_gbp=constant(
                model.pay_cost_gbp[i] / pop[i] if pop[i] > 0 else math.nan, n
            ),
            utilisation=est(util_i, (i,)),
            contact_hours_per_week=est(work_i / MINUTES_PER_HOUR / weeks, (i,)),
            on_duty_hours_per_week=est(duty_i / MINUTES_PER_HOUR / weeks, (i,)),
            reneged_per_week=est(reneged_i, (i,)),
            turned_away_per_week=est(turned_i, (i,)),
            unmet_per_1000_per_week=est(unmet_i, (i,)),
            unmet_destinations_per_1000_per_week={
                d: (round(float(unmet_i[:, i].mean()) * share, 9) if pop[i] > 0 else None)
                for d, share in model.unmet_destinations
            },
        )
        for i, ic in enumerate(ints)
    )
    wk_served = stack(lambda r: r.weekly_served)
    wk_wait = safe_ratio(
        stack(lambda r: r.weekly_wait_sum_minutes).sum(axis=0), wk_served.sum(axis=0)
    )
    wk_within = safe_ratio(
        stack(lambda r: r.weekly_within_target).sum(axis=0), wk_served.sum(axis=0)
    )
    wk_arr = stack(lambda r: r.weekly_arrivals).mean(axis=0)
    wk_back = stack(lambda r: r.weekly_backlog).mean(axis=0)
    wk_util = safe_ratio(
        stack(lambda r: r.weekly_busy_minutes).sum(axis=0),
        stack(lambda r: r.weekly_available_minutes).sum(axis=0),
    )
    n_w = wk_arr.shape[2]
    weekly_acts = tuple(
        WeeklyActivity(
            int_code=ints[i],
            activity=acts[a],
            week=w + 1,
            arrivals=float(wk_arr[i, a, w]),
            served=float(wk_served[:, i, a, w].mean()),
            wait_mean_minutes=float(wk_wait[i, a, w]),
            within_target_share=float(wk_within[i, a, w]),
            backlog=float(wk_back[i, a, w]),
        )
        for i in range(len(ints))
        for a in range(len(acts))
        if model.demand[i, a].sum() > 0
        for w in range(n_w)
    )
    weekly_roles = tuple(
        WeeklyRole(int_code=ints[i], role=roles[r], week=w + 1, utilisation=float(wk_util[i, r, w]))
        for i in range(len(ints))
        for r in range(len(roles))
        if model.fte[i, r] > 0
        for w in range(n_w)
    )
    return SimulationResult(
        scenario_name=scenario_name,
        seed=seed,
        replications=n,
        weeks=weeks,
        warmup_weeks=model.warmup_weeks,
        warmup_rule=warmup_rule,
        engine=engine,
        workers=workers,
        cover=model.cover,
        kpi=kpi,
        kpi_estimate=kpi_estimate,
        target_halfwidth=target_halfwidth,
        activities=activities,
        roles=role_recs,
        ints=int_recs,
        weekly_activities=weekly_acts,
        weekly_roles=weekly_roles,
        issues=model.issues,
    )
