"""Past results: rebuild what a run showed from the result sheets it wrote.

A workbook written by ``intplan simulate`` (or ``optimise --out``, ``compare-splits
--out``) holds its results; opening it shows them again without re-running.

* Simulation: the whole :class:`SimulationResult` comes back from the ``Results Sim``
  sheets (every record field is a column: estimates as ``_mean``/``_ci95_low``/
  ``_ci95_high``, dictionaries as ``<field>_<key>``). Not stored, so not restored:
  the worker count (0), the adaptive target half-width and the run time.
* Optimisation: the plan, cover flows, binding limits (their sentences and value;
  not the raw shadow price), unmet demand, explanations, cost summary, status and
  solver from the ``Plan*`` sheets, and the verification's before/after waits and
  shares when ``PlanVerify`` exists. Not stored: staff moves, the hours each role
  serves per activity, relaxations of an infeasible plan, the options (defaults are
  shown). A loaded plan is for reading: apply it after running the optimiser again.
* Split comparison: the ``Splits summary`` table as plain rows.
"""

from __future__ import annotations

import functools
import math
import typing
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields
from pathlib import Path
from typing import Any

from intplan.domain.units import MINUTES_PER_HOUR
from intplan.io.errors import WorkbookError
from intplan.io.results_read import ReadTable, ResultSheets, number, read_result_sheets
from intplan.optimise import (
    Binding,
    CostSummary,
    CoverFlow,
    DemandRow,
    OptimisationResult,
    OptimiseOptions,
    PlanRow,
    SolveStatus,
)
from intplan.services.optimise import (
    ActivityVerification,
    OptimiseResult,
    Verification,
    WaitComparison,
)
from intplan.services.simulate import (
    SHEET_ACTIVITIES,
    SHEET_INTS,
    SHEET_ROLES,
    SHEET_RUN,
    SHEET_WEEKLY,
    SHEET_WEEKLY_ROLES,
    ActivityRecord,
    IntRecord,
    RoleRecord,
    SimulationResult,
    WeeklyActivity,
    WeeklyRole,
    sheet_column,
)
from intplan.sim import Estimate

SPLITS_SHEET = "Splits summary"  # intplan.services.splits_board.SUMMARY_SHEET
SPLITS_REQUIRED = ("rank", "score", "practice groups")


@dataclass(frozen=True, slots=True, kw_only=True)
class SplitsTable:
    """The split comparison as the workbook shows it (plain rows, best option first)."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class PastResults:
    file: str
    simulation: SimulationResult | None = None
    optimisation: OptimiseResult | None = None
    splits: SplitsTable | None = None

    @property
    def any(self) -> bool:
        return any(x is not None for x in (self.simulation, self.optimisation, self.splits))

    def describe(self) -> str:
        """What was found, in words, e.g. for a status bar."""
        parts = [
            name
            for name, got in (
                ("simulation", self.simulation),
                ("optimiser plan", self.optimisation),
                ("split comparison", self.splits),
            )
            if got is not None
        ]
        return ", ".join(parts)


def read_past_results(path: str | Path) -> PastResults:
    """The results stored in a workbook (none: every part None). Damaged result sheets
    raise WorkbookError naming file, sheet, row and column."""
    sheets = read_result_sheets(path)
    return PastResults(
        file=str(path),
        simulation=simulation_from_sheets(sheets),
        optimisation=optimisation_from_sheets(sheets),
        splits=splits_from_sheets(sheets),
    )


# -- simulation ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    kind: Any  # the resolved annotation
    optional: bool  # has a default: an older workbook may lack its column


@functools.cache
def _fields_of(cls: type) -> tuple[_Field, ...]:
    """The record's fields with resolved types (once per class: resolving is slow)."""
    hints = typing.get_type_hints(cls)
    return tuple(
        _Field(
            name=f.name,
            kind=hints[f.name],
            optional=f.default is not MISSING or f.default_factory is not MISSING,
        )
        for f in fields(cls)
    )


def _record(cls: type, table: ReadTable, row: int, values: Mapping[str, Any], n: int) -> Any:
    """One record of ``cls`` from a row written by ``services.simulate.result_rows``."""
    kwargs: dict[str, Any] = {}
    for f in _fields_of(cls):
        col, factor = sheet_column(f.name)  # the writer's column and unit
        if f.kind is Estimate:
            cols = (f"{col}_mean", f"{col}_ci95_low", f"{col}_ci95_high")
            if cols[0] not in values:
                if f.optional:
                    continue
                raise WorkbookError([table.issue(table.header_row, cols[0], "column missing")])
            mean, low, high = (number(table, row, c, values.get(c)) / factor for c in cols)
            kwargs[f.name] = Estimate(mean=mean, low=low, high=high, n=n)
        elif typing.get_origin(f.kind) is dict:
            prefix = f"{f.name}_"
            kwargs[f.name] = {
                h[len(prefix) :]: (None if v is None else number(table, row, h, v))
                for h, v in values.items()
                if h.startswith(prefix)
            }
        else:
            if col not in values:
                if f.optional:
                    continue
                raise WorkbookError([table.issue(table.header_row, col, "column missing")])
            x = _scalar(table, row, col, values[col], f.kind)
            kwargs[f.name] = x / factor if factor != 1.0 and isinstance(x, float) else x
    return cls(**kwargs)


def _scalar(table: ReadTable, row: int, column: str, value: Any, kind: Any) -> Any:
    if kind is str:
        if value is None:
            raise WorkbookError([table.issue(row, column, "empty; expected a code")])
        return str(value)
    if kind is bool:
        if isinstance(value, bool):
            return value
        if value in ("yes", "no", "TRUE", "FALSE", 1, 0):
            return value in ("yes", "TRUE", 1)
        raise WorkbookError([table.issue(row, column, f"expected yes or no, found {value!r}")])
    if kind is int:
        x = number(table, row, column, value)
        if not math.isfinite(x) or x != int(x):
            raise WorkbookError(
                [table.issue(row, column, f"expected a whole number, found {value!r}")]
            )
        return int(x)
    return number(table, row, column, value)  # float


def _records(
    sheets: ResultSheets, sheet: str, cls: type, keys: tuple[str, ...], n: int
) -> tuple[Any, ...]:
    table = sheets.table(sheet, keys)
    return tuple(_record(cls, table, row, values, n) for row, values in table.records())


def _run_info(sheets: ResultSheets) -> tuple[ReadTable, dict[str, Any], list[str]]:
    table = sheets.table(SHEET_RUN, ("key", "value"))
    info: dict[str, Any] = {}
    issues: list[str] = []
    for _, values in table.records():
        if values["key"] == "issue":
            issues.append(str(values["value"]))
        elif values["key"] is not None:
            info[str(values["key"])] = values["value"]
    return table, info, issues


def simulation_from_sheets(sheets: ResultSheets) -> SimulationResult | None:
    if not sheets.has(SHEET_RUN):
        return None
    table, info, issues = _run_info(sheets)

    def get(key: str, kind: Any) -> Any:
        if key not in info:
            raise WorkbookError([table.issue(None, "key", f"no row {key!r}")])
        row = next(r for r, v in table.records() if v["key"] == key)
        return _scalar(table, row, "value", info[key], kind)

    n = get("replications", int)
    kpi_row = next((r for r, v in table.records() if v["key"] == "kpi_mean"), table.header_row)
    kpi = Estimate(
        mean=number(table, kpi_row, "value", info.get("kpi_mean")),
        low=number(table, kpi_row, "value", info.get("kpi_ci95_low")),
        high=number(table, kpi_row, "value", info.get("kpi_ci95_high")),
        n=n,
    )
    return SimulationResult(
        scenario_name=str(info.get("scenario", "")),
        seed=get("seed", int),
        replications=n,
        weeks=get("weeks", int),
        warmup_weeks=get("warmup_weeks", int),
        warmup_rule=str(info.get("warmup_rule", "")),
        engine=str(info.get("engine", "kernel")),
        workers=0,  # not stored
        cover=info.get("cover") == "yes",
        kpi=str(info.get("kpi", "")),
        kpi_estimate=kpi,
        target_halfwidth=None,
        activities=_records(sheets, SHEET_ACTIVITIES, ActivityRecord, ("int_code", "activity"), n),
        roles=_records(sheets, SHEET_ROLES, RoleRecord, ("int_code", "role", "fte"), n),
        ints=_records(sheets, SHEET_INTS, IntRecord, ("int_code", "population"), n),
        weekly_activities=_records(
            sheets, SHEET_WEEKLY, WeeklyActivity, ("int_code", "activity", "week"), n
        ),
        weekly_roles=_records(
            sheets, SHEET_WEEKLY_ROLES, WeeklyRole, ("int_code", "role", "week"), n
        ),
        issues=tuple(issues),
    )


# -- optimisation --------------------------------------------------------------------------
def _text(v: Any) -> str | None:
    return None if v is None or v == "" else str(v)


def optimisation_from_sheets(sheets: ResultSheets) -> OptimiseResult | None:
    if not sheets.has("Plan"):
        return None
    summary = sheets.table("Plan", ("item", "value"))
    info = {str(v["item"]): (row, v["value"]) for row, v in summary.records()}

    def num(key: str) -> float:
        row, value = info.get(key, (summary.header_row, None))
        return number(summary, row, "value", value)

    status_text = str(info.get("status", (0, "error"))[1])
    try:
        status = SolveStatus(status_text)
    except ValueError:
        row = info.get("status", (summary.header_row, None))[0]
        raise WorkbookError(
            [summary.issue(row, "value", f"{status_text!r} is not a solver status")]
        ) from None
    fte = sheets.table("PlanFTE", ("int", "role", "current_fte", "recommended_fte"))
    plan = tuple(
        PlanRow(
            int_code=str(v["int"]),
            role=str(v["role"]),
            **{
                k: number(fte, row, k, v.get(k))
                for k in (
                    "current_fte",
                    "vacant_fte",
                    "moved_in_fte",
                    "moved_out_fte",
                    "recruited_fte",
                    "recommended_fte",
                    "current_cost_gbp",
                    "recommended_cost_gbp",
                    "hours_lent_per_week",
                    "hours_borrowed_per_week",
                )
            },
        )
        for row, v in fte.records()
    )
    names: dict[str, str] = {}
    roles = sheets.find("PlanFTE", ("role", "role_name"))
    if roles is not None:
        names = {str(v["role"]): str(v["role_name"]) for _, v in roles.records()}
    cover: tuple[CoverFlow, ...] = ()
    if (t := sheets.find("PlanCover", ("from", "to", "role"))) is not None:
        cover = tuple(
            CoverFlow(
                from_int=str(v["from"]),
                to_int=str(v["to"]),
                role=str(v["role"]),
                hours_per_week=number(t, row, "hours_per_week", v.get("hours_per_week")),
                travel_minutes=number(t, row, "travel_minutes", v.get("travel_minutes")),
            )
            for row, v in t.records()
        )
    binding: tuple[Binding, ...] = ()
    if (t := sheets.find("PlanBinding", ("group", "sentence"))) is not None:
        binding = tuple(
            Binding(
                group=str(v["group"]),
                int_code=_text(v.get("int")),
                role=_text(v.get("role")),
                activity=_text(v.get("activity")),
                shadow_price=math.nan,  # not stored
                unit=str(v.get("unit") or ""),
                value_gbp_per_year=number(
                    t, row, "value_gbp_per_year", v.get("value_gbp_per_year")
                ),
                unmet_hours_per_week=math.nan,  # not stored
                sentence=str(v["sentence"]),
            )
            for row, v in t.records()
        )
    demand: tuple[DemandRow, ...] = ()
    if (t := sheets.find("PlanUnmet", ("int", "activity", "unmet_hours_per_week"))) is not None:
        demand = tuple(
            DemandRow(
                int_code=str(v["int"]),
                activity=str(v["activity"]),
                demand_hours_per_week=number(
                    t, row, "demand_hours_per_week", v.get("demand_hours_per_week")
                ),
                unmet_hours_per_week=number(
                    t, row, "unmet_hours_per_week", v.get("unmet_hours_per_week")
                ),
                served_hours_by_role=(),  # not stored
            )
            for row, v in t.records()
        )
    explanations: tuple[str, ...] = ()
    if (t := sheets.find("Plan", ("explanation",))) is not None:
        explanations = tuple(str(v["explanation"]) for _, v in t.records() if v["explanation"])
    costs = None
    if "current_pay_gbp_per_year" in info:
        costs = CostSummary(
            current_pay_gbp=num("current_pay_gbp_per_year"),
            pay_gbp=num("recommended_pay_gbp_per_year"),
            travel_gbp=num("cover_travel_gbp_per_year"),
            move_penalty_gbp=num("move_penalty_gbp_per_year"),
            unmet_penalty_gbp=math.nan,  # not stored
            demand_hours_per_week=num("demand_hours_per_week"),
            unmet_hours_per_week=num("unmet_hours_per_week"),
        )
    objective = num("objective_gbp_per_year")
    result = OptimisationResult(
        status=status,
        solver=str(info.get("solver", (0, ""))[1]),
        objective=objective if math.isfinite(objective) else None,
        solve_seconds=_finite_or(num("solve_seconds"), 0.0),
        build_seconds=0.0,
        integer=info.get("integer", (0, False))[1] in (True, "TRUE", 1),
        lexicographic=info.get("lexicographic", (0, False))[1] in (True, "TRUE", 1),
        mip_gap=None,
        message="",
        plan=plan,
        cover=cover,
        moves=(),
        demand=demand,
        binding=binding,
        relaxations=(),
        explanations=explanations,
        costs=costs,
        names=names,
    )
    verification = _verification(sheets)
    return OptimiseResult(
        scenario_name=str(info.get("scenario", (0, ""))[1]),
        options=OptimiseOptions(),
        result=result,
        verification=verification,
        verification_note=verification.note if verification else "",
    )


def _finite_or(x: float, fallback: float) -> float:
    return x if math.isfinite(x) else fallback


def _verification(sheets: ResultSheets) -> Verification | None:
    columns = ("int", "before_hours", "before_low_hours", "after_hours", "after_high_hours")
    waits = sheets.find("PlanVerify", columns)
    if waits is None:
        return None

    def minutes(t: ReadTable, row: int, v: Mapping[str, Any], col: str) -> float:
        return number(t, row, col, v.get(col)) * MINUTES_PER_HOUR  # the sheet gives hours

    def pair(t: ReadTable, row: int, v: Mapping[str, Any], a: str, b: str) -> tuple[float, float]:
        return minutes(t, row, v, a), minutes(t, row, v, b)

    comparisons = tuple(
        WaitComparison(
            int_code=_text(v["int"]),
            metric="wait_mean_minutes",
            before=minutes(waits, row, v, "before_hours"),
            before_ci=pair(waits, row, v, "before_low_hours", "before_high_hours"),
            after=minutes(waits, row, v, "after_hours"),
            after_ci=pair(waits, row, v, "after_low_hours", "after_high_hours"),
        )
        for row, v in waits.records()
        if "activity" not in v
    )
    activities: tuple[ActivityVerification, ...] = ()
    shares = sheets.find("PlanVerify", ("int", "activity", "before", "after", "target_share"))
    if shares is not None:

        def maybe(row: int, col: str, v: Mapping[str, Any]) -> float | None:
            x = number(shares, row, col, v.get(col))
            return x if math.isfinite(x) else None

        def ci(row: int, v: Mapping[str, Any], a: str, b: str) -> tuple[float, float] | None:
            lo, hi = maybe(row, a, v), maybe(row, b, v)
            return None if lo is None or hi is None else (lo, hi)

        activities = tuple(
            ActivityVerification(
                int_code=str(v["int"]),
                activity=str(v["activity"]),
                before=maybe(row, "before", v),
                before_ci=ci(row, v, "before_low", "before_high"),
                after=maybe(row, "after", v),
                after_ci=ci(row, v, "after_low", "after_high"),
                target_share=number(shares, row, "target_share", v.get("target_share")),
                expected_share=maybe(row, "expected_share", v),
                reason=_text(v.get("reason")),
            )
            for row, v in shares.records()
        )
    replications = _replications(waits.title)
    note = ""
    if waits.title:
        note = f"as stored: {waits.title}"
    return Verification(
        replications=replications,
        comparisons=comparisons,
        note=note,
        activities=activities,
        # the stored rows carry the target; without them, the record's own default
        **({"target_share": activities[0].target_share} if activities else {}),
    )


def _replications(title: str) -> int:
    """The replication count from the table title ("…, 5 replications, 95% CI")."""
    words = title.replace(",", " ").split()
    for i, w in enumerate(words[1:], start=1):
        if w.startswith("replication") and words[i - 1].isdigit():
            return int(words[i - 1])
    return 0


# -- split comparison ------------------------------------------------------------------
def splits_from_sheets(sheets: ResultSheets) -> SplitsTable | None:
    table = sheets.find(SPLITS_SHEET, SPLITS_REQUIRED)
    if table is None:
        return None
    return SplitsTable(
        title=table.title, headers=table.headers, rows=tuple(v for _, v in table.rows)
    )
