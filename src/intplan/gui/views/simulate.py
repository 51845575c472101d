"""Simulate: settings, Run with progress and Cancel, charts with CI bands, a KPI table."""

from __future__ import annotations

import math
import os
import threading
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from intplan.gui.charts import ChartWidget, Series
from intplan.gui.models.table import Column, RecordTableModel, fmt_number, fmt_percent
from intplan.gui.views._run import RunPanel
from intplan.gui.views.common import fit_columns, heading, hint, make_table
from intplan.gui.views.context import ViewContext
from intplan.services.past_results import PastResults
from intplan.services.progress import Progress
from intplan.services.simulate import (
    ActivityRecord,
    SimulationOptions,
    SimulationResult,
    run_simulation,
)


class Interval(Protocol):
    """A mean with its 95% confidence interval, as the simulation service reports it."""

    @property
    def mean(self) -> float: ...
    @property
    def low(self) -> float: ...
    @property
    def high(self) -> float: ...
    @property
    def n(self) -> int: ...


def _ci(e: Interval, scale: float = 1.0, decimals: int = 1) -> str:
    if not math.isfinite(e.mean):
        return "–"
    if not (math.isfinite(e.low) and math.isfinite(e.high)) or e.n < 2:
        return f"{e.mean * scale:,.{decimals}f}"
    return f"{e.mean * scale:,.{decimals}f} ({e.low * scale:,.{decimals}f}–{e.high * scale:,.{decimals}f})"


HOURS = 1 / 60  # the service reports minutes; planners read hours

KPI_COLUMNS: tuple[Column[ActivityRecord], ...] = (
    Column(header="Activity", value=lambda r: r.activity),
    Column(
        header="Requests per week",
        value=lambda r: r.arrivals_per_week.mean,
        fmt=fmt_number(0),
        numeric=True,
        tooltip=lambda r: f"95% CI {_ci(r.arrivals_per_week, decimals=0)}",
    ),
    Column(
        header="Mean wait (hours)",
        value=lambda r: r.wait_mean_minutes.mean * HOURS,
        fmt=fmt_number(1),
        numeric=True,
        tooltip=lambda r: f"95% CI {_ci(r.wait_mean_minutes, HOURS)}",
    ),
    Column(
        header="p90 wait (hours)",
        value=lambda r: r.wait_p90_minutes.mean * HOURS,
        fmt=fmt_number(1),
        numeric=True,
        tooltip=lambda r: f"95% CI {_ci(r.wait_p90_minutes, HOURS)}",
    ),
    Column(
        header="Within target",
        value=lambda r: r.within_target_share.mean,
        fmt=fmt_percent(0),
        numeric=True,
        tooltip=lambda r: f"95% CI {_ci(r.within_target_share, 100, 0)} %",
    ),
    Column(
        header="Escalations per week",
        value=lambda r: r.escalations_per_week.mean,
        fmt=fmt_number(1),
        numeric=True,
        header_tooltip="Waits beyond the activity's tolerance that go to ED",
    ),
    Column(
        header="Backlog at end (requests)",
        value=lambda r: r.backlog_end.mean,
        fmt=fmt_number(0),
        numeric=True,
    ),
)


class SimulateView(QWidget):
    def __init__(self, ctx: ViewContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.result: SimulationResult | None = None
        settings = ctx.document.scenario.settings

        self.replications = QSpinBox()
        self.replications.setRange(1, 1000)
        self.replications.setValue(settings.replications)
        self.replications.setToolTip(settings.source("replications"))
        self.weeks = QSpinBox()
        self.weeks.setRange(1, 520)
        self.weeks.setSuffix(" weeks")
        self.weeks.setValue(settings.horizon_weeks)
        self.weeks.setToolTip(settings.source("horizon_weeks"))
        self.seed = QSpinBox()
        self.seed.setRange(0, 2_000_000_000)
        self.seed.setValue(settings.seed)
        self.seed.setToolTip(settings.source("seed"))
        self.workers = QSpinBox()
        self.workers.setRange(0, max(1, os.cpu_count() or 1))
        self.workers.setSpecialValueText("Automatic")  # 0: one per core for long runs
        self.workers.setValue(0)
        self.workers.setToolTip(
            "Processes running replications in parallel. Automatic uses one per core for "
            "long runs and one for short ones; a seed gives the same results on any number"
        )
        self.scope = QComboBox()
        self.scope.setToolTip(
            "Simulate every INT (with cover between neighbours) or one INT on its own "
            "for a quick look"
        )
        self._fill_scope()
        form = QFormLayout()
        form.addRow("INTs", self.scope)
        form.addRow("Replications", self.replications)
        form.addRow("Horizon", self.weeks)
        form.addRow("Seed", self.seed)
        form.addRow("Workers", self.workers)
        self.runs = RunPanel(
            ctx, run_text="Run simulation", on_run=self.run, failure_title="Simulation failed"
        )
        box = QGroupBox("Settings")
        box_layout = QVBoxLayout(box)
        box_layout.addLayout(form)
        box_layout.addWidget(self.runs)
        box_layout.addStretch()
        box.setMaximumWidth(300)

        self.int_combo = QComboBox()
        self.int_combo.setMinimumContentsLength(12)
        self.int_combo.currentIndexChanged.connect(lambda _: self._show())
        self.headline = QLabel("Run the simulation to see waits, utilisation and KPIs.")
        self.headline.setObjectName("hint")
        self.headline.setWordWrap(True)
        self.wait_chart = ChartWidget("Mean wait by week", "Week after warm-up", "Wait (hours)")
        self.util_chart = ChartWidget("Utilisation by role (95% CI)", "Role", "Utilisation (%)")
        self.dist_chart = ChartWidget(
            "Wait distribution by activity (95% CI)", "Activity", "Wait (hours)"
        )
        self.kpi_model = RecordTableModel(KPI_COLUMNS)
        self.kpi_table = make_table()
        self.kpi_table.setModel(self.kpi_model)
        fit_columns(self.kpi_table, (80, 130, 190, 120, 100, 150))

        charts = QGridLayout()
        charts.addWidget(self.wait_chart, 0, 0)
        charts.addWidget(self.dist_chart, 1, 0)
        charts.addWidget(self.util_chart, 0, 1, 2, 1)
        charts.setColumnStretch(0, 3)
        charts.setColumnStretch(1, 2)
        chart_box = QWidget()
        chart_box.setLayout(charts)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(chart_box)
        split.addWidget(self.kpi_table)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        pick = QHBoxLayout()
        pick.addWidget(QLabel("INT"))
        pick.addWidget(self.int_combo)
        pick.addWidget(self.headline, 1)
        right = QVBoxLayout()
        right.addLayout(pick)
        right.addWidget(split, 1)
        body = QHBoxLayout()
        body.addWidget(box)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Simulate"))
        layout.addWidget(
            hint(
                "A discrete-event simulation of every INT: requests arrive by hour, day and "
                "season; staff work their rotas; waits, utilisation and escalations are "
                "measured over independent replications with 95% confidence intervals."
            )
        )
        layout.addLayout(body, 1)
        self.wait_chart.set_empty("Run the simulation (F5)")
        self.util_chart.set_empty("")
        self.dist_chart.set_empty("")
        ctx.document.path_changed.connect(self._load_defaults)

    def _fill_scope(self) -> None:
        self.scope.clear()
        self.scope.addItem("All INTs", "")
        for unit in self.ctx.document.scenario.ints:
            self.scope.addItem(f"{unit.code} only", unit.code)

    def _load_defaults(self) -> None:
        """A newly opened scenario brings its own settings."""
        self._fill_scope()
        settings = self.ctx.document.scenario.settings
        self.replications.setValue(settings.replications)
        self.weeks.setValue(settings.horizon_weeks)
        self.seed.setValue(settings.seed)

    def options(self) -> SimulationOptions:
        return SimulationOptions(
            replications=self.replications.value(),
            weeks=self.weeks.value(),
            seed=self.seed.value(),
            workers=self.workers.value() or None,
            ints=(str(self.scope.currentData()),) if self.scope.currentData() else (),
        )

    def prepare_screenshot(self) -> None:
        """A short run for the documentation pictures."""
        self.scope.setCurrentIndex(1)
        self.replications.setValue(5)
        self.weeks.setValue(26)
        self.run()

    def run(self) -> None:
        if self.ctx.runner.busy:
            return
        scenario = self.ctx.document.scenario  # a frozen snapshot for the worker
        options = self.options()

        def job(progress: Progress, cancel: threading.Event) -> SimulationResult:
            return run_simulation(scenario, options, progress=progress, cancel=cancel)

        self.runs.start(job, starting="Starting…", on_finished=self._finished)

    def _finished(self, result: object) -> None:
        assert isinstance(result, SimulationResult)
        self.result = result
        self.runs.finish(
            f"Done: {result.replications} replications × {result.weeks} weeks, seed {result.seed}"
        )
        current = self.int_combo.currentData()
        codes = sorted({a.int_code for a in result.activities})
        self.int_combo.blockSignals(True)
        self.int_combo.clear()
        for code in codes:
            self.int_combo.addItem(code, code)
        self.int_combo.setCurrentIndex(max(0, self.int_combo.findData(current)))
        self.int_combo.blockSignals(False)
        self._show()
        self.ctx.status("Simulation finished")

    # -- results stored in an opened workbook (issue 15 item 7; added by the desk branch) --
    def show_loaded(self, past: PastResults) -> None:
        """Show the simulation the opened workbook holds, as if just run (not re-run)."""
        r = past.simulation
        if r is None:
            return
        self._finished(r)
        self.runs.finish(
            f"Loaded from the workbook: {r.replications} replications × {r.weeks} weeks, "
            f"seed {r.seed}"
        )

    def select_int(self, code: str) -> None:
        index = self.int_combo.findData(code)
        if index >= 0:
            self.int_combo.setCurrentIndex(index)

    def _show(self) -> None:
        r = self.result
        if r is None:
            return
        code = self.int_combo.currentData()
        acts = [a for a in r.activities if a.int_code == code]
        self.kpi_model.set_rows(acts)
        unit = next((i for i in r.ints if i.int_code == code), None)
        if unit is not None:
            growing = ", ".join(a.activity for a in acts if a.backlog_growing) or "none"
            self.headline.setText(
                f"Mean wait {_ci(unit.wait_mean_minutes, HOURS)} h · utilisation "
                f"{100 * unit.utilisation.mean:.0f}% (contact + travel ÷ on duty; Demand & "
                f"capacity shows the expected figure) · backlog growing: {growing} · continuity "
                f"{100 * unit.continuity_share.mean:.0f}% · escalations "
                f"{unit.escalations_per_week.mean:,.1f}/week · cost £"
                f"{unit.cost_per_capita_gbp.mean:,.0f} per person"
            )
        weekly: dict[str, list[tuple[int, float]]] = {}
        for w in r.weekly_activities:
            if w.int_code == code and math.isfinite(w.wait_mean_minutes):
                weekly.setdefault(w.activity, []).append((w.week, w.wait_mean_minutes * HOURS))
        series = []
        weeks: list[float] = []
        for act, points in sorted(weekly.items()):
            points.sort()
            weeks = [float(p[0]) for p in points]
            series.append(Series(name=act, values=[p[1] for p in points]))
        same_length = [s for s in series if len(s.values) == len(weeks)]
        self.wait_chart.lines(weeks, same_length)
        roles = sorted(
            (x for x in r.roles if x.int_code == code and x.fte > 0),
            key=lambda x: -_finite(x.utilisation.mean, 0.0),
        )
        self.util_chart.hbars(
            [x.role for x in roles],
            [
                Series(
                    name="Utilisation",
                    values=[100 * x.utilisation.mean for x in roles],
                    low=[100 * _finite(x.utilisation.low, x.utilisation.mean) for x in roles],
                    high=[100 * _finite(x.utilisation.high, x.utilisation.mean) for x in roles],
                )
            ],
        )
        self.dist_chart.bars(
            [a.activity for a in acts],
            [
                Series(
                    name=name,
                    values=[_finite(getattr(a, attr).mean, 0.0) * HOURS for a in acts],
                    low=[
                        _finite(getattr(a, attr).low, getattr(a, attr).mean) * HOURS for a in acts
                    ],
                    high=[
                        _finite(getattr(a, attr).high, getattr(a, attr).mean) * HOURS for a in acts
                    ],
                )
                for name, attr in (
                    ("p50", "wait_p50_minutes"),
                    ("p90", "wait_p90_minutes"),
                    ("p95", "wait_p95_minutes"),
                )
            ],
        )


def _finite(value: float, fallback: float) -> float:
    if math.isfinite(value):
        return value
    return fallback if math.isfinite(fallback) else 0.0
