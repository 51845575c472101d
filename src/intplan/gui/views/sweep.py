"""Sweep: vary assumptions, run the variants on Dask (or the local pool), and see which
move the answer: a tornado per KPI and every variant's mean with its 95% CI.

Not yet in the view registry (views/registry.py): add ``("Sweep", SweepView(ctx))``.
"""

from __future__ import annotations

import math
import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from intplan.domain import Scenario
from intplan.gui.charts import ChartWidget, Series
from intplan.gui.models.table import Column, RecordTableModel, fmt_number
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
from intplan.services.compare import SIMULATED
from intplan.services.progress import Progress
from intplan.services.sweep import SWEEP_KPIS, SweepOptions, SweepResult, run_sweep
from intplan.services.sweep_dask import available_cores
from intplan.services.sweep_design import DESIGNS
from intplan.services.sweep_params import PARAMETERS, Vary, parse_vary

#: (variant label, KPI mean, CI low, CI high, change from baseline, its CI low and high)
Row = tuple[str, float, float, float, float, float, float]

ROW_COLUMNS: tuple[Column[Row], ...] = (
    Column(header="Variant", value=lambda r: r[0]),
    Column(header="Mean", value=lambda r: r[1], fmt=fmt_number(3), numeric=True),
    Column(header="95% CI low", value=lambda r: r[2], fmt=fmt_number(3), numeric=True),
    Column(header="95% CI high", value=lambda r: r[3], fmt=fmt_number(3), numeric=True),
    Column(
        header="Change vs baseline",
        value=lambda r: r[4],
        fmt=fmt_number(3),
        numeric=True,
        header_tooltip="Paired: every variant uses the baseline's random numbers",
    ),
    Column(header="Change CI low", value=lambda r: r[5], fmt=fmt_number(3), numeric=True),
    Column(header="Change CI high", value=lambda r: r[6], fmt=fmt_number(3), numeric=True),
)


def starting_lines(scenario: Scenario) -> str:
    """A first sweep that fits the scenario: growth, the first activity's demand and the
    first role's productive fraction."""
    lines = ["growth=0:2"]
    if scenario.activities:
        lines.append(f"demand_scale[{scenario.activities[0].code}]=0.9:1.1")
    if scenario.roles:
        lines.append(f"productive[{scenario.roles[0].code}]=0.7:0.9")
    return "\n".join(lines)


class SweepView(QWidget):
    def __init__(self, ctx: ViewContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.result: SweepResult | None = None
        settings = ctx.document.scenario.settings
        self.varies = QPlainTextEdit(starting_lines(ctx.document.scenario))
        self.varies.setToolTip(
            "One parameter a line: NAME=LOW:HIGH[:STEPS]. Names: "
            + ", ".join(
                p.name if p.key is None else f"{p.name}[{p.key.upper()}]" for p in PARAMETERS
            )
        )
        self.varies.setMaximumHeight(110)
        self.design = QComboBox()
        for name in DESIGNS:
            self.design.addItem(name, name)
        self.design.setToolTip(
            "oat: one at a time (tornado); grid: every combination; lhs: Latin hypercube"
        )
        self.replications = spin_box(2, 1000, max(2, settings.replications))
        self.weeks = spin_box(1, 520, settings.horizon_weeks, suffix=" weeks")
        self.workers = spin_box(1, max(1, available_cores()), max(1, available_cores()))
        self.engine = QComboBox()
        self.engine.addItem("Dask, local cluster", "dask")
        self.engine.addItem("Local process pool", "local")
        form = QFormLayout()
        form.addRow("Design", self.design)
        form.addRow("Replications", self.replications)
        form.addRow("Horizon", self.weeks)
        form.addRow("Workers", self.workers)
        form.addRow("Engine", self.engine)
        self.runs = RunPanel(
            ctx, run_text="Run sweep", on_run=self.run, failure_title="Sweep failed"
        )
        box = QGroupBox("Sweep")
        box_layout = QVBoxLayout(box)
        params_label = QLabel("Parameters (NAME=LOW:HIGH[:STEPS], one a line)")
        params_label.setWordWrap(True)  # the controls column is narrow on a 1366-px laptop
        box_layout.addWidget(params_label)
        box_layout.addWidget(self.varies)
        box_layout.addLayout(form)
        box_layout.addWidget(self.runs)
        box_layout.addStretch()
        box.setMaximumWidth(320)
        controls = controls_scroll(box, box.sizeHint().width() + 16, 336)

        self.kpi = QComboBox()
        for key in SWEEP_KPIS:
            label, unit = SIMULATED[key]
            self.kpi.addItem(f"{label} ({unit})", key)
        self.kpi.currentIndexChanged.connect(lambda _: self._show())
        self.tornado = ChartWidget("Tornado", "Change from baseline", "")
        self.table_model: RecordTableModel[Row] = RecordTableModel(ROW_COLUMNS)
        self.table = make_table()
        self.table.setModel(self.table_model)
        fit_columns(self.table, (260, 90, 90, 90, 130, 110, 110))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tornado)
        split.addWidget(self.table)
        pick = QHBoxLayout()
        pick.addWidget(QLabel("KPI"))
        pick.addWidget(self.kpi, 1)
        right = QVBoxLayout()
        right.addLayout(pick)
        right.addWidget(split, 1)
        body = QHBoxLayout()
        body.addWidget(controls)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Sweep"))
        layout.addWidget(
            hint(
                "Which assumptions move the answer? Each variant is simulated with the same "
                "replications (common random numbers), so changes from the baseline are "
                "paired. docs/sweep.md lists the parameters."
            )
        )
        layout.addLayout(body, 1)
        self.tornado.set_empty("Run the sweep")

    def parsed(self) -> list[Vary] | None:
        """The parameters typed, or None after telling the user what is wrong."""
        varies, problems = [], []
        for line in self.varies.toPlainText().splitlines():
            if line.strip():
                try:
                    varies.append(parse_vary(line))
                except ValueError as e:
                    problems.append(str(e))
        if not varies and not problems:
            problems.append("give at least one parameter, e.g. growth=0:2")
        if problems:
            self.ctx.prompts.show_error(self, "Sweep parameters", "\n".join(problems))
            return None
        return varies

    def run(self) -> None:
        if self.ctx.runner.busy:
            return
        varies = self.parsed()
        if varies is None:
            return
        scenario = self.ctx.document.scenario  # a frozen snapshot for the worker
        options = SweepOptions(
            design=str(self.design.currentData()),
            replications=self.replications.value(),
            weeks=self.weeks.value(),
            engine=str(self.engine.currentData()),
            workers=self.workers.value(),
        )

        def job(progress: Progress, cancel: threading.Event) -> SweepResult:
            return run_sweep(scenario, varies, options, progress=progress, cancel=cancel)

        self.runs.start(job, starting="Starting the cluster…", on_finished=self._finished)

    def _finished(self, result: object) -> None:
        assert isinstance(result, SweepResult)
        self.result = result
        run = result.run
        self.runs.finish(
            f"Done: {len(result.variants)} variants × {result.replications} replications on "
            f"{run.engine} ({run.workers} workers), {run.wall_seconds:.0f} s"
        )
        self._show()
        self.ctx.status("Sweep finished")

    def _show(self) -> None:
        r = self.result
        if r is None:
            return
        kpi = str(self.kpi.currentData())
        self.table_model.set_rows(
            [
                (
                    x.label,
                    e[kpi].mean,
                    e[kpi].low,
                    e[kpi].high,
                    d[kpi].mean,
                    d[kpi].low,
                    d[kpi].high,
                )
                for x, e, d in zip(r.variants, r.estimates, r.differences, strict=True)
            ]
        )
        bars = r.tornado(kpi)
        if not bars:
            self.tornado.set_empty("A tornado needs the oat design")
            return
        series = [
            Series(name="at low", values=[_finite(b.at_low) for b in bars]),
            Series(name="at high", values=[_finite(b.at_high) for b in bars]),
        ]
        self.tornado.hbars([b.parameter for b in bars], series)
        # hbars shows 0 and up; a tornado's changes go both ways from the baseline
        values = [v for s in series for v in s.values]
        low, high = min(0.0, *values), max(0.0, *values)
        pad = 0.05 * (high - low) or 1.0
        self.tornado.setXRange(low - pad, high + pad, padding=0)


def _finite(x: float) -> float:
    return x if math.isfinite(x) else 0.0
