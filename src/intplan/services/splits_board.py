"""The split comparison's board workbook: summary, INTs, score breakdown, assumptions."""

from __future__ import annotations

import math
from pathlib import Path

from intplan.demand.travel import MIN_HOME_VISIT_KM
from intplan.domain.units import MINUTES_PER_HOUR
from intplan.io.results import ChartSpec, ResultTable, write_results
from intplan.services.splits_result import (
    MIN_SCREEN_WEEKS_SOURCE,
    SIM_KPIS,
    SPLIT_WEEKS_SOURCE,
    SplitsResult,
)
from intplan.splits.enumerate import ADJACENCY_METHOD, TORBAY_BAND, TORBAY_SOURCE
from intplan.splits.evaluate import (
    KPI_BY_KEY,
    KPI_SPECS,
    WORKING_DAY_HOURS,
    WORKING_DAY_SOURCE,
)

Cell = str | int | float | bool | None
SUMMARY_SHEET = "Splits summary"


def _cell(x: float | None, digits: int = 4) -> Cell:
    return None if x is None or not math.isfinite(x) else round(float(x), digits)


def _unit(key: str) -> tuple[str, float]:
    """A KPI's unit in the board's sheets and the factor its values take: the wait is
    given in hours, as everywhere a planner reads waits (the KPI itself is in minutes)."""
    unit = KPI_BY_KEY[key].unit
    if key == "wait" and unit == "minutes":
        return "hours", 1 / MINUTES_PER_HOUR
    return unit, 1.0


def _scaled(x: float | None, factor: float) -> Cell:
    return _cell(None if x is None else x * factor)


def splits_tables(result: SplitsResult) -> tuple[ResultTable, ...]:
    """The board workbook's sheets: summary, INTs, score breakdown, assumptions."""
    sim_cols = [k for k in SIM_KPIS]
    headers = [
        "rank",
        "score",
        "pareto (wait vs team size)",
        "today",
        "INTs",
        "practice groups",
        "population per INT",
        "within bounds",
        "within 25-40k (000:1789)",
        "stage",
        "replications",
        "weeks",
        "screened only (ranked after the re-run options)",
        "screening rank",
    ]
    for k in sim_cols:
        headers += [f"{k} ({_unit(k)[0]})", f"{k} CI95 low", f"{k} CI95 high"]
    structural = ["team_size", "travel", "cover_dependence", "resilience", "population_fit", "cost"]
    headers += [f"{k} ({KPI_BY_KEY[k].unit})" for k in structural]
    headers += [f"wait vs reference ({_unit('wait')[0]})", "diff CI95 low", "diff CI95 high"]
    rows: list[tuple[Cell, ...]] = []
    for o in result.options:
        row: list[Cell] = [
            o.rank,
            round(o.score, 4),
            "yes" if o.pareto else "no",
            ("yes" if o.enumerated else "yes (not an enumerated option)") if o.current else "no",
            o.option.ints,
            o.option.label,
            ", ".join(f"{p:,}" for p in o.option.populations),
            "yes" if o.option.within_bounds else "no",
            "yes" if o.option.within_torbay_band else "no",
            o.stage,
            o.replications,
            o.weeks,
            "yes" if o.screened_only else "no",
            o.screen_rank,
        ]
        for k in sim_cols:
            e = o.estimates.get(k)
            f = _unit(k)[1]
            row += [_scaled(o.kpis.get(k), f)] + (
                [_scaled(e.low, f), _scaled(e.high, f)] if e is not None else [None, None]
            )
        row += [_cell(o.kpis.get(k)) for k in structural]
        d = o.differences.get("wait")
        f = _unit("wait")[1]
        row += (
            [_scaled(d.mean, f), _scaled(d.low, f), _scaled(d.high, f)] if d else [None, None, None]
        )
        rows.append(tuple(row))
    wait_h = f"wait ({_unit('wait')[0]})"
    team_h = f"team_size ({KPI_BY_KEY['team_size'].unit})"
    summary = ResultTable(
        sheet=SUMMARY_SHEET,
        title=f"PCN {result.pcn}: split options, best score first",
        note=(
            f"{result.enumeration.message}. Options re-run with {result.replications} "
            f"replications over {result.weeks} weeks are ranked first, among themselves; "
            "options screened only follow, in their screening order. Score weights and "
            "sources: Splits assumptions."
        ),
        headers=tuple(headers),
        rows=tuple(rows),
        charts=(
            ChartSpec(
                kind="bar",
                title="Score by option (higher is better)",
                x_column="practice groups",
                y_columns=("score",),
                x_title="option (practice groups)",
                y_title="score (0-1)",
                worst_first=False,
            ),
            ChartSpec(
                kind="bar",
                title="Mean wait in the affected INTs",
                x_column="practice groups",
                y_columns=(wait_h,),
                x_title="option (practice groups)",
                y_title="mean wait (hours)",
                # the best-scored options, as ranked on the board
                rank_by="score",
                worst_first=False,
            ),
            ChartSpec(
                kind="scatter",
                title="Trade-off: largest core team vs mean wait (Pareto: column C)",
                x_column=team_h,
                y_columns=(wait_h,),
                x_title="largest core team (people)",
                y_title="mean wait (hours)",
            ),
        ),
    )
    ints = ResultTable(
        sheet="Splits INTs",
        title="The INTs of each option",
        headers=(
            "rank",
            "option",
            "INT",
            "practices",
            "population",
            "core headcount",
            f"over team size threshold ({result.team_size_threshold})",
            "core FTE",
            "travel minutes per home visit",
            "P(core role with nobody on duty) per rota day",
            "core roles with no one",
            "cover dependence (share of reference core hours)",
        ),
        rows=tuple(
            (
                o.rank,
                o.option.label,
                k.int_code,
                ", ".join(k.practices),
                k.population,
                k.core_headcount,
                "yes" if k.core_headcount > result.team_size_threshold else "no",
                round(k.core_fte, 3),
                round(k.travel_minutes, 2),
                round(k.core_gap_day_probability, 4),
                ", ".join(k.empty_core_roles),
                round(k.cover_dependence, 4),
            )
            for o in result.options
            for k in o.per_int
        ),
    )
    keys = list(result.weights_used)
    scores = ResultTable(
        sheet="Splits scores",
        title="Each KPI's contribution to the score (weight x normalised value)",
        headers=(
            "rank",
            "option",
            "score",
            *(f"{k} (weight {result.weights_used[k]:.2f})" for k in keys),
        ),
        rows=tuple(
            (
                o.rank,
                o.option.label,
                round(o.score, 4),
                *(round(o.contributions.get(k, 0.0), 4) for k in keys),
            )
            for o in result.options
        ),
    )
    en = result.enumeration
    a_rows: list[tuple[Cell, ...]] = [
        ("PCN", result.pcn, "", ""),
        ("scenario", result.scenario_name, "", ""),
        ("what was found", en.message, "", ""),
        (
            "population bounds",
            f"{en.population_min:,}-{en.population_max:,}",
            "people per INT",
            _bounds_source(result),
        ),
        (
            "bounds applied",
            "yes" if en.bounds_applied else "no (nothing fitted; all shown)",
            "",
            "",
        ),
        ("Torbay band", f"{TORBAY_BAND[0]:,}-{TORBAY_BAND[1]:,}", "people per team", TORBAY_SOURCE),
        ("contiguity", ADJACENCY_METHOD, "", "assumption: see docs/splits.md"),
        ("practice adjacency", "; ".join(f"{a}-{b}" for a, b in en.edges), "", "derived"),
        ("simulated weeks", result.weeks, "weeks", SPLIT_WEEKS_SOURCE),
        ("warm-up weeks", result.warmup_weeks, "weeks", "settings"),
        ("seed", result.seed, "", "common random numbers: the same seed for every option"),
        (
            "screening replications",
            result.screen_replications,
            "",
            "--screen-replications (at most --replications)",
        ),
        (
            "screening weeks",
            result.screen_weeks,
            "weeks",
            "--weeks" if result.screen_weeks == result.weeks else MIN_SCREEN_WEEKS_SOURCE,
        ),
        ("final replications", result.replications, "", "--replications"),
        ("options re-run", result.top, "plus the reference", "--top"),
        ("working day", WORKING_DAY_HOURS, "hours", WORKING_DAY_SOURCE),
        ("home visit distance floor", MIN_HOME_VISIT_KM, "km", "as the simulator"),
    ]
    for spec in KPI_SPECS:
        a_rows.append(
            (
                f"weight: {spec.key}",
                result.weights.get(spec.key, 0.0),
                f"used {result.weights_used.get(spec.key, 0.0):.3f}; {spec.better.value} is better; {spec.unit}",
                spec.source,
            )
        )
    for key, (value, source) in result.settings_used.items():
        a_rows.append((f"setting: {key}", _plain(value), "", source))
    for note in result.notes:
        a_rows.append(("note", note, "", ""))
    assumptions = ResultTable(
        sheet="Splits assumptions",
        title="Assumptions, weights, bounds and settings used",
        headers=("item", "value", "unit / detail", "source"),
        rows=tuple(a_rows),
    )
    return (summary, ints, scores, assumptions)


def _bounds_source(result: SplitsResult) -> str:
    en = result.enumeration
    lo, lo_src = result.settings_used["int_population_min"]
    hi, _ = result.settings_used["int_population_max"]
    if (en.population_min, en.population_max) == (lo, hi):
        return f"settings int_population_min/max: {lo_src}"
    return "given on the command line (--pop-min/--pop-max)"


def _plain(v: object) -> Cell:
    return v if isinstance(v, str | int | float | bool) or v is None else str(v)


def write_splits_workbook(result: SplitsResult, out: Path, *, source: Path) -> None:
    """Write the board workbook: ``source`` (inputs untouched) plus the Splits sheets.

    Earlier ``Splits …`` sheets of the same names are replaced. Saved atomically.
    """
    write_results(source, out, splits_tables(result))
