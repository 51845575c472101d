"""An optimiser result as workbook sheets (Plan, PlanFTE, PlanCover, PlanBinding,
PlanUnmet, PlanVerify) with native charts, and their writing into a workbook copy."""

from __future__ import annotations

import math

from intplan.domain.units import MINUTES_PER_HOUR
from intplan.io.results import Cell, ChartSpec, ResultTable, write_results
from intplan.services.optimise_records import OptimiseResult


def _hours(minutes: float) -> float | None:
    """A wait for a result sheet: hours, as everywhere a planner reads waits."""
    return round(minutes / MINUTES_PER_HOUR, 8) if math.isfinite(minutes) else None


def write_plan(outcome: OptimiseResult, *, source: str, out: str) -> None:
    """Plan sheets (with native charts) in a copy of ``source``; input sheets untouched."""
    write_results(source, out, outcome.to_tables())


def plan_tables(o: OptimiseResult) -> list[ResultTable]:
    """The plan as result sheets (see :meth:`OptimiseResult.to_tables`)."""
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
