"""Demand & capacity: per INT, expected weekly workload by activity against on-duty hours
by role, from the one workload model (``intplan.services.capacity``, the same numbers as
``intplan info``); the Simulate view shows the waits these averages hide. Demand rates
and interventions are edited here.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from intplan.domain import DemandRate, Intervention
from intplan.domain.errors import IntplanError
from intplan.gui import edits
from intplan.gui.chart_style import DisplayNames
from intplan.gui.charts import ChartWidget
from intplan.gui.models.table import Column, RecordTableModel, fmt_number
from intplan.gui.views.capacity_charts import role_bars, workload_bars
from intplan.gui.views.common import fit_columns, heading, hint, make_table
from intplan.gui.views.context import ViewContext
from intplan.services.capacity import ActivityDemand, CapacityTable, RoleCapacity, capacity_table

SHORTFALL = "#b3261e"


def _hours(value: float) -> str:
    return f"{value:,.0f} hours/week"


def _percent(value: Any) -> str:
    return f"{100 * value:.0f}%" if math.isfinite(value) else "no one on duty"


_ROLE_FIGURES: tuple[Column[RoleCapacity], ...] = (
    Column(header="Headcount", value=lambda r: r.headcount, fmt=fmt_number(0), numeric=True),
    Column(header="FTE", value=lambda r: r.fte, fmt=fmt_number(1), numeric=True),
    Column(
        header="On duty (hours/week)",
        value=lambda r: r.capacity_hours_per_week,
        fmt=fmt_number(0),
        numeric=True,
        header_tooltip="Rostered clinical time within rota hours, less meetings and absence",
    ),
    Column(
        header="Workload (hours/week)",
        value=lambda r: r.demand_hours_per_week,
        fmt=fmt_number(0),
        numeric=True,
        header_tooltip="Expected contacts this role serves (preference order, substitution) "
        "× its minutes, plus home-visit travel",
    ),
    Column(
        header="Utilisation",
        value=lambda r: r.utilisation,
        fmt=_percent,
        numeric=True,
        header_tooltip="Workload ÷ on-duty hours; red: more than on-duty hours plus the "
        "overtime allowed, so the queue grows (a little over 100% is overtime)",
        colour=lambda r: None if r.keeps_up else SHORTFALL,
    ),
    Column(
        header="Balance (hours/week)",
        value=lambda r: r.balance_hours_per_week,
        fmt=fmt_number(0),
        numeric=True,
        header_tooltip="On duty minus workload; negative: staff work past their shift "
        "ends, and beyond the overtime allowed the queue grows",
        colour=lambda r: None if r.keeps_up else SHORTFALL,
    ),
    Column(
        header="Overtime allowed (hours/week)",
        value=lambda r: r.overtime_hours_per_week,
        fmt=fmt_number(0),
        numeric=True,
        header_tooltip="The most this role may work past its shift ends to finish the "
        "contact in hand (Settings overtime_limit_hours_per_day), as the simulator does",
    ),
)


def role_columns(names: DisplayNames) -> tuple[Column[RoleCapacity], ...]:
    """The role table: roles by name, the code on hover."""
    role: Column[RoleCapacity] = Column(
        header="Role", value=lambda r: names.role(r.role), tooltip=lambda r: names.role_tip(r.role)
    )
    return (role, *_ROLE_FIGURES)


_ACTIVITY_FIGURES: tuple[Column[ActivityDemand], ...] = (
    Column(
        header="Contacts per week",
        value=lambda r: r.contacts_per_week,
        fmt=fmt_number(0),
        numeric=True,
    ),
    Column(
        header="Peak week contacts",
        value=lambda r: r.peak_contacts_per_week,
        fmt=fmt_number(0),
        numeric=True,
        header_tooltip="Every activity in its highest week of the horizon at once",
    ),
    Column(
        header="Of which referred",
        value=lambda r: r.referred_contacts_per_week + r.represented_contacts_per_week,
        fmt=fmt_number(0),
        numeric=True,
        header_tooltip="Contacts of referral episodes and re-presentations",
    ),
    Column(
        header="Workload (hours/week)",
        value=lambda r: r.hours_per_week,
        fmt=fmt_number(0),
        numeric=True,
        header_tooltip="Minutes of the roles that serve it, plus home-visit travel",
    ),
)

_ACTIVITY_TAIL: tuple[Column[ActivityDemand], ...] = (
    Column(
        header="Unserved contacts",
        value=lambda r: r.unserved_contacts_per_week,
        fmt=fmt_number(0),
        numeric=True,
        header_tooltip="Demand with nobody eligible on duty in the INT",
        colour=lambda r: SHORTFALL if r.unserved_contacts_per_week > 0 else None,
    ),
)


def activity_columns(names: DisplayNames) -> tuple[Column[ActivityDemand], ...]:
    """The activity table: activities and their preferred role by name, codes on hover."""
    activity: Column[ActivityDemand] = Column(
        header="Activity",
        value=lambda r: names.activity(r.activity),
        tooltip=lambda r: names.activity_tip(r.activity),
    )
    preferred: Column[ActivityDemand] = Column(
        header="Preferred role",
        value=lambda r: names.role(r.preferred_role),
        tooltip=lambda r: names.role_tip(r.preferred_role),
    )
    return (activity, *_ACTIVITY_FIGURES, preferred, *_ACTIVITY_TAIL)


#: the tables' columns with codes only (no scenario's names), for model checks
ROLE_COLUMNS = role_columns(DisplayNames.codes_only())
ACTIVITY_COLUMNS = activity_columns(DisplayNames.codes_only())

RATE_COLUMNS: tuple[Column[DemandRate], ...] = (
    Column(header="Activity", value=lambda r: r.activity),
    Column(header="Age band", value=lambda r: r.age_band),
    Column(
        header="Rate (per 1,000 per week)",
        value=lambda r: r.per_1000_per_week,
        fmt=fmt_number(2),
        numeric=True,
        editable=True,
        tooltip=lambda r: f"Source: {r.source}",
    ),
    Column(header="Source", value=lambda r: r.source, tooltip=lambda r: r.source),
)


def _int_label(code: str | None) -> str:
    return "every INT" if code is None else code


INTERVENTION_COLUMNS: tuple[Column[Intervention], ...] = (
    Column(header="Code", value=lambda r: r.code),
    Column(header="Name", value=lambda r: r.name, editable=True),
    Column(header="Activity", value=lambda r: r.activity),
    Column(header="INT", value=lambda r: _int_label(r.int_code)),
    Column(
        header="Effect (%)",
        value=lambda r: r.effect_pct,
        fmt=fmt_number(1),
        numeric=True,
        editable=True,
        header_tooltip="Change in demand once fully adopted; negative reduces it",
    ),
    Column(header="Start (week)", value=lambda r: r.start_week, numeric=True, editable=True),
    Column(
        header="Lag (weeks)",
        value=lambda r: r.lag_weeks,
        numeric=True,
        editable=True,
        header_tooltip="Seed 000:277: staff 1+ month, patients 3+, health 6+, demand 12+",
    ),
    Column(
        header="Ramp (weeks)",
        value=lambda r: r.ramp_weeks,
        numeric=True,
        editable=True,
        header_tooltip="Seed 001:928: adoption takes 6-12 months",
    ),
    Column(header="Source", value=lambda r: r.source, tooltip=lambda r: r.source),
)

_INTERVENTION_FIELDS = {
    "Name": ("name", str),
    "Effect (%)": ("effect_pct", float),
    "Start (week)": ("start_week", int),
    "Lag (weeks)": ("lag_weeks", int),
    "Ramp (weeks)": ("ramp_weeks", int),
}


class CapacityView(QWidget):
    def __init__(self, ctx: ViewContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.table_data: CapacityTable | None = None
        self._stale = True

        self.int_combo = QComboBox()
        self.int_combo.setMinimumContentsLength(24)
        self.int_combo.currentIndexChanged.connect(lambda _: self._show_int())
        self.summary = QLabel()
        self.summary.setObjectName("hint")
        self.summary.setWordWrap(True)  # a long headline wraps on a 1366-px laptop
        self.demand_chart = ChartWidget("Workload by activity", "Workload (hours/week)", "")
        self.role_chart = ChartWidget("On duty and workload by role", "Hours per week", "")
        self.left_out = QLabel()
        self.left_out.setObjectName("hint")
        self.left_out.setWordWrap(True)
        self.names = DisplayNames.from_scenario(ctx.document.scenario)
        self.role_model = RecordTableModel(role_columns(self.names))
        self.activity_model = RecordTableModel(activity_columns(self.names))
        self.rate_model = RecordTableModel(RATE_COLUMNS, on_edit=self._edit_rate)
        self.intervention_model = RecordTableModel(
            INTERVENTION_COLUMNS, on_edit=self._edit_intervention
        )

        top = QHBoxLayout()
        top.addWidget(QLabel("INT"))
        top.addWidget(self.int_combo)
        top.addSpacing(16)
        top.addWidget(self.summary, 1)
        charts = QHBoxLayout()
        charts.addWidget(self.demand_chart)
        charts.addWidget(self.role_chart)
        chart_box = QWidget()
        chart_layout = QVBoxLayout(chart_box)
        chart_layout.setContentsMargins(0, 0, 0, 0)
        chart_layout.addLayout(charts, 1)
        chart_layout.addWidget(self.left_out)

        tables = QTabWidget()
        views: list[QTableView] = []
        for title, model, widths in (
            ("Capacity by role", self.role_model, (180, 90, 70, 170, 160)),
            ("Demand by activity", self.activity_model, (200, 150, 160)),
            ("Demand rates (edit)", self.rate_model, (80, 80, 180)),
            ("Interventions (edit)", self.intervention_model, (150, 220, 70, 80, 80, 90, 90, 90)),
        ):
            view = make_table()
            view.setModel(model)
            fit_columns(view, widths)
            tables.addTab(view, title)
            views.append(view)
        self.tables = tables
        self.role_table, self.activity_table = views[0], views[1]

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(chart_box)
        split.addWidget(tables)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 3)
        split.setChildrenCollapsible(False)
        split.setSizes([400, 300])  # in proportion: the tables keep several rows in view
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Demand & capacity"))
        layout.addWidget(
            hint(
                "Expected weekly workload (demand rates × population, with follow-ups, "
                "referrals, re-presentations and home-visit travel) against the on-duty hours "
                "of the staff mapped to each INT: the simulator's own rules, averaged. Run "
                "Simulate for waits. Hover a rate or intervention to see its source."
            )
        )
        layout.addLayout(top)
        layout.addWidget(split, 1)
        ctx.document.scenario_changed.connect(self._scenario_changed)
        self._scenario_changed()

    def _scenario_changed(self) -> None:
        self._stale = True
        s = self.ctx.document.scenario
        self.rate_model.update_rows(s.demand_rates)
        self.intervention_model.update_rows(s.interventions)
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        s = self.ctx.document.scenario
        names = DisplayNames.from_scenario(s)
        if names != self.names:  # another workbook: its own names in the tables
            self.names = names
            self.role_model = RecordTableModel(role_columns(names))
            self.activity_model = RecordTableModel(activity_columns(names))
            self.role_table.setModel(self.role_model)
            self.activity_table.setModel(self.activity_model)
        self.table_data = capacity_table(s)
        self._stale = False
        current = self.int_combo.currentData()
        self.int_combo.blockSignals(True)
        self.int_combo.clear()
        for unit in self.table_data.ints:
            self.int_combo.addItem(f"{unit.int_code} — {unit.name}", unit.int_code)
        self.int_combo.setCurrentIndex(max(0, self.int_combo.findData(current)))
        self.int_combo.blockSignals(False)
        self._show_int()

    def select_int(self, code: str) -> None:
        index = self.int_combo.findData(code)
        if index >= 0:
            self.int_combo.setCurrentIndex(index)

    def _show_int(self) -> None:
        if self.table_data is None:
            return
        code = self.int_combo.currentData()
        unit = next((u for u in self.table_data.ints if u.int_code == code), None)
        if unit is None:
            return
        workload = unit.workload_hours_per_week
        capacity = unit.capacity_hours_per_week
        verdict = "stable" if unit.stable else "NOT stable: a queue grows"
        self.summary.setText(
            f"Population {unit.population:,} · {unit.headcount:,} staff · {unit.fte:,.1f} FTE · "
            f"workload {workload:,.0f} h/week · on duty {capacity:,.0f} h/week · "
            f"expected utilisation {_percent(unit.utilisation_expected)} · {verdict}"
        )
        self.role_model.set_rows(unit.roles)
        self.activity_model.set_rows(unit.activities)
        names = self.names
        work = workload_bars(unit.activities, names)
        self.demand_chart.hbars(work.categories, work.series, tips=work.tips, fmt=_hours)
        roles, left_out = role_bars(unit.roles, names)
        self.role_chart.hbars(roles.categories, roles.series, tips=roles.tips, fmt=_hours)
        self.left_out.setText(
            "Not in the role chart (no modelled patient activity; see the table): "
            + ", ".join(left_out)
            if left_out
            else ""
        )
        self.left_out.setVisible(bool(left_out))

    # -- edits ---------------------------------------------------------------------
    def _edit_rate(self, rate: DemandRate, col: Column[DemandRate], value: Any) -> bool:
        try:
            new = edits.set_demand_rate(
                self.ctx.document.scenario, rate.activity, rate.age_band, float(value)
            )
        except (IntplanError, ValueError) as exc:
            self.ctx.prompts.show_error(self, "Cannot change the rate", str(exc))
            return False
        self.ctx.document.apply(
            new, f"Set {rate.activity} rate for {rate.age_band} to {float(value):g}"
        )
        return True

    def _edit_intervention(self, item: Intervention, col: Column[Intervention], value: Any) -> bool:
        field, kind = _INTERVENTION_FIELDS[col.header]
        try:
            changed = dataclasses.replace(item, **{field: kind(value)})
            new = edits.upsert_intervention(self.ctx.document.scenario, changed)
        except (IntplanError, ValueError, TypeError) as exc:
            self.ctx.prompts.show_error(self, "Cannot change the intervention", str(exc))
            return False
        self.ctx.document.apply(new, f"Change {item.code} {field}")
        return True
