"""A synthetic ESR staff-list export in two trusts' header styles (no real person).

Trust A writes ESR's own column names; trust B shortens them, splits the name and gives
contracted hours instead of WTE. Rows cover: one person with two assignments, a bank
assignment, a fixed-term assignment, an ESR job role intplan does not know, and a row
whose job role is blank so only the occupation code names the role.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

TRUST_A_HEADER = [
    "Employee Number",
    "Assignment Number",
    "Full Name",
    "Position Title",
    "Job Role",
    "Staff Group",
    "Occupation Code",
    "Area of Work",
    "Organisation",
    "Cost Centre",
    "Assignment Category",
    "Pay Band",
    "Contracted WTE",
]
ORG_A = "Fictional Community Health"
TRUST_A_ROWS = [
    # row 2: one assignment; the cost centre is no base, the area of work names the team
    [
        "20000001",
        "20000001",
        "Ada Okonkwo",
        "DN Team Leader",
        "Nurse Manager",
        "Nursing and Midwifery Registered",
        "N6C",
        "Tiny district nursing",
        ORG_A,
        "CC4410",
        "Permanent",
        "Band 7",
        "1",
    ],
    # rows 3-4: one person, two assignments of the same role (kept as two rows)
    [
        "20000002",
        "20000002",
        "Bram Ellery",
        "Community Sister",
        "Sister/Charge Nurse",
        "Nursing and Midwifery Registered",
        "N6E",
        "Tiny district nursing",
        ORG_A,
        "CC4410",
        "Permanent",
        "Band 6",
        "0.6",
    ],
    [
        "20000002",
        "20000002-2",
        "Bram Ellery",
        "Community Sister",
        "Sister/Charge Nurse",
        "Nursing and Midwifery Registered",
        "N6E",
        "Tiny district nursing",
        ORG_A,
        "CC4410",
        "Fixed Term Temp",
        "Band 6",
        "0.3",
    ],
    # row 5: bank: no contracted post, reported and not imported
    [
        "20000003",
        "20000003-2",
        "Cleo Varga",
        "Bank Staff Nurse",
        "Sister/Charge Nurse",
        "Nursing and Midwifery Registered",
        "N6H",
        "Tiny district nursing",
        ORG_A,
        "CC4410",
        "Bank",
        "Band 5",
        "0",
    ],
    # row 6: an ESR job role intplan does not map
    [
        "20000004",
        "20000004",
        "Dev Anand Rao",
        "Nursery Nurse",
        "Nursery Nurse",
        "Additional Clinical Services",
        "H1D",
        "Tiny district nursing",
        ORG_A,
        "CC4410",
        "Permanent",
        "Band 4",
        "1",
    ],
    # row 7: blank job role; the occupation code names the role
    [
        "20000005",
        "20000005",
        "Edith Mwangi",
        "Community Practitioner",
        "",
        "Nursing and Midwifery Registered",
        "N6C",
        "Tiny district nursing",
        ORG_A,
        "CC4410",
        "Permanent",
        "Band 7",
        "0.8",
    ],
]

TRUST_B_HEADER = [
    "Emp No",
    "Assignment No.",
    "Last Name",
    "First Name",
    "ESR Job Role",
    "Occ Code",
    "Area Of Work",
    "Employing Organisation",
    "Cost Centre Code",
    "Assignment Category",
    "AfC Band",
    "Contracted Hours",
]
ORG_B = "Riverside Trust Practices"
TRUST_B_ROWS = [
    [
        "30000001",
        "30000001",
        "Fenwick",
        "Gail",
        "Salaried General Practitioner",
        "",
        "Hill Lane Practice",
        ORG_B,
        "RT220",
        "Permanent",
        "",
        "22.5",
    ],
    [
        "30000002",
        "30000002",
        "Hughes",
        "Ivo",
        "Practice Nurse",
        "",
        "Hill Lane Practice",
        ORG_B,
        "RT220",
        "Honorary",
        "Band 6",
        "0",
    ],
]

#: what must be imported: staff id -> (role, FTE, employer)
EXPECTED = {
    "20000001": ("DN", 1.0, ORG_A),
    "20000002": ("DN", 0.6, ORG_A),
    "20000002-2": ("DN", 0.3, ORG_A),
    "20000005": ("DN", 0.8, ORG_A),
    "30000001": ("GP", 0.6, ORG_B),
}
IDENTIFIERS = [
    *(r[0] for r in TRUST_A_ROWS),
    *(r[1] for r in TRUST_A_ROWS),
    *(r[2] for r in TRUST_A_ROWS),
    *(r[0] for r in TRUST_B_ROWS),
    "Fenwick",
    "Hughes",
]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([header, *rows])
        return path
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "ESR Staff List"
    ws.append(["Staff in post report - run 01/11/2026"])  # ESR reports open with a title
    ws.append(header)
    for r in rows:
        ws.append([_typed(v) for v in r])
    wb.save(path)
    return path


def _typed(value: str) -> object:
    try:
        return float(value) if "." in value else int(value)
    except ValueError:
        return value


def write_exports(folder: Path, suffix: str) -> tuple[Path, Path]:
    """Trust A's and trust B's exports as ``.csv`` or ``.xlsx`` in ``folder``."""
    return (
        _write(folder / f"esr_trust_a{suffix}", TRUST_A_HEADER, TRUST_A_ROWS),
        _write(folder / f"esr_trust_b{suffix}", TRUST_B_HEADER, TRUST_B_ROWS),
    )
