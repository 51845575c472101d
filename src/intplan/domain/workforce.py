"""Roles, rotas and staff (named people or vacant posts) with INT assignments."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from intplan.domain import _check
from intplan.domain import limits as L
from intplan.domain.errors import DomainError

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_FTE = L.FTE.high  # above this a row is almost certainly a typo (hours in the FTE column)
FTE_TOLERANCE = 1e-6


class BaseKind(StrEnum):
    """Where a member of staff is based, which decides the mapping rule."""

    PRACTICE = "practice"
    PCN = "pcn"
    TEAM = "team"


class StaffGroup(StrEnum):
    MEDICAL = "medical"
    NURSING = "nursing"
    AHP = "ahp"
    PHARMACY = "pharmacy"
    MENTAL_HEALTH = "mental_health"
    SOCIAL_CARE = "social_care"
    WELLBEING = "wellbeing"
    ADMIN = "admin"
    MANAGEMENT = "management"


class EmployerType(StrEnum):
    GP_PRACTICE = "gp_practice"
    PCN = "pcn"
    COMMUNITY_PROVIDER = "community_provider"
    MH_TRUST = "mh_trust"
    COUNCIL = "council"
    VCSE = "vcse"
    ICB = "icb"


@dataclass(frozen=True, slots=True, kw_only=True)
class Rota:
    """When a role works: days of the week and the daily window (hours 0-24)."""

    code: str
    name: str
    days: tuple[bool, bool, bool, bool, bool, bool, bool]  # mon..sun
    start_hour: float
    end_hour: float
    source: str

    def __post_init__(self) -> None:
        _check.code("code", self.code)
        _check.text("name", self.name)
        if len(self.days) != 7 or not all(isinstance(d, bool) for d in self.days):
            raise DomainError("days", "needs seven yes/no values, Monday to Sunday")
        if not any(self.days):
            raise DomainError("days", "a rota must work at least one day")
        _check.within("start_hour", self.start_hour, L.HOUR_OF_DAY)
        _check.within("end_hour", self.end_hour, L.HOUR_OF_DAY)
        if self.end_hour <= self.start_hour:
            raise DomainError("end_hour", "must be after start_hour (a rota with no hours)")
        _check.text("source", self.source)

    @property
    def hours_per_day(self) -> float:
        return self.end_hour - self.start_hour

    @property
    def days_per_week(self) -> int:
        return sum(self.days)

    @property
    def open_hours_per_week(self) -> float:
        return self.hours_per_day * self.days_per_week


@dataclass(frozen=True, slots=True, kw_only=True)
class Role:
    code: str
    name: str
    staff_group: StaffGroup
    employer_type: EmployerType
    pay_cost_gbp_per_fte: float  # annual, including employer on-costs
    hours_per_fte_week: float
    productive_fraction: float  # after leave, sickness and training
    skills: tuple[str, ...]
    core: bool  # part of the minimum core team of every INT
    rota: str
    population_per_fte: float | None  # reference ratio for the mapping report
    source: str

    def __post_init__(self) -> None:
        _check.code("code", self.code)
        _check.text("name", self.name)
        _check.within("pay_cost_gbp_per_fte", self.pay_cost_gbp_per_fte, L.PAY_GBP_PER_FTE)
        _check.within("hours_per_fte_week", self.hours_per_fte_week, L.HOURS_PER_FTE_WEEK)
        _check.within("productive_fraction", self.productive_fraction, L.PRODUCTIVE_FRACTION)
        _check.code("rota", self.rota)
        if self.population_per_fte is not None:
            _check.within("population_per_fte", self.population_per_fte, L.POPULATION_PER_FTE)
        _check.text("source", self.source)


@dataclass(frozen=True, slots=True, kw_only=True)
class Assignment:
    """A share of one person's FTE given to one INT, and the rule that gave it."""

    int_code: str
    fte: float
    rule: str  # "practice", "pcn_share", "team_share", "manual", "named"

    def __post_init__(self) -> None:
        _check.code("int_code", self.int_code)
        _check.within("fte", self.fte, L.FTE)
        _check.text("rule", self.rule)


@dataclass(frozen=True, slots=True, kw_only=True)
class Staff:
    """A named person (or pseudonym, or vacant post) in a role at a base."""

    id: str
    name: str
    role: str
    employer: str
    base_kind: BaseKind
    base: str  # a practice code, PCN code or team code, per base_kind
    fte: float
    vacant: bool = False
    rota: str | None = None  # overrides the role's rota
    assignments: tuple[Assignment, ...] = ()

    def __post_init__(self) -> None:
        _check.code("id", self.id)
        _check.text("name", self.name)
        _check.code("role", self.role)
        _check.text("employer", self.employer)
        if not isinstance(self.base_kind, BaseKind):
            raise DomainError("base_kind", f"{self.base_kind!r} is not practice, pcn or team")
        _check.code("base", self.base)
        _check.within("fte", self.fte, L.FTE)
        if self.rota is not None:
            _check.code("rota", self.rota)
        if self.assignments:
            total = sum(a.fte for a in self.assignments)
            if abs(total - self.fte) > FTE_TOLERANCE:
                raise DomainError(
                    "assignments",
                    f"INT shares add up to {total:.3f} FTE but the person has {self.fte:.3f} FTE",
                )
            ints = [a.int_code for a in self.assignments]
            if len(set(ints)) != len(ints):
                raise DomainError("assignments", "the same INT appears twice")

    @property
    def ints(self) -> tuple[str, ...]:
        return tuple(a.int_code for a in self.assignments)
