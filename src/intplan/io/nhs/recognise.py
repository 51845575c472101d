"""Which NHS file is this table? Decided by its header row alone.

Each known kind lists the columns that identify it (compared normalised, see
``tables.normalise``); a table is that kind when it has all of them. The first kind
that matches wins, so more specific kinds come first. Tables that match no kind are
reported as "not recognised" with the start of their header; none is silently ignored
(only system files such as ``.DS_Store`` or ``Thumbs.db`` are skipped, see ``tables``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from intplan.io.nhs.epraccur import looks_like_epraccur
from intplan.io.nhs.tables import Skipped, Table, read_folder


class Kind(StrEnum):
    QUIN_AGE = "gp-reg-pat-prac-quin-age"
    PRACTICE_MAP = "gp-reg-pat-prac-map"
    EPCN_DETAILS = "ePCN PCNDetails"
    EPCN_PARTNERS = "ePCN PCN Core Partner Details"
    GPW_PRACTICE = "GP Workforce practice-level detailed CSV"
    PCN_WORKFORCE = "PCN Workforce individual-level CSV"
    # recognised, so the planner sees them listed, but not used by `new` (yet)
    PATIENTS_OTHER = "Patients Registered at a GP Practice (other breakdown)"
    GPW_HIGH_LEVEL = "GP Workforce practice-level high-level CSV"
    APPOINTMENTS = "Appointments in General Practice practice-level crosstab"
    APPOINTMENTS_MAP = "Appointments in General Practice Mapping.csv"
    FINGERTIPS = "Fingertips indicator data"
    POSTCODES = "ONS postcode directory"
    EPRACCUR = "ODS epraccur (no header row)"


@dataclass(frozen=True, slots=True)
class _Signature:
    kind: Kind
    columns: tuple[str, ...]


#: order matters: the first signature a header satisfies names the table
SIGNATURES: tuple[_Signature, ...] = (
    _Signature(Kind.QUIN_AGE, ("ORG_TYPE", "ORG_CODE", "SEX", "AGE_GROUP_5", "NUMBER_OF_PATIENTS")),
    _Signature(Kind.PRACTICE_MAP, ("PRACTICE_CODE", "PRACTICE_NAME", "PCN_CODE", "PCN_NAME")),
    _Signature(Kind.PATIENTS_OTHER, ("EXTRACT_DATE", "SEX", "AGE", "NUMBER_OF_PATIENTS")),
    _Signature(Kind.EPCN_PARTNERS, ("Partner Organisation Code", "PCN Code")),
    _Signature(Kind.EPCN_DETAILS, ("PCN Code", "PCN Name", "Open Date", "Close Date")),
    _Signature(Kind.GPW_PRACTICE, ("PRAC_CODE", "TOTAL_GP_FTE")),
    _Signature(Kind.GPW_HIGH_LEVEL, ("PRAC_CODE", "STAFF_GROUP", "MEASURE", "VALUE")),
    _Signature(Kind.PCN_WORKFORCE, ("PCN_CODE", "STAFF_GROUP", "DETAILED_STAFF_ROLE", "FTE")),
    _Signature(Kind.APPOINTMENTS, ("GP_CODE", "HCP_TYPE", "APPT_MODE", "COUNT_OF_APPOINTMENTS")),
    _Signature(Kind.APPOINTMENTS_MAP, ("GP_CODE", "GP_NAME", "SUPPLIER", "PCN_CODE", "ICB_CODE")),
    _Signature(Kind.FINGERTIPS, ("Indicator ID", "Area Code", "Value")),
    _Signature(Kind.POSTCODES, ("pcds", "lat", "long")),
)

#: the kinds ``intplan new --from`` reads; the others are listed as "recognised, not used"
USED = frozenset(
    {
        Kind.QUIN_AGE,
        Kind.PRACTICE_MAP,
        Kind.EPCN_DETAILS,
        Kind.EPCN_PARTNERS,
        Kind.GPW_PRACTICE,
        Kind.FINGERTIPS,
        Kind.PCN_WORKFORCE,
        Kind.POSTCODES,
        Kind.EPRACCUR,
    }
)


def recognised_kinds() -> str:
    """Every kind intplan recognises with the header columns that identify it."""
    lines = [f"  {sig.kind.value}: {', '.join(sig.columns)}" for sig in SIGNATURES]
    lines.append(f"  {Kind.EPRACCUR.value}: a practice code, name, ... 27 quoted fields")
    return "\n".join(lines)


def kind_of(table: Table) -> Kind | None:
    for sig in SIGNATURES:
        if table.has(*sig.columns):
            return sig.kind
    if table.sheet is None and looks_like_epraccur(table.header):
        return Kind.EPRACCUR  # headerless: recognised by its first row's shape
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Folder:
    """What was found in a folder: recognised tables by kind, and everything else."""

    found: dict[Kind, list[Table]] = field(default_factory=dict)
    unrecognised: list[Table] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    #: other files inside a zip that holds a recognised table (e.g. the definitions
    #: workbook in the GP Workforce zip): the download is recognised, these are listed
    companions: list[str] = field(default_factory=list)

    def unrecognised_messages(self) -> list[str]:
        """Every file that is not a recognised NHS table (stops ``new`` unless ignored)."""
        out = [
            f"{t.describe()}: header not recognised (starts {', '.join(t.header[:6])})"
            for t in self.unrecognised
        ]
        return out + [f"{s.source}: {s.reason}" for s in self.skipped if not s.folder]

    def folder_messages(self) -> list[str]:
        """Subfolders and zip companions: not read, listed so the planner knows."""
        return [f"{s.source}: {s.reason}" for s in self.skipped if s.folder] + self.companions


def recognise(folder: Path) -> Folder:
    tables, skipped = read_folder(folder)
    result = Folder(skipped=skipped)
    for t in tables:
        kind = kind_of(t)
        if kind is None:
            result.unrecognised.append(t)
        else:
            result.found.setdefault(kind, []).append(t)
    zips = {_zip_of(t.source) for ts in result.found.values() for t in ts} - {None}
    for t in [t for t in result.unrecognised if _zip_of(t.source) in zips]:
        result.unrecognised.remove(t)
        result.companions.append(f"{t.describe()}: not used (beside a recognised file in the zip)")
    for sk in [sk for sk in result.skipped if _zip_of(sk.source) in zips]:
        result.skipped.remove(sk)
        result.companions.append(f"{sk.source}: {sk.reason}; not used")
    return result


def _zip_of(source: str) -> str | None:
    """``'dl/gpw.zip » defs.xlsx'`` -> ``'dl/gpw.zip'``; a bare file -> None."""
    return source.split(" » ", 1)[0] if " » " in source else None
