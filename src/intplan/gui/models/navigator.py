"""The navigator tree: HCP → PCN → INT → staff, with INTs accepting dropped people.

A small custom ``QAbstractItemModel`` over a flat node list (each index carries its
node number), so a whole ICS with ~15,000 staff builds in milliseconds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from intplan.domain import Scenario
from intplan.gui.models.staff import STAFF_MIME, staff_ids_from_mime

AnyIndex = QModelIndex | QPersistentModelIndex
# Staff rows have no node object: their internal id encodes (INT node, row), so a
# whole ICS (~25,000 person-INT shares) costs one small tuple per share.
_STAFF_BASE = 1 << 40
_STAFF_STRIDE = 1 << 20
KIND_ROLE = Qt.ItemDataRole.UserRole + 10  # "hcp" | "pcn" | "int" | "staff"
CODE_ROLE = Qt.ItemDataRole.UserRole + 11  # the entity's code / staff id


@dataclass(slots=True)
class _Node:
    kind: str
    code: str
    label: str
    tooltip: str
    parent: int  # node number of the parent; -1 for top level
    row: int
    children: list[int] = field(default_factory=list)


def _int_home_pcn(scenario: Scenario, int_code: str) -> str:
    """The PCN holding most of an INT's practices (an INT may span several PCNs)."""
    counts = Counter(
        scenario.practice_by_code[p].pcn for p in scenario.int_by_code[int_code].practices
    )
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


class NavigatorModel(QAbstractItemModel):
    people_dropped = Signal(list, str)  # staff ids, INT code

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self._nodes: list[_Node] = []
        self._top: list[int] = []
        self._staff: dict[int, list[tuple[str, str, float]]] = {}  # INT node -> people
        self._build(scenario)

    def set_scenario(self, scenario: Scenario) -> None:
        self.beginResetModel()
        self._build(scenario)
        self.endResetModel()

    def _add(self, kind: str, code: str, label: str, tip: str, parent: int) -> int:
        siblings = self._top if parent < 0 else self._nodes[parent].children
        n = len(self._nodes)
        self._nodes.append(_Node(kind, code, label, tip, parent, len(siblings)))
        siblings.append(n)
        return n

    def _build(self, s: Scenario) -> None:
        self._nodes = []
        self._top = []
        self._staff = {}
        staff_of: dict[str, list[tuple[str, str, float]]] = {i.code: [] for i in s.ints}
        for person in s.staff:
            for a in person.assignments:
                if a.int_code in staff_of:
                    staff_of[a.int_code].append(
                        (person.id, f"{person.name} · {person.role}", a.fte)
                    )
        ints_of_pcn: dict[str, list[str]] = {p.code: [] for p in s.pcns}
        for i in s.ints:
            ints_of_pcn.setdefault(_int_home_pcn(s, i.code), []).append(i.code)
        pcn_pop = Counter[str]()
        for practice in s.practices:
            pcn_pop[practice.pcn] += practice.population
        for h in s.hcps:
            pcns = [p for p in s.pcns if p.hcp == h.code]
            pop = sum(pcn_pop[p.code] for p in pcns)
            hn = self._add(
                "hcp", h.code, h.name, f"HCP {h.code}: {len(pcns)} PCNs, population {pop:,}", -1
            )
            for p in pcns:
                pn = self._add(
                    "pcn",
                    p.code,
                    p.name,
                    f"PCN {p.code}: {len(s.practices_of_pcn.get(p.code, ()))} practices, "
                    f"population {pcn_pop[p.code]:,}",
                    hn,
                )
                for ic in ints_of_pcn.get(p.code, []):
                    i = s.int_by_code[ic]
                    people = staff_of[ic]
                    fte = sum(f for _, _, f in people)
                    spans = len({s.practice_by_code[x].pcn for x in i.practices})
                    extra = f" · spans {spans} PCNs" if spans > 1 else ""
                    inn = self._add(
                        "int",
                        ic,
                        f"{i.name} ({ic})",
                        f"INT {ic}: population {s.int_population(ic):,}, {len(people)} staff, "
                        f"{fte:,.1f} FTE{extra}. Drop people here to move them.",
                        pn,
                    )
                    self._staff[inn] = people

    # -- Qt overrides ------------------------------------------------------
    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008  # Qt's signature: an invalid index, never mutated
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            siblings = self._top
        else:
            pid = parent.internalId()
            if pid >= _STAFF_BASE:
                return QModelIndex()
            if pid in self._staff:
                if row >= len(self._staff[pid]):
                    return QModelIndex()
                return self.createIndex(row, 0, _STAFF_BASE + pid * _STAFF_STRIDE + row)
            siblings = self._nodes[pid].children
        if row >= len(siblings):
            return QModelIndex()
        return self.createIndex(row, 0, siblings[row])

    def parent(self, child: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008  # QObject.parent() overload; Qt's invalid-index default
        if not child.isValid():
            return QModelIndex()
        cid = child.internalId()
        if cid >= _STAFF_BASE:
            up = (cid - _STAFF_BASE) // _STAFF_STRIDE
            return self.createIndex(self._nodes[up].row, 0, up)
        up = self._nodes[cid].parent
        if up < 0:
            return QModelIndex()
        return self.createIndex(self._nodes[up].row, 0, up)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008  # Qt's signature: an invalid index, never mutated
        if not parent.isValid():
            return len(self._top)
        if parent.column() != 0:
            return 0
        pid = parent.internalId()
        if pid >= _STAFF_BASE:
            return 0
        if pid in self._staff:
            return len(self._staff[pid])
        return len(self._nodes[pid].children)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008  # Qt's signature: an invalid index, never mutated
        return 1

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        nid = index.internalId()
        if nid >= _STAFF_BASE:
            sid, label, fte = self._person(nid)
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{label} · {fte:.2f} FTE"
            if role in (Qt.ItemDataRole.ToolTipRole, CODE_ROLE):
                return sid
            if role == KIND_ROLE:
                return "staff"
            return None
        node = self._nodes[nid]
        if role == Qt.ItemDataRole.DisplayRole:
            return node.label
        if role == Qt.ItemDataRole.ToolTipRole:
            return node.tooltip
        if role == KIND_ROLE:
            return node.kind
        if role == CODE_ROLE:
            return node.code
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and section == 0
            and role == Qt.ItemDataRole.DisplayRole
        ):
            return "HCP → PCN → INT → staff"
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        nid = index.internalId()
        if nid >= _STAFF_BASE:
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        elif self._nodes[nid].kind == "int":
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        return flags

    def _person(self, nid: int) -> tuple[str, str, float]:
        int_node, row = divmod(nid - _STAFF_BASE, _STAFF_STRIDE)
        return self._staff[int_node][row]

    # -- drag and drop -------------------------------------------------------
    def mimeTypes(self) -> list[str]:
        return [STAFF_MIME]

    def mimeData(self, indexes: Any) -> QMimeData:
        ids = sorted(
            {
                self._person(i.internalId())[0]
                for i in indexes
                if i.isValid() and i.internalId() >= _STAFF_BASE
            }
        )
        mime = QMimeData()
        mime.setData(STAFF_MIME, "\n".join(ids).encode("utf-8"))
        return mime

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def _drop_target(self, row: int, parent: AnyIndex) -> str | None:
        # Dropped *on* an INT item (row == -1), never between items.
        if row != -1 or not parent.isValid() or parent.internalId() >= _STAFF_BASE:
            return None
        node = self._nodes[parent.internalId()]
        return node.code if node.kind == "int" else None

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex
    ) -> bool:
        return data.hasFormat(STAFF_MIME) and self._drop_target(row, parent) is not None

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex
    ) -> bool:
        target = self._drop_target(row, parent)
        ids = staff_ids_from_mime(data)
        if target is None or not ids:
            return False
        # The window turns this into an undoable edit; the tree is rebuilt from the result.
        self.people_dropped.emit(ids, target)
        return False  # nothing to remove from the source model

    # -- helpers for the window ------------------------------------------------
    def find(self, kind: str, code: str) -> QModelIndex:
        if kind == "staff":
            for int_node, people in self._staff.items():
                for row, person in enumerate(people):
                    if person[0] == code:
                        return self.createIndex(
                            row, 0, _STAFF_BASE + int_node * _STAFF_STRIDE + row
                        )
            return QModelIndex()
        for n, node in enumerate(self._nodes):
            if node.kind == kind and node.code == code:
                return self.createIndex(node.row, 0, n)
        return QModelIndex()
