"""Simulate: settings and patient-behaviour switches, Run with progress and Cancel, charts
with CI bands, and result tables (by activity and by INT) with the service's own figures."""

from __future__ import annotations

import os
import threading

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from intplan.domain.settings import UNMET_DESTINATIONS
from intplan.gui.behaviours import BehaviourSwitchesWidget
from intplan.gui.chart_style import DisplayNames
from intplan.gui.charts import ChartWidget
from intplan.gui.models.table import RecordTableModel
from intplan.gui.views._run import RunPanel
from intplan.gui.views.common import (
    controls_scroll,
    fit_columns,
    heading,
    hint,
    make_table,
    spin_box,
)
from intplan.gui.views.context import ViewContext
from intplan.gui.views.simulate_charts import (
    booking_bars,
    utilisation_bars,
    wait_lines,
    wait_percentile_bars,
)
from intplan.gui.views.simulate_tables import (
    HOURS,
    INT_COLUMNS,
    activity_columns,
    ci_text,
)
from intplan.services.past_results import PastResults
from intplan.services.progress import Progress
from intplan.services.simulate import (
    IntRecord,
    SimulationOptions,
    SimulationResult,
    run_simulation,
)

#: the activity columns without a scenario's names (codes only), for model checks
KPI_COLUMNS = activity_columns(DisplayNames.codes_only())


def _percent(value: float) -> str:
    return f"{value:.0f}%"


class SimulateView(QWidget):
    result_ready = Signal(object)  # a SimulationResult, once shown here

    def __init__(self, ctx: ViewContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.result: SimulationResult | None = None
        self.names = DisplayNames.from_scenario(ctx.document.scenario)
        settings = ctx.document.scenario.settings

        self.replications = spin_box(
            1, 1000, settings.replications, tip=settings.source("replications")
        )
        self.weeks = spin_box(
            1, 520, settings.horizon_weeks, tip=settings.source("horizon_weeks"), suffix=" weeks"
        )
        self.seed = spin_box(0, 2_000_000_000, settings.seed, tip=settings.source("seed"))
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
        self.behaviours = BehaviourSwitchesWidget(ctx.document)
        self.behaviour_boxes = self.behaviours.boxes
        self.runs = RunPanel(
            ctx, run_text="Run simulation", on_run=self.run, failure_title="Simulation failed"
        )
        box = QGroupBox("Settings")
        box_layout = QVBoxLayout(box)
        box_layout.addLayout(form)
        box_layout.addWidget(self.behaviours)
        box_layout.addWidget(self.runs)
        box_layout.addStretch()
        controls = controls_scroll(box, box.sizeHint().width() + 16, 320)

        self.int_combo = QComboBox()
        self.int_combo.setMinimumContentsLength(12)
        self.int_combo.currentIndexChanged.connect(lambda _: self._show())
        self.headline = QLabel("Run the simulation to see waits, utilisation and KPIs.")
        self.headline.setObjectName("hint")
        self.headline.setWordWrap(True)
        self.wait_chart = ChartWidget("Mean wait by week", "Week after warm-up", "Wait (hours)")
        self.dist_chart = ChartWidget("Wait percentiles by activity (95% CI)", "Wait (hours)", "")
        self.util_chart = ChartWidget("Utilisation by role (95% CI)", "Utilisation (%)", "")
        self.booking_chart = ChartWidget(
            "Attended contacts by days from request to contact (NHS categories)",
            "Share of attended contacts (%)",
            "",
        )
        self.charts = QTabWidget()
        self.charts.setDocumentMode(True)
        for title, chart in (
            ("Waits by week", self.wait_chart),
            ("Wait percentiles", self.dist_chart),
            ("Utilisation by role", self.util_chart),
            ("Booking categories", self.booking_chart),
        ):
            self.charts.addTab(chart, title)
        self.kpi_model = RecordTableModel(activity_columns(self.names))
        self.kpi_table = make_table()
        self.kpi_table.setModel(self.kpi_model)
        fit_columns(self.kpi_table, (200, 120, 120, 110, 100, 100, 100, 110, 130, 130, 150))
        self.int_model = RecordTableModel(INT_COLUMNS)
        self.int_table = make_table()
        self.int_table.setModel(self.int_model)
        fit_columns(self.int_table, [110] * len(INT_COLUMNS))
        self.tables = QTabWidget()
        self.tables.setDocumentMode(True)
        self.tables.addTab(self.kpi_table, "By activity (chosen INT)")
        self.tables.addTab(self.int_table, "By INT")

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.charts)
        split.addWidget(self.tables)
        split.setChildrenCollapsible(False)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 3)
        split.setSizes([400, 300])  # in proportion: the table keeps several rows in view
        self.results_split = split

        pick = QHBoxLayout()
        pick.addWidget(QLabel("INT"))
        pick.addWidget(self.int_combo)
        pick.addWidget(self.headline, 1)
        right_box = QWidget()
        right = QVBoxLayout(right_box)
        right.setContentsMargins(0, 0, 0, 0)
        right.addLayout(pick)
        right.addWidget(split, 1)
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(controls)
        body.addWidget(right_box)
        body.setStretchFactor(0, 0)
        body.setStretchFactor(1, 1)
        body.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Simulate"))
        layout.addWidget(
            hint(
                "A discrete-event simulation of every INT: requests arrive by hour, day and "
                "season; staff work their rotas; waits, utilisation and escalations are "
                "measured over independent replications with 95% confidence intervals. "
                "Hover a bar or a line for names, codes and figures."
            )
        )
        layout.addWidget(body, 1)
        self.wait_chart.set_empty("Run the simulation (F5)")
        for chart in (self.dist_chart, self.util_chart, self.booking_chart):
            chart.set_empty("Run the simulation (F5)")
        ctx.document.path_changed.connect(self._load_defaults)

    def _fill_scope(self) -> None:
        self.scope.clear()
        self.scope.addItem("All INTs", "")
        for unit in self.ctx.document.scenario.ints:
            self.scope.addItem(f"{unit.code} only", unit.code)

    def _load_defaults(self) -> None:
        """A newly opened scenario brings its own settings and names."""
        self._fill_scope()
        scenario = self.ctx.document.scenario
        settings = scenario.settings
        self.replications.setValue(settings.replications)
        self.weeks.setValue(settings.horizon_weeks)
        self.seed.setValue(settings.seed)
        self.names = DisplayNames.from_scenario(scenario)
        self.kpi_model = RecordTableModel(activity_columns(self.names))
        self.kpi_table.setModel(self.kpi_model)

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
        scenario = self.ctx.document.scenario  # a frozen snapshot, behaviour switches and all
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
        self.int_model.set_rows(result.ints)
        self._show()
        self.ctx.status("Simulation finished")
        self.result_ready.emit(result)

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
            self._headline(unit, [a.activity for a in acts if a.backlog_growing])
        names = self.names
        lines = wait_lines([w for w in r.weekly_activities if w.int_code == code], names)
        self.wait_chart.set_axis_titles("Week after warm-up", lines.unit.title("Mean wait"))
        self.wait_chart.lines(
            lines.weeks, lines.series, tips=lines.tips, fmt=lambda v: f"{v:,.1f} {lines.unit.name}"
        )
        util = utilisation_bars([x for x in r.roles if x.int_code == code], names)
        self.util_chart.hbars(util.categories, util.series, tips=util.tips, fmt=_percent)
        dist = wait_percentile_bars(acts, names)
        wait_name = dist.unit.name if dist.unit is not None else "hours"
        self.dist_chart.set_axis_titles(f"Wait ({wait_name})", "")
        self.dist_chart.set_title(
            f"Wait percentiles, the {len(dist.categories)} longest p90 waits of "
            f"{len(dist.categories) + dist.left_out} (95% CI; all in the table)"
            if dist.left_out
            else "Wait percentiles by activity (95% CI)"
        )
        self.dist_chart.hbars(
            dist.categories, dist.series, tips=dist.tips, fmt=lambda v: f"{v:,.1f} {wait_name}"
        )
        booking = booking_bars(acts, names)
        if booking.series:
            self.booking_chart.stacked_hbars(
                booking.categories, booking.series, tips=booking.tips, fmt=_percent
            )
        else:
            self.booking_chart.set_empty("No attended contacts")

    def _headline(self, unit: IntRecord, growing: list[str]) -> None:
        unmet = unit.unmet_per_1000_per_week
        self.headline.setText(
            f"Mean wait {ci_text(unit.wait_mean_minutes, HOURS)} h · utilisation "
            f"{100 * unit.utilisation.mean:.0f}% (contact + travel ÷ on duty; Demand & "
            f"capacity shows the expected figure) · backlog growing: "
            f"{', '.join(growing) or 'none'} · continuity "
            f"{100 * unit.continuity_share.mean:.0f}% · escalations "
            f"{unit.escalations_per_week.mean:,.1f}/week · unmet need "
            f"{ci_text(unmet, decimals=2)} per 1,000/week · cost £"
            f"{unit.cost_per_capita_gbp.mean:,.0f} per person"
        )
        where = unit.unmet_destinations_per_1000_per_week
        self.headline.setToolTip(
            "Unmet need (gave up waiting or turned away) per 1,000 registered people a "
            "week, by where people go (Settings unmet_*_share, an assumption):\n"
            + "\n".join(
                f"{label}: {'–' if where.get(key) is None else f'{where[key]:.2f}'}"
                for key, label, _ in UNMET_DESTINATIONS
            )
        )
