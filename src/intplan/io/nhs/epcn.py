"""ePCN (ODS, ``ePCN.xlsx``): PCN names and current practice membership.

Sheet ``PCNDetails`` names each PCN (closed PCNs, with a Close Date, are left out);
sheet ``PCN Core Partner Details`` lists practice -> PCN relationships, and a
relationship with an end date has ended and is ignored. Headers carry embedded line
breaks; they are matched with whitespace collapsed.
"""

from __future__ import annotations

from dataclasses import dataclass

from intplan.io.errors import Issue
from intplan.io.nhs._cells import Cells
from intplan.io.nhs.tables import Table


@dataclass(frozen=True, slots=True, kw_only=True)
class Epcn:
    sources: tuple[str, ...]
    pcn_names: dict[str, str]  # open PCNs
    practice_pcn: dict[str, str]  # current memberships
    ended: int  # relationships ignored because they have ended


def read_epcn(details: list[Table], partners: list[Table], issues: list[Issue]) -> Epcn:
    names: dict[str, str] = {}
    for t in details:
        c = Cells(t, ("PCN Code", "PCN Name"), ("Close Date",), issues=issues)
        if not c.ok:
            continue
        for _, cells in t.rows():
            code = c.get(cells, "PCN Code").upper()
            if code and not c.get(cells, "Close Date"):
                names[code] = c.get(cells, "PCN Name") or code
    member: dict[str, str] = {}
    ended = 0
    for t in partners:
        c = Cells(
            t,
            ("Partner Organisation Code", "PCN Code"),
            ("PCN Name", "Practice to PCN Relationship End Date"),
            issues=issues,
        )
        if not c.ok:
            continue
        for row, cells in t.rows():
            practice = c.get(cells, "Partner Organisation Code").upper()
            pcn = c.get(cells, "PCN Code").upper()
            if not practice or not pcn:
                issues.append(t.issue(row, None, "the practice or PCN code is blank"))
                continue
            if c.get(cells, "Practice to PCN Relationship End Date"):
                ended += 1
                continue
            member[practice] = pcn
            names.setdefault(pcn, c.get(cells, "PCN Name") or pcn)
    return Epcn(
        sources=tuple(dict.fromkeys(t.describe() for t in details + partners)),
        pcn_names=names,
        practice_pcn=member,
        ended=ended,
    )
