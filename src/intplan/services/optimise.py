"""Use case: recommend a skill mix and cover plan, explain it, and check it by simulation.

The GUI and the CLI both call :func:`run_optimise`. The optimiser itself cannot be
interrupted (PuLP solvers have no cancel), so cancel is checked between stages and
a result that arrives after Cancel is discarded (``Cancelled`` is raised).
"""

from __future__ import annotations

import dataclasses
import math
import threading
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from intplan.demand.workload import on_duty_hours_per_fte
from intplan.domain import Assignment, BaseKind, Scenario, Staff
from intplan.domain.units import MINUTES_PER_HOUR
from intplan.io.results import Cell, ChartSpec, ResultTable, write_results

# `X as X`: the optimiser's option and result types, re-exported (the GUI talks to services)
from intplan.optimise import OPTION_SOURCES as OPTION_SOURCES
from intplan.optimise import CoverFlow as CoverFlow
from intplan.optimise import OptimisationResult, optimise
from intplan.optimise import OptimiseOptions as OptimiseOptions
from intplan.optimise import PlanRow as PlanRow
from intplan.optimise.inputs import staff_int_shares
from intplan.services.progress import Progress, check_cancel, report

PLANNED_EMPLOYER = "Planned post (optimiser)"
MAX_POST_FTE = 1.0  # planned posts are split into whole-time rows


@dataclass(frozen=True, slots=True, kw_only=True)
class WaitComparison:
    """Waits for one INT (or the ICS, ``int_code=None``) before and after the plan."""

    int_code: str | None
    metric: str  # e.g. "mean_wait_hours", "p90_wait_hours", "share_within_target"
    before: float
    before_ci: tuple[float, float]
    after: float
    after_ci: tuple[float, float]


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityVerification:
    """Share seen within the response target for one INT × activity, before and after."""

    int_code: str
    activity: str
    before: float | None  # None: no arrivals
    before_ci: tuple[float, float] | None
    after: float | None
    after_ci: tuple[float, float] | None
    target_share: float
    expected_share: float | None  # the staffing rule's expectation under the plan
    reason: str | None  # why the pair misses its target share after the plan (else None)

    @property
    def meets_target(self) -> bool:
        return self.after is None or self.after >= self.target_share - 1e-9


@dataclass(frozen=True, slots=True, kw_only=True)
class Verification:
    replications: int
    comparisons: tuple[WaitComparison, ...]
    note: str = ""
    activities: tuple[ActivityVerification, ...] = ()
    target_share: float = 0.9

    @property
    def meeting_target(self) -> tuple[int, int]:
        """(pairs meeting the target share after the plan, pairs with arrivals)."""
        rows = [a for a in self.activities if a.after is not None]
        return sum(a.meets_target for a in rows), len(rows)


@dataclass(frozen=True, kw_only=True)
class OptimiseResult:
    """The optimiser's answer plus, optionally, its check by simulation."""

    scenario_name: str
    options: OptimiseOptions
    result: OptimisationResult
    verification: Verification | None = None
    verification_note: str = ""

    @property
    def status(self) -> str:
        return self.result.status.value

    @property
    def feasible(self) -> bool:
        return self.result.feasible

    def to_json(self) -> dict[str, Any]:
        r = self.result
        costs = dataclasses.asdict(r.costs) if r.costs else None
        out: dict[str, Any] = {
            "scenario": self.scenario_name,
            "status": r.status.value,
            "objective": r.objective,
            "solver": r.solver,
            "solve_seconds": round(r.solve_seconds, 4),
            "build_seconds": round(r.build_seconds, 4),
            "integer": r.integer,
            "lexicographic": r.lexicographic,
            "mip_gap": r.mip_gap,
            "message": r.message,
            "costs": costs,
            "plan": [
                {
                    "int": p.int_code,
                    "role": p.role,
                    "current_fte": round(p.current_fte, 4),
                    "vacant_fte": round(p.vacant_fte, 4),
                    "moved_in_fte": round(p.moved_in_fte, 4),
                    "moved_out_fte": round(p.moved_out_fte, 4),
                    "recruited_fte": round(p.recruited_fte, 4),
                    "new_posts_fte": round(p.new_posts_fte, 4),
                    "vacancies_dropped_fte": round(p.vacancies_dropped_fte, 4),
                    "recommended_fte": round(p.recommended_fte, 4),
                    "current_cost_gbp": round(p.current_cost_gbp, 2),
                    "recommended_cost_gbp": round(p.recommended_cost_gbp, 2),
                    "hours_lent_per_week": round(p.hours_lent_per_week, 3),
                    "hours_borrowed_per_week": round(p.hours_borrowed_per_week, 3),
                }
                for p in r.plan
            ],
            "cover": [
                {
                    "from": c.from_int,
                    "to": c.to_int,
                    "role": c.role,
                    "hours_per_week": round(c.hours_per_week, 3),
                    "travel_minutes": c.travel_minutes,
                }
                for c in r.cover
            ],
            "moves": [
                {"from": m.from_int, "to": m.to_int, "role": m.role, "fte": round(m.fte, 4)}
                for m in r.moves
            ],
            "unmet": [
                {
                    "int": d.int_code,
                    "activity": d.activity,
                    "demand_hours_per_week": round(d.demand_hours_per_week, 3),
                    "unmet_hours_per_week": round(d.unmet_hours_per_week, 3),
                }
                for d in r.demand
                if d.unmet_hours_per_week > 0
            ],
            "binding": [
                {
                    "group": b.group,
                    "int": b.int_code,
                    "role": b.role,
                    "activity": b.activity,
                    "unit": b.unit,
                    "shadow_price": b.shadow_price,
                    "value_gbp_per_year": round(b.value_gbp_per_year, 2),
                    "unmet_hours_per_week": round(b.unmet_hours_per_week, 3),
                    "sentence": b.sentence,
                }
                for b in r.binding
            ],
            "relaxations": [
                {
                    "group": x.group,
                    "int": x.int_code,
                    "role": x.role,
                    "amount": x.amount,
                    "unit": x.unit,
                    "alone_suffices": x.alone_suffices,
                    "sentence": x.sentence,
                }
                for x in r.relaxations
            ],
            "explanations": list(r.explanations),
            "staffing": {
                "rule": r.staffing_rule,
                "service_level": r.service_level,
                "rounds": r.rounds,
                "pools": [
                    {
                        "int": p.int_code,
                        "role": p.role,
                        "load_erlangs": round(p.load_erlangs, 4),
                        "servers": round(p.servers, 4),
                        "servers_required": round(p.servers_required, 4),
                        "allowed_utilisation": round(p.allowed_utilisation, 4),
                        "short": p.short,
                    }
                    for p in r.pools
                ],
            },
            "verification": None,
        }
        if self.verification is not None:
            out["verification"] = {
                "replications": self.verification.replications,
                "note": self.verification.note,
                "comparisons": [
                    {
                        "int": c.int_code,
                        "metric": c.metric,
                        "before": c.before,
                        "before_ci": list(c.before_ci),
                        "after": c.after,
                        "after_ci": list(c.after_ci),
                    }
                    for c in self.verification.comparisons
                ],
                "target_share": self.verification.target_share,
                "pairs_meeting_target": self.verification.meeting_target[0],
                "pairs": self.verification.meeting_target[1],
                "activities": [
                    {
                        "int": a.int_code,
                        "activity": a.activity,
                        "before": a.before,
                        "before_ci": list(a.before_ci) if a.before_ci else None,
                        "after": a.after,
                        "after_ci": list(a.after_ci) if a.after_ci else None,
                        "target_share": a.target_share,
                        "meets_target": a.meets_target,
                        "expected_share": a.expected_share,
                        "reason": a.reason,
                    }
                    for a in self.verification.activities
                ],
            }
        if self.verification_note:
            out["verification_note"] = self.verification_note
        return out

    def to_tables(self) -> list[ResultTable]:
        """Result sheets ``Plan``, ``PlanFTE``, ``PlanCover``, ``PlanBinding``,
        ``PlanUnmet`` (and ``PlanVerify``), with native Excel charts."""
        return _tables(self)


def apply_plan(
    scenario: Scenario,
    result: OptimisationResult,
    *,
    with_cover: bool = True,
    cover_session_hours: float = OptimiseOptions().cover_session_hours,
) -> Scenario:
    """A copy of ``scenario`` with the plan's moves, recruits and cover as staff rows.

    Moves scale down the moved people's share in the INT they leave (everyone in
    that role there, in proportion) and add a row in the receiving INT; recruits
    are added as "planned post" rows of at most 1.0 FTE each. Cover (``with_cover``)
    becomes sessions: everyone of the role in the lending INT gives, in proportion, a
    share of their FTE to the borrowing INT as an assignment (hours ÷ on-duty hours per
    FTE), and loses the round trip's share too (2 × travel per ``cover_session_hours``).
    """
    if not result.feasible:
        return scenario
    out_share: dict[tuple[str, str], float] = defaultdict(float)
    existing: dict[tuple[str, str], float] = defaultdict(float)
    for person in scenario.staff:
        if person.vacant:
            continue
        for i, f in staff_int_shares(scenario, person).items():
            existing[(i, person.role)] += f
    for mv in result.moves:
        out_share[(mv.from_int, mv.role)] += mv.fte
    keep: dict[tuple[str, str], float] = {
        k: max(0.0, 1.0 - v / existing[k]) for k, v in out_share.items() if existing[k] > 0
    }
    staff: list[Staff] = []
    for person in scenario.staff:
        shares = staff_int_shares(scenario, person)
        if person.vacant or not any((i, person.role) in keep for i in shares):
            staff.append(person)
            continue
        new = {i: f * keep.get((i, person.role), 1.0) for i, f in shares.items()}
        new = {i: f for i, f in new.items() if f > 1e-6}
        if not new:
            continue  # the whole person moves; their row is re-added below
        total = sum(new.values())
        staff.append(
            dataclasses.replace(
                person,
                fte=total,
                assignments=tuple(
                    Assignment(int_code=i, fte=f, rule="manual") for i, f in new.items()
                ),
            )
        )
    n = 0

    def add_rows(int_code: str, role: str, fte: float, label: str) -> None:
        nonlocal n
        first_practice = scenario.int_by_code[int_code].practices[0]
        while fte > 1e-6:
            part = min(MAX_POST_FTE, fte)
            fte -= part
            n += 1
            staff.append(
                Staff(
                    id=f"PLAN{n:05d}",
                    name=f"{label} {n}",
                    role=role,
                    employer=PLANNED_EMPLOYER,
                    base_kind=BaseKind.PRACTICE,
                    base=first_practice,
                    fte=part,
                    assignments=(Assignment(int_code=int_code, fte=part, rule="manual"),),
                )
            )

    for mv in result.moves:
        add_rows(mv.to_int, mv.role, mv.fte, f"Moved from {mv.from_int}")
    for row in result.plan:
        if row.recruited_fte > 1e-6:
            add_rows(row.int_code, row.role, row.recruited_fte, "Planned post")
    if with_cover and result.cover:
        staff = _lend_cover(scenario, staff, result.cover, cover_session_hours)
    return dataclasses.replace(
        scenario, name=f"{scenario.name} (optimised plan)", staff=tuple(staff)
    )


def _lend_cover(
    scenario: Scenario, staff: list[Staff], cover: tuple[CoverFlow, ...], session_hours: float
) -> list[Staff]:
    """Cover flows as assignments of the lenders' people to the borrowing INTs."""
    on_duty = on_duty_hours_per_fte(scenario)
    out_share: dict[tuple[str, str], float] = defaultdict(float)  # FTE leaving (i, r)
    to: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for c in cover:
        if on_duty.get(c.role, 0.0) <= 0:
            continue
        delivered = c.hours_per_week / on_duty[c.role]
        overhead = 2.0 * c.travel_minutes / 60.0 / session_hours
        out_share[(c.from_int, c.role)] += delivered * (1.0 + overhead)
        to[(c.from_int, c.role)][c.to_int] += delivered
    pool: dict[tuple[str, str], float] = defaultdict(float)
    for person in staff:
        if not person.vacant:
            for i, f in staff_int_shares(scenario, person).items():
                pool[(i, person.role)] += f
    result: list[Staff] = []
    for person in staff:
        shares = staff_int_shares(scenario, person)
        lends = [i for i in shares if (i, person.role) in out_share and pool[(i, person.role)] > 0]
        if person.vacant or not lends:
            result.append(person)
            continue
        new: dict[str, float] = defaultdict(float, shares)
        for i in lends:
            key = (i, person.role)
            part = shares[i] / pool[key]  # this person's part of the pool
            new[i] = max(0.0, shares[i] - part * out_share[key])
            for j, fte in to[key].items():
                new[j] += part * fte
        kept = {i: f for i, f in new.items() if f > 1e-6}
        if not kept:
            continue
        result.append(
            dataclasses.replace(
                person,
                fte=sum(kept.values()),
                assignments=tuple(
                    Assignment(int_code=i, fte=f, rule="manual") for i, f in kept.items()
                ),
            )
        )
    return result


def run_optimise(
    scenario: Scenario,
    options: OptimiseOptions | None = None,
    *,
    verify_replications: int = 0,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> OptimiseResult:
    """Optimise ``scenario``; with ``verify_replications`` > 0, simulate before and after.

    Raises ``IntplanError`` subclasses for inputs that cannot be optimised, and
    ``Cancelled`` when ``cancel`` is set (nothing is written by this service).
    """
    options = options or OptimiseOptions()
    share = 1.0 if verify_replications <= 0 else 0.4

    def checkpoint(fraction: float, message: str) -> None:
        check_cancel(cancel)
        report(progress, share * fraction, message)

    check_cancel(cancel)
    result = optimise(scenario, options, checkpoint=checkpoint)
    check_cancel(cancel)
    verification: Verification | None = None
    note = ""
    if verify_replications > 0:
        if not result.feasible:
            note = "no plan to verify: the optimiser found no feasible plan"
        else:
            verification, note = _verify(
                scenario,
                result,
                verify_replications,
                options=options,
                progress=progress,
                cancel=cancel,
            )
    report(progress, 1.0, "done")
    return OptimiseResult(
        scenario_name=scenario.name,
        options=options,
        result=result,
        verification=verification,
        verification_note=note,
    )


def _verify(
    scenario: Scenario,
    result: OptimisationResult,
    replications: int,
    *,
    options: OptimiseOptions,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> tuple[Verification | None, str]:
    """Simulate the scenario as it is and with the plan applied, its cover flows included
    (same seed; the simulator's own dynamic cover off in both, its default); compare waits
    per INT and the share seen within target per INT × activity."""
    from intplan.services.simulate import SimulationOptions, run_simulation

    planned = apply_plan(scenario, result, cover_session_hours=options.cover_session_hours)
    sim_options = SimulationOptions(replications=replications, cover=False)

    def part(offset: float) -> Progress:
        return lambda f, msg: report(progress, 0.4 + 0.3 * offset + 0.3 * f, f"simulate: {msg}")

    before = run_simulation(scenario, sim_options, progress=part(0.0), cancel=cancel)
    check_cancel(cancel)
    after = run_simulation(planned, sim_options, progress=part(1.0), cancel=cancel)
    after_by_int = {r.int_code: r for r in after.ints}
    comparisons: list[WaitComparison] = []
    for b in before.ints:
        a = after_by_int.get(b.int_code)
        if a is None:
            continue
        comparisons.append(
            WaitComparison(
                int_code=b.int_code,
                metric="wait_mean_minutes",
                before=b.wait_mean_minutes.mean,
                before_ci=(b.wait_mean_minutes.low, b.wait_mean_minutes.high),
                after=a.wait_mean_minutes.mean,
                after_ci=(a.wait_mean_minutes.low, a.wait_mean_minutes.high),
            )
        )
    target = options.service_level
    activities = _activity_verification(result, before.activities, after.activities, target)
    met, pairs = (
        sum(a.meets_target for a in activities if a.after is not None),
        sum(a.after is not None for a in activities),
    )
    cover_text = (
        f"the plan's {len(result.cover)} cover flow(s) as sessions of the lenders' staff"
        if result.cover
        else "no cover flows in the plan"
    )
    note = (
        f"simulated {replications} replication(s) of {before.weeks} weeks before and after "
        f"the plan with the same seed, {cover_text}, the simulator's dynamic cover off; "
        f"after the plan {met} of {pairs} INT × activity pairs see at least "
        f"{target:.0%} of patients within the response target"
    )
    verification = Verification(
        replications=replications,
        comparisons=tuple(comparisons),
        note=note,
        activities=tuple(activities),
        target_share=target,
    )
    return verification, note


def _share(e: Any) -> tuple[float | None, tuple[float, float] | None]:
    """(mean, CI) of a share Estimate; None where there were no arrivals."""
    if not math.isfinite(e.mean):
        return None, None
    return float(e.mean), (float(e.low), float(e.high))


def _activity_verification(
    result: OptimisationResult, before: Any, after: Any, target: float
) -> list[ActivityVerification]:
    after_by = {(a.int_code, a.activity): a for a in after}
    outlook = {(o.int_code, o.activity): o for o in result.outlook}
    out = []
    for b in before:
        key = (b.int_code, b.activity)
        a = after_by.get(key)
        if a is None:
            continue
        bm, bci = _share(b.within_target_share)
        am, aci = _share(a.within_target_share)
        if bm is None and am is None:
            continue
        look = outlook.get(key)
        reason = None
        if am is not None and am < target - 1e-9:
            reason = _why_short(result, key, look, target, a)
        out.append(
            ActivityVerification(
                int_code=b.int_code,
                activity=b.activity,
                before=bm,
                before_ci=bci,
                after=am,
                after_ci=aci,
                target_share=target,
                expected_share=look.expected_share if look else None,
                reason=reason,
            )
        )
    return out


def _why_short(
    result: OptimisationResult, key: tuple[str, str], look: Any, target: float, after: Any
) -> str:
    """The model's best account of a pair that misses its target share after the plan."""
    int_code, activity = key
    if look is not None and look.reach < target:
        return (
            f"rotas: no eligible role's rota can see more than {look.reach:.0%} of "
            f"{activity}'s arrivals within its response target"
        )
    if look is not None and look.unmet_hours_per_week > 0:
        limits = sorted({b.group for b in result.binding if b.group in _HARD_LIMITS})
        named = ", ".join(_HARD_LIMITS[g] for g in limits) or "the unmet-demand penalty"
        return (
            f"unmet: the plan leaves {look.unmet_hours_per_week:.1f} hours a week of "
            f"{activity} unstaffed, held back by {named}"
        )
    short = [
        p
        for p in result.pools
        if p.int_code == int_code and p.short and any(a == activity for a, _, _ in p.shares)
    ]
    if short:
        gaps = ", ".join(f"{p.role} {p.servers:.2f} of {p.servers_required:.2f}" for p in short)
        limits = sorted({b.group for b in result.binding if b.group in _HARD_LIMITS})
        why = (
            "held back by " + ", ".join(_HARD_LIMITS[g] for g in limits)
            if limits
            else "the LP's linear staffing curve fell short of the exact requirement"
        )
        return f"staffing: pools serving it stay short of the servers required ({gaps}); {why}"
    expected = f"{look.expected_share:.0%}" if look is not None else "no figure"
    arrivals = after.arrivals_per_week.mean
    escalated = after.escalations_per_week.mean / arrivals if arrivals > 0 else 0.0
    return (
        f"simulation: the staffing rule expected {expected} within target with the plan's "
        f"staff; in the simulator {escalated:.0%} of arrivals escalate (wait past the "
        f"escalation time) while those served wait {after.wait_mean_minutes.mean:.0f} "
        "minutes on average: arrivals when no eligible person is on duty or can start "
        "before the shift ends (rota layout, end-of-day arrivals), not too few staff"
    )


_HARD_LIMITS = {
    "recruit": "the recruitment limit",
    "budget": "the budget",
    "max_fte": "the supply cap",
    "core": "the minimum core team",
}


def _hours(minutes: float) -> float | None:
    """A wait for a result sheet: hours, as everywhere a planner reads waits."""
    return round(minutes / MINUTES_PER_HOUR, 8) if math.isfinite(minutes) else None


def write_plan(outcome: OptimiseResult, *, source: str, out: str) -> None:
    """Plan sheets (with native charts) in a copy of ``source``; input sheets untouched."""
    write_results(source, out, outcome.to_tables())


def _tables(o: OptimiseResult) -> list[ResultTable]:
    r = o.result
    names = r.names
    summary: list[tuple[Cell, ...]] = [
        ("scenario", o.scenario_name),
        ("status", r.status.value),
        ("solver", r.solver),
        ("objective_gbp_per_year", r.objective),
        ("integer", r.integer),
        ("lexicographic", r.lexicographic),
        ("solve_seconds", round(r.solve_seconds, 3)),
    ]
    if r.costs is not None:
        summary += [
            ("current_pay_gbp_per_year", r.costs.current_pay_gbp),
            ("recommended_pay_gbp_per_year", r.costs.pay_gbp),
            ("cover_travel_gbp_per_year", r.costs.travel_gbp),
            ("move_penalty_gbp_per_year", r.costs.move_penalty_gbp),
            ("demand_hours_per_week", r.costs.demand_hours_per_week),
            ("unmet_hours_per_week", r.costs.unmet_hours_per_week),
        ]
    tables = [
        ResultTable(
            sheet="Plan",
            title="Optimiser plan: summary",
            headers=("item", "value"),
            rows=tuple(summary),
            widths={"item": 32, "value": 24},
        ),
        ResultTable(
            sheet="Plan",
            title="Explanations",
            headers=("explanation",),
            rows=tuple((e,) for e in r.explanations),
            widths={"explanation": 120},
        ),
    ]
    by_role: dict[str, list[float]] = {}
    for p in r.plan:
        cur = by_role.setdefault(p.role, [0.0, 0.0])
        cur[0] += p.current_fte
        cur[1] += p.recommended_fte
    fte_format = {"current_fte": "0.00", "recommended_fte": "0.00"}
    tables.append(
        ResultTable(
            sheet="PlanFTE",
            title="FTE by role, all INTs: current vs recommended",
            headers=("role", "role_name", "current_fte", "recommended_fte"),
            rows=tuple((k, names.get(k, k), v[0], v[1]) for k, v in by_role.items()),
            number_formats=fte_format,
            charts=(
                ChartSpec(
                    kind="bar",
                    title="FTE by role: current vs recommended",
                    x_column="role",
                    y_columns=("current_fte", "recommended_fte"),
                    x_title="role",
                    y_title="FTE",
                    rank_by="recommended_fte",
                    others="sum",
                    worst_first=False,
                ),
            ),
        )
    )
    tables.append(
        ResultTable(
            sheet="PlanFTE",
            title="FTE by INT and role",
            headers=(
                "int",
                "role",
                "current_fte",
                "vacant_fte",
                "moved_in_fte",
                "moved_out_fte",
                "recruited_fte",
                "vacancies_dropped_fte",
                "recommended_fte",
                "current_cost_gbp",
                "recommended_cost_gbp",
                "hours_lent_per_week",
                "hours_borrowed_per_week",
            ),
            rows=tuple(
                (
                    p.int_code,
                    p.role,
                    p.current_fte,
                    p.vacant_fte,
                    p.moved_in_fte,
                    p.moved_out_fte,
                    p.recruited_fte,
                    p.vacancies_dropped_fte,
                    p.recommended_fte,
                    p.current_cost_gbp,
                    p.recommended_cost_gbp,
                    p.hours_lent_per_week,
                    p.hours_borrowed_per_week,
                )
                for p in r.plan
            ),
            number_formats={
                **fte_format,
                "current_cost_gbp": "#,##0",
                "recommended_cost_gbp": "#,##0",
            },
        )
    )
    tables.append(
        ResultTable(
            sheet="PlanCover",
            title="Cover between adjacent INTs (hours a week)",
            headers=("from", "to", "role", "hours_per_week", "travel_minutes"),
            rows=tuple(
                (c.from_int, c.to_int, c.role, c.hours_per_week, c.travel_minutes) for c in r.cover
            ),
            number_formats={"hours_per_week": "0.0"},
        )
    )
    tables.append(
        ResultTable(
            sheet="PlanBinding",
            title="Binding limits and what relaxing each by one unit is worth",
            headers=("group", "int", "role", "activity", "unit", "value_gbp_per_year", "sentence"),
            rows=tuple(
                (b.group, b.int_code, b.role, b.activity, b.unit, b.value_gbp_per_year, b.sentence)
                for b in r.binding
            ),
            number_formats={"value_gbp_per_year": "#,##0"},
        )
    )
    unmet = [d for d in r.demand if d.unmet_hours_per_week > 0]
    tables.append(
        ResultTable(
            sheet="PlanUnmet",
            title="Unmet demand (hours a week)",
            headers=("int", "activity", "demand_hours_per_week", "unmet_hours_per_week"),
            rows=tuple(
                (d.int_code, d.activity, d.demand_hours_per_week, d.unmet_hours_per_week)
                for d in unmet
            ),
            number_formats={"demand_hours_per_week": "0.0", "unmet_hours_per_week": "0.0"},
        )
    )
    if o.verification is not None:
        tables.append(
            ResultTable(
                sheet="PlanVerify",
                title=f"Mean wait (hours) before and after the plan, "
                f"{o.verification.replications} replications, 95% CI",
                headers=(
                    "int",
                    "before_hours",
                    "before_low_hours",
                    "before_high_hours",
                    "after_hours",
                    "after_low_hours",
                    "after_high_hours",
                ),
                rows=tuple(
                    (
                        c.int_code,
                        *(_hours(m) for m in (c.before, *c.before_ci, c.after, *c.after_ci)),
                    )
                    for c in o.verification.comparisons
                ),
                number_formats={h: "0.00" for h in ("before_hours", "after_hours")},
                charts=(
                    ChartSpec(
                        kind="bar",
                        title="Mean wait before vs after",
                        x_column="int",
                        y_columns=("before_hours", "after_hours"),
                        x_title="INT",
                        y_title="mean wait (hours)",
                        rank_by="after_hours",
                    ),
                ),
                note=o.verification.note,
            )
        )
        v = o.verification
        tables.append(
            ResultTable(
                sheet="PlanVerify",
                title=f"Share seen within the response target before and after the plan "
                f"(target {v.target_share:.0%}), 95% CI",
                headers=(
                    "int",
                    "activity",
                    "before",
                    "before_low",
                    "before_high",
                    "after",
                    "after_low",
                    "after_high",
                    "target_share",
                    "meets_target",
                    "expected_share",
                    "reason",
                ),
                rows=tuple(
                    (
                        a.int_code,
                        a.activity,
                        a.before,
                        *(a.before_ci or (None, None)),
                        a.after,
                        *(a.after_ci or (None, None)),
                        a.target_share,
                        a.meets_target,
                        a.expected_share,
                        a.reason or "",
                    )
                    for a in v.activities
                ),
                number_formats={
                    h: "0.0%" for h in ("before", "after", "target_share", "expected_share")
                },
                widths={"reason": 80},
            )
        )
    return tables
