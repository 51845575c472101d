"""What an optimiser run returns: the plan's result, its check by simulation (waits and
shares within target, before and after) and their JSON form for the CLI."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from intplan.io.results import ResultTable
from intplan.optimise import OptimisationResult, OptimiseOptions


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
        from intplan.services.optimise_sheets import plan_tables  # the sheets import this

        return plan_tables(self)
