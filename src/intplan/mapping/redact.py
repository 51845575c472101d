"""Pseudonymise a whole scenario: staff, the user's own sheets and every message.

``--pseudonymise`` promises that no name or staff number from a register or from the
workbook being updated appears in anything intplan writes or prints. Imported people get
pseudonyms as they are created; this module does the rest: the existing staff, the cells
of the user's extra sheets and columns, and free text such as rejection reasons, where a
known name or staff number is replaced by its pseudonym wherever it occurs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from intplan.domain.scenario import Cell, ExtraColumn, ExtraSheet, Scenario
from intplan.domain.workforce import Staff
from intplan.mapping.pseudonymise import is_pseudonym, pseudonym, pseudonymous_id

_WORD = re.compile(r"\w+")
_PSEUDONYMOUS_ID = re.compile(r"^S-[0-9A-F]{8}(-\d+)?$")
_MIN_CHARS = 3  # shorter "identifiers" ("7", "Al") would blank out ordinary text
VACANT_NAME = "Vacant post"


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(w.casefold() for w in _WORD.findall(text))


class Redactor:
    """Replaces every known name and staff number in a text by its pseudonym.

    Matching is by whole words, ignoring case and the spacing or punctuation between
    words ("JANE  SMITH" matches "Jane Smith"); it runs in time linear in the text.
    """

    def __init__(self, key: str, *, names: Iterable[str] = (), numbers: Iterable[str] = ()):
        self._key = key
        self._found: dict[tuple[str, ...], str] = {}
        for kind, values in (("number", numbers), ("name", names)):
            for value in values:
                words = _tokens(value)
                if not words or len("".join(words)) < _MIN_CHARS or is_pseudonym(value):
                    continue
                if _PSEUDONYMOUS_ID.match(value):
                    continue
                stand_in = (
                    pseudonymous_id(value, key) if kind == "number" else pseudonym(value, key)
                )
                self._found.setdefault(words, stand_in)
        self._longest = max((len(w) for w in self._found), default=0)

    def __bool__(self) -> bool:
        return bool(self._found)

    def text(self, text: str) -> str:
        if not self._found or not text:
            return text
        words = list(_WORD.finditer(text))
        out: list[str] = []
        at = i = 0
        while i < len(words):
            for n in range(min(self._longest, len(words) - i), 0, -1):
                stand_in = self._found.get(tuple(m.group().casefold() for m in words[i : i + n]))
                if stand_in is not None:
                    out.append(text[at : words[i].start()])
                    out.append(stand_in)
                    at = words[i + n - 1].end()
                    i += n
                    break
            else:
                i += 1
        out.append(text[at:])
        return "".join(out)

    def cell(self, value: Cell) -> Cell:
        return self.text(value) if isinstance(value, str) else value


def pseudonymous_staff_id(staff_id: str, key: str) -> str:
    return staff_id if _PSEUDONYMOUS_ID.match(staff_id) else pseudonymous_id(staff_id, key)


@dataclass(frozen=True, slots=True, kw_only=True)
class PseudonymisedStaff:
    staff: tuple[Staff, ...]
    ids: dict[str, str]  # old id -> new id
    changed: int  # people whose name or id was replaced


def pseudonymise_staff(staff: Iterable[Staff], key: str) -> PseudonymisedStaff:
    """Names -> pseudonyms, ids -> keyed ids, vacant posts -> "Vacant post"."""
    out: list[Staff] = []
    ids: dict[str, str] = {}
    taken: set[str] = set()
    changed = 0
    for s in staff:
        name = (
            VACANT_NAME if s.vacant else s.name if is_pseudonym(s.name) else pseudonym(s.name, key)
        )
        new_id = base = pseudonymous_staff_id(s.id, key)
        k = 1
        while new_id in taken:
            k += 1
            new_id = f"{base}-{k}"
        taken.add(new_id)
        ids[s.id] = new_id
        if (name, new_id) != (s.name, s.id):
            changed += 1
            s = replace(s, name=name, id=new_id)
        out.append(s)
    return PseudonymisedStaff(staff=tuple(out), ids=ids, changed=changed)


def _extra_column(ec: ExtraColumn, ids: dict[str, str], redactor: Redactor) -> ExtraColumn:
    def key(k: str) -> str:
        if ec.sheet == "Staff":
            return ids.get(k, redactor.text(k))
        if ec.sheet == "Assignments":
            staff_id, _, int_code = k.rpartition("/")
            return f"{ids.get(staff_id, redactor.text(staff_id))}/{int_code}"
        return redactor.text(k)

    return replace(ec, values=tuple((key(k), redactor.cell(v)) for k, v in ec.values))


def redact_scenario(scenario: Scenario, ids: dict[str, str], redactor: Redactor) -> Scenario:
    """The user's extra sheets and columns, notes and name with identifiers replaced."""
    return replace(
        scenario,
        name=redactor.text(scenario.name) or scenario.name,
        notes=redactor.text(scenario.notes),
        extra_sheets=tuple(
            ExtraSheet(
                name=redactor.text(x.name) or x.name,
                rows=tuple(tuple(redactor.cell(c) for c in row) for row in x.rows),
            )
            for x in scenario.extra_sheets
        ),
        extra_columns=tuple(
            replace(_extra_column(ec, ids, redactor), header=redactor.text(ec.header) or ec.header)
            for ec in scenario.extra_columns
        ),
    )
