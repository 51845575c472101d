"""What one simulation run found: the per-activity, per-role, per-INT and weekly records
and the :class:`SimulationResult` that holds them (with its JSON form for the CLI)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from intplan.sim import Estimate


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
        """Result sheets as ``intplan.io.results.ResultTable`` values (see
        :func:`intplan.services.simulate_sheets.to_tables`)."""
        from intplan.services.simulate_sheets import to_tables  # the sheets import records

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
                | rec(
                    a, [f for f in field_names(ActivityRecord) if f not in ("int_code", "activity")]
                )
                # the CLI contract's short name for the mean wait's interval
                | {"wait_mean_ci95": a.wait_mean_minutes.to_json()["ci95"]}
                for a in self.activities
            ],
            "roles": [
                {"int": r.int_code, "role": r.role}
                | rec(r, [f for f in field_names(RoleRecord) if f not in ("int_code", "role")])
                for r in self.roles
            ],
            "ints": [
                {"int": i.int_code} | rec(i, [f for f in field_names(IntRecord) if f != "int_code"])
                for i in self.ints
            ],
        }


def field_names(cls: type) -> list[str]:
    """A record class's field names, in declaration order (the result-sheet column order)."""
    return list(cls.__dataclass_fields__)  # type: ignore[attr-defined]  # dataclass types
