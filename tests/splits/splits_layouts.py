"""Synthetic PCNs for split tests: practices at chosen places, staff in proportion.

Built on the tiny example's roles, activities and rates so only geography and
staffing vary between tests.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from intplan.domain import (
    INT,
    PCN,
    Assignment,
    BaseKind,
    Practice,
    Scenario,
    Settings,
    Staff,
    Team,
)
from intplan.examples import build_tiny

#: the tiny example's age mix, scaled to a practice's population
_AGE_MIX = (0.2, 0.6, 0.12, 0.06, 0.02)


def practice(code: str, x_km: float, y_km: float, population: int, pcn: str = "PCN1") -> Practice:
    bands = [int(population * share) for share in _AGE_MIX]
    bands[1] += population - sum(bands)
    return Practice(
        code=code,
        name=f"Practice {code}",
        pcn=pcn,
        list_by_age=(bands[0], bands[1], bands[2], bands[3], bands[4]),
        deprivation_decile=5,
        x_km=x_km,
        y_km=y_km,
    )


def pcn_scenario(
    layout: Sequence[tuple[str, float, float, int]],
    *,
    gp_fte_per_practice: float = 2.0,
    pn_fte_per_practice: float = 1.0,
    dn_fte: float = 2.0,
    settings: Settings | None = None,
) -> Scenario:
    """One PCN, one INT holding every practice, a GP and PN staff per practice, a DN team."""
    base = build_tiny()
    practices = tuple(practice(c, x, y, pop) for c, x, y, pop in layout)
    codes = tuple(p.code for p in practices)
    staff: list[Staff] = []

    def add(role: str, kind: BaseKind, where: str, fte: float) -> None:
        n = len(staff) + 1
        staff.append(
            Staff(
                id=f"S{n:04d}",
                name=f"Person {n}",
                role=role,
                employer="Synthetic",
                base_kind=kind,
                base=where,
                fte=fte,
                assignments=(Assignment(int_code="INT1", fte=fte, rule="practice"),),
            )
        )

    for code in codes:
        for role, total in (("GP", gp_fte_per_practice), ("PN", pn_fte_per_practice)):
            left = total
            while left > 1e-9:
                add(role, BaseKind.PRACTICE, code, min(1.0, left))
                left -= min(1.0, left)
    left = dn_fte
    while left > 1e-9:
        add("DN", BaseKind.TEAM, "DNTEAM", min(1.0, left))
        left -= min(1.0, left)
    return dataclasses.replace(
        base,
        name="Synthetic PCN",
        pcns=(PCN(code="PCN1", name="Synthetic PCN", hcp="HCP1"),),
        practices=practices,
        ints=(INT(code="INT1", name="Whole PCN", hcp="HCP1", practices=codes),),
        adjacencies=(),
        teams=(Team(code="DNTEAM", name="District nurses", employer="Synthetic", practices=codes),),
        staff=tuple(staff),
        interventions=(),
        settings=settings or Settings(horizon_weeks=6, warmup_weeks=1, replications=3),
    )
