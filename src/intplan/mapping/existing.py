"""What happens to the scenario's existing staff when registers are imported.

Three modes (docs/mapping.md):

- ``by_employer`` (default): a register replaces only the staff of the employers it
  contains; everyone else is kept.
- ``replace``: the registers replace the whole staff list.
- ``append``: the registers add to the staff; a person already there is not added twice.

Existing people are matched to register rows by staff number (the id an import gives),
or by name, role and base, so the summary can say who was *replaced* by a register row
and who was *removed* (in a replaced employer but in no register).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from intplan.domain.errors import IntplanError
from intplan.domain.workforce import Staff
from intplan.io.registers import RegisterRow
from intplan.mapping.pseudonymise import pseudonym, pseudonymous_id
from intplan.mapping.register import normalise_name, normalise_staff_number

Key = tuple[str, ...]


class StaffMode(StrEnum):
    BY_EMPLOYER = "by_employer"
    REPLACE = "replace"
    APPEND = "append"


def employer_key(employer: str) -> str:
    """Employers compare without case or spacing: 'Kent  Community health' == 'Kent Community Health'."""
    return " ".join(employer.casefold().split())


def staff_keys(s: Staff) -> set[Key]:
    keys: set[Key] = {("number", normalise_staff_number(s.id))}
    if not s.vacant and s.name.strip():
        keys.add(("name", normalise_name(s.name), s.role, s.base))
    return keys


def row_keys(row: RegisterRow, role: str, base: str, key: str | None) -> set[Key]:
    """A register row's keys, in plain and (with a key) pseudonymised form."""
    keys: set[Key] = set()
    if row.staff_number:
        keys.add(("number", normalise_staff_number(row.staff_number)))
        if key:
            keys.add(("number", normalise_staff_number(pseudonymous_id(row.staff_number, key))))
    if row.name and not row.vacant:
        keys.add(("name", normalise_name(row.name), role, base))
        if key:
            keys.add(("name", normalise_name(pseudonym(row.name, key)), role, base))
    return keys


@dataclass(frozen=True, slots=True, kw_only=True)
class StaffChange:
    """The summary: how many existing staff were kept, replaced and removed."""

    mode: StaffMode
    before: int
    kept: int
    replaced: int
    removed: tuple[Staff, ...]  # ids already pseudonymised when the run is
    employers: tuple[str, ...]  # employers whose staff the registers replaced
    already_present: int = 0  # (append) register people already in the scenario
    pseudonymised: int = 0  # existing people given pseudonyms

    def to_json(self) -> dict[str, object]:
        return {
            "mode": self.mode.value,
            "before": self.before,
            "kept": self.kept,
            "replaced": self.replaced,
            "removed": len(self.removed),
            "already_present": self.already_present,
            "pseudonymised": self.pseudonymised,
            "employers_replaced": list(self.employers),
            "removed_staff": [
                {"id": s.id, "role": s.role, "employer": s.employer, "base": s.base, "fte": s.fte}
                for s in self.removed
            ],
        }

    def text(self) -> str:
        if self.mode is StaffMode.APPEND:
            line = f"Existing staff {self.before:,}: all kept (--append)"
            if self.already_present:
                line += f"; {self.already_present:,} register people were already there"
        else:
            line = (
                f"Existing staff {self.before:,}: kept {self.kept:,}, replaced "
                f"{self.replaced:,}, removed {len(self.removed):,}"
            )
            if self.mode is StaffMode.REPLACE:
                line += " (--replace: the registers replace every employer's staff)"
            elif self.employers:
                line += f" (employers in the registers: {', '.join(self.employers)})"
        if self.pseudonymised:
            line += f"; {self.pseudonymised:,} existing people pseudonymised"
        return line + "."


class TooManyRemovedError(IntplanError):
    """The registers would remove more than half the scenario's staff without --replace."""

    def __init__(self, change: StaffChange) -> None:
        self.change = change
        super().__init__(
            f"the registers would remove {len(change.removed):,} of the scenario's "
            f"{change.before:,} staff (employers {', '.join(change.employers)} are in the "
            "registers, and these people are in no register): more than half. Check the "
            "registers' employer column, or pass --replace to replace the whole staff list "
            "(or --append to add to it). Nothing was written."
        )


def split_existing(
    existing: Sequence[Staff], employers: Iterable[str], mode: StaffMode
) -> tuple[list[Staff], list[Staff]]:
    """(kept, touched): staff the registers leave alone, and staff they replace."""
    if mode is StaffMode.APPEND:
        return list(existing), []
    if mode is StaffMode.REPLACE:
        return [], list(existing)
    replaced = {employer_key(e) for e in employers}
    kept = [s for s in existing if employer_key(s.employer) not in replaced]
    touched = [s for s in existing if employer_key(s.employer) in replaced]
    return kept, touched
