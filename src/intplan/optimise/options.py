"""Optimiser options that are not part of the scenario, each default with its source.

The scenario's ``Settings`` hold the planning rules users edit in the workbook
(utilisation ceiling, cover and move caps, demand percentile, budget, unmet
penalty). What is here is about one optimiser run: solver choice and limits,
recruitment limits, the minimum core team and a few cost constants.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from intplan.domain.errors import DomainError


class StaffingRuleName(StrEnum):
    QUEUEING = "queueing"  # per pool, from a priority M/M/c queue (staffing.py), the default
    CEILING = "ceiling"  # one flat utilisation ceiling (settings.utilisation_ceiling)


class SolverName(StrEnum):
    HIGHS = "highs"  # HiGHS through highspy (pulp.HiGHS), the default
    CBC = "cbc"  # CBC bundled with PuLP (PULP_CBC_CMD), the fallback


#: Where each default comes from (every default number carries a source).
OPTION_SOURCES: Mapping[str, str] = MappingProxyType(
    {
        "time_limit_seconds": "assumption: long enough for an ICS-sized MILP (benchmarks/"
        "results/optimiser.md) and short enough to keep the app responsive",
        "gap": "assumption: 1% of annual pay cost is within the precision of the inputs",
        "min_core_fte": "assumption: at least one whole-time equivalent of every core role "
        "in each INT, so the core team exists (seed 000:215, 000:828 list the core roles)",
        "recruit_share": "assumption: an ICS can grow a role by about 15% of its establishment "
        "in a planning year beyond refilling vacancies",
        "scarce_recruit_share": "assumption: scarce roles grow by at most 3% a year",
        "scarce_roles": "assumption: GP, district nurse and psychiatrist posts are the hardest "
        "to fill (NHS England vacancy statistics show persistent shortages in these groups)",
        "recruit_floor_fte": "assumption: any role can recruit at least one FTE a year ICS-wide",
        "move_penalty_gbp_per_fte": "assumption: moving a person's base disrupts continuity "
        "(seed 000:147); valued at about two months of a mid-band salary",
        "cover_session_hours": "assumption: cross-cover is given in half-day sessions",
        "mileage_gbp_per_km": "HMRC approved mileage allowance payment 45p a mile = £0.28/km",
        "staffing_rule": "issue 12: a flat utilisation ceiling says nothing about waits (a "
        "pool of 2 FTE at 85% waits far longer than one of 40 FTE); queueing sizes each pool "
        "by Erlang C with priorities (docs/optimiser.md, Staffing rule)",
        "service_level": "assumption: 90% of the patients who can be seen within an "
        "activity's response target are (the share named in issue 12); NHS standards use "
        "similar shares, e.g. NHS Talking Therapies 75% within 6 weeks and 95% within 18 "
        "weeks, the 4-hour A&E standard 95%",
        "cover_admin_gbp_per_hour": "assumption: arranging cross-cover has a small coordination "
        "cost; it also stops the solver lending hours that do not help",
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class OptimiseOptions:
    """One optimiser run's choices. Defaults and their sources: ``OPTION_SOURCES``."""

    solver: SolverName = SolverName.HIGHS
    staffing_rule: StaffingRuleName = StaffingRuleName.QUEUEING
    service_level: float = 0.9  # share seen within the response target (queueing rule)
    integer: bool = False  # posts in 0.1-FTE steps (integer tenths)
    lexicographic: bool = False  # minimise unmet demand first, then cost
    time_limit_seconds: float = 60.0
    gap: float = 0.01  # relative MIP gap
    min_core_fte: float = 1.0  # per core role per INT; 0 switches the rule off
    recruit_share: float = 0.15  # of a role's establishment (filled + vacant), ICS-wide
    scarce_recruit_share: float = 0.03
    scarce_roles: tuple[str, ...] = ("GP", "DN", "PSY")
    recruit_floor_fte: float = 1.0
    #: role -> FTE that can be recruited ICS-wide (overrides the shares above)
    recruit_limit_fte: Mapping[str, float] = field(default_factory=dict)
    #: role -> most FTE of the role in the ICS after the plan (a supply cap)
    max_fte: Mapping[str, float] = field(default_factory=dict)
    move_penalty_gbp_per_fte: float = 6000.0
    cover_session_hours: float = 3.5
    mileage_gbp_per_km: float = 0.28
    cover_admin_gbp_per_hour: float = 2.0

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "solver", SolverName(self.solver))
        except ValueError:
            raise DomainError(
                "solver", f"{self.solver!r} is not one of {', '.join(SolverName)}"
            ) from None
        try:
            object.__setattr__(self, "staffing_rule", StaffingRuleName(self.staffing_rule))
        except ValueError:
            raise DomainError(
                "staffing_rule",
                f"{self.staffing_rule!r} is not one of {', '.join(StaffingRuleName)}",
            ) from None
        _in_range("service_level", self.service_level, 0.5, 0.999)
        _positive("time_limit_seconds", self.time_limit_seconds)
        _in_range("gap", self.gap, 0.0, 1.0)
        _in_range("min_core_fte", self.min_core_fte, 0.0, 100.0)
        _in_range("recruit_share", self.recruit_share, 0.0, 10.0)
        _in_range("scarce_recruit_share", self.scarce_recruit_share, 0.0, 10.0)
        _in_range("recruit_floor_fte", self.recruit_floor_fte, 0.0, 1e6)
        _in_range("move_penalty_gbp_per_fte", self.move_penalty_gbp_per_fte, 0.0, 1e9)
        _positive("cover_session_hours", self.cover_session_hours)
        _in_range("mileage_gbp_per_km", self.mileage_gbp_per_km, 0.0, 1e3)
        _in_range("cover_admin_gbp_per_hour", self.cover_admin_gbp_per_hour, 0.0, 1e6)
        for name in ("recruit_limit_fte", "max_fte"):
            mapping = dict(getattr(self, name))
            for role, value in mapping.items():
                _in_range(f"{name}[{role}]", value, 0.0, 1e9)
            object.__setattr__(self, name, MappingProxyType(mapping))
        object.__setattr__(self, "scarce_roles", tuple(self.scarce_roles))

    def source(self, key: str) -> str:
        return OPTION_SOURCES.get(key, "user choice")


def _positive(name: str, value: float) -> None:
    if not _finite(value) or value <= 0:
        raise DomainError(name, f"{value!r} must be a number greater than 0")


def _in_range(name: str, value: float, low: float, high: float) -> None:
    if not _finite(value) or not low <= value <= high:
        raise DomainError(name, f"{value!r} must be a number from {low:g} to {high:g}")


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
