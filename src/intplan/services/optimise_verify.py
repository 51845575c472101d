"""A plan checked by simulation: the scenario simulated before and after the plan, waits
compared per INT, and the share within target per INT x activity with the model's best
account of any pair that still misses it."""

from __future__ import annotations

import math
import threading
from typing import Any

from intplan.domain import Scenario
from intplan.optimise import OptimisationResult, OptimiseOptions
from intplan.services.optimise_plan import apply_plan
from intplan.services.optimise_records import ActivityVerification, Verification, WaitComparison
from intplan.services.progress import Progress, check_cancel, report


def verify_plan(
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
