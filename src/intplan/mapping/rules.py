"""Staff -> INT mapping rules, applied in a fixed order and explained per person.

Order (the first that applies wins):

1. ``manual``: an assignment from the mapping workbook;
2. ``named``: an INT named in the register's INT column;
3. ``practice``: practice-based staff go to the INT of their practice;
4. ``pcn_share``: PCN-wide staff (e.g. ARRS roles) are split across the INTs holding the
   PCN's practices, by the population of those practices in each INT;
5. ``team_share``: community, MH, social-care and VCSE teams are split across the INTs
   holding the practices they cover, by the population of those practices.

Manual and named shares either all give an FTE (which must add up to the person's FTE) or
none does (the named INTs then share the person by INT population). Shares always add up
exactly to the person's FTE: every share but the last is rounded to 6 decimals and the
last takes the remainder.

Everything here is pure: ``assign_all`` works on any set of INTs, so a PCN split can
re-map the same staff to a new set of INTs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from intplan.domain.geography import INT
from intplan.domain.scenario import Scenario
from intplan.domain.workforce import FTE_TOLERANCE, Assignment, BaseKind, Staff

RULE_ORDER: tuple[str, ...] = ("manual", "named", "practice", "pcn_share", "team_share")
#: rules a re-map keeps when all their INTs still exist (the others are recomputed)
USER_RULES: frozenset[str] = frozenset({"manual", "named"})
_DECIMALS = 6


@dataclass(frozen=True, slots=True, kw_only=True)
class Geography:
    """What the rules need from a scenario, for a given set of INTs."""

    int_codes: tuple[str, ...]
    int_of_practice: Mapping[str, str]
    practice_population: Mapping[str, int]
    practices_of_pcn: Mapping[str, tuple[str, ...]]
    practices_of_team: Mapping[str, tuple[str, ...]]
    int_populations: Mapping[str, int] = field(default_factory=dict)  # filled on construction

    def __post_init__(self) -> None:
        pops = dict.fromkeys(self.int_codes, 0)
        for p, n in self.practice_population.items():
            i = self.int_of_practice.get(p)
            if i is not None:
                pops[i] = pops.get(i, 0) + n
        object.__setattr__(self, "int_populations", MappingProxyType(pops))

    @classmethod
    def of(cls, scenario: Scenario, ints: Sequence[INT] | None = None) -> Geography:
        chosen = tuple(scenario.ints if ints is None else ints)
        return cls(
            int_codes=tuple(i.code for i in chosen),
            int_of_practice=MappingProxyType({p: i.code for i in chosen for p in i.practices}),
            practice_population=MappingProxyType(
                {p.code: p.population for p in scenario.practices}
            ),
            practices_of_pcn=MappingProxyType(dict(scenario.practices_of_pcn)),
            practices_of_team=MappingProxyType({t.code: t.practices for t in scenario.teams}),
        )

    def int_population(self, int_code: str) -> int:
        return self.int_populations.get(int_code, 0)

    def population_by_int(self, practices: Iterable[str]) -> dict[str, int]:
        """Population of ``practices`` in each INT (practices in no INT are left out)."""
        out: dict[str, int] = {}
        for p in practices:
            i = self.int_of_practice.get(p)
            if i is not None:
                out[i] = out.get(i, 0) + self.practice_population.get(p, 0)
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class IntRequest:
    """INTs a user named for a person: from the mapping workbook or the register."""

    rule: str  # "manual" or "named"
    shares: tuple[tuple[str, float | None], ...]  # (INT code, FTE or None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """How one person was mapped (``rule`` None: not mapped, ``reason`` says why)."""

    staff_id: str
    rule: str | None
    assignments: tuple[Assignment, ...]
    reason: str

    @property
    def mapped(self) -> bool:
        return self.rule is not None


def split_fte(fte: float, weights: Mapping[str, float]) -> tuple[tuple[str, float], ...]:
    """Split ``fte`` by ``weights`` (INT -> weight); shares add up exactly to ``fte``.

    INTs with no weight get nothing; all-zero weights split equally. Shares are in INT
    code order; all but the last are rounded, the last takes the remainder.
    """
    codes = sorted(weights)
    if not codes:
        return ()
    w = {c: max(0.0, float(weights[c])) for c in codes}
    if sum(w.values()) <= 0:
        w = dict.fromkeys(codes, 1.0)
    codes = [c for c in codes if w[c] > 0]
    while True:
        total = sum(w[c] for c in codes)
        shares = [round(fte * w[c] / total, _DECIMALS) for c in codes[:-1]]
        last = round(fte - sum(shares), 9)
        if all(s > 0 for s in shares) and last > 0:
            return (*zip(codes[:-1], shares, strict=True), (codes[-1], last))
        # a share too small to show at 6 decimals: drop the smallest INT and split again
        codes.remove(min(codes, key=lambda c: (w[c], c)))


def _pct(weights: Mapping[str, float]) -> str:
    total = sum(weights.values()) or 1.0
    return ", ".join(f"{c} {100 * v / total:.1f}%" for c, v in sorted(weights.items()))


def _by_request(person: Staff, geo: Geography, req: IntRequest) -> Decision:
    known = set(geo.int_codes)
    unknown = [c for c, _ in req.shares if c not in known]
    where = "the mapping workbook" if req.rule == "manual" else "the register's INT column"
    if unknown:
        return Decision(
            staff_id=person.id,
            rule=None,
            assignments=(),
            reason=f"{where} names INT {', '.join(map(repr, unknown))}, which is not in the "
            "scenario",
        )
    codes = [c for c, _ in req.shares]
    if len(set(codes)) != len(codes):
        return Decision(
            staff_id=person.id,
            rule=None,
            assignments=(),
            reason=f"{where} names the same INT twice",
        )
    given = [f for _, f in req.shares if f is not None]
    if given and len(given) != len(req.shares):
        return Decision(
            staff_id=person.id,
            rule=None,
            assignments=(),
            reason=f"{where} gives an FTE for some INTs and not others; give all or none",
        )
    if given:
        total = sum(given)
        if abs(total - person.fte) > FTE_TOLERANCE:
            return Decision(
                staff_id=person.id,
                rule=None,
                assignments=(),
                reason=f"{where} gives shares adding up to {total:g} FTE but the person has "
                f"{person.fte:g} FTE",
            )
        weights = {c: float(f) for c, f in req.shares if f is not None}
        text = f"{where}: " + ", ".join(f"{c} {f:g} FTE" for c, f in req.shares if f)
    else:
        weights = {c: float(geo.int_population(c)) for c in codes}
        text = f"{where}: " + (
            codes[0] if len(codes) == 1 else f"split by INT population ({_pct(weights)})"
        )
    parts = split_fte(person.fte, weights)
    return Decision(
        staff_id=person.id,
        rule=req.rule,
        assignments=tuple(Assignment(int_code=c, fte=f, rule=req.rule) for c, f in parts),
        reason=text,
    )


def decide(person: Staff, geo: Geography, request: IntRequest | None = None) -> Decision:
    """The mapping of one person under the rules (see the module docstring for the order)."""
    if request is not None:
        return _by_request(person, geo, request)

    def none(reason: str) -> Decision:
        return Decision(staff_id=person.id, rule=None, assignments=(), reason=reason)

    def share(rule: str, weights: dict[str, int], why: str) -> Decision:
        if not weights:
            return none(why + ": none of its practices is in an INT")
        parts = split_fte(person.fte, {k: float(v) for k, v in weights.items()})
        text = (
            f"{why} -> {parts[0][0]}"
            if len(parts) == 1
            else f"{why}, split by population ({_pct(weights)})"
        )
        return Decision(
            staff_id=person.id,
            rule=rule,
            assignments=tuple(Assignment(int_code=c, fte=f, rule=rule) for c, f in parts),
            reason=text,
        )

    if person.base_kind is BaseKind.PRACTICE:
        int_code = geo.int_of_practice.get(person.base)
        if int_code is None:
            return none(f"practice {person.base} is in no INT")
        return Decision(
            staff_id=person.id,
            rule="practice",
            assignments=(Assignment(int_code=int_code, fte=person.fte, rule="practice"),),
            reason=f"practice {person.base} is in {int_code}",
        )
    if person.base_kind is BaseKind.PCN:
        practices = geo.practices_of_pcn.get(person.base)
        if practices is None:
            return none(f"PCN {person.base} is not in the scenario")
        return share("pcn_share", geo.population_by_int(practices), f"PCN {person.base}")
    practices = geo.practices_of_team.get(person.base)
    if practices is None:
        return none(f"team {person.base} is not in the scenario's Teams sheet")
    return share("team_share", geo.population_by_int(practices), f"team {person.base}")


def request_from_assignments(person: Staff, int_codes: Iterable[str]) -> IntRequest | None:
    """The user's own choice kept in a person's assignments, if it still fits ``int_codes``."""
    if not person.assignments or any(a.rule not in USER_RULES for a in person.assignments):
        return None
    known = set(int_codes)
    if any(a.int_code not in known for a in person.assignments):
        return None
    return IntRequest(
        rule=person.assignments[0].rule,
        shares=tuple((a.int_code, a.fte) for a in person.assignments),
    )


def map_all(
    geo: Geography,
    staff: Sequence[Staff],
    requests: Mapping[str, IntRequest] | None = None,
) -> tuple[tuple[Staff, ...], tuple[Decision, ...]]:
    """Every person with fresh assignments (empty when not mapped) and the decisions."""
    reqs = requests or {}
    out: list[Staff] = []
    decisions: list[Decision] = []
    # the rules depend only on base and FTE: decide once per (base, FTE), reuse the answer
    memo: dict[tuple[BaseKind, str, float], Decision] = {}
    for person in staff:
        req = reqs.get(person.id)
        if req is not None:
            d = decide(person, geo, req)
        else:
            key = (person.base_kind, person.base, person.fte)
            if key not in memo:
                memo[key] = decide(person, geo)
            d = replace(memo[key], staff_id=person.id)
        decisions.append(d)
        out.append(replace(person, assignments=d.assignments))
    return tuple(out), tuple(decisions)


def assign_all(
    geo: Geography,
    staff: Sequence[Staff],
    requests: Mapping[str, IntRequest] | None = None,
    *,
    keep_user_choices: bool = True,
) -> tuple[Staff, ...]:
    """Re-map ``staff`` to ``geo``'s INTs; same people in the same order.

    With ``keep_user_choices``, manual and named assignments whose INTs all still exist
    are kept (as requests) unless ``requests`` says otherwise; the rest follow the rules.
    """
    reqs: dict[str, IntRequest] = {}
    if keep_user_choices:
        for person in staff:
            r = request_from_assignments(person, geo.int_codes)
            if r is not None:
                reqs[person.id] = r
    reqs.update(requests or {})
    return map_all(geo, staff, reqs)[0]
