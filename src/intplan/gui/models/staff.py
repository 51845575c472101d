"""The staff table: one row per person, columns declared once, rows draggable onto INTs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QMimeData, QModelIndex, QPersistentModelIndex, Qt

from intplan.domain import Scenario, Staff
from intplan.gui.models.table import Column, RecordTableModel, fmt_number

STAFF_MIME = "application/x-intplan-staff-ids"


def _shares(s: Staff) -> str:
    if not s.assignments:
        return "unmapped"
    if len(s.assignments) == 1:
        return s.assignments[0].int_code
    return ", ".join(f"{a.int_code} {a.fte:.2f}" for a in s.assignments)


def staff_columns(scenario_of: Callable[[], Scenario]) -> tuple[Column[Staff], ...]:
    """The staff table's columns; ``scenario_of`` gives lookups such as role names."""

    def role_tip(s: Staff) -> str:
        role = scenario_of().role_by_code.get(s.role)
        return f"{role.name} — source: {role.source}" if role else s.role

    def rules(s: Staff) -> str:
        return ", ".join(sorted({a.rule for a in s.assignments})) or "–"

    return (
        Column(header="ID", value=lambda s: s.id),
        Column(header="Name", value=lambda s: s.name, editable=True),
        Column(header="Role", value=lambda s: s.role, tooltip=role_tip, editable=True),
        Column(header="Employer", value=lambda s: s.employer),
        Column(
            header="Base",
            value=lambda s: s.base,
            tooltip=lambda s: f"{s.base_kind.value} {s.base}",
        ),
        Column(
            header="FTE",
            value=lambda s: s.fte,
            fmt=fmt_number(2),
            numeric=True,
            editable=True,
            header_tooltip="Full-time equivalent (1.0 = the role's full-time week)",
        ),
        Column(
            header="Vacant",
            value=lambda s: s.vacant,
            checkable=True,
            header_tooltip="A funded post with nobody in it",
        ),
        Column(
            header="INT (FTE share)",
            value=_shares,
            tooltip=lambda s: (
                "\n".join(f"{a.int_code}: {a.fte:.2f} FTE ({a.rule})" for a in s.assignments)
                or "not in any INT yet: run the mapping or drag onto an INT"
            ),
        ),
        Column(
            header="Mapped by",
            value=rules,
            header_tooltip="The rule that placed the person: practice, pcn_share, team_share, manual",
        ),
    )


class StaffTableModel(RecordTableModel[Staff]):
    def __init__(
        self,
        scenario_of: Callable[[], Scenario],
        *,
        on_edit: Callable[[Staff, Column[Staff], Any], bool] | None = None,
    ) -> None:
        super().__init__(staff_columns(scenario_of), scenario_of().staff, on_edit=on_edit)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else flags

    def mimeTypes(self) -> list[str]:
        return [STAFF_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        ids = sorted({self.row_at(i.row()).id for i in indexes if i.isValid()})
        mime = QMimeData()
        mime.setData(STAFF_MIME, "\n".join(ids).encode("utf-8"))
        return mime

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction


def staff_ids_from_mime(mime: QMimeData) -> list[str]:
    if not mime.hasFormat(STAFF_MIME):
        return []
    raw = bytes(mime.data(STAFF_MIME).data()).decode("utf-8")
    return [x for x in raw.split("\n") if x]
