"""A simulation result as workbook sheets: the rows of every result table and the
``ResultTable`` values (with native charts) that ``io.results`` writes."""

from __future__ import annotations

import math
from typing import Any

from intplan.domain.units import MINUTES_PER_HOUR
from intplan.services.simulate_records import (
    ActivityRecord,
    IntRecord,
    RoleRecord,
    SimulationResult,
    WeeklyActivity,
    WeeklyRole,
    field_names,
)
from intplan.sim import Estimate

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
    return [f for f in field_names(cls) if f not in skip]


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
        names = field_names(cls)
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
