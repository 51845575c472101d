"""A sweep's result as the ``Sweep`` sheet (io/sweep_sheet.py): tornados, heat maps and
the variants table."""

from __future__ import annotations

from pathlib import Path

from intplan.io.sweep_sheet import Cell, HeatMap, SweepSheet, Tornado, write_sweep_sheet
from intplan.services.compare import SIMULATED
from intplan.services.sweep import SweepResult

#: KPIs that are shares (shown as percentages)
SHARES = frozenset({"within_target", "utilisation", "continuity"})
#: KPIs where more is better (the heat map colours them green at the top)
HIGHER_IS_BETTER = frozenset({"within_target", "continuity"})


def _kpi_label(kpi: str) -> str:
    label, unit = SIMULATED[kpi]
    return f"{label} ({unit})"


def sweep_sheet(result: SweepResult) -> SweepSheet:
    r = result
    tornados = []
    for kpi in r.kpis:
        bars = r.tornado(kpi)
        if bars:
            tornados.append(
                Tornado(
                    kpi=_kpi_label(kpi),
                    parameters=tuple(b.parameter for b in bars),
                    low_values=tuple(b.low_value for b in bars),
                    high_values=tuple(b.high_value for b in bars),
                    at_low=tuple(b.at_low for b in bars),
                    at_high=tuple(b.at_high for b in bars),
                    baseline=r.estimates[0][kpi].mean,
                    number_format="0.00%" if kpi in SHARES else "0.00",
                )
            )
    heat_maps = []
    for kpi in r.kpis:
        grid = r.heat_map(kpi)
        if grid is not None:
            down, across, means = grid
            heat_maps.append(
                HeatMap(
                    kpi=_kpi_label(kpi),
                    row_parameter=r.varies[0].label,
                    column_parameter=r.varies[1].label,
                    rows=down,
                    columns=across,
                    values=tuple(tuple(m) for m in means),
                    higher_is_better=kpi in HIGHER_IS_BETTER,
                    number_format="0.0%" if kpi in SHARES else "0.00",
                )
            )
    labels = [v.label for v in r.varies]
    headers = (
        "variant",
        *labels,
        "kpi",
        "unit",
        "mean",
        "ci_low",
        "ci_high",
        "change_vs_baseline",
        "change_ci_low",
        "change_ci_high",
    )
    rows: list[tuple[Cell, ...]] = []
    for x, est, diff in zip(r.variants, r.estimates, r.differences, strict=True):
        values = dict(x.values)
        for kpi in r.kpis:
            e, d = est[kpi], diff[kpi]
            rows.append(
                (
                    x.index,
                    *(values.get(label) for label in labels),
                    kpi,
                    SIMULATED[kpi][1],
                    e.mean,
                    e.low,
                    e.high,
                    d.mean,
                    d.low,
                    d.high,
                )
            )
    numbers = ("mean", "ci_low", "ci_high", "change_vs_baseline", "change_ci_low", "change_ci_high")
    return SweepSheet(
        title=f"Sweep of {r.scenario_name}: design {r.design}, {len(r.variants)} variants "
        f"x {r.replications} replications",
        note=f"{r.weeks} weeks after {r.warmup_weeks} warm-up weeks, seed {r.seed}; every "
        "variant uses the same random numbers (replication r of each shares its seed), so "
        "changes from the baseline are paired. Variant 0 is the workbook as it is; blank "
        "parameter cells are the workbook's values.",
        tornados=tuple(tornados),
        heat_maps=tuple(heat_maps),
        headers=headers,
        rows=tuple(rows),
        number_formats={h: "0.000" for h in numbers},
    )


def write_sweep_results(result: SweepResult, *, source: str | Path, out: str | Path) -> None:
    write_sweep_sheet(source, out, sweep_sheet(result))
