"""Use case: simulate a scenario's INTs with replications and confidence intervals."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from intplan.domain import IntplanError, Scenario
from intplan.domain.units import MINUTES_PER_HOUR
from intplan.services.progress import Cancelled, Progress, check_cancel, report
from intplan.sim import (
    BOOKING_BUCKETS,
    DEFAULT_COVER,
    MIN_ADAPTIVE_REPLICATIONS,
    MINUTES_PER_WEEK,
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


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityRecord:
    int_code: str
    activity: str
    arrivals_per_week: Estimate
    served_per_week: Estimate
    wait_mean_minutes: Estimate
    wait_p50_minutes: Estimate
    wait_p90_minutes: Estimate
    wait_p95_minutes: Estimate
    within_target_share: Estimate  # served within target / (served + escalated)
    waited_share: Estimate  # served after any wait (P(wait > 0))
    backlog_end: Estimate
    escalations_per_week: Estimate
    #: the backlog at the end exceeds a week's arrivals and grew over the second half of
    #: the run (replication means; False with fewer than 2 measured weeks)
    backlog_growing: bool
    #: contacts attended (not missed) per week
    attended_per_week: Estimate
    #: share of attended contacts by calendar days from request (booking) to contact, in
    #: NHS England's categories (keys BOOKING_BUCKETS, summing to 1); pooled over the
    #: replications; None throughout when nothing was attended
    booking_buckets: dict[str, float | None]
    #: missed contacts (did not attend) / (missed + attended); 0 with DNA off
    dna_rate: Estimate
    #: the same by booking category, pooled over the replications (None: no contacts)
    dna_rate_by_bucket: dict[str, float | None]
    #: requests that gave up waiting (patience; 0 with patience off)
    reneged_per_week: Estimate
    #: requests turned away: not seen within the activity's booking horizon
    turned_away_per_week: Estimate
    # -- first contacts (issue 13; NHS Talking Therapies' waiting-time measures) --------
    #: share of an episode's first contacts (not follow-ups, not missed contacts booked
    #: again; attended or not) seen within 6 / 18 weeks of the request, pooled over the
    #: replications; None when there were no first contacts (or in results saved before
    #: these fields existed: the default lets past result workbooks open)
    first_contact_within_6_weeks: float | None = None
    first_contact_within_18_weeks: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleRecord:
    int_code: str
    role: str
    fte: float
    meeting_hours_per_week: float
    available_hours_per_week: Estimate
    utilisation: Estimate
    overtime_hours_per_week: Estimate
    contacts_per_week: Estimate


@dataclass(frozen=True, slots=True, kw_only=True)
class IntRecord:
    int_code: str
    population: int
    contacts_per_1000_per_week: Estimate
    referrals_per_1000_per_week: Estimate
    rejections_per_week: Estimate
    escalations_per_week: Estimate
    continuity_share: Estimate
    cover_contacts_per_week: Estimate
    queue_length_mean: Estimate
    wait_mean_minutes: Estimate
    cost_per_capita_gbp: Estimate
    #: patient-serving roles (docs/model.md, "Utilisation"): contact and travel time,
    #: overtime included, over on-duty time (rostered clinical time minus absence)
    utilisation: Estimate
    contact_hours_per_week: Estimate
    on_duty_hours_per_week: Estimate
    reneged_per_week: Estimate
    turned_away_per_week: Estimate
    #: unmet need: requests that gave up waiting or were turned away, per 1,000 registered
    #: people a week
    unmet_per_1000_per_week: Estimate
    #: the same split by where people go (Settings unmet_*_share; expected values)
    unmet_destinations_per_1000_per_week: dict[str, float | None]


@dataclass(frozen=True, slots=True, kw_only=True)
class WeeklyActivity:
    int_code: str
    activity: str
    week: int  # 1 = first week after warm-up
    arrivals: float  # means across replications
    served: float
    wait_mean_minutes: float
    within_target_share: float
    backlog: float


@dataclass(frozen=True, slots=True, kw_only=True)
class WeeklyRole:
    int_code: str
    role: str
    week: int
    utilisation: float


@dataclass(frozen=True, slots=True, kw_only=True)
class SimulationResult:
    scenario_name: str
    seed: int
    replications: int
    weeks: int
    warmup_weeks: int
    warmup_rule: str  # how warmup_weeks was chosen (intplan.sim.warmup)
    engine: str = "kernel"  # which event engine ran (intplan.sim.engines)
    workers: int
    cover: bool
    kpi: str
    kpi_estimate: Estimate
    target_halfwidth: float | None
    activities: tuple[ActivityRecord, ...]
    roles: tuple[RoleRecord, ...]
    ints: tuple[IntRecord, ...]
    weekly_activities: tuple[WeeklyActivity, ...]
    weekly_roles: tuple[WeeklyRole, ...]
    issues: tuple[str, ...] = field(default=())
    run_seconds: float = 0.0  # wall clock of run_simulation
    #: STRESS-DES (item, heading, text) rows: intplan.services.model_report
    model_report: tuple[tuple[str, str, str], ...] = ()

    def to_tables(self) -> list[Any]:
        """Result sheets as ``intplan.io.results.ResultTable`` values (see :func:`to_tables`)."""
        return to_tables(self)

    def to_json(self) -> dict[str, Any]:
        def flat(prefix: str, e: Estimate) -> dict[str, Any]:
            j = e.to_json()
            return {prefix: j["mean"], f"{prefix}_ci95": j["ci95"]}

        def rec(obj: Any, keys: Sequence[str]) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for k in keys:
                v = getattr(obj, k)
                out.update(flat(k, v) if isinstance(v, Estimate) else {k: v})
            return out

        return {
            "scenario": self.scenario_name,
            "seed": self.seed,
            "replications": self.replications,
            "weeks": self.weeks,
            "warmup_weeks": self.warmup_weeks,
            "warmup_rule": self.warmup_rule,
            "engine": self.engine,
            "workers": self.workers,
            "cover": self.cover,
            "kpi": self.kpi,
            **flat("kpi_value", self.kpi_estimate),
            "target_halfwidth": self.target_halfwidth,
            "issues": list(self.issues),
            "activities": [
                {"int": a.int_code, "activity": a.activity}
                | rec(a, [f for f in _fields(ActivityRecord) if f not in ("int_code", "activity")])
                # the CLI contract's short name for the mean wait's interval
                | {"wait_mean_ci95": a.wait_mean_minutes.to_json()["ci95"]}
                for a in self.activities
            ],
            "roles": [
                {"int": r.int_code, "role": r.role}
                | rec(r, [f for f in _fields(RoleRecord) if f not in ("int_code", "role")])
                for r in self.roles
            ],
            "ints": [
                {"int": i.int_code} | rec(i, [f for f in _fields(IntRecord) if f != "int_code"])
                for i in self.ints
            ],
        }


def _fields(cls: type) -> list[str]:
    return list(cls.__dataclass_fields__)  # type: ignore[attr-defined]  # dataclass types


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
    ot = stack(lambda r: r.overtime_minutes) / 60.0 / weeks
    contacts = stack(lambda r: r.contacts)
    role_recs = tuple(
        RoleRecord(
            int_code=ic,
            role=rc,
            fte=round(float(model.fte[i, r]), 6),
            meeting_hours_per_week=round(float(model.meeting_hours_per_week[i, r]), 6),
            available_hours_per_week=est(avail / 60.0 / weeks, (i, r)),
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
            contact_hours_per_week=est(work_i / 60.0 / weeks, (i,)),
            on_duty_hours_per_week=est(duty_i / 60.0 / weeks, (i,)),
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


# -- result sheets ---------------------------------------------------------------------
Cell = str | int | float | None
#: result sheet names (the "Results" prefix marks them as outputs; inputs are never touched)
SHEET_RUN = "Results Sim run"
SHEET_ACTIVITIES = "Results Sim activities"
SHEET_ROLES = "Results Sim roles"
SHEET_INTS = "Results Sim INTs"
SHEET_WEEKLY = "Results Sim weekly"
SHEET_WEEKLY_ROLES = "Results Sim weekly roles"


def _cells(e: Estimate, factor: float = 1.0) -> tuple[Cell, Cell, Cell]:
    def c(x: float) -> Cell:  # 6 decimals in the field's own unit, whatever the sheet's
        return round(float(x) * factor, 6 + (2 if factor < 1 else 0)) if math.isfinite(x) else None

    return c(e.mean), c(e.low), c(e.high)


def sheet_column(name: str) -> tuple[str, float]:
    """A field's result-sheet column and the factor its values take: waits are given in
    hours in result sheets, as in the GUI and the text output (``wait_mean_minutes`` ->
    ``wait_mean_hours``). The reader of past results divides by the same factor."""
    if name.startswith("wait_") and name.endswith("_minutes"):
        return name.removesuffix("_minutes") + "_hours", 1 / MINUTES_PER_HOUR
    return name, 1.0


def _estimate_columns(cls: type, skip: tuple[str, ...]) -> list[str]:
    return [f for f in _fields(cls) if f not in skip]


def result_rows(
    result: SimulationResult,
) -> dict[str, tuple[tuple[str, ...], list[tuple[Cell, ...]]]]:
    """Every result table as (headers, rows), keyed by sheet name; estimates get
    ``_mean``, ``_ci95_low`` and ``_ci95_high`` columns."""

    def expand(obj: Any, names: list[str]) -> tuple[list[str], tuple[Cell, ...]]:
        heads: list[str] = []
        vals: list[Cell] = []
        for n in names:
            v = getattr(obj, n)
            col, factor = sheet_column(n)
            if isinstance(v, Estimate):
                heads += [f"{col}_mean", f"{col}_ci95_low", f"{col}_ci95_high"]
                vals += _cells(v, factor)
            elif isinstance(v, dict):  # booking_buckets: one column per category
                heads += [f"{n}_{k}" for k in v]
                vals += list(v.values())
            else:
                heads.append(col)
                vals.append(v * factor if factor != 1.0 and isinstance(v, float) else v)
        return heads, tuple(vals)

    out: dict[str, tuple[tuple[str, ...], list[tuple[Cell, ...]]]] = {}
    run_rows: list[tuple[Cell, ...]] = [
        ("scenario", result.scenario_name),
        ("seed", result.seed),
        ("replications", result.replications),
        ("weeks", result.weeks),
        ("warmup_weeks", result.warmup_weeks),
        ("warmup_rule", result.warmup_rule),
        ("engine", result.engine),
        ("cover", "yes" if result.cover else "no"),
        ("kpi", result.kpi),
        ("kpi_mean", _cells(result.kpi_estimate)[0]),
        ("kpi_ci95_low", _cells(result.kpi_estimate)[1]),
        ("kpi_ci95_high", _cells(result.kpi_estimate)[2]),
    ]
    run_rows += [("issue", text) for text in result.issues]
    out[SHEET_RUN] = (("key", "value"), run_rows)
    for sheet, records, cls in (
        (SHEET_ACTIVITIES, result.activities, ActivityRecord),
        (SHEET_ROLES, result.roles, RoleRecord),
        (SHEET_INTS, result.ints, IntRecord),
        (SHEET_WEEKLY, result.weekly_activities, WeeklyActivity),
        (SHEET_WEEKLY_ROLES, result.weekly_roles, WeeklyRole),
    ):
        names = _fields(cls)
        heads: list[str] = []
        rows = []
        for rec in records:
            heads, vals = expand(rec, names)
            rows.append(
                tuple(None if isinstance(v, float) and not math.isfinite(v) else v for v in vals)
            )
        if not records:
            heads = names
        out[sheet] = (tuple(heads), rows)
    return out


def write_simulation_results(result: SimulationResult, *, source: str, out: str) -> None:
    """Write the result sheets (with native charts) into ``out`` (``source`` copied first
    when they differ), atomically; input sheets are never touched."""
    from intplan.io.results import write_results

    write_results(source, out, to_tables(result))


def _weekly_wait_pivot(result: SimulationResult) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    """Week x INT mean wait (hours, contact-weighted across activities) for a line chart."""
    ints = sorted({w.int_code for w in result.weekly_activities})
    weeks = sorted({w.week for w in result.weekly_activities})
    acc: dict[tuple[int, str], list[float]] = {}
    for w in result.weekly_activities:
        if w.served > 0 and math.isfinite(w.wait_mean_minutes):
            a = acc.setdefault((w.week, w.int_code), [0.0, 0.0])
            a[0] += w.wait_mean_minutes * w.served
            a[1] += w.served
    rows: list[tuple[Cell, ...]] = []
    for wk in weeks:
        vals: list[Cell] = [wk]
        for ic in ints:
            got = acc.get((wk, ic))
            hours = got[0] / got[1] / MINUTES_PER_HOUR if got and got[1] > 0 else None
            vals.append(round(hours, 4) if hours is not None else None)
        rows.append(tuple(vals))
    return ("week", *ints), rows


def to_tables(result: SimulationResult) -> list[Any]:
    """The result sheets as ``intplan.io.results.ResultTable`` values with native charts."""
    from intplan.io.results import ChartSpec, ResultTable

    rows = result_rows(result)
    note = (
        f"{result.replications} replications x {result.weeks} weeks after "
        f"{result.warmup_weeks} warm-up weeks, seed {result.seed}; _ci95 columns are the "
        "95% confidence interval of the mean across replications."
    )

    def labelled(sheet: str, key_cols: int) -> tuple[tuple[str, ...], tuple[tuple[Cell, ...], ...]]:
        heads, body = rows[sheet]
        out = tuple((" ".join(str(v) for v in r[:key_cols]), *r) for r in body)
        return ("label", *heads), out

    tables = []
    heads, body = rows[SHEET_RUN]
    tables.append(
        ResultTable(sheet=SHEET_RUN, title="Simulation run", headers=heads, rows=tuple(body))
    )
    l_heads, l_body = labelled(SHEET_ACTIVITIES, 2)
    tables.append(
        ResultTable(
            sheet=SHEET_ACTIVITIES,
            title="Waits and targets by INT and activity",
            headers=l_heads,
            rows=l_body,
            note=note,
            charts=(
                ChartSpec(
                    kind="bar",
                    title="Mean wait by INT and activity",
                    x_column="label",
                    y_columns=("wait_mean_hours_mean",),
                    x_title="INT and activity",
                    y_title="mean wait (hours)",
                ),
                ChartSpec(
                    kind="bar",
                    title="Share seen within the response target",
                    x_column="label",
                    y_columns=("within_target_share_mean",),
                    x_title="INT and activity",
                    y_title="share within target",
                    keep="lowest",
                    y_max=1.0,
                ),
            ),
        )
    )
    l_heads, l_body = labelled(SHEET_ROLES, 2)
    tables.append(
        ResultTable(
            sheet=SHEET_ROLES,
            title="Utilisation and overtime by INT and role",
            headers=l_heads,
            rows=l_body,
            note=note,
            number_formats={"utilisation_mean": "0.0%"},
            charts=(
                ChartSpec(
                    kind="bar",
                    title="Utilisation by INT and role",
                    x_column="label",
                    y_columns=("utilisation_mean",),
                    x_title="INT and role",
                    y_title="utilisation (share of time on duty)",
                ),
            ),
        )
    )
    heads, body = rows[SHEET_INTS]
    tables.append(
        ResultTable(
            sheet=SHEET_INTS,
            title="INT summary",
            headers=heads,
            rows=tuple(body),
            note=note,
            charts=(
                ChartSpec(
                    kind="bar",
                    title="Escalations to ED per week",
                    x_column="int_code",
                    y_columns=("escalations_per_week_mean",),
                    x_title="INT",
                    y_title="escalations per week",
                ),
            ),
        )
    )
    p_heads, p_rows = _weekly_wait_pivot(result)
    if len(p_heads) > 1 and p_rows:
        tables.append(
            ResultTable(
                sheet=SHEET_WEEKLY,
                title="Mean wait by week and INT (hours; mean of replications)",
                headers=p_heads,
                rows=tuple(p_rows),
                charts=(
                    ChartSpec(
                        kind="line",
                        title="Mean wait by week",
                        x_column="week",
                        y_columns=p_heads[1:],
                        y_title="mean wait (hours)",
                        x_title="week after warm-up",
                    ),
                ),
            )
        )
    heads, body = rows[SHEET_WEEKLY]
    tables.append(
        ResultTable(
            sheet=SHEET_WEEKLY,
            title="Weekly series by INT and activity (means of replications)",
            headers=heads,
            rows=tuple(body),
        )
    )
    heads, body = rows[SHEET_WEEKLY_ROLES]
    tables.append(
        ResultTable(
            sheet=SHEET_WEEKLY_ROLES,
            title="Weekly utilisation by INT and role (pooled over replications)",
            headers=heads,
            rows=tuple(body),
        )
    )
    if result.model_report:
        from intplan.services.model_report import model_report_table

        tables.append(model_report_table(result.model_report, scenario_name=result.scenario_name))
    from intplan.services.overview import overview_table

    tables.append(overview_table(result))  # last: callers index the sheets before it
    return tables
