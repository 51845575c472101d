"""Compare: PCN split options (1, 2 or 3 INTs) and other scenarios, side by side.

Scenario comparison runs ``intplan.services.compare`` (as ``intplan compare`` does):
every scenario simulated with this scenario's seed and horizon, and paired
differences against this scenario with 95% confidence intervals.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from intplan.domain import Scenario
from intplan.domain.errors import IntplanError
from intplan.gui import backend
from intplan.gui.charts import ChartWidget, Series
from intplan.gui.models.table import Column, RecordTableModel, fmt_number
from intplan.gui.views._run import RunPanel
from intplan.gui.views.common import fit_columns, heading, hint, make_table
from intplan.gui.views.context import ViewContext
from intplan.io.errors import WorkbookError
from intplan.services.capacity import capacity_table
from intplan.services.compare import (
    COMPARE_REPLICATIONS,
    COMPARE_REPLICATIONS_SOURCE,
    SIMULATED,
    STRUCTURAL,
    CompareOptions,
    CompareResult,
)
from intplan.services.progress import Progress
from intplan.services.splits import SplitsOptions, SplitsResult, compare_splits, splits_tables

Row = tuple[Any, ...]


def _fmt_cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "–"
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    return str(value)


def _cell_getter(n: int) -> Callable[[Row], Any]:
    def get(row: Row) -> Any:
        return row[n] if n < len(row) else None

    return get


def table_columns(headers: tuple[str, ...]) -> tuple[Column[Row], ...]:
    """Columns for a plain service table (header row + rows)."""
    return tuple(
        Column(header=h, value=_cell_getter(n), fmt=_fmt_cell) for n, h in enumerate(headers)
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioSummary:
    """One scenario's headline numbers, for side-by-side comparison."""

    label: str
    ints: int
    practices: int
    population: int
    headcount: int
    fte: float
    demand_hours_per_week: float
    capacity_hours_per_week: float

    @property
    def demand_share_of_capacity(self) -> float:
        c = self.capacity_hours_per_week
        return self.demand_hours_per_week / c if c else math.nan


def summarise(label: str, s: Scenario) -> ScenarioSummary:
    table = capacity_table(s)
    return ScenarioSummary(
        label=label,
        ints=len(s.ints),
        practices=len(s.practices),
        population=s.population,
        headcount=sum(1 for p in s.staff if not p.vacant),
        fte=sum(p.fte for p in s.staff if not p.vacant),
        demand_hours_per_week=sum(i.demand_hours_per_week for i in table.ints),
        capacity_hours_per_week=sum(i.capacity_hours_per_week for i in table.ints),
    )


SUMMARY_COLUMNS: tuple[Column[ScenarioSummary], ...] = (
    Column(header="Scenario", value=lambda r: r.label),
    Column(header="INTs", value=lambda r: r.ints, fmt=fmt_number(0), numeric=True),
    Column(header="Practices", value=lambda r: r.practices, fmt=fmt_number(0), numeric=True),
    Column(header="Population", value=lambda r: r.population, fmt=fmt_number(0), numeric=True),
    Column(header="Staff in post", value=lambda r: r.headcount, fmt=fmt_number(0), numeric=True),
    Column(header="FTE in post", value=lambda r: r.fte, fmt=fmt_number(1), numeric=True),
    Column(
        header="Demand (hours/week)",
        value=lambda r: r.demand_hours_per_week,
        fmt=fmt_number(0),
        numeric=True,
    ),
    Column(
        header="Capacity (hours/week)",
        value=lambda r: r.capacity_hours_per_week,
        fmt=fmt_number(0),
        numeric=True,
    ),
    Column(
        header="Demand / capacity",
        value=lambda r: r.demand_share_of_capacity,
        fmt=lambda v: "–" if not math.isfinite(v) else f"{100 * v:.0f}%",
        numeric=True,
    ),
)


BASELINE = "This scenario"


@dataclass(frozen=True, slots=True, kw_only=True)
class DifferenceRow:
    """One KPI of one compared scenario, minus this scenario's (paired by replication)."""

    scenario: str
    kpi: str
    unit: str
    simulated: bool  # False: from the inputs, exact (no interval)
    baseline: float
    value: float
    difference: float
    low: float | None  # 95% CI of the paired difference; None when exact
    high: float | None

    @property
    def clear(self) -> str:
        """Does the 95% CI leave zero out (a difference the replications can tell)?"""
        if self.low is None or self.high is None:
            return "yes (exact)" if self.difference else "no (exact)"
        if not (math.isfinite(self.low) and math.isfinite(self.high)):
            return "–"
        return "yes" if self.low > 0 or self.high < 0 else "no"


def difference_rows(result: CompareResult) -> tuple[DifferenceRow, ...]:
    """The comparison's paired differences against the first scenario, KPI by KPI."""
    labels = SIMULATED | STRUCTURAL
    base = result.scenarios[0].estimates()
    rows = []
    for s, d in zip(result.scenarios[1:], result.differences[1:], strict=True):
        values = s.estimates()
        for k in result.kpi_keys():
            simulated = k in SIMULATED
            e = d[k]
            rows.append(
                DifferenceRow(
                    scenario=s.source or s.name,
                    kpi=labels[k][0],
                    unit=labels[k][1],
                    simulated=simulated,
                    baseline=base[k].mean,
                    value=values[k].mean,
                    difference=e.mean,
                    low=e.low if simulated else None,
                    high=e.high if simulated else None,
                )
            )
    return tuple(rows)


def _fmt_signed(value: Any) -> str:
    if not isinstance(value, int | float) or not math.isfinite(value):
        return "–"
    return f"{value:+,.3f}" if abs(value) < 10 else f"{value:+,.1f}"


def _kpi_tip(r: DifferenceRow) -> str:
    if r.simulated:
        return "Simulated: the difference is paired by replication (common random numbers)"
    return "From the inputs: exact, no interval"


# The difference and its interval first: they are what the table is for.
DIFFERENCE_COLUMNS: tuple[Column[DifferenceRow], ...] = (
    Column(header="Scenario", value=lambda r: r.scenario),
    Column(header="KPI", value=lambda r: r.kpi, tooltip=_kpi_tip),
    Column(
        header="Difference",
        value=lambda r: r.difference,
        fmt=_fmt_signed,
        numeric=True,
        header_tooltip="Compared scenario minus this scenario (mean of paired differences)",
    ),
    Column(header="95% CI low", value=lambda r: r.low, fmt=_fmt_signed, numeric=True),
    Column(header="95% CI high", value=lambda r: r.high, fmt=_fmt_signed, numeric=True),
    Column(
        header="CI excludes 0",
        value=lambda r: r.clear,
        header_tooltip="yes: the replications tell the scenarios apart on this KPI",
    ),
    Column(header=BASELINE, value=lambda r: r.baseline, fmt=_fmt_cell, numeric=True),
    Column(header="Compared scenario", value=lambda r: r.value, fmt=_fmt_cell, numeric=True),
    Column(header="Unit", value=lambda r: r.unit),
)


class CompareView(QWidget):
    def __init__(self, ctx: ViewContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.result: SplitsResult | None = None
        self.comparison: CompareResult | None = None
        self.others: list[tuple[str, Scenario]] = []  # label, workbook as read when added

        self.pcn_combo = QComboBox()
        self.pcn_combo.setMinimumContentsLength(22)
        self.max_ints = QSpinBox()
        self.max_ints.setRange(1, 3)
        self.max_ints.setValue(3)
        self.max_ints.setToolTip("Seed 000:149-151: some PCNs may need sub-division into 2-3 INTs")
        self.replications = QSpinBox()
        self.replications.setRange(1, 1000)
        self.replications.setValue(10)
        self.replications.setToolTip(
            "Replications for the short-listed options (more gives tighter intervals)"
        )
        self.screen_reps = QSpinBox()
        self.screen_reps.setRange(1, 100)
        self.screen_reps.setValue(3)
        self.screen_reps.setToolTip(
            "Replications used to screen every option before the short list"
        )
        form = QFormLayout()
        form.addRow("PCN", self.pcn_combo)
        form.addRow("Up to INTs", self.max_ints)
        form.addRow("Screening replications", self.screen_reps)
        form.addRow("Final replications", self.replications)
        self.runs = RunPanel(
            ctx,
            run_text="Compare splits",
            on_run=self.run,
            failure_title="Split comparison failed",
            cancelled_text="Cancelled",
        )
        self.add_scenario_button = QPushButton("Add a workbook…")
        self.add_scenario_button.clicked.connect(self.add_workbook)
        self.clear_scenarios_button = QPushButton("Clear")
        self.clear_scenarios_button.setToolTip("Forget the added workbooks")
        self.clear_scenarios_button.clicked.connect(self.clear_workbooks)
        self.compare_replications = QSpinBox()
        self.compare_replications.setRange(2, 1000)
        self.compare_replications.setValue(COMPARE_REPLICATIONS)
        self.compare_replications.setToolTip(COMPARE_REPLICATIONS_SOURCE)
        self.compare_weeks = QSpinBox()
        self.compare_weeks.setRange(1, 520)
        self.compare_weeks.setSuffix(" weeks")
        self.compare_runs = RunPanel(
            ctx,
            run_text="Compare scenarios",
            on_run=self.compare_workbooks,
            failure_title="Scenario comparison failed",
            cancelled_text="Cancelled",
        )
        group = QGroupBox("PCN split options")
        group_layout = QVBoxLayout(group)
        group_layout.addLayout(form)
        group_layout.addWidget(self.runs)
        other = QGroupBox("Scenarios side by side")
        other_layout = QVBoxLayout(other)
        other_layout.addWidget(
            hint(
                "Add saved workbooks, then simulate them all with this scenario's seed and "
                "warm-up: differences against this scenario are paired, with 95% CIs."
            )
        )
        files = QHBoxLayout()
        files.addWidget(self.add_scenario_button, 1)
        files.addWidget(self.clear_scenarios_button)
        other_layout.addLayout(files)
        other_form = QFormLayout()
        other_form.addRow("Replications", self.compare_replications)
        other_form.addRow("Horizon", self.compare_weeks)
        other_layout.addLayout(other_form)
        other_layout.addWidget(self.compare_runs)
        left = QVBoxLayout()
        left.addWidget(group)
        left.addWidget(other)
        left.addStretch()
        left_box = QWidget()
        left_box.setLayout(left)
        left_box.setMaximumWidth(340)

        self.score_chart = ChartWidget("Options by score (higher is better)", "Option", "Score")
        self.wait_chart = ChartWidget(
            "Mean wait in the affected INTs (95% CI)", "Option", "Wait (minutes)"
        )
        charts = QHBoxLayout()
        charts.addWidget(self.score_chart)
        charts.addWidget(self.wait_chart)
        chart_box = QWidget()
        chart_box.setLayout(charts)
        self.result_tabs = QTabWidget()
        self.scenarios: list[ScenarioSummary] = []
        self.scenario_model = RecordTableModel(SUMMARY_COLUMNS)
        self.scenario_table = make_table()
        self.scenario_table.setModel(self.scenario_model)
        fit_columns(self.scenario_table, (220, 60, 80, 110, 110, 100, 150, 150, 120))
        self.result_tabs.addTab(self.scenario_table, "Scenarios side by side")
        self.difference_model = RecordTableModel(DIFFERENCE_COLUMNS)
        self.difference_table = make_table()
        self.difference_table.setModel(self.difference_model)
        fit_columns(self.difference_table, (160, 250, 100, 95, 95, 110, 110, 140, 200))
        self.result_tabs.addTab(self.difference_table, "Differences vs this scenario")
        self._split_tabs: list[QWidget] = []  # the splits service's tables, first
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(chart_box)
        split.addWidget(self.result_tabs)
        self.split = split
        body = QHBoxLayout()
        body.addWidget(left_box)
        body.addWidget(split, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Compare"))
        layout.addWidget(
            hint(
                "Should a PCN be one INT, or two or three? Every contiguous grouping of its "
                "practices is scored on waits, team size, travel, continuity, cover and "
                "resilience; the short list is simulated with paired replications."
            )
        )
        layout.addLayout(body, 1)
        self.score_chart.set_empty("Choose a PCN and compare (F5)")
        self.wait_chart.set_empty("")
        ctx.document.scenario_changed.connect(self._scenario_changed)
        ctx.document.path_changed.connect(self._load_defaults)
        self._scenario_changed()
        self._load_defaults()

    def _load_defaults(self) -> None:
        """A newly opened scenario brings its own horizon (as ``intplan compare``)."""
        settings = self.ctx.document.scenario.settings
        self.compare_weeks.setValue(settings.horizon_weeks)
        self.compare_weeks.setToolTip(settings.source("horizon_weeks"))

    def _scenario_changed(self) -> None:
        s = self.ctx.document.scenario
        current = self.pcn_combo.currentData()
        self.pcn_combo.blockSignals(True)
        self.pcn_combo.clear()
        for p in s.pcns:
            n = len(s.practices_of_pcn.get(p.code, ()))
            self.pcn_combo.addItem(f"{p.name} ({n} practices)", p.code)
        # Default to the most populous PCN: the one most likely to need splitting.
        pop = {p.code: 0 for p in s.pcns}
        for practice in s.practices:
            pop[practice.pcn] = pop.get(practice.pcn, 0) + practice.population
        largest = max(s.pcns, key=lambda p: pop.get(p.code, 0), default=None)
        wanted = current or (largest.code if largest else None)
        self.pcn_combo.setCurrentIndex(max(0, self.pcn_combo.findData(wanted)))
        self.pcn_combo.blockSignals(False)
        here = summarise(BASELINE, s)
        self.scenarios = [here, *self.scenarios[1:]]
        self.scenario_model.set_rows(self.scenarios)

    def add_workbook(self) -> None:
        path = self.ctx.prompts.open_workbook(self, str(Path.home()))
        if path:
            self.add_scenario_file(Path(path))

    def add_scenario_file(self, path: Path) -> bool:
        try:
            other = backend.read_scenario(path)
        except WorkbookError as exc:
            self.ctx.prompts.show_error(
                self, "Cannot compare", f"“{path.name}” has {len(exc.issues)} problem(s)."
            )
            return False
        except (IntplanError, OSError) as exc:
            self.ctx.prompts.show_error(self, "Cannot compare", f"“{path.name}”: {exc}")
            return False
        self.scenarios.append(summarise(path.name, other))
        self.scenario_model.set_rows(self.scenarios)
        self.others.append((path.name, other))
        self._forget_comparison(f"{len(self.others)} workbook(s) to compare")
        self.result_tabs.setCurrentWidget(self.scenario_table)
        return True

    def clear_workbooks(self) -> None:
        self.others.clear()
        self.scenarios = self.scenarios[:1]
        self.scenario_model.set_rows(self.scenarios)
        self._forget_comparison("Ready")

    def _forget_comparison(self, status: str) -> None:
        """The set of workbooks changed: earlier differences no longer apply."""
        if self.ctx.runner.busy:
            return  # a running comparison reports on what it was given
        self.comparison = None
        self.difference_model.set_rows(())
        self.compare_runs.progress.setValue(0)
        self.compare_runs.status_label.setText(status)

    def compare_options(self) -> CompareOptions:
        return CompareOptions(
            replications=self.compare_replications.value(), weeks=self.compare_weeks.value()
        )

    def compare_workbooks(self) -> None:
        """Simulate this scenario and the added workbooks; show paired differences."""
        if self.ctx.runner.busy:
            return
        if not self.others:
            self.compare_runs.status_label.setText("Add a workbook to compare first")
            return
        scenarios = [self.ctx.document.scenario, *(s for _, s in self.others)]
        labels = [BASELINE, *(label for label, _ in self.others)]
        options = self.compare_options()

        def job(progress: Progress, cancel: threading.Event) -> CompareResult:
            return backend.compare_scenarios(
                scenarios, options, labels=labels, progress=progress, cancel=cancel
            )

        self.compare_runs.start(
            job, starting="Simulating the scenarios…", on_finished=self._compared
        )

    def _compared(self, result: object) -> None:
        assert isinstance(result, CompareResult)
        self.comparison = result
        self.difference_model.set_rows(difference_rows(result))
        n = len(result.scenarios) - 1
        self.compare_runs.finish(
            f"{n} workbook{'s' if n != 1 else ''} vs this scenario: {result.replications} "
            f"replications × {result.weeks} weeks, seed {result.seed}"
        )
        self.result_tabs.setCurrentWidget(self.difference_table)
        # Give the table half the height: it has a row per KPI and compared scenario.
        total = sum(self.split.sizes())
        self.split.setSizes([total // 2, total - total // 2])
        self.ctx.status("Scenario comparison finished")

    def options(self) -> SplitsOptions:
        return SplitsOptions(
            pcn=str(self.pcn_combo.currentData()),
            max_ints=self.max_ints.value(),
            replications=max(self.replications.value(), self.screen_reps.value()),
            screen_replications=self.screen_reps.value(),
        )

    def run(self) -> None:
        if self.ctx.runner.busy or self.pcn_combo.currentData() is None:
            return
        scenario = self.ctx.document.scenario
        options = self.options()

        def job(progress: Progress, cancel: threading.Event) -> SplitsResult:
            return compare_splits(scenario, options, progress=progress, cancel=cancel)

        self.runs.start(
            job, starting="Enumerating contiguous groupings…", on_finished=self._finished
        )

    def _finished(self, result: object) -> None:
        assert isinstance(result, SplitsResult)
        self.result = result
        n = len(result.options)
        self.runs.finish(f"{n} option{'s' if n != 1 else ''} compared for {result.pcn}")
        # Replace the previous run's tables; the scenario tabs stay, after them.
        for old in self._split_tabs:
            self.result_tabs.removeTab(self.result_tabs.indexOf(old))
            old.deleteLater()
        self._split_tabs = []
        for n, table in enumerate(splits_tables(result)):
            view = make_table()
            view.setModel(RecordTableModel(table_columns(table.headers), table.rows))
            fit_columns(view, [110] * len(table.headers))
            self.result_tabs.insertTab(n, view, table.sheet)
            self._split_tabs.append(view)
        self.result_tabs.setCurrentIndex(0)
        options = result.options
        labels = [
            f"#{o.rank}: {o.option.ints} INT{'s' if o.option.ints > 1 else ''}" for o in options
        ]
        self.score_chart.bars(labels, [Series(name="Score", values=[o.score for o in options])])
        waits = [o.estimates.get("wait") for o in options]
        if all(w is not None for w in waits):
            self.wait_chart.bars(
                labels,
                [
                    Series(
                        name="Mean wait",
                        values=[w.mean for w in waits if w is not None],
                        low=[w.low for w in waits if w is not None],
                        high=[w.high for w in waits if w is not None],
                    )
                ],
            )
        else:
            self.wait_chart.set_empty("Waits are simulated for short-listed options only")

    def prepare_screenshot(self) -> None:
        self.replications.setValue(3)
        self.screen_reps.setValue(2)
        self.run()
