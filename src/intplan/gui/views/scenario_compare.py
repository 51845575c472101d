"""Compare scenarios: this scenario against saved workbooks, paired differences with 95% CIs.

The computation is ``intplan.services.compare`` (as ``intplan compare``): every scenario
simulated with this scenario's seed and horizon (common random numbers), differences
paired by replication. This view only holds the controls and shows the service's rows.
"""

from __future__ import annotations

import math
import threading
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from intplan.domain import Scenario
from intplan.domain.errors import IntplanError
from intplan.gui import backend
from intplan.gui.models.table import Column, RecordTableModel, fmt_number
from intplan.gui.views._run import RunPanel
from intplan.gui.views.common import (
    controls_column,
    fit_columns,
    heading,
    hint,
    make_table,
    spin_box,
)
from intplan.gui.views.context import ViewContext
from intplan.io.errors import WorkbookError
from intplan.services.compare import (
    COMPARE_REPLICATIONS,
    COMPARE_REPLICATIONS_SOURCE,
    CompareOptions,
    CompareResult,
    DifferenceRow,
)
from intplan.services.progress import Progress
from intplan.services.scenario_summary import ScenarioSummary, summarise

BASELINE = "This scenario"
#: text colour of a difference the CI tells apart; the "CI excludes 0" column says it in
#: words too, so the colour is never the only sign
CLEAR = "#0b57d0"
CLEAR_MARK = "✱ yes"
#: the left panel's width: the controls scroll rather than squeeze the tables
CONTROLS_WIDTH = 280

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


def _fmt(value: Any) -> str:
    if not isinstance(value, int | float) or not math.isfinite(value):
        return "–"
    if value == int(value) and abs(value) >= 10:
        return f"{value:,.0f}"
    return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"


def _fmt_signed(value: Any) -> str:
    if not isinstance(value, int | float) or not math.isfinite(value):
        return "–"
    if value and abs(value) < 0.01:  # small but not zero: never "-0.000"
        return f"{value:+.2g}"
    return f"{value:+,.3f}" if abs(value) < 10 else f"{value:+,.1f}"


def _kpi_tip(r: DifferenceRow) -> str:
    how = (
        "simulated: the difference is paired by replication (common random numbers)"
        if r.simulated
        else "from the inputs: exact, no interval"
    )
    return f"{r.label} ({r.unit}); {how}"


def _clear_colour(r: DifferenceRow) -> str | None:
    return CLEAR if r.excludes_zero else None


def _marker(r: DifferenceRow) -> str:
    return CLEAR_MARK if r.excludes_zero else "no"


def difference_columns(*, by_int: bool) -> tuple[Column[DifferenceRow], ...]:
    """What the table is for first: where, which KPI, whether the CI leaves zero out, the
    difference and its interval; then the two means, the unit and the scenario."""
    where: tuple[Column[DifferenceRow], ...] = (
        (Column(header="INT", value=lambda r: r.where),) if by_int else ()
    )
    return (
        *where,
        Column(header="KPI", value=lambda r: r.label, tooltip=_kpi_tip),
        Column(
            header="CI excludes 0",
            value=_marker,
            header_tooltip="✱ yes: the replications tell the scenarios apart on this KPI "
            "(from the inputs: the values differ)",
            colour=_clear_colour,
        ),
        Column(
            header="Difference",
            value=lambda r: r.difference,
            fmt=_fmt_signed,
            numeric=True,
            header_tooltip="Compared scenario minus this scenario (mean of paired differences)",
            colour=_clear_colour,
        ),
        Column(
            header="95% CI low",
            value=lambda r: r.low,
            fmt=_fmt_signed,
            numeric=True,
            colour=_clear_colour,
        ),
        Column(
            header="95% CI high",
            value=lambda r: r.high,
            fmt=_fmt_signed,
            numeric=True,
            colour=_clear_colour,
        ),
        Column(header=BASELINE, value=lambda r: r.baseline, fmt=_fmt, numeric=True),
        Column(header="Compared scenario", value=lambda r: r.value, fmt=_fmt, numeric=True),
        Column(header="Unit", value=lambda r: r.unit),
        Column(header="Scenario", value=lambda r: r.scenario),
    )


DIFFERENCE_COLUMNS = difference_columns(by_int=False)
INT_DIFFERENCE_COLUMNS = difference_columns(by_int=True)


class ScenarioCompareView(QWidget):
    """Add saved workbooks, simulate them with this one, show the paired differences."""

    def __init__(self, ctx: ViewContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.comparison: CompareResult | None = None
        self.others: list[tuple[str, Scenario]] = []  # label, workbook as read when added
        self.scenarios: list[ScenarioSummary] = []
        self._build_controls()
        self._build_results()
        body = QSplitter()
        body.addWidget(self._controls_panel())
        body.addWidget(self.result_tabs)
        body.setStretchFactor(1, 1)
        body.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Compare scenarios"))
        layout.addWidget(
            hint(
                "Add saved workbooks, then simulate them all with this scenario's seed and "
                "warm-up: differences against this scenario are paired by replication, with "
                "95% CIs, for all INTs and INT by INT (✱: the CI leaves zero out)."
            )
        )
        layout.addWidget(body, 1)
        ctx.document.scenario_changed.connect(self._scenario_changed)
        ctx.document.path_changed.connect(self._load_defaults)
        self._scenario_changed()
        self._load_defaults()

    # -- building ---------------------------------------------------------
    def _build_controls(self) -> None:
        self.add_scenario_button = QPushButton("Add a workbook…")
        self.add_scenario_button.clicked.connect(self.add_workbook)
        self.clear_scenarios_button = QPushButton("Clear")
        self.clear_scenarios_button.setToolTip("Forget the added workbooks")
        self.clear_scenarios_button.clicked.connect(self.clear_workbooks)
        self.compare_replications = spin_box(
            2, 1000, COMPARE_REPLICATIONS, tip=COMPARE_REPLICATIONS_SOURCE
        )
        self.compare_weeks = spin_box(1, 520, suffix=" weeks")
        self.compare_runs = RunPanel(
            self.ctx,
            run_text="Compare scenarios",
            on_run=self.compare_workbooks,
            failure_title="Scenario comparison failed",
            cancelled_text="Cancelled",
            status_lines=3,
        )

    def _controls_panel(self) -> QScrollArea:
        files = QHBoxLayout()
        files.addWidget(self.add_scenario_button, 1)
        files.addWidget(self.clear_scenarios_button)
        form = QFormLayout()
        form.addRow("Replications", self.compare_replications)
        form.addRow("Horizon", self.compare_weeks)
        return controls_column((files, form, self.compare_runs), CONTROLS_WIDTH)

    def _build_results(self) -> None:
        self.result_tabs = QTabWidget()
        self.scenario_model = RecordTableModel(SUMMARY_COLUMNS)
        self.scenario_table = make_table()
        self.scenario_table.setModel(self.scenario_model)
        fit_columns(self.scenario_table, (200, 50, 70, 100, 90, 90, 140, 140, 110))
        self.result_tabs.addTab(self.scenario_table, "Scenarios side by side")
        self.difference_model = RecordTableModel(DIFFERENCE_COLUMNS)
        self.difference_table = make_table()
        self.difference_table.setModel(self.difference_model)
        fit_columns(self.difference_table, (210, 95, 90, 85, 85, 100, 100, 120, 120))
        self.result_tabs.addTab(self.difference_table, "Differences: all INTs")
        self.int_model = RecordTableModel(INT_DIFFERENCE_COLUMNS)
        self.int_table = make_table()
        self.int_table.setModel(self.int_model)
        fit_columns(self.int_table, (90, 200, 95, 90, 85, 85, 100, 100, 120, 120))
        self.only_clear = QCheckBox("Only differences whose CI leaves zero out")
        self.only_clear.toggled.connect(self._show_int_rows)
        by_int = QWidget()
        by_int_layout = QVBoxLayout(by_int)
        by_int_layout.setContentsMargins(0, 0, 0, 0)
        by_int_layout.addWidget(self.only_clear)
        by_int_layout.addWidget(self.int_table, 1)
        self.by_int_page = by_int
        self.result_tabs.addTab(by_int, "Differences by INT")

    # -- the document -------------------------------------------------------
    def _load_defaults(self) -> None:
        """A newly opened scenario brings its own horizon (as ``intplan compare``)."""
        settings = self.ctx.document.scenario.settings
        self.compare_weeks.setValue(settings.horizon_weeks)
        self.compare_weeks.setToolTip(settings.source("horizon_weeks"))

    def _scenario_changed(self) -> None:
        here = summarise(BASELINE, self.ctx.document.scenario)
        self.scenarios = [here, *self.scenarios[1:]]
        self.scenario_model.set_rows(self.scenarios)

    # -- workbooks to compare ----------------------------------------------
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
        self.int_model.set_rows(())
        self.compare_runs.progress.setValue(0)
        self.compare_runs.status_label.setText(status)

    # -- running --------------------------------------------------------------
    def compare_options(self) -> CompareOptions:
        return CompareOptions(
            replications=self.compare_replications.value(), weeks=self.compare_weeks.value()
        )

    def run(self) -> None:
        """F5 on this view."""
        self.compare_workbooks()

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
            job, starting="Preparing the simulation…", on_finished=self._compared
        )

    def _compared(self, result: object) -> None:
        assert isinstance(result, CompareResult)
        self.comparison = result
        self.difference_model.set_rows(result.difference_rows())
        self._show_int_rows()
        n = len(result.scenarios) - 1
        clear = sum(r.excludes_zero for r in result.int_difference_rows())
        self.compare_runs.finish(
            f"{n} workbook{'s' if n != 1 else ''} vs this scenario: {result.replications} "
            f"replications × {result.weeks} weeks, seed {result.seed}; {clear} INT "
            "difference(s) clear of zero"
        )
        self.result_tabs.setCurrentWidget(self.difference_table)
        self.ctx.status("Scenario comparison finished")

    def _show_int_rows(self) -> None:
        rows = self.comparison.int_difference_rows() if self.comparison else ()
        if self.only_clear.isChecked():
            rows = tuple(r for r in rows if r.excludes_zero)
        self.int_model.set_rows(rows)

    def prepare_screenshot(self) -> None:
        """Nothing to add without a second workbook: the screenshot shows the controls."""
