"""Generating an example ICS (Kent & Medway, Dorset BCP) from its outline.

The outline types are in ``_specs``; practices, INTs and neighbours in ``_geography``;
people in ``_staffing``; the synthetic names in ``_synthetic_names``.

Everything is deterministic: one ``numpy.random.Generator`` per build, seeded from a
fixed integer, consumed in a fixed order. Places, people and practice codes are
illustrative and synthetic; only the organisation names and the overall scale follow
the seeds. The staff-to-INT assignment here is a deliberately small local rule set
(practice -> its INT, PCN and team staff split by population share); the full rules
engine lives in ``intplan.mapping``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from intplan.domain import (
    HCP,
    PCN,
    ActivityType,
    BaseKind,
    Practice,
    Scenario,
    Settings,
    Team,
)
from intplan.examples._geography import ENGLAND_AGE_MIX as ENGLAND_AGE_MIX
from intplan.examples._geography import adjacency, ints_of, practices_of
from intplan.examples._specs import Employers as Employers
from intplan.examples._specs import IntSpec as IntSpec
from intplan.examples._specs import PcnSpec as PcnSpec
from intplan.examples._staffing import Staffing
from intplan.io.reference import ReferenceData, load_reference

#: staff posts follow age-weighted need, not deprivation. The weights are the age index
#: of general-practice demand in ``resources/demand_rates.csv`` (assumption, after
#: Hobbs et al. Lancet 2016). The GP funding formula (Carr-Hill) weights list size by
#: age much as this does but under-weights deprivation (Health Foundation 2020, "Level
#: or not?": deprived practices get less funding per need-adjusted patient), so the
#: more deprived INTs carry more demand per post: the inverse care law (seed 000:1191-1194)
NEED_AGE_WEIGHTS: tuple[float, float, float, float, float] = (0.7, 0.85, 1.5, 2.1, 2.6)

#: general-practice activities booked for a later day on purpose, not because of a queue:
#: (share of new episodes, mean lead in days, why). Together with the queues and the
#: episodes' follow-ups they reproduce NHS England's booking categories (Appointments in
#: General Practice, April 2024: 45% same day, 82% within 14 days; docs/calibration.md):
#: the shares and leads are assumptions calibrated to those two figures
BOOKED_AHEAD: dict[str, tuple[float, float, str]] = {
    "SDC": (
        0.12,
        1.5,
        "assumption: some same-day needs are booked for the next morning or two (asked "
        "late in the day, or a day that suits the patient)",
    ),
    "RC": (
        0.9,
        7.0,
        "assumption: routine appointments are booked for a day that suits the patient, "
        "about a week ahead",
    ),
    "LTC": (
        0.9,
        21.0,
        "assumption: LTC reviews are planned by recall, about three weeks ahead",
    ),
    "SMR": (
        0.9,
        21.0,
        "assumption: medication reviews are invitations, about three weeks ahead",
    ),
}

#: roles by where they are based (the rest of the roles live in teams)
PRACTICE_ROLES = ("GP", "ANP", "PN", "HCA", "CNAV", "ADMIN")
PCN_ROLES = ("CP", "PHT", "PARA", "FCP", "CC", "SPLW", "HWC")


def _shares(
    codes: Sequence[str], practice: dict[str, Practice], int_of: dict[str, str]
) -> list[tuple[str, float]]:
    """Population share of each INT among ``codes`` (practice codes), in INT order of appearance."""
    pop: dict[str, int] = {}
    for c in codes:
        i = int_of[c]
        pop[i] = pop.get(i, 0) + practice[c].population
    total = sum(pop.values())
    return [(i, n / total) for i, n in pop.items()]


def _chunks(items: Sequence[PcnSpec], size: int) -> list[list[PcnSpec]]:
    """Groups of about ``size`` PCNs (a short tail joins the previous group)."""
    groups = [list(items[i : i + size]) for i in range(0, len(items), size)]
    if len(groups) > 1 and len(groups[-1]) < max(2, size - 1):
        groups[-2].extend(groups.pop())
    return groups


def build_scenario(
    *,
    name: str,
    notes: str,
    seed: int,
    prefix: str,
    hcps: Sequence[HCP],
    pcns: Sequence[PcnSpec],
    int_specs: Sequence[IntSpec],
    employers: Employers,
    locality_size: int,
    max_adjacency_km: float,
    reference: ReferenceData | None = None,
) -> Scenario:
    """Generate a whole illustrative ICS from its PCN and INT outline."""
    ref = reference or load_reference()
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    practices = practices_of(rng, pcns, f"{prefix}P")
    practice = {p.code: p for p in practices}
    pcn_hcp = {s.code: s.hcp for s in pcns}
    ints = ints_of(int_specs, practices, pcn_hcp)
    int_of = {c: i.code for i in ints for c in i.practices}
    of_pcn: dict[str, list[str]] = {}
    for p in practices:
        of_pcn.setdefault(p.pcn, []).append(p.code)

    staffing = Staffing(rng=rng, prefix=f"{prefix}S", roles={r.code: r for r in ref.roles})
    # posts are sized on need-weighted lists, scaled so the ICS keeps population / ratio
    raw_need = {
        p.code: sum(w * n for w, n in zip(NEED_AGE_WEIGHTS, p.list_by_age, strict=True))
        for p in practices
    }
    scale = sum(p.population for p in practices) / sum(raw_need.values())
    need = {c: v * scale for c, v in raw_need.items()}
    teams: list[Team] = []

    def team_staff(
        code: str, team_name: str, employer: str, codes: list[str], roles: Sequence[str]
    ) -> None:
        teams.append(Team(code=code, name=team_name, employer=employer, practices=tuple(codes)))
        population = sum(need[c] for c in codes)
        shares = _shares(codes, practice, int_of)
        for role in roles:
            staffing.add(role, employer, BaseKind.TEAM, code, population, shares, "team_share")

    for p in practices:
        for role in PRACTICE_ROLES:
            staffing.add(
                role,
                p.name,
                BaseKind.PRACTICE,
                p.code,
                need[p.code],
                [(int_of[p.code], 1.0)],
                "practice",
            )
    for spec in pcns:
        codes = of_pcn[spec.code]
        population = sum(need[c] for c in codes)
        shares = _shares(codes, practice, int_of)
        for role in PCN_ROLES:
            staffing.add(role, spec.name, BaseKind.PCN, spec.code, population, shares, "pcn_share")
        team_staff(
            f"CN-{spec.code}",
            f"{spec.name.removesuffix(' PCN')} community nursing",
            spec.provider,
            codes,
            ("DN", "CN"),
        )
    # localities: a few neighbouring PCNs with the same provider and council
    by_footprint: dict[tuple[str, str, str], list[PcnSpec]] = {}
    for spec in pcns:
        by_footprint.setdefault((spec.hcp, spec.provider, spec.council), []).append(spec)
    for group in by_footprint.values():
        for chunk in _chunks(group, locality_size):
            loc = chunk[0].code
            label = " & ".join(s.name.removesuffix(" PCN") for s in chunk[:2]) + (
                " +" if len(chunk) > 2 else ""
            )
            codes = [c for s in chunk for c in of_pcn[s.code]]
            provider, council = chunk[0].provider, chunk[0].council
            team_staff(
                f"FR-{loc}",
                f"{label} frailty & complex care",
                provider,
                codes,
                ("FN", "CM", "VWN", "OT"),
            )
            team_staff(
                f"MH-{loc}",
                f"{label} community mental health",
                employers.mh_trust,
                codes,
                ("MHP", "PSY"),
            )
            team_staff(
                f"TT-{loc}",
                f"{label} talking therapies",
                employers.talking_therapies,
                codes,
                ("TTP",),
            )
            team_staff(f"SC-{loc}", f"{label} adult social care", council, codes, ("SW",))
            team_staff(f"DC-{loc}", f"{label} home care", employers.home_care, codes, ("DOM",))
            team_staff(
                f"VC-{loc}", f"{label} community connectors", employers.vcse, codes, ("CHWW",)
            )
    for h in hcps:
        codes = [p.code for p in practices if pcn_hcp[p.pcn] == h.code]
        team_staff(f"BI-{h.code}", f"{h.name} INT analytics", employers.icb, codes, ("BI",))
    for i in ints:
        team_staff(
            f"LD-{i.code}", f"{i.name} leadership", employers.icb, list(i.practices), ("LEAD",)
        )

    return Scenario(
        name=name,
        notes=notes,
        hcps=tuple(hcps),
        pcns=tuple(PCN(code=s.code, name=s.name, hcp=s.hcp) for s in pcns),
        practices=tuple(practices),
        ints=tuple(ints),
        adjacencies=tuple(adjacency(ints, practice, max_adjacency_km)),
        teams=tuple(teams),
        rotas=ref.rotas,
        roles=ref.roles,
        staff=tuple(staffing.staff),
        arrival_profiles=ref.arrival_profiles,
        activities=booked_ahead(ref.activities),
        eligibilities=ref.eligibilities,
        referrals=ref.referrals,
        demand_rates=ref.demand_rates,
        seasonality=ref.seasonality,
        interventions=ref.interventions,
        # DNA on: the examples reproduce the published did-not-attend rates
        settings=Settings(dna_enabled=1),
    )


def booked_ahead(activities: Sequence[ActivityType]) -> tuple[ActivityType, ...]:
    """The activities with the examples' booking leads (``BOOKED_AHEAD``), each with its
    reason added to the row's source."""
    out = []
    for a in activities:
        if a.code in BOOKED_AHEAD:
            share, days, why = BOOKED_AHEAD[a.code]
            a = dataclasses.replace(
                a,
                booked_ahead_share=share,
                booked_ahead_mean_days=days,
                source=f"{a.source}; booked ahead {share:.0%}, mean {days:g} days: {why}",
            )
        out.append(a)
    return tuple(out)
