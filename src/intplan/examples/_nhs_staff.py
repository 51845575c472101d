"""Staff rows of a scenario built from NHS files (``from_nhs``): anonymous posts.

Practice posts come from the GP Workforce file, PCN-based (ARRS) posts from the PCN
Workforce file, each mapped to roles by a table in resources/; whatever a file does not
give is sized by the reference ratios (roles.csv ``population_per_fte``) and labelled so.
One row per base, role and whole FTE: no person is invented, no post marked vacant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from intplan.domain import Assignment, BaseKind, IntplanError, Practice, Staff, Team
from intplan.examples._build import PCN_ROLES, PRACTICE_ROLES
from intplan.io.nhs.pcn_workforce import PCN_MAPPING_FILE, PcnWorkforce
from intplan.io.nhs.workforce import MAPPING_FILE, Workforce, publication_month
from intplan.io.reference import ReferenceData

COMMUNITY_EMPLOYER = "Community provider (not in the NHS files; assumed)"


def _posts(fte: float) -> list[float]:
    """Split a total FTE into rows of at most 1.0 (a Staff row holds up to 1.5 FTE)."""
    total = round(fte, 2)
    out = [1.0] * int(total)
    rest = round(total - int(total), 2)
    if rest >= 0.01:
        out.append(rest)
    return out


@dataclass(slots=True)
class _Staff:
    rows: list[Staff] = field(default_factory=list)

    def add(
        self,
        *,
        prefix: str,
        role: str,
        label: str,
        employer: str,
        kind: BaseKind,
        base: str,
        fte: float,
        shares: list[tuple[str, float]],
        rule: str,
    ) -> None:
        posts = _posts(fte)
        for k, f in enumerate(posts, start=1):
            parts = [(i, round(f * s, 4)) for i, s in shares if round(f * s, 4) > 0]
            head = [Assignment(int_code=i, fte=x, rule=rule) for i, x in parts[:-1]]
            last = Assignment(
                int_code=parts[-1][0], fte=round(f - sum(a.fte for a in head), 6), rule=rule
            )
            self.rows.append(
                Staff(
                    id=f"{prefix}-{role}-{k}",
                    name=f"{role} ({label}) {k}/{len(posts)}",
                    role=role,
                    employer=employer,
                    base_kind=kind,
                    base=base,
                    fte=f,
                    assignments=(*head, last),
                )
            )


def build_staff(
    *,
    ref: ReferenceData,
    practices: Sequence[Practice],
    members: dict[str, list[str]],  # PCN -> practice codes, in layout order
    pcn_name: dict[str, str],
    int_of: dict[str, str],
    gpw: Workforce | None,
    pcw: PcnWorkforce | None,
    assumptions: list[str],
    dropped: list[str],
) -> tuple[list[Staff], list[Team]]:
    """Every staff row and community team; assumptions and left-out notes are appended."""
    practice = {p.code: p for p in practices}
    roles = {r.code: r for r in ref.roles}
    staff = _Staff()
    by_ratio = "assumed from reference ratio"
    # every row says where it came from: the publication and its month (the row's name)
    month = publication_month(gpw.source) if gpw else "?"
    gp_label = f"GP Workforce {'month unknown' if month == '?' else month}"
    pcn_label = f"PCN Workforce {pcw.period or 'month unknown'}" if pcw else ""

    def from_ratio(role: str, population: int) -> float:
        ratio = roles[role].population_per_fte
        return 0.0 if ratio is None else population / ratio

    for pr in practices:
        own = gpw.fte.get(pr.code) if gpw else None
        if gpw is not None and own is None:
            dropped.append(f"{pr.code} {pr.name}: not in the workforce file; staff assumed")
        # a role the file gives as NA/ND (missing, not zero) falls back to the ratio
        unknown = gpw.missing.get(pr.code, set()) if gpw else set()
        wanted = PRACTICE_ROLES if own is None else sorted(set(own) | unknown)
        for role in wanted:
            if role not in roles:
                raise IntplanError(f"{MAPPING_FILE}: role {role!r} is not in roles.csv")
            measured = own is not None and role in own and role not in unknown
            staff.add(
                prefix=pr.code,
                role=role,
                label=gp_label if measured else by_ratio,
                employer=pr.name,
                kind=BaseKind.PRACTICE,
                base=pr.code,
                fte=own[role] if own is not None and measured else from_ratio(role, pr.population),
                shares=[(int_of[pr.code], 1.0)],
                rule="practice",
            )
    if gpw is None:
        assumptions.append(
            "practice staff: no GP Workforce file read; GP, nurse, HCA, admin posts from "
            "reference ratios"
        )
    else:
        assumptions.append(
            f"practice staff: FTE from the GP Workforce file mapped to roles by "
            f"resources/{MAPPING_FILE}; one anonymous row per practice, role and whole FTE "
            "(no people are named)"
        )
        na = sorted(f"{c} {'/'.join(sorted(r))}" for c, r in gpw.missing.items() if c in int_of)
        if na:
            assumptions.append(
                "NA/ND (not available) in the workforce file, those roles assumed from "
                "reference ratios: " + ", ".join(na)
            )
    teams: list[Team] = []
    no_pcn_staff: list[str] = []
    team_roles = [
        r.code
        for r in ref.roles
        if r.population_per_fte is not None
        and r.code not in PRACTICE_ROLES
        and r.code not in PCN_ROLES
    ]
    for pcn, codes in members.items():
        population = sum(practice[p].population for p in codes)
        shares = _int_shares(codes, practice, int_of)
        counted = pcw.fte.get(pcn) if pcw else None
        if pcw is not None and counted is None:
            no_pcn_staff.append(pcn)
        pcn_posts = (
            sorted(counted.items())
            if counted is not None
            else [(r, from_ratio(r, population)) for r in PCN_ROLES]
        )
        for role, fte in pcn_posts:
            if role not in roles:
                raise IntplanError(f"{PCN_MAPPING_FILE}: role {role!r} is not in roles.csv")
            staff.add(
                prefix=pcn,
                role=role,
                label=pcn_label if counted is not None else by_ratio,
                employer=pcn_name[pcn],
                kind=BaseKind.PCN,
                base=pcn,
                fte=fte,
                shares=shares,
                rule="pcn_share",
            )
        team = f"CT-{pcn}"
        teams.append(
            Team(
                code=team,
                name=f"{pcn_name[pcn].removesuffix(' PCN')} community services (assumed)",
                employer=COMMUNITY_EMPLOYER,
                practices=tuple(codes),
            )
        )
        for role in team_roles:
            staff.add(
                prefix=team,
                role=role,
                label=by_ratio,
                employer=COMMUNITY_EMPLOYER,
                kind=BaseKind.TEAM,
                base=team,
                fte=from_ratio(role, population),
                shares=shares,
                rule="team_share",
            )

    if pcw is None:
        assumptions.append(
            "PCN-based (ARRS) staff: no PCN Workforce file read; "
            + ", ".join(PCN_ROLES)
            + " posts per PCN from reference ratios"
        )
    else:
        assumptions.append(
            f"PCN-based (ARRS) staff: FTE per PCN and role from the PCN Workforce file mapped "
            f"by resources/{PCN_MAPPING_FILE}; anonymous rows per PCN, role and whole FTE"
            + (
                f"; PCNs not in that file, posts from reference ratios: {', '.join(no_pcn_staff)}"
                if no_pcn_staff
                else ""
            )
        )
    return staff.rows, teams


def _int_shares(
    codes: list[str], practice: dict[str, Practice], int_of: dict[str, str]
) -> list[tuple[str, float]]:
    """A PCN's posts shared over its INTs by registered population (one INT: all of it;
    a PCN split by ``--split-large``: in proportion to each INT's list)."""
    pops: dict[str, int] = {}
    for p in codes:
        pops[int_of[p]] = pops.get(int_of[p], 0) + practice[p].population
    total = sum(pops.values()) or 1
    ints = sorted(pops)
    shares = [(i, round(pops[i] / total, 4)) for i in ints[:-1]]
    return [*shares, (ints[-1], round(1.0 - sum(f for _, f in shares), 4))]
