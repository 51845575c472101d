"""The board pack: what a few printed pages say about a workbook's stored results.

Qt-free: this builds plain rows; :mod:`intplan.gui.report_pages` draws them into a PDF
(``intplan report`` and File ▸ Export board pack). The pages:

1. Overview: one row per INT with traffic lights (continued on more pages past
   :data:`OVERVIEW_ROWS_PER_PAGE` INTs).
2. Run charts: the :data:`WORST_INTS` INTs with the lowest share seen within target,
   their weekly share within target against the target line.
3. The optimiser's plan by role, when the workbook holds one.
4. The split comparison, when the workbook holds one.

Every page carries the scenario name, seed, replications and, for an illustrative
scenario, the word "Illustrative". The overview rows are computed here from the
simulation's result sheets; they are plain values so another source (an ``Overview``
sheet) can feed the same pages.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from intplan.domain.errors import IntplanError
from intplan.io.workbook import is_illustrative, read_scenario
from intplan.optimise import OPTION_SOURCES, OptimiseOptions
from intplan.services.optimise import OptimiseResult
from intplan.services.past_results import PastResults, SplitsTable, read_past_results
from intplan.services.simulate import SimulationResult

#: the share of patients to be seen within the response target: the optimiser's
#: service level (its source: OPTION_SOURCES["service_level"])
TARGET_SHARE = OptimiseOptions().service_level
TARGET_SOURCE = OPTION_SOURCES["service_level"]
#: the same in a few words, for the page
TARGET_NOTE = (
    f"{TARGET_SHARE:.0%}, an assumption (NHS standards use similar shares, e.g. the "
    "4-hour A&E standard 95%)"
)
#: traffic lights (assumption: amber a little below target, red well below; busy above
#: 85%, red above 95%, where queues grow fast in an M/M/c system)
AMBER_WITHIN = TARGET_SHARE
RED_WITHIN = TARGET_SHARE - 0.1
AMBER_UTILISATION = 0.85
RED_UTILISATION = 0.95
WORST_INTS = 4
OVERVIEW_ROWS_PER_PAGE = 54  # Kent & Medway's 52 INTs on one page
SPLIT_OPTIONS_SHOWN = 12
PLAN_ROLES_SHOWN = 24


class NoResultsError(IntplanError):
    """The workbook holds no simulation results to report on (CLI exit 1)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RunLabel:
    scenario: str
    seed: int
    replications: int
    weeks: int
    illustrative: bool

    def text(self) -> str:
        tail = " · Illustrative: fictional data" if self.illustrative else ""
        return (
            f"{self.scenario} · seed {self.seed} · {self.replications} replications × "
            f"{self.weeks} weeks{tail}"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class OverviewRow:
    int_code: str
    population: int
    within_target_share: float  # NaN: nothing arrived
    utilisation: float
    wait_mean_hours: float
    #: "growing" when any activity's backlog grows (the simulator's test: the backlog
    #: at the end exceeds a week's arrivals and grew over the second half), else "steady"
    backlog_trend: str
    escalations_per_week: float
    unmet_per_1000_per_week: float
    status: str  # "red", "amber", "green"


@dataclass(frozen=True, slots=True, kw_only=True)
class RunChart:
    int_code: str
    weeks: tuple[int, ...]
    within_target_share: tuple[float, ...]
    target_share: float


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanRoleRow:
    role: str
    name: str
    current_fte: float
    recommended_fte: float
    current_cost_gbp: float
    recommended_cost_gbp: float


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanPage:
    status: str
    lines: tuple[str, ...]  # summary sentences
    roles: tuple[PlanRoleRow, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class BoardPack:
    label: RunLabel
    overview: tuple[OverviewRow, ...]
    run_charts: tuple[RunChart, ...]
    plan: PlanPage | None
    splits: SplitsTable | None

    @property
    def page_titles(self) -> tuple[str, ...]:
        """One title per page, in order (the PDF has exactly these pages)."""
        n = max(1, math.ceil(len(self.overview) / OVERVIEW_ROWS_PER_PAGE))
        titles = ["ICS overview" + (f" ({k + 1} of {n})" if n > 1 else "") for k in range(n)]
        titles.append("Run charts: the INTs furthest from target")
        if self.plan is not None:
            titles.append("The optimiser's plan")
        if self.splits is not None:
            titles.append("Split comparison")
        return tuple(titles)


def build_board_pack(path: str | Path) -> BoardPack:
    """The board pack of the workbook at ``path`` (its stored results; nothing is run)."""
    scenario = read_scenario(path)
    past = read_past_results(path)
    return board_pack(past, illustrative=is_illustrative(scenario))


def board_pack(past: PastResults, *, illustrative: bool) -> BoardPack:
    sim = past.simulation
    if sim is None:
        raise NoResultsError(
            f"{past.file}: the workbook holds no simulation results (no 'Results Sim' "
            "sheets); run `intplan simulate` on it first"
        )
    label = RunLabel(
        scenario=sim.scenario_name,
        seed=sim.seed,
        replications=sim.replications,
        weeks=sim.weeks,
        illustrative=illustrative,
    )
    overview = overview_rows(sim)
    worst = sorted(
        (r for r in overview if math.isfinite(r.within_target_share)),
        key=lambda r: r.within_target_share,
    )[:WORST_INTS]
    return BoardPack(
        label=label,
        overview=overview,
        run_charts=tuple(run_chart(sim, r.int_code) for r in worst),
        plan=plan_page(past.optimisation) if past.optimisation is not None else None,
        splits=past.splits,
    )


def _weighted(pairs: list[tuple[float, float]]) -> float:
    """Mean of values weighted by their weights, skipping non-finite values."""
    total = sum(w for v, w in pairs if math.isfinite(v) and w > 0)
    if total <= 0:
        return math.nan
    return sum(v * w for v, w in pairs if math.isfinite(v) and w > 0) / total


def _status(within: float, utilisation: float, trend: str) -> str:
    if (math.isfinite(within) and within < RED_WITHIN) or utilisation > RED_UTILISATION:
        return "red"
    if (
        (math.isfinite(within) and within < AMBER_WITHIN)
        or utilisation > AMBER_UTILISATION
        or trend == "growing"
    ):
        return "amber"
    return "green"


def overview_rows(sim: SimulationResult) -> tuple[OverviewRow, ...]:
    """Per INT: share within target (weighted by requests), utilisation, mean wait,
    backlog trend, escalations and unmet need, with a traffic light; red first, then
    amber, then green, each lowest share within target first."""
    within: dict[str, list[tuple[float, float]]] = defaultdict(list)
    growing: set[str] = set()
    for a in sim.activities:
        within[a.int_code].append((a.within_target_share.mean, a.arrivals_per_week.mean))
        if a.backlog_growing:
            growing.add(a.int_code)
    rows = []
    for i in sim.ints:
        share = _weighted(within[i.int_code])
        trend = "growing" if i.int_code in growing else "steady"
        rows.append(
            OverviewRow(
                int_code=i.int_code,
                population=i.population,
                within_target_share=share,
                utilisation=i.utilisation.mean,
                wait_mean_hours=i.wait_mean_minutes.mean / 60,
                backlog_trend=trend,
                escalations_per_week=i.escalations_per_week.mean,
                unmet_per_1000_per_week=i.unmet_per_1000_per_week.mean,
                status=_status(share, i.utilisation.mean, trend),
            )
        )
    severity = {"red": 0, "amber": 1, "green": 2}
    return tuple(
        sorted(
            rows,
            key=lambda r: (
                severity[r.status],
                r.within_target_share if math.isfinite(r.within_target_share) else 2.0,
            ),
        )
    )


def run_chart(sim: SimulationResult, int_code: str) -> RunChart:
    """The INT's weekly share seen within target, weighted by each activity's served."""
    by_week: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for w in sim.weekly_activities:
        if w.int_code == int_code:
            by_week[w.week].append((w.within_target_share, w.served))
    weeks = tuple(sorted(by_week))
    return RunChart(
        int_code=int_code,
        weeks=weeks,
        within_target_share=tuple(_weighted(by_week[k]) for k in weeks),
        target_share=TARGET_SHARE,
    )


def plan_page(outcome: OptimiseResult) -> PlanPage:
    r = outcome.result
    by_role: dict[str, list[float]] = {}
    for p in r.plan:
        acc = by_role.setdefault(p.role, [0.0, 0.0, 0.0, 0.0])
        acc[0] += p.current_fte
        acc[1] += p.recommended_fte
        acc[2] += p.current_cost_gbp
        acc[3] += p.recommended_cost_gbp
    roles = sorted(
        (
            PlanRoleRow(
                role=k,
                name=r.names.get(k, k),
                current_fte=v[0],
                recommended_fte=v[1],
                current_cost_gbp=v[2],
                recommended_cost_gbp=v[3],
            )
            for k, v in by_role.items()
        ),
        key=lambda x: -abs(x.recommended_fte - x.current_fte),
    )[:PLAN_ROLES_SHOWN]
    lines = [f"Solver status: {r.status.value.replace('_', ' ')} ({r.solver})."]
    if r.costs is not None:
        c = r.costs
        lines.append(
            f"Pay bill £{c.current_pay_gbp:,.0f} a year now, £{c.pay_gbp:,.0f} planned; "
            f"cover travel £{c.travel_gbp:,.0f}."
        )
        if math.isfinite(c.unmet_hours_per_week):
            lines.append(
                f"Demand {c.demand_hours_per_week:,.0f} hours a week; "
                f"{c.unmet_hours_per_week:,.0f} left unmet under the plan."
            )
    lines.append(f"{len(r.cover)} cover flow(s) between adjacent INTs.")
    v = outcome.verification
    if v is not None and v.activities:
        met, pairs = v.meeting_target
        lines.append(
            f"Checked by simulation ({v.replications} replications): {met} of {pairs} "
            f"INT × activity pairs see {v.target_share:.0%} within target after the plan."
        )
    lines += list(r.explanations[:4])
    return PlanPage(status=r.status.value, lines=tuple(lines), roles=tuple(roles))


def pack_json(pack: BoardPack) -> dict[str, object]:
    """What the pack holds, for ``intplan report --json``."""
    return {
        "scenario": pack.label.scenario,
        "seed": pack.label.seed,
        "replications": pack.label.replications,
        "weeks": pack.label.weeks,
        "illustrative": pack.label.illustrative,
        "pages": len(pack.page_titles),
        "page_titles": list(pack.page_titles),
        "ints": len(pack.overview),
        "status_counts": {
            s: sum(r.status == s for r in pack.overview) for s in ("red", "amber", "green")
        },
        "worst_ints": [c.int_code for c in pack.run_charts],
        "plan": pack.plan is not None,
        "splits": pack.splits is not None,
    }
