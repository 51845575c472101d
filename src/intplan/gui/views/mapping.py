"""Geography & mapping: who is in which INT, with search, drag and drop, and undo."""

from __future__ import annotations

import html
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from intplan.domain import Scenario, Staff
from intplan.domain.errors import IntplanError
from intplan.gui import edits
from intplan.gui.dialogs.issues import issue_rows
from intplan.gui.dialogs.shares import ShareDialog
from intplan.gui.models.staff import StaffTableModel
from intplan.gui.models.table import SORT_ROLE, Column, RecordTableModel, fmt_number
from intplan.gui.views.common import fit_columns, heading, hint, make_table
from intplan.gui.views.context import ViewContext
from intplan.io.errors import WorkbookError
from intplan.services.progress import Progress

if TYPE_CHECKING:
    from intplan.services.mapping import MappingResult

ALL_INTS = "__all__"
UNMAPPED = "__unmapped__"


class StaffFilterModel(QSortFilterProxyModel):
    """Search across the text columns, and an optional INT filter."""

    def __init__(self) -> None:
        super().__init__()
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(False)  # re-sorting 15k rows on every edit is wasteful
        self._needle = ""
        self._int = ALL_INTS

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # The source model sorts 15k rows far faster than lessThan() calls through Qt;
        # the proxy then only filters, keeping the source order.
        source = self.sourceModel()
        if isinstance(source, StaffTableModel):
            source.sort(column, order)

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self._needle = text.strip().lower()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_int(self, code: str) -> None:
        self.beginFilterChange()
        self._int = code
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        model = self.sourceModel()
        assert isinstance(model, StaffTableModel)
        s = model.row_at(source_row)
        if self._int == UNMAPPED and s.assignments:
            return False
        if self._int not in (ALL_INTS, UNMAPPED) and self._int not in s.ints:
            return False
        if not self._needle:
            return True
        hay = f"{s.id} {s.name} {s.role} {s.employer} {s.base} {' '.join(s.ints)}".lower()
        return all(word in hay for word in self._needle.split())


@dataclass(frozen=True, slots=True, kw_only=True)
class IntSummary:
    code: str
    name: str
    population: int
    people: int
    fte: float

    @property
    def fte_per_10k(self) -> float:
        return 10000 * self.fte / self.population if self.population else 0.0


def int_summaries(s: Scenario) -> list[IntSummary]:
    people: dict[str, set[str]] = {i.code: set() for i in s.ints}
    fte: dict[str, float] = dict.fromkeys(people, 0.0)
    for person in s.staff:
        for a in person.assignments:
            if a.int_code in people:
                people[a.int_code].add(person.id)
                fte[a.int_code] += a.fte
    return [
        IntSummary(
            code=i.code,
            name=i.name,
            population=s.int_population(i.code),
            people=len(people[i.code]),
            fte=fte[i.code],
        )
        for i in s.ints
    ]


SUMMARY_COLUMNS: tuple[Column[IntSummary], ...] = (
    Column(header="INT", value=lambda r: r.code, tooltip=lambda r: r.name),
    Column(header="Name", value=lambda r: r.name),
    Column(
        header="Registered population",
        value=lambda r: r.population,
        fmt=fmt_number(0),
        numeric=True,
        header_tooltip="Sum of the practices' registered lists (people)",
    ),
    Column(header="People", value=lambda r: r.people, fmt=fmt_number(0), numeric=True),
    Column(header="FTE", value=lambda r: r.fte, fmt=fmt_number(1), numeric=True),
    Column(
        header="FTE per 10,000 population",
        value=lambda r: r.fte_per_10k,
        fmt=fmt_number(1),
        numeric=True,
    ),
)


def _rows_height(table: QTableView, rows: int) -> int:
    """Height of a table showing ``rows`` rows, its header and a horizontal scroll bar."""
    return (
        max(table.horizontalHeader().height(), table.horizontalHeader().sizeHint().height())
        + rows * table.verticalHeader().defaultSectionSize()
        + table.horizontalScrollBar().sizeHint().height()
        + 2 * table.frameWidth()
        + 2
    )


class MappingView(QWidget):
    int_selected = Signal(str)

    def __init__(self, ctx: ViewContext) -> None:
        super().__init__()
        self.ctx = ctx
        doc = ctx.document
        self.model = StaffTableModel(lambda: doc.scenario, on_edit=self._edit_cell)
        self.proxy = StaffFilterModel()
        self.proxy.setSourceModel(self.model)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search name, role, employer, base or INT…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        self.int_filter = QComboBox()
        self.int_filter.setMinimumContentsLength(18)
        self.int_filter.currentIndexChanged.connect(
            lambda _: self.proxy.set_int(str(self.int_filter.currentData()))
        )
        self.share_button = QPushButton("Move FTE share…")
        self.share_button.setToolTip("Move part of the selected person's time to another INT")
        self.share_button.clicked.connect(self.move_share_of_selected)
        self.import_button = QPushButton("Import register…")
        self.import_button.setToolTip(
            "Read a staff register (.xlsx or .csv) and map everyone into INTs"
        )
        self.import_button.clicked.connect(self.import_register_dialog)
        self.count_label = QLabel()
        self.count_label.setObjectName("hint")

        self.table = make_table()
        self.table.setModel(self.proxy)
        self.table.setDragEnabled(True)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        fit_columns(self.table, (90, 170, 70, 190, 90, 70, 60, 170))

        self.summary_model = RecordTableModel(SUMMARY_COLUMNS)
        self.summary = make_table()
        self.summary.setModel(self.summary_model)
        self.summary.doubleClicked.connect(self._summary_clicked)
        fit_columns(self.summary, (90, 180, 150, 70, 70))

        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        bar.addWidget(QLabel("INT"))
        bar.addWidget(self.int_filter, 1)
        bar.addWidget(self.share_button)
        bar.addWidget(self.import_button)
        bar.addStretch()
        bar.addWidget(self.count_label)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(heading("Staff"))
        top_layout.addWidget(
            hint(
                "Every person or vacant post, with the INTs their time is given to. "
                "Drag people onto an INT in the navigator to move them; edit name, role, "
                "FTE or vacancy in place. Every change can be undone (Ctrl+Z)."
            )
        )
        top_layout.addLayout(bar)
        top_layout.addWidget(self.table, 1)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(heading("Mapping report"))
        self.report = QTextBrowser()
        self.report.setHtml(
            "<p style='color:#5a6b7b'>Import a staff register to see what was read, how "
            "each person was mapped, and every row that could not be used.</p>"
        )
        report_split = QSplitter(Qt.Orientation.Horizontal)
        report_split.addWidget(self.summary)
        report_split.addWidget(self.report)
        report_split.setSizes([650, 350])
        bottom_layout.addWidget(report_split, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        # at 1366x768 the report still shows several INTs (3:1 left it two rows)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(split)

        doc.scenario_changed.connect(self.refresh)
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        # The splitter may squeeze the report, but it keeps three INTs in view at
        # 1280x720 (a row to spare: the stylesheet's header padding is not in the
        # header's size hint until it is laid out).
        self.summary.setMinimumHeight(_rows_height(self.summary, 4))
        super().showEvent(event)

    # -- refresh --------------------------------------------------------------
    def refresh(self) -> None:
        s = self.ctx.document.scenario
        self.model.update_rows(s.staff)
        self.summary_model.set_rows(int_summaries(s))
        current = self.int_filter.currentData()
        self.int_filter.blockSignals(True)
        self.int_filter.clear()
        self.int_filter.addItem("All INTs", ALL_INTS)
        self.int_filter.addItem("Not in any INT", UNMAPPED)
        for i in s.ints:
            self.int_filter.addItem(f"{i.code} — {i.name}", i.code)
        self.int_filter.setCurrentIndex(max(0, self.int_filter.findData(current)))
        self.int_filter.blockSignals(False)
        self.proxy.set_int(str(self.int_filter.currentData()))
        self._update_count()

    def _search_changed(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_count()

    def _update_count(self) -> None:
        shown = self.proxy.rowCount()
        total = self.model.rowCount()
        self.count_label.setText(f"{shown:,} of {total:,} staff")

    def show_int(self, code: str) -> None:
        self.int_filter.setCurrentIndex(max(0, self.int_filter.findData(code)))
        self._update_count()

    def show_person(self, staff_id: str) -> None:
        self.search.setText(staff_id)
        if self.proxy.rowCount():
            self.table.selectRow(0)

    def _summary_clicked(self, index: QModelIndex) -> None:
        code = self.summary_model.row_at(index.row()).code
        self.show_int(code)
        self.int_selected.emit(code)

    # -- edits -------------------------------------------------------------------
    def selected_staff(self) -> list[Staff]:
        rows = {self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()}
        return [self.model.row_at(r) for r in sorted(rows)]

    def _apply(self, new: Any, text: str) -> bool:
        self.ctx.document.apply(new, text)
        self.ctx.status(text)
        return True

    def _edit_cell(self, person: Staff, col: Column[Staff], value: Any) -> bool:
        s = self.ctx.document.scenario
        try:
            if col.header == "FTE":
                new = edits.set_staff_fte(s, person.id, float(value))
                text = f"Set {person.name}'s FTE to {float(value):.2f}"
            else:
                field = {"Name": "name", "Role": "role", "Vacant": "vacant"}[col.header]
                if field == "role":
                    value = str(value).strip().upper()
                new = edits.set_staff_field(s, person.id, field, value)
                text = f"Change {person.name}'s {field}"
        except (IntplanError, ValueError, KeyError) as exc:
            self.ctx.prompts.show_error(self, "Cannot make that change", str(exc))
            return False
        return self._apply(new, text)

    def move_people(self, staff_ids: list[str], int_code: str) -> None:
        try:
            new = edits.move_people(self.ctx.document.scenario, staff_ids, int_code)
        except IntplanError as exc:
            self.ctx.prompts.show_error(self, "Cannot move", str(exc))
            return
        who = staff_ids[0] if len(staff_ids) == 1 else f"{len(staff_ids)} people"
        self._apply(new, f"Move {who} to {int_code}")

    def move_share_of_selected(self) -> None:
        chosen = self.selected_staff()
        if len(chosen) != 1:
            self.ctx.prompts.show_error(
                self, "Move FTE share", "Select one person whose time you want to share."
            )
            return
        person = chosen[0]
        dialog = ShareDialog(person, [i.code for i in self.ctx.document.scenario.ints], parent=self)
        if dialog.exec() != ShareDialog.DialogCode.Accepted:
            return
        self.move_share(person.id, *dialog.choice())

    def move_share(self, staff_id: str, from_int: str | None, to_int: str, fte: float) -> None:
        try:
            new = edits.move_share(self.ctx.document.scenario, staff_id, from_int, to_int, fte)
        except IntplanError as exc:
            self.ctx.prompts.show_error(self, "Cannot move that share", str(exc))
            return
        self._apply(new, f"Move {fte:.2f} FTE of {staff_id} to {to_int}")

    # -- register import ------------------------------------------------------------
    def import_register_dialog(self) -> None:
        path = self.ctx.prompts.open_register(self, str(Path.home()))
        if path:
            self.import_register(Path(path))

    def import_register(self, path: Path) -> None:
        """Ask for the column mapping, then map the register off the UI thread."""
        # Imported on first use: the register reader is not needed to paint the window.
        from intplan.io.registers import FIELDS, read_register
        from intplan.services.mapping import MappingOptions, run_mapping

        try:
            found = read_register(path)
        except WorkbookError as exc:
            self.ctx.prompts.show_issues(
                self,
                "Cannot read the register",
                f"“{path.name}” has no header row intplan recognises.",
                issue_rows(exc.issues),
            )
            return
        except IntplanError as exc:
            self.ctx.prompts.show_error(self, "Cannot read the register", str(exc))
            return
        headers = [h for h, _ in found.columns] + list(found.ignored_columns)
        guessed = {fld: header for header, fld in found.columns}
        answer = self.ctx.prompts.register_columns(self, path.name, headers, FIELDS, guessed)
        if answer is None or self.ctx.runner.busy:
            return
        columns, append = answer
        scenario = self.ctx.document.scenario
        options = MappingOptions(columns=columns, append=append)

        def job(progress: Progress, cancel: threading.Event) -> MappingResult:
            return run_mapping(scenario, [path], options, progress=progress, cancel=cancel)

        self.ctx.status(f"Mapping {path.name}…")
        self.ctx.runner.start(
            job,
            on_finished=lambda result: self._imported(path, result),
            on_failed=lambda message, details: self.ctx.prompts.show_error(
                self, "Register import failed", message, details
            ),
        )

    def _imported(self, path: Path, result: object) -> None:
        from intplan.services.mapping import MappingResult

        assert isinstance(result, MappingResult)
        self.ctx.document.apply(result.scenario, f"Import {path.name}")
        self.report.setHtml(mapping_report_html(result))
        self.ctx.status(
            f"Imported {result.rows_imported:,} people from {path.name}; "
            f"{len(result.rejected)} row(s) rejected"
        )


def mapping_report_html(result: MappingResult) -> str:
    """The mapping report in plain words: counts, rules, flags, rejections, gaps."""
    esc = html.escape
    by_rule: dict[str, int] = {}
    for d in result.decisions:
        key = d.rule or "not mapped"
        by_rule[key] = by_rule.get(key, 0) + 1
    parts = [
        f"<p><b>{result.rows_imported:,}</b> people imported from {result.rows_read:,} rows "
        f"({result.fte_imported:,.1f} FTE, {result.fte_assigned:,.1f} FTE placed in INTs); "
        f"{result.rows_merged:,} duplicate rows merged; {len(result.rejected):,} rows rejected.</p>",
        "<p>Mapped by: "
        + ", ".join(f"{esc(k)} {v:,}" for k, v in sorted(by_rule.items()))
        + "</p>",
    ]
    if result.rejected:
        parts.append("<h4>Rows not used</h4><ul>")
        parts += [
            f"<li>{esc(r.file)} row {r.row}: {esc(r.reason)}</li>" for r in result.rejected[:50]
        ]
        parts.append("</ul>")
    if result.flags:
        parts.append("<h4>Worth a look</h4><ul>")
        parts += [f"<li>{esc(f.message)}</li>" for f in result.flags[:50]]
        parts.append("</ul>")
    gaps = [(i.int_code, i.gaps) for i in result.report.ints if i.gaps]
    if gaps:
        parts.append("<h4>Core roles with nobody</h4><ul>")
        parts += [f"<li>{esc(code)}: {esc(', '.join(g))}</li>" for code, g in gaps]
        parts.append("</ul>")
    if result.report.unmapped:
        parts.append(f"<h4>Not in any INT ({len(result.report.unmapped):,})</h4><ul>")
        parts += [
            f"<li>{esc(u.name)} ({esc(u.role)}, {esc(u.base)}): {esc(u.reason)}</li>"
            for u in result.report.unmapped[:50]
        ]
        parts.append("</ul>")
    return "".join(parts)
