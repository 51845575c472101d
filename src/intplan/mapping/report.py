"""The mapping report per INT: who is in each team, gaps, ratios, and who is not mapped.

Headcount counts people in post (vacant posts are counted apart); a person split across
INTs counts once in each INT they work in. FTE includes vacant posts (``vacant_fte`` says
how much), because a funded post is capacity the plan counts on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from intplan.domain.scenario import Scenario
from intplan.mapping.rules import Decision


@dataclass(frozen=True, slots=True, kw_only=True)
class Count:
    key: str  # role code, staff group or employer
    headcount: int
    fte: float


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleLine:
    role: str
    name: str
    staff_group: str
    core: bool
    headcount: int
    fte: float
    vacant_fte: float
    population_per_fte: float | None  # None when the INT has no FTE of the role
    reference_population_per_fte: float | None
    fte_at_reference: float | None  # FTE the reference ratio implies for this population

    @property
    def fte_short_of_reference(self) -> float | None:
        """How many FTE below the reference ratio (negative = above it)."""
        if self.fte_at_reference is None:
            return None
        return self.fte_at_reference - self.fte


@dataclass(frozen=True, slots=True, kw_only=True)
class IntReport:
    int_code: str
    name: str
    population: int
    headcount: int
    fte: float
    vacant_posts: int
    vacant_fte: float
    core_headcount: int
    team_size_threshold: int
    roles: tuple[RoleLine, ...]
    staff_groups: tuple[Count, ...]
    employers: tuple[Count, ...]
    gaps: tuple[str, ...]  # core roles with no FTE

    @property
    def over_threshold(self) -> bool:
        return self.core_headcount > self.team_size_threshold


@dataclass(frozen=True, slots=True, kw_only=True)
class Unmapped:
    staff_id: str
    name: str
    role: str
    base: str
    fte: float
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MappingReport:
    ints: tuple[IntReport, ...]
    unmapped: tuple[Unmapped, ...]
    fte_total: float  # every person's FTE
    fte_assigned: float  # FTE given to INTs
    team_size_threshold: int
    team_size_threshold_source: str

    def to_json(self) -> dict[str, object]:
        return {
            "fte_total": round(self.fte_total, 6),
            "fte_assigned": round(self.fte_assigned, 6),
            "team_size_threshold": self.team_size_threshold,
            "team_size_threshold_source": self.team_size_threshold_source,
            "ints": [
                {
                    "int": i.int_code,
                    "name": i.name,
                    "population": i.population,
                    "headcount": i.headcount,
                    "fte": round(i.fte, 6),
                    "vacant_posts": i.vacant_posts,
                    "vacant_fte": round(i.vacant_fte, 6),
                    "core_headcount": i.core_headcount,
                    "over_team_size_threshold": i.over_threshold,
                    "gaps": list(i.gaps),
                    "by_role": [
                        {
                            "role": r.role,
                            "headcount": r.headcount,
                            "fte": round(r.fte, 6),
                            "vacant_fte": round(r.vacant_fte, 6),
                            "core": r.core,
                            "population_per_fte": _r(r.population_per_fte, 1),
                            "reference_population_per_fte": r.reference_population_per_fte,
                            "fte_short_of_reference": _r(r.fte_short_of_reference, 3),
                        }
                        for r in i.roles
                    ],
                    "by_staff_group": [
                        {"staff_group": c.key, "headcount": c.headcount, "fte": round(c.fte, 6)}
                        for c in i.staff_groups
                    ],
                    "by_employer": [
                        {"employer": c.key, "headcount": c.headcount, "fte": round(c.fte, 6)}
                        for c in i.employers
                    ],
                }
                for i in self.ints
            ],
            "unmapped": [
                {
                    "id": u.staff_id,
                    "name": u.name,
                    "role": u.role,
                    "base": u.base,
                    "fte": u.fte,
                    "reason": u.reason,
                }
                for u in self.unmapped
            ],
        }


def _r(x: float | None, digits: int) -> float | None:
    return None if x is None else round(x, digits)


def _counts(acc: dict[str, tuple[set[str], float]]) -> tuple[Count, ...]:
    return tuple(
        Count(key=k, headcount=len(ids), fte=fte)
        for k, (ids, fte) in sorted(acc.items(), key=lambda kv: (-kv[1][1], kv[0]))
    )


def build_report(scenario: Scenario, decisions: Sequence[Decision] | None = None) -> MappingReport:
    """The report for ``scenario``'s staff as assigned; ``decisions`` give unmapped reasons."""
    roles = scenario.role_by_code
    threshold = scenario.settings.team_size_threshold
    why = {d.staff_id: d.reason for d in decisions or () if not d.mapped}
    # per INT: role -> (people in post, fte, vacant fte); group/employer -> (people, fte)
    per_role: dict[str, dict[str, tuple[set[str], float, float]]] = {
        i.code: {} for i in scenario.ints
    }
    per_group: dict[str, dict[str, tuple[set[str], float]]] = {i.code: {} for i in scenario.ints}
    per_emp: dict[str, dict[str, tuple[set[str], float]]] = {i.code: {} for i in scenario.ints}
    vacant_posts: dict[str, set[str]] = {i.code: set() for i in scenario.ints}
    unmapped: list[Unmapped] = []
    fte_total = fte_assigned = 0.0
    for s in scenario.staff:
        fte_total += s.fte
        if not s.assignments:
            unmapped.append(
                Unmapped(
                    staff_id=s.id,
                    name=s.name,
                    role=s.role,
                    base=s.base,
                    fte=s.fte,
                    reason=why.get(s.id, "no INT assignment"),
                )
            )
            continue
        group = roles[s.role].staff_group.value if s.role in roles else "unknown"
        for a in s.assignments:
            if a.int_code not in per_role:
                continue
            fte_assigned += a.fte
            ids, fte, vac = per_role[a.int_code].get(s.role, (set(), 0.0, 0.0))
            if s.vacant:
                vacant_posts[a.int_code].add(s.id)
            else:
                ids.add(s.id)
            per_role[a.int_code][s.role] = (ids, fte + a.fte, vac + (a.fte if s.vacant else 0.0))
            for table, key in ((per_group, group), (per_emp, s.employer)):
                g_ids, g_fte = table[a.int_code].get(key, (set(), 0.0))
                if not s.vacant:
                    g_ids.add(s.id)
                table[a.int_code][key] = (g_ids, g_fte + a.fte)

    reports: list[IntReport] = []
    for i in scenario.ints:
        pop = scenario.int_population(i.code)
        lines: list[RoleLine] = []
        for role in scenario.roles:
            ids, fte, vac = per_role[i.code].get(role.code, (set(), 0.0, 0.0))
            if fte <= 0 and not role.core:
                continue
            ref = role.population_per_fte
            lines.append(
                RoleLine(
                    role=role.code,
                    name=role.name,
                    staff_group=role.staff_group.value,
                    core=role.core,
                    headcount=len(ids),
                    fte=fte,
                    vacant_fte=vac,
                    population_per_fte=pop / fte if fte > 0 else None,
                    reference_population_per_fte=ref,
                    fte_at_reference=pop / ref if ref else None,
                )
            )
        everyone = set().union(*(ids for ids, _, _ in per_role[i.code].values()))
        core = set().union(
            *(
                ids
                for code, (ids, _, _) in per_role[i.code].items()
                if code in roles and roles[code].core
            )
        )
        reports.append(
            IntReport(
                int_code=i.code,
                name=i.name,
                population=pop,
                headcount=len(everyone),
                fte=sum(f for _, f, _ in per_role[i.code].values()),
                vacant_posts=len(vacant_posts[i.code]),
                vacant_fte=sum(v for _, _, v in per_role[i.code].values()),
                core_headcount=len(core),
                team_size_threshold=threshold,
                roles=tuple(lines),
                staff_groups=_counts(per_group[i.code]),
                employers=_counts(per_emp[i.code]),
                gaps=tuple(
                    r.code for r in scenario.roles if r.core and r.code not in per_role[i.code]
                ),
            )
        )
    return MappingReport(
        ints=tuple(reports),
        unmapped=tuple(unmapped),
        fte_total=fte_total,
        fte_assigned=fte_assigned,
        team_size_threshold=threshold,
        team_size_threshold_source=scenario.settings.source("team_size_threshold"),
    )


def render_text(report: MappingReport) -> str:
    """A plain-text table per INT for a terminal."""
    out: list[str] = []
    for i in report.ints:
        flag = " (above threshold)" if i.over_threshold else ""
        out.append(
            f"{i.int_code}  {i.name}: population {i.population:,}, {i.headcount} people, "
            f"{i.fte:.2f} FTE ({i.vacant_fte:.2f} vacant); core team {i.core_headcount} people "
            f"vs threshold {i.team_size_threshold}{flag}"
        )
        out.append(
            f"  {'role':<6} {'core':<4} {'people':>6} {'FTE':>8} {'pop/FTE':>9} "
            f"{'ref':>8} {'FTE short':>9}"
        )
        for r in i.roles:
            ppf = "-" if r.population_per_fte is None else f"{r.population_per_fte:,.0f}"
            ref = (
                "-"
                if r.reference_population_per_fte is None
                else (f"{r.reference_population_per_fte:,.0f}")
            )
            short = r.fte_short_of_reference
            short_s = "-" if short is None else f"{short:+.2f}"
            out.append(
                f"  {r.role:<6} {'yes' if r.core else '':<4} {r.headcount:>6} {r.fte:>8.2f} "
                f"{ppf:>9} {ref:>8} {short_s:>9}"
            )
        if i.gaps:
            out.append(f"  gaps (core roles with no FTE): {', '.join(i.gaps)}")
        out.append(
            "  by employer: "
            + "; ".join(f"{c.key} {c.headcount} ({c.fte:.2f} FTE)" for c in i.employers)
        )
        out.append(
            "  by staff group: "
            + "; ".join(f"{c.key} {c.headcount} ({c.fte:.2f} FTE)" for c in i.staff_groups)
        )
        out.append("")
    if report.unmapped:
        out.append(f"Not mapped ({len(report.unmapped)}):")
        out.extend(f"  {u.staff_id} {u.role} at {u.base}: {u.reason}" for u in report.unmapped)
    out.append(
        f"FTE assigned to INTs: {report.fte_assigned:.2f} of {report.fte_total:.2f}. "
        f"Team-size threshold {report.team_size_threshold} "
        f"(source: {report.team_size_threshold_source})."
    )
    return "\n".join(out)
