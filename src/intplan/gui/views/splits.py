"""PCN split options: should a PCN be one INT, or two or three?

The computation is ``intplan.services.splits.compare_splits`` (as ``intplan
compare-splits``); this view holds its controls, two charts and the service's tables.

Room for more: :meth:`SplitsView.add_panel` adds a page beside the result tables that
stays across runs, and ``options_ready`` hands each run's ``SplitsResult`` to whoever
draws it (a map of each option, say).
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from intplan.gui.charts import ChartWidget, Series
from intplan.gui.models.table import Column, RecordTableModel
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
from intplan.services.past_results import SPLITS_SHEET, PastResults, SplitsTable
from intplan.services.progress import Progress
from intplan.services.splits import SplitsOptions, SplitsResult, compare_splits, splits_tables

Row = tuple[Any, ...]
#: the stored summary's wait column (intplan.services.splits_board writes it)
WAIT_KPI = "wait"
WAIT_HOURS = "wait (hours)"
#: at most this many bars in a chart (the tables list every option)
MAX_BARS = 15
CONTROLS_WIDTH = 260


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


def most_populous_pcn(scenario: Any) -> str | None:
    """The PCN most likely to need splitting: the one with most registered people."""
    pop = {p.code: 0 for p in scenario.pcns}
    for practice in scenario.practices:
        pop[practice.pcn] = pop.get(practice.pcn, 0) + practice.population
    largest = max(scenario.pcns, key=lambda p: pop.get(p.code, 0), default=None)
    return largest.code if largest else None


class SplitsView(QWidget):
    """Controls on the left (scrolling when short of room), charts and tables on the right."""

    #: a finished run's ``SplitsResult``
    options_ready = Signal(object)

    def __init__(self, ctx: ViewContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.result: SplitsResult | None = None
        #: the workbook whose stored comparison is shown (None: a run's, or nothing)
        self.loaded_from: str | None = None
        self._split_tabs: list[QWidget] = []  # the service's tables, first
        self._build_controls()
        self.score_chart = ChartWidget("Options by score (higher is better)", "Option", "Score")
        self.wait_chart = ChartWidget(
            "Mean wait, affected INTs (95% CI)", "Option", "Mean wait (hours)"
        )
        charts = QWidget()
        charts_layout = QHBoxLayout(charts)
        charts_layout.setContentsMargins(0, 0, 0, 0)
        charts_layout.addWidget(self.score_chart)
        charts_layout.addWidget(self.wait_chart)
        self.result_tabs = QTabWidget()
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.addWidget(charts)
        self.split.addWidget(self.result_tabs)
        self.split.setChildrenCollapsible(False)
        self.split.setSizes([1000, 1000])  # charts and tables share the height
        body = QSplitter()
        body.addWidget(self._controls_panel())
        body.addWidget(self.split)
        body.setStretchFactor(1, 1)
        body.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("PCN split options"))
        layout.addWidget(
            hint(
                "Should a PCN be one INT, or two or three? Every contiguous grouping of its "
                "practices is scored on waits, team size, travel, continuity, cover and "
                "resilience; the short list is simulated with paired replications."
            )
        )
        layout.addWidget(body, 1)
        self.score_chart.set_empty("Choose a PCN and compare (F5)")
        self.wait_chart.set_empty("")
        ctx.document.scenario_changed.connect(self._scenario_changed)
        self._scenario_changed()

    def _build_controls(self) -> None:
        self.pcn_combo = QComboBox()
        self.pcn_combo.setMinimumContentsLength(12)
        self.pcn_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.pcn_combo.currentIndexChanged.connect(self._pcn_tip)
        self.max_ints = spin_box(
            1, 3, 3, tip="Seed 000:149-151: some PCNs may need sub-division into 2-3 INTs"
        )
        self.replications = spin_box(
            1,
            1000,
            10,
            tip="Replications for the short-listed options (more gives tighter intervals)",
        )
        self.screen_reps = spin_box(
            1, 100, 3, tip="Replications used to screen every option before the short list"
        )
        self.runs = RunPanel(
            self.ctx,
            run_text="Compare splits",
            on_run=self.run,
            failure_title="Split comparison failed",
            cancelled_text="Cancelled",
            status_lines=3,
        )

    def _controls_panel(self) -> QScrollArea:
        form = QFormLayout()
        # the PCN's name is long: a row of its own, the full width of the panel
        form.addRow(QLabel("PCN"))
        form.addRow(self.pcn_combo)
        form.addRow("Up to INTs", self.max_ints)
        form.addRow("Screening replications", self.screen_reps)
        form.addRow("Final replications", self.replications)
        return controls_column((form, self.runs), CONTROLS_WIDTH)

    def add_panel(self, title: str, widget: QWidget) -> None:
        """A page beside the result tables that stays across runs (e.g. a map of the
        options, fed from ``options_ready``)."""
        self.result_tabs.addTab(widget, title)

    def _scenario_changed(self) -> None:
        s = self.ctx.document.scenario
        current = self.pcn_combo.currentData()
        self.pcn_combo.blockSignals(True)
        self.pcn_combo.clear()
        for p in s.pcns:
            n = len(s.practices_of_pcn.get(p.code, ()))
            self.pcn_combo.addItem(f"{p.name} ({n} practices)", p.code)
        wanted = current or most_populous_pcn(s)
        self.pcn_combo.setCurrentIndex(max(0, self.pcn_combo.findData(wanted)))
        self.pcn_combo.blockSignals(False)
        self._pcn_tip()

    def _pcn_tip(self) -> None:
        """The combo is narrow: the full name on hover."""
        self.pcn_combo.setToolTip(self.pcn_combo.currentText())

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
        self.loaded_from = None
        n = len(result.options)
        self.runs.finish(f"{n} option{'s' if n != 1 else ''} compared for {result.pcn}")
        self._show_tables(result)
        self._show_charts(result)
        self.options_ready.emit(result)

    def _show_tables(self, result: SplitsResult) -> None:
        self._set_tables([(t.sheet, t.headers, t.rows) for t in splits_tables(result)])

    def _set_tables(self, tables: list[tuple[str, tuple[str, ...], tuple[Row, ...]]]) -> None:
        """Replace the previous tables; pages added with ``add_panel`` stay, after."""
        for old in self._split_tabs:
            self.result_tabs.removeTab(self.result_tabs.indexOf(old))
            old.deleteLater()
        self._split_tabs = []
        for n, (sheet, headers, rows) in enumerate(tables):
            view = make_table()
            view.setModel(RecordTableModel(table_columns(headers), rows))
            fit_columns(view, [110] * len(headers))
            self.result_tabs.insertTab(n, view, sheet)
            self._split_tabs.append(view)
        self.result_tabs.setCurrentIndex(0)

    # -- a split comparison stored in an opened workbook (not re-run) -------------------
    def show_loaded(self, past: PastResults) -> bool:
        """Show the workbook's ``Splits summary`` as its table and charts; False when it
        holds none. Only the summary is stored as rows, so only it is shown."""
        table = past.splits
        if table is None:
            return False
        self.loaded_from = past.file
        pcn = re.match(r"PCN (\S+?):", table.title)  # splits_board's title: "PCN X: …"
        if pcn and (index := self.pcn_combo.findData(pcn.group(1))) >= 0:
            self.pcn_combo.setCurrentIndex(index)
        self._set_tables([(SPLITS_SHEET, table.headers, table.rows)])
        self._show_stored_charts(table)
        name = Path(past.file).name
        self.runs.finish(f"Loaded from {name}: {table.title or 'split options'}")
        return True

    def _show_stored_charts(self, table: SplitsTable) -> None:
        def column(header: str) -> list[Any] | None:
            if header not in table.headers:
                return None
            k = table.headers.index(header)
            return [row[k] if k < len(row) else None for row in table.rows[:MAX_BARS]]

        def number(v: Any) -> float:
            return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else math.nan

        ranks = column("rank") or []
        ints = column("INTs") or [None] * len(ranks)
        labels = [
            f"#{r}: {n} INT{'s' if n != 1 else ''}" if isinstance(n, int) else f"#{r}"
            for r, n in zip(ranks, ints, strict=True)
        ]
        tips = [str(g) for g in column("practice groups") or labels]
        n = len(table.rows)
        shown = f" (best {MAX_BARS} of {n})" if n > MAX_BARS else ""
        self.score_chart.getPlotItem().setTitle(
            f"Options by score (higher is better){shown}", size="11pt"
        )
        scores = [number(v) for v in column("score") or []]
        self.score_chart.bars(labels, [Series(name="Score", values=scores)], tips=tips)
        waits = column(WAIT_HOURS)
        if waits is None or all(math.isnan(number(w)) for w in waits):
            self.wait_chart.set_empty("No simulated waits stored")
            return
        low, high = column(f"{WAIT_KPI} CI95 low"), column(f"{WAIT_KPI} CI95 high")
        self.wait_chart.bars(
            labels,
            [
                Series(
                    name="Mean wait",
                    values=[number(w) for w in waits],
                    low=[number(v) for v in low] if low and high else None,
                    high=[number(v) for v in high] if low and high else None,
                )
            ],
            tips=tips,
        )

    def _show_charts(self, result: SplitsResult) -> None:
        rows = result.option_rows()[:MAX_BARS]  # best rank first
        n = len(result.options)
        shown = f" (best {MAX_BARS} of {n})" if n > MAX_BARS else ""
        self.score_chart.getPlotItem().setTitle(
            f"Options by score (higher is better){shown}", size="11pt"
        )
        labels = [r.chart_label for r in rows]
        self.score_chart.bars(labels, [Series(name="Score", values=[r.score for r in rows])])
        waits = [(r.wait_hours, r.wait_low_hours, r.wait_high_hours) for r in rows]
        if all(w[0] is not None for w in waits):
            self.wait_chart.bars(
                labels,
                [
                    Series(
                        name="Mean wait",
                        values=[math.nan if w[0] is None else w[0] for w in waits],
                        low=[math.nan if w[1] is None else w[1] for w in waits],
                        high=[math.nan if w[2] is None else w[2] for w in waits],
                    )
                ],
            )
        else:
            self.wait_chart.set_empty("Waits are simulated for short-listed options only")

    def prepare_screenshot(self) -> None:
        if self.loaded_from is not None:  # stored results are the picture; nothing runs
            return
        self.replications.setValue(3)
        self.screen_reps.setValue(2)
        self.run()
