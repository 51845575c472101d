"""Result values of one optimiser run: the plan, cover, unmet demand and explanations."""

from __future__ import annotations

from dataclasses import dataclass

from intplan.optimise.solvers import SolveStatus
from intplan.optimise.staffing import PoolCheck


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanRow:
    """Current vs recommended staffing of one role in one INT."""

    int_code: str
    role: str
    current_fte: float  # filled posts today
    vacant_fte: float  # vacant posts today
    moved_in_fte: float
    moved_out_fte: float
    recruited_fte: float  # fills vacancies first, then new posts
    recommended_fte: float
    current_cost_gbp: float  # per year, filled posts
    recommended_cost_gbp: float
    hours_lent_per_week: float
    hours_borrowed_per_week: float

    @property
    def vacancies_filled_fte(self) -> float:
        return min(self.recruited_fte, self.vacant_fte)

    @property
    def new_posts_fte(self) -> float:
        return max(0.0, self.recruited_fte - self.vacant_fte)

    @property
    def vacancies_dropped_fte(self) -> float:
        return max(0.0, self.vacant_fte - self.recruited_fte)


@dataclass(frozen=True, slots=True, kw_only=True)
class CoverFlow:
    from_int: str
    to_int: str
    role: str
    hours_per_week: float
    travel_minutes: float


@dataclass(frozen=True, slots=True, kw_only=True)
class StaffMove:
    from_int: str
    to_int: str
    role: str
    fte: float


@dataclass(frozen=True, slots=True, kw_only=True)
class DemandRow:
    """Demand for one activity in one INT, who serves it, and what is left unmet."""

    int_code: str
    activity: str
    demand_hours_per_week: float
    unmet_hours_per_week: float
    served_hours_by_role: tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Binding:
    """A constraint that limits the plan, with its shadow price in plain words."""

    group: str  # hours, recruit, budget, core, cover_cap, move_cap, demand, max_fte
    int_code: str | None
    role: str | None
    activity: str | None
    shadow_price: float  # £ a year per unit of the constraint's right-hand side
    unit: str  # what one unit is ("FTE", "hour a week", "£ a year")
    value_gbp_per_year: float  # what relaxing it by one unit saves
    unmet_hours_per_week: float  # equivalent cut in unmet demand for one unit
    sentence: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Relaxation:
    """Part of a smallest change that makes an infeasible plan feasible."""

    group: str  # budget, recruit, max_fte, core
    int_code: str | None
    role: str | None
    amount: float
    unit: str
    alone_suffices: bool  # relaxing only this group (by its own minimum) is enough
    sentence: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CostSummary:
    current_pay_gbp: float  # filled posts today, per year
    pay_gbp: float  # recommended, per year
    travel_gbp: float
    move_penalty_gbp: float
    unmet_penalty_gbp: float
    demand_hours_per_week: float
    unmet_hours_per_week: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityOutlook:
    """What the staffing rule expects of one activity in one INT under the plan."""

    int_code: str
    activity: str
    expected_share: float  # seen within target, served-hours-weighted over pools; unmet = 0
    reach: float  # best share any eligible role's rota can see within target at all
    unmet_hours_per_week: float


@dataclass(frozen=True, slots=True, kw_only=True)
class OptimisationResult:
    status: SolveStatus
    solver: str
    objective: float | None
    solve_seconds: float
    build_seconds: float
    integer: bool
    lexicographic: bool
    mip_gap: float | None
    message: str
    plan: tuple[PlanRow, ...]
    cover: tuple[CoverFlow, ...]
    moves: tuple[StaffMove, ...]
    demand: tuple[DemandRow, ...]
    binding: tuple[Binding, ...]
    relaxations: tuple[Relaxation, ...]
    explanations: tuple[str, ...]
    costs: CostSummary | None
    names: dict[str, str]  # code -> display name, for INTs, roles and activities
    staffing_rule: str = "ceiling"
    service_level: float | None = None  # the queueing rule's target share
    rounds: int = 1  # LP solves (the queueing rule re-linearises at the plan's loads)
    pools: tuple[PoolCheck, ...] = ()  # the plan's pools checked exactly (queueing rule)
    outlook: tuple[ActivityOutlook, ...] = ()

    @property
    def feasible(self) -> bool:
        return self.status.has_solution
