"""The Scenario: one whole ICS, validated across tables on construction."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from intplan.domain.demand import (
    ActivityKind,
    ActivityType,
    ArrivalProfile,
    DemandRate,
    Eligibility,
    Intervention,
    Referral,
    Seasonality,
)
from intplan.domain.errors import Problem, ScenarioError
from intplan.domain.geography import HCP, INT, PCN, Adjacency, Practice, Team
from intplan.domain.peak import demand_problems
from intplan.domain.settings import Settings
from intplan.domain.workforce import BaseKind, Role, Rota, Staff

Cell = str | int | float | bool | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtraSheet:
    """A sheet intplan does not know, kept cell-for-cell for the round trip."""

    name: str
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtraColumn:
    """A column a user added to a known sheet, kept by the row's key."""

    sheet: str
    header: str
    values: tuple[tuple[str, Cell], ...]  # (row key, value)


@dataclass(frozen=True, kw_only=True)
class Scenario:
    name: str
    notes: str = ""
    hcps: tuple[HCP, ...]
    pcns: tuple[PCN, ...]
    practices: tuple[Practice, ...]
    ints: tuple[INT, ...]
    adjacencies: tuple[Adjacency, ...] = ()
    teams: tuple[Team, ...] = ()
    rotas: tuple[Rota, ...]
    roles: tuple[Role, ...]
    staff: tuple[Staff, ...] = ()
    arrival_profiles: tuple[ArrivalProfile, ...]
    activities: tuple[ActivityType, ...]
    eligibilities: tuple[Eligibility, ...]
    referrals: tuple[Referral, ...] = ()
    demand_rates: tuple[DemandRate, ...]
    seasonality: tuple[Seasonality, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    settings: Settings = field(default_factory=Settings)
    extra_sheets: tuple[ExtraSheet, ...] = ()
    extra_columns: tuple[ExtraColumn, ...] = ()

    def __post_init__(self) -> None:
        problems = validate(self)
        if problems:
            raise ScenarioError(problems)

    # -- lookups (computed once; the scenario is immutable) ------------------
    @cached_property
    def pcn_by_code(self) -> dict[str, PCN]:
        return {x.code: x for x in self.pcns}

    @cached_property
    def practice_by_code(self) -> dict[str, Practice]:
        return {x.code: x for x in self.practices}

    @cached_property
    def int_by_code(self) -> dict[str, INT]:
        return {x.code: x for x in self.ints}

    @cached_property
    def team_by_code(self) -> dict[str, Team]:
        return {x.code: x for x in self.teams}

    @cached_property
    def role_by_code(self) -> dict[str, Role]:
        return {x.code: x for x in self.roles}

    @cached_property
    def rota_by_code(self) -> dict[str, Rota]:
        return {x.code: x for x in self.rotas}

    @cached_property
    def activity_by_code(self) -> dict[str, ActivityType]:
        return {x.code: x for x in self.activities}

    @cached_property
    def profile_by_code(self) -> dict[str, ArrivalProfile]:
        return {x.code: x for x in self.arrival_profiles}

    @cached_property
    def int_of_practice(self) -> dict[str, str]:
        return {p: i.code for i in self.ints for p in i.practices}

    @cached_property
    def practices_of_pcn(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {c.code: [] for c in self.pcns}
        for p in self.practices:
            out[p.pcn].append(p.code)
        return {k: tuple(v) for k, v in out.items()}

    def int_population(self, int_code: str) -> int:
        return sum(
            self.practice_by_code[p].population for p in self.int_by_code[int_code].practices
        )

    @property
    def population(self) -> int:
        return sum(p.population for p in self.practices)

    def neighbours(self, int_code: str) -> tuple[tuple[str, float], ...]:
        """Adjacent INTs of ``int_code`` with travel minutes, in a stable order."""
        out = [
            (a.int_b if a.int_a == int_code else a.int_a, a.travel_minutes)
            for a in self.adjacencies
            if int_code in (a.int_a, a.int_b)
        ]
        return tuple(sorted(out))

    def rota_of(self, person: Staff) -> Rota:
        return self.rota_by_code[person.rota or self.role_by_code[person.role].rota]


def _duplicates(problems: list[Problem], table: str, keys: Iterable[str], what: str) -> None:
    for key, n in Counter(keys).items():
        if n > 1:
            problems.append(
                Problem(
                    table=table,
                    key=key,
                    field=what,
                    message=f"{key!r} appears {n} times; ids must be unique",
                )
            )


def _refs(
    problems: list[Problem],
    table: str,
    rows: Iterable[Any],
    key: Callable[[Any], str],
    field_name: str,
    value: Callable[[Any], str | None],
    known: dict[str, Any] | set[str],
    what: str,
) -> None:
    for row in rows:
        v = value(row)
        if v is not None and v not in known:
            problems.append(
                Problem(
                    table=table, key=key(row), field=field_name, message=f"unknown {what} {v!r}"
                )
            )


def validate(s: Scenario) -> list[Problem]:
    """Every cross-table problem in the scenario (empty when it is consistent)."""
    p: list[Problem] = []
    _duplicates(p, "HCPs", (x.code for x in s.hcps), "code")
    _duplicates(p, "PCNs", (x.code for x in s.pcns), "code")
    _duplicates(p, "Practices", (x.code for x in s.practices), "code")
    _duplicates(p, "INTs", (x.code for x in s.ints), "code")
    _duplicates(p, "Teams", (x.code for x in s.teams), "code")
    _duplicates(p, "Rotas", (x.code for x in s.rotas), "code")
    _duplicates(p, "Roles", (x.code for x in s.roles), "code")
    _duplicates(p, "Staff", (x.id for x in s.staff), "id")
    _duplicates(p, "ArrivalProfiles", (x.code for x in s.arrival_profiles), "code")
    _duplicates(p, "Activities", (x.code for x in s.activities), "code")
    _duplicates(p, "Eligibility", (x.key for x in s.eligibilities), "role")
    _duplicates(p, "Referrals", (x.key for x in s.referrals), "to_activity")
    _duplicates(p, "DemandRates", (x.key for x in s.demand_rates), "age_band")
    _duplicates(p, "Seasonality", (x.key for x in s.seasonality), "month")
    _duplicates(p, "Interventions", (x.code for x in s.interventions), "code")
    _duplicates(p, "Adjacency", (x.key for x in s.adjacencies), "int_b")

    hcps = {x.code for x in s.hcps}
    pcns = {x.code for x in s.pcns}
    practices = {x.code for x in s.practices}
    ints = {x.code for x in s.ints}
    roles = {x.code for x in s.roles}
    rotas = {x.code for x in s.rotas}
    teams = {x.code for x in s.teams}
    acts = {x.code for x in s.activities}
    profiles = {x.code for x in s.arrival_profiles}

    _refs(p, "PCNs", s.pcns, lambda x: x.code, "hcp", lambda x: x.hcp, hcps, "HCP")
    _refs(p, "Practices", s.practices, lambda x: x.code, "pcn", lambda x: x.pcn, pcns, "PCN")
    _refs(p, "INTs", s.ints, lambda x: x.code, "hcp", lambda x: x.hcp, hcps, "HCP")
    for i in s.ints:
        for code in i.practices:
            if code not in practices:
                p.append(
                    Problem(
                        table="INTs",
                        key=i.code,
                        field="practices",
                        message=f"unknown practice {code!r}",
                    )
                )
    owners: dict[str, list[str]] = {}
    for i in s.ints:
        for code in i.practices:
            owners.setdefault(code, []).append(i.code)
    for code in sorted(practices):
        got = owners.get(code, [])
        if len(got) > 1:
            p.append(
                Problem(
                    table="Practices",
                    key=code,
                    field="code",
                    message=f"practice is in {len(got)} INTs ({', '.join(got)}); "
                    "each practice belongs to exactly one INT",
                )
            )
        elif not got:
            p.append(
                Problem(
                    table="Practices",
                    key=code,
                    field="code",
                    message="practice is in no INT; add it to one INT's practices",
                )
            )
    for a in s.adjacencies:
        for f, v in (("int_a", a.int_a), ("int_b", a.int_b)):
            if v not in ints:
                p.append(
                    Problem(table="Adjacency", key=a.key, field=f, message=f"unknown INT {v!r}")
                )
    for t in s.teams:
        for code in t.practices:
            if code not in practices:
                p.append(
                    Problem(
                        table="Teams",
                        key=t.code,
                        field="practices",
                        message=f"unknown practice {code!r}",
                    )
                )
    _refs(p, "Roles", s.roles, lambda x: x.code, "rota", lambda x: x.rota, rotas, "rota")
    _refs(p, "Staff", s.staff, lambda x: x.id, "role", lambda x: x.role, roles, "role")
    _refs(p, "Staff", s.staff, lambda x: x.id, "rota", lambda x: x.rota, rotas, "rota")
    base_sets = {BaseKind.PRACTICE: practices, BaseKind.PCN: pcns, BaseKind.TEAM: teams}
    for x in s.staff:
        if x.base not in base_sets[x.base_kind]:
            p.append(
                Problem(
                    table="Staff",
                    key=x.id,
                    field="base",
                    message=f"unknown {x.base_kind.value} {x.base!r}",
                )
            )
        for asg in x.assignments:
            if asg.int_code not in ints:
                p.append(
                    Problem(
                        table="Assignments",
                        key=x.id,
                        field="int",
                        message=f"unknown INT {asg.int_code!r}",
                    )
                )
    _refs(
        p,
        "Activities",
        s.activities,
        lambda x: x.code,
        "arrival_profile",
        lambda x: x.arrival_profile,
        profiles,
        "arrival profile",
    )
    _refs(
        p,
        "Eligibility",
        s.eligibilities,
        lambda x: x.key,
        "activity",
        lambda x: x.activity,
        acts,
        "activity",
    )
    _refs(
        p, "Eligibility", s.eligibilities, lambda x: x.key, "role", lambda x: x.role, roles, "role"
    )
    _refs(
        p,
        "Referrals",
        s.referrals,
        lambda x: x.key,
        "from_activity",
        lambda x: x.from_activity,
        acts,
        "activity",
    )
    _refs(
        p,
        "Referrals",
        s.referrals,
        lambda x: x.key,
        "to_activity",
        lambda x: x.to_activity,
        acts,
        "activity",
    )
    _refs(
        p,
        "DemandRates",
        s.demand_rates,
        lambda x: x.key,
        "activity",
        lambda x: x.activity,
        acts,
        "activity",
    )
    _refs(
        p,
        "Seasonality",
        s.seasonality,
        lambda x: x.key,
        "activity",
        lambda x: None if x.activity == "*" else x.activity,
        acts,
        "activity",
    )
    _refs(
        p,
        "Interventions",
        s.interventions,
        lambda x: x.code,
        "activity",
        lambda x: x.activity,
        acts,
        "activity",
    )
    _refs(
        p,
        "Interventions",
        s.interventions,
        lambda x: x.code,
        "int_code",
        lambda x: x.int_code,
        ints,
        "INT",
    )

    out_prob: dict[str, float] = {}
    for r in s.referrals:
        out_prob[r.from_activity] = out_prob.get(r.from_activity, 0.0) + r.probability
    for act, total in sorted(out_prob.items()):
        if total > 1.0 + 1e-9:
            p.append(
                Problem(
                    table="Referrals",
                    key=act,
                    field="probability",
                    message=f"referral probabilities from {act!r} add up to {total:.3f}; "
                    "they must add up to at most 1",
                )
            )
    for act_type in s.activities:
        if (
            act_type.kind is ActivityKind.PATIENT
            and act_type.code in acts
            and not any(e.activity == act_type.code for e in s.eligibilities)
        ):
            p.append(
                Problem(
                    table="Activities",
                    key=act_type.code,
                    field="code",
                    message="no role is eligible for this activity; add a row to Eligibility",
                )
            )
    if s.settings.represent_activity not in acts and s.activities:
        p.append(
            Problem(
                table="Settings",
                key="represent_activity",
                field="value",
                message=f"unknown activity {s.settings.represent_activity!r}",
            )
        )
    p.extend(demand_problems(s))
    return p
