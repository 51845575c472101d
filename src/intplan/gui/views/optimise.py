"""Optimise: constraints, Run, the plan (current vs recommended), cover flows, explanations."""

from __future__ import annotations

import dataclasses
import html
import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from intplan.domain import Scenario, Settings
from intplan.domain.errors import IntplanError
from intplan.gui.charts import ChartWidget, Series
from intplan.gui.models.table import Column, RecordTableModel, fmt_number
from intplan.gui.views._run import RunPanel
from intplan.gui.views.common import controls_scroll, fit_columns, heading, hint, make_table
from intplan.gui.views.context import ViewContext
from intplan.services.optimise import (
    OPTION_SOURCES,
    CoverFlow,
    OptimiseOptions,
    OptimiseResult,
    PlanRow,
    WaitComparison,
    apply_plan,
    run_optimise,
)
from intplan.services.past_results import PastResults
from intplan.services.progress import Progress

ALL = "__all__"

PLAN_COLUMNS: tuple[Column[PlanRow], ...] = (
    Column(header="INT", value=lambda r: r.int_code),
    Column(header="Role", value=lambda r: r.role),
    Column(header="Current FTE", value=lambda r: r.current_fte, fmt=fmt_number(2), numeric=True),
    Column(
        header="Recommended FTE", value=lambda r: r.recommended_fte, fmt=fmt_number(2), numeric=True
    ),
    Column(
        header="Change (FTE)",
        value=lambda r: r.recommended_fte - r.current_fte,
        fmt=lambda v: f"{v:+,.2f}",
        numeric=True,
        colour=lambda r: (
            "#1b7f3b"
            if r.recommended_fte > r.current_fte + 1e-6
            else ("#b3261e" if r.recommended_fte < r.current_fte - 1e-6 else None)
        ),
    ),
    Column(header="Vacant FTE", value=lambda r: r.vacant_fte, fmt=fmt_number(2), numeric=True),
    Column(
        header="Moved in (FTE)", value=lambda r: r.moved_in_fte, fmt=fmt_number(2), numeric=True
    ),
    Column(
        header="Moved out (FTE)", value=lambda r: r.moved_out_fte, fmt=fmt_number(2), numeric=True
    ),
    Column(
        header="Recruited (FTE)", value=lambda r: r.recruited_fte, fmt=fmt_number(2), numeric=True
    ),
    Column(
        header="Cost now (£/year)",
        value=lambda r: r.current_cost_gbp,
        fmt=fmt_number(0),
        numeric=True,
    ),
    Column(
        header="Cost planned (£/year)",
        value=lambda r: r.recommended_cost_gbp,
        fmt=fmt_number(0),
        numeric=True,
    ),
)

#: on screen without scrolling sideways at 1366x768 (tests/gui/test_layout_1366.py)
KEY_PLAN_COLUMNS = ("INT", "Role", "Current FTE", "Recommended FTE", "Change (FTE)")

COVER_COLUMNS: tuple[Column[CoverFlow], ...] = (
    Column(header="From INT", value=lambda r: r.from_int),
    Column(header="To INT", value=lambda r: r.to_int),
    Column(header="Role", value=lambda r: r.role),
    Column(
        header="Hours per week", value=lambda r: r.hours_per_week, fmt=fmt_number(1), numeric=True
    ),
    Column(
        header="Travel (minutes)", value=lambda r: r.travel_minutes, fmt=fmt_number(0), numeric=True
    ),
)

VERIFY_COLUMNS: tuple[Column[WaitComparison], ...] = (
    Column(header="INT", value=lambda r: r.int_code or "whole ICS"),
    Column(header="Measure", value=lambda r: r.metric.replace("_", " ")),
    Column(
        header="Before",
        value=lambda r: r.before,
        fmt=fmt_number(2),
        numeric=True,
        tooltip=lambda r: f"95% CI {r.before_ci[0]:,.2f}–{r.before_ci[1]:,.2f}",
    ),
    Column(
        header="After",
        value=lambda r: r.after,
        fmt=fmt_number(2),
        numeric=True,
        tooltip=lambda r: f"95% CI {r.after_ci[0]:,.2f}–{r.after_ci[1]:,.2f}",
    ),
)


def _spin(
    value: float, low: float, high: float, step: float, decimals: int, tip: str
) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setValue(value)
    box.setToolTip(f"Source: {tip}")
    return box


class OptimiseView(QWidget):
    def __init__(self, ctx: ViewContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.outcome: OptimiseResult | None = None
        # The plan is for the scenario it was computed on: it may be applied only while
        # that scenario is open (once; undo brings it back), never on top of itself.
        self._plan_for: Scenario | None = None
        self._running_for: Scenario | None = None
        self._applied: Scenario | None = None
        self._loaded = False  # the plan shown was read from the workbook, not run here
        defaults = OptimiseOptions()

        self.ceiling = QDoubleSpinBox()
        self.cover_cap = QDoubleSpinBox()
        self.move_cap = QDoubleSpinBox()
        self.percentile = QDoubleSpinBox()
        self.budget = QDoubleSpinBox()
        for box, low, high, step in (
            (self.ceiling, 0.05, 1.0, 0.05),
            (self.cover_cap, 0.0, 1.0, 0.05),
            (self.move_cap, 0.0, 1.0, 0.05),
            (self.percentile, 0.01, 0.999, 0.05),
        ):
            box.setRange(low, high)
            box.setSingleStep(step)
            box.setDecimals(2)
        self.budget.setRange(0, 1e10)
        self.budget.setDecimals(0)
        self.budget.setSingleStep(100000)
        self.budget.setPrefix("£ ")
        self.budget.setSpecialValueText("no limit")
        self.min_core = _spin(defaults.min_core_fte, 0, 10, 0.5, 1, OPTION_SOURCES["min_core_fte"])
        self.recruit = _spin(defaults.recruit_share, 0, 1, 0.05, 2, OPTION_SOURCES["recruit_share"])
        self.time_limit = _spin(
            defaults.time_limit_seconds, 1, 3600, 10, 0, OPTION_SOURCES["time_limit_seconds"]
        )
        self.time_limit.setSuffix(" s")
        self.integer = QCheckBox("Posts in 0.1 FTE steps (slower)")
        self.verify = QSpinBox()
        self.verify.setRange(0, 100)
        self.verify.setValue(0)
        self.verify.setSpecialValueText("off")
        self.verify.setToolTip("Simulate before and after the plan with this many replications")
        form = QFormLayout()
        form.setVerticalSpacing(4)  # ten rows and the Run panel fit a 768-pixel screen
        form.addRow("Utilisation ceiling", self.ceiling)
        form.addRow("Cover share cap", self.cover_cap)
        form.addRow("Moves cap (share of FTE)", self.move_cap)
        form.addRow("Demand percentile", self.percentile)
        form.addRow("Annual pay budget", self.budget)
        form.addRow("Core FTE per INT per role", self.min_core)
        form.addRow("Recruitment (share a year)", self.recruit)
        form.addRow("Time limit", self.time_limit)
        form.addRow(self.integer)
        form.addRow("Verify by simulation (replications)", self.verify)
        self.runs = RunPanel(
            ctx,
            run_text="Run optimiser",
            on_run=self.run,
            failure_title="Optimiser failed",
            # a solver cannot be interrupted: Cancel discards what it returns
            cancelled_text="Cancelled; the result was discarded",
        )
        self.apply_button = QPushButton("Apply plan to scenario")
        self.apply_button.clicked.connect(self.apply_plan)
        ctx.document.scenario_changed.connect(self._update_apply)
        self._update_apply()
        group = QGroupBox("Constraints")
        box_layout = QVBoxLayout(group)
        box_layout.addLayout(form)
        box_layout.addWidget(self.runs)
        box_layout.addStretch()
        constraints = controls_scroll(group, group.sizeHint().width() + 16, 380)

        self.int_combo = QComboBox()
        self.int_combo.setMinimumContentsLength(14)
        self.int_combo.currentIndexChanged.connect(lambda _: self._show())
        self.chart = ChartWidget("FTE by role: current and recommended", "FTE", "")
        self.plan_model = RecordTableModel(PLAN_COLUMNS)
        self.cover_model = RecordTableModel(COVER_COLUMNS)
        self.verify_model = RecordTableModel(VERIFY_COLUMNS)
        self.explain = QTextBrowser()
        # One tab per part of the answer, each with the whole width: side by side, the
        # chart left the plan table room for two columns at 1366x768.
        tabs = QTabWidget()
        tables = []
        for model, widths in (
            (self.plan_model, (90, 60, 100, 130, 100, 90)),
            (self.cover_model, (100, 100, 70, 130)),
            (self.verify_model, (100, 200, 100, 100)),
        ):
            view = make_table()
            view.setModel(model)
            fit_columns(view, widths)
            tables.append(view)
        self.plan_table, cover_table, verify_table = tables
        tabs.addTab(self.plan_table, "Plan")
        tabs.addTab(self.chart, "FTE by role")
        tabs.addTab(self.explain, "Why this plan")
        tabs.addTab(cover_table, "Cover flows")
        tabs.addTab(verify_table, "Verification")
        tabs.setTabToolTip(0, "Current vs recommended FTE for each INT and role")
        tabs.setTabToolTip(4, "Waits before and after the plan, by simulation")
        self.result_tabs = tabs
        pick = QHBoxLayout()
        pick.addWidget(QLabel("Show"))
        pick.addWidget(self.int_combo)
        pick.addStretch()
        pick.addWidget(self.apply_button)  # beside the plan it applies
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(pick)
        right_layout.addWidget(tabs, 1)
        body = QSplitter(Qt.Orientation.Horizontal)
        body.setChildrenCollapsible(False)
        body.addWidget(constraints)
        body.addWidget(right)
        body.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Optimise"))
        layout.addWidget(
            hint(
                "A linear programme chooses each role's FTE in each INT, staff moves, new posts "
                "and cover between adjacent INTs to meet demand at least cost. Hover a "
                "constraint to see where its default comes from."
            )
        )
        layout.addWidget(body, 1)
        self.chart.set_empty("Run the optimiser (F5)")
        self.explain.setHtml("<p style='color:#5a6b7b'>The optimiser's reasons appear here.</p>")
        ctx.document.path_changed.connect(self._load_settings)
        self._load_settings()

    def _load_settings(self) -> None:
        s = self.ctx.document.scenario.settings
        for box, key in (
            (self.ceiling, "utilisation_ceiling"),
            (self.cover_cap, "cover_share_cap"),
            (self.move_cap, "move_fte_cap_share"),
            (self.percentile, "demand_percentile"),
            (self.budget, "budget_gbp"),
        ):
            box.setValue(float(getattr(s, key)))
            box.setToolTip(f"Source: {s.source(key)}")

    def _settings(self) -> Settings:
        s = self.ctx.document.scenario.settings
        return dataclasses.replace(
            s,
            utilisation_ceiling=self.ceiling.value(),
            cover_share_cap=self.cover_cap.value(),
            move_fte_cap_share=self.move_cap.value(),
            demand_percentile=self.percentile.value(),
            budget_gbp=self.budget.value(),
        )

    def options(self) -> OptimiseOptions:
        return OptimiseOptions(
            integer=self.integer.isChecked(),
            time_limit_seconds=self.time_limit.value(),
            min_core_fte=self.min_core.value(),
            recruit_share=self.recruit.value(),
        )

    def run(self) -> None:
        if self.ctx.runner.busy:
            return
        doc = self.ctx.document
        try:
            settings = self._settings()
            options = self.options()
        except IntplanError as exc:
            self.ctx.prompts.show_error(self, "Check the constraints", str(exc))
            return
        if settings != doc.scenario.settings:
            # The constraints are scenario settings: record the change so it is saved and undoable.
            doc.apply(
                dataclasses.replace(doc.scenario, settings=settings), "Change optimiser constraints"
            )
        scenario = doc.scenario
        self._running_for = scenario
        verify = self.verify.value()

        def job(progress: Progress, cancel: threading.Event) -> OptimiseResult:
            return run_optimise(
                scenario, options, verify_replications=verify, progress=progress, cancel=cancel
            )

        self.runs.start(job, starting="Building the model…", on_finished=self._finished)

    def _finished(self, result: object) -> None:
        assert isinstance(result, OptimiseResult)
        self._loaded = False
        self._show_outcome(result, "")
        self._plan_for, self._applied = self._running_for, None
        self._update_apply()

    def show_loaded(self, past: PastResults) -> None:
        """Show the plan stored in the opened workbook (nothing is re-run). It is for
        reading: the staff moves are not stored, so Apply needs a fresh run."""
        if past.optimisation is None:
            return
        self._loaded = True
        self._show_outcome(past.optimisation, "Loaded from the workbook · ")
        self._plan_for, self._applied = None, None
        self._update_apply()

    def _show_outcome(self, result: OptimiseResult, prefix: str) -> None:
        self.outcome = result
        r = result.result
        cost = ""
        if r.costs is not None:
            cost = f" · objective £{r.objective:,.0f}" if r.objective is not None else ""
        self.runs.finish(
            f"{prefix}{r.status.value.replace('_', ' ').capitalize()} ({r.solver}, "
            f"{r.solve_seconds:.1f} s){cost}"
        )
        current = self.int_combo.currentData()
        self.int_combo.blockSignals(True)
        self.int_combo.clear()
        self.int_combo.addItem("Whole ICS", ALL)
        for code in sorted({p.int_code for p in r.plan}):
            self.int_combo.addItem(code, code)
        self.int_combo.setCurrentIndex(max(0, self.int_combo.findData(current)))
        self.int_combo.blockSignals(False)
        self.cover_model.set_rows(r.cover)
        self.verify_model.set_rows(result.verification.comparisons if result.verification else ())
        self._show()
        self._explain(result)

    def select_int(self, code: str) -> None:
        index = self.int_combo.findData(code)
        if index >= 0:
            self.int_combo.setCurrentIndex(index)

    def _show(self) -> None:
        if self.outcome is None:
            return
        code = self.int_combo.currentData()
        rows = [p for p in self.outcome.result.plan if code in (ALL, p.int_code)]
        self.plan_model.set_rows(rows)
        roles: dict[str, list[float]] = {}
        for p in rows:
            pair = roles.setdefault(p.role, [0.0, 0.0])
            pair[0] += p.current_fte
            pair[1] += p.recommended_fte
        names = sorted(roles, key=lambda k: -roles[k][1])
        self.chart.hbars(
            names,
            [
                Series(name="Current", values=[roles[k][0] for k in names]),
                Series(name="Recommended", values=[roles[k][1] for k in names]),
            ],
        )

    def _explain(self, outcome: OptimiseResult) -> None:
        r = outcome.result
        parts = [f"<p><b>{html.escape(r.message)}</b></p>"] if r.message else []
        if r.explanations:
            parts.append("<h3>Why this plan</h3><ul>")
            parts += [f"<li>{html.escape(e)}</li>" for e in r.explanations]
            parts.append("</ul>")
        if r.binding:
            parts.append("<h3>What limits it</h3><ul>")
            parts += [f"<li>{html.escape(b.sentence)}</li>" for b in r.binding[:15]]
            parts.append("</ul>")
        if r.relaxations:
            parts.append("<h3>What would make it feasible</h3><ul>")
            parts += [f"<li>{html.escape(x.sentence)}</li>" for x in r.relaxations]
            parts.append("</ul>")
        if outcome.verification_note:
            parts.append(f"<p><i>{html.escape(outcome.verification_note)}</i></p>")
        self.explain.setHtml("".join(parts) or "<p>No explanations were produced.</p>")

    def _can_apply(self) -> bool:
        return (
            self.outcome is not None
            and self.outcome.result.feasible
            and self._plan_for is not None
            and self.ctx.document.scenario is self._plan_for
        )

    def _update_apply(self) -> None:
        self.apply_button.setEnabled(self._can_apply())
        scenario = self.ctx.document.scenario
        if self.outcome is None:
            tip = "Run the optimiser first"
        elif not self.outcome.result.feasible:
            tip = "The optimiser found no plan to apply"
        elif self._loaded:
            tip = "This plan was loaded from the workbook: run the optimiser to apply a plan"
        elif self._applied is not None and scenario is self._applied:
            tip = "The plan is applied (Ctrl+Z takes it back)"
        elif not self._can_apply():
            tip = "The scenario changed since this plan was computed: run the optimiser again"
        else:
            tip = "Move and add staff as planned (undo with Ctrl+Z)"
        self.apply_button.setToolTip(tip)

    def apply_plan(self) -> None:
        if not self._can_apply():
            return  # applied already, or the plan is for another scenario
        assert self.outcome is not None
        doc = self.ctx.document
        try:
            new = apply_plan(doc.scenario, self.outcome.result)
        except IntplanError as exc:
            self.ctx.prompts.show_error(self, "Cannot apply the plan", str(exc))
            return
        self._applied = new
        doc.apply(new, "Apply the optimiser's plan")
        self.ctx.status("Plan applied: staff moved and planned posts added (Ctrl+Z to undo)")

    def prepare_screenshot(self) -> None:
        self.run()
