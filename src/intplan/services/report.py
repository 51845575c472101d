"""The board pack: what a few printed pages say about a workbook's stored results.

Qt-free: this builds plain rows; :mod:`intplan.gui.report_pages` draws them into a PDF
(``intplan report`` and File ▸ Export board pack). The pages:

1. Overview: one row per INT with traffic lights (continued on more pages past
   :data:`OVERVIEW_ROWS_PER_PAGE` INTs): the rows and thresholds of
   :mod:`intplan.services.overview`, the same as the Overview view and the
   ``Results Overview`` sheet, in most-trouble-first order.
2. Map: practices coloured by INT, INT outlines, each INT's overall light, when the
   scenario is given (its geometry from :mod:`intplan.services.geography`).
3. Run charts: the :data:`WORST_INTS` INTs with the lowest share seen within target,
   their weekly share within target against the target line.
4. The optimiser's plan by role, when the workbook holds one.
5. The split comparison, when the workbook holds one.

Every page carries the scenario name, seed, replications and, for an illustrative
scenario, the word "Illustrative".
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from intplan.domain import Scenario
from intplan.domain.errors import IntplanError
from intplan.io.workbook import is_illustrative, read_scenario
from intplan.optimise import OPTION_SOURCES, OptimiseOptions
from intplan.services.geography import MapLayout, map_layout
from intplan.services.optimise import OptimiseResult
from intplan.services.overview import Light, OverviewRow, overview_rows
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
    overview: tuple[OverviewRow, ...]  # most trouble first (see :func:`pack_overview`)
    map: MapLayout | None  # None: no scenario was given, or it has no practices
    run_charts: tuple[RunChart, ...]
    plan: PlanPage | None
    splits: SplitsTable | None

    @property
    def page_titles(self) -> tuple[str, ...]:
        """One title per page, in order (the PDF has exactly these pages)."""
        n = max(1, math.ceil(len(self.overview) / OVERVIEW_ROWS_PER_PAGE))
        titles = ["ICS overview" + (f" ({k + 1} of {n})" if n > 1 else "") for k in range(n)]
        if self.map is not None:
            titles.append("Map: the INTs and their practices")
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
    return board_pack(past, illustrative=is_illustrative(scenario), scenario=scenario)


def board_pack(
    past: PastResults, *, illustrative: bool, scenario: Scenario | None = None
) -> BoardPack:
    """The pack of ``past``; with ``scenario`` it has a map page of its practices."""
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
    overview = pack_overview(sim)
    worst = sorted(
        (r for r in overview if math.isfinite(r.within_target_share)),
        key=lambda r: r.within_target_share,
    )[:WORST_INTS]
    return BoardPack(
        label=label,
        overview=overview,
        map=map_layout(scenario) if scenario is not None and scenario.practices else None,
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


def pack_overview(sim: SimulationResult) -> tuple[OverviewRow, ...]:
    """The overview service's rows, the INTs in most trouble first: worst overall light,
    then lowest share within target."""
    return tuple(
        sorted(
            overview_rows(sim),
            key=lambda r: (
                -r.overall,
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
            light.label: sum(r.overall == light for r in pack.overview)
            for light in (Light.RED, Light.AMBER, Light.GREEN, Light.NONE)
        },
        "map": pack.map is not None,
        "worst_ints": [c.int_code for c in pack.run_charts],
        "plan": pack.plan is not None,
        "splits": pack.splits is not None,
    }
