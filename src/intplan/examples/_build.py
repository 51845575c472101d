"""Shared machinery for the generated example scenarios (Kent & Medway, Dorset BCP).

Everything is deterministic: one ``numpy.random.Generator`` per build, seeded from a
fixed integer, consumed in a fixed order. Places, people and practice codes are
illustrative and synthetic; only the organisation names and the overall scale follow
the seeds. The staff-to-INT assignment here is a deliberately small local rule set
(practice -> its INT, PCN and team staff split by population share); the full rules
engine lives in ``intplan.mapping``.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.spatial import Delaunay

from intplan.domain import (
    HCP,
    INT,
    PCN,
    ActivityType,
    Adjacency,
    Assignment,
    BaseKind,
    Practice,
    Role,
    Scenario,
    Settings,
    Staff,
    Team,
)
from intplan.io.reference import ReferenceData, load_reference

#: England GP registered list by age band (NHS Digital, Patients Registered at a GP
#: Practice 2024, rounded): 0-17, 18-64, 65-74, 75-84, 85+
ENGLAND_AGE_MIX: tuple[float, float, float, float, float] = (0.20, 0.61, 0.10, 0.065, 0.025)

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

#: assumption: NHS Vacancy Statistics (NHS Digital 2024) put vacancies at ~7-8% of posts
VACANCY_RATE = 0.075
#: assumption: road distance ~1.3 x straight line at ~40 km/h, plus 5 minutes to park
ROAD_FACTOR, ROAD_SPEED_KMH, PARK_MINUTES = 1.3, 40.0, 5.0
ADJACENCY_SOURCE = (
    "illustrative: Delaunay neighbours of INT centroids; travel minutes = 5 + "
    "1.3 x straight-line km at 40 km/h (assumption)"
)

#: contracted FTE of individual people, by role kind (assumption: NHS Digital GP
#: Workforce 2024 has 27,966 FTE over 38,124 GPs = 0.73 FTE a head; others similar)
_FTE_CHOICES: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "GP": ((1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4), (0.12, 0.1, 0.2, 0.18, 0.18, 0.12, 0.1)),
    "PART": ((1.0, 0.8, 0.6, 0.5, 0.4), (0.2, 0.2, 0.25, 0.2, 0.15)),
    "FULL": ((1.0, 0.8, 0.6, 0.5), (0.55, 0.25, 0.12, 0.08)),
    "CARE": ((0.8, 0.6, 0.5, 0.4, 0.3), (0.15, 0.25, 0.25, 0.2, 0.15)),
    "PSY": ((0.5, 0.4, 0.3, 0.2), (0.3, 0.3, 0.2, 0.2)),
}
_FTE_KIND = {
    "GP": "GP",
    "PSY": "PSY",
    "ADMIN": "PART",
    "HCA": "PART",
    "PN": "PART",
    "CNAV": "PART",
    "DOM": "CARE",
    "CHWW": "PART",
    "HWC": "PART",
    "SPLW": "PART",
}

_FIRST = [
    "Aisha",
    "Alice",
    "Amir",
    "Amy",
    "Ben",
    "Chloe",
    "Daniel",
    "Deepa",
    "Ella",
    "Emma",
    "Fatima",
    "Finn",
    "Grace",
    "Hannah",
    "Harry",
    "Isla",
    "Jack",
    "James",
    "Jas",
    "Kate",
    "Liam",
    "Lily",
    "Mark",
    "Maya",
    "Mohammed",
    "Nadia",
    "Noah",
    "Olivia",
    "Omar",
    "Priya",
    "Rachel",
    "Ravi",
    "Ruth",
    "Sam",
    "Sarah",
    "Sophie",
    "Tom",
    "Wei",
    "Zara",
    "Zoe",
]
_LAST = [
    "Adams",
    "Ahmed",
    "Baker",
    "Begum",
    "Brown",
    "Campbell",
    "Chen",
    "Clarke",
    "Davies",
    "Edwards",
    "Evans",
    "Green",
    "Hall",
    "Hill",
    "Hughes",
    "Jackson",
    "Jones",
    "Khan",
    "Kaur",
    "Lewis",
    "Martin",
    "Mensah",
    "Nowak",
    "Okafor",
    "Patel",
    "Price",
    "Roberts",
    "Shah",
    "Singh",
    "Smith",
    "Taylor",
    "Thomas",
    "Turner",
    "Walker",
    "Ward",
    "White",
    "Williams",
    "Wilson",
    "Wright",
    "Young",
]
_STREETS = (
    "Station Road",
    "High Street",
    "Church Lane",
    "Mill Road",
    "Park View",
    "London Road",
    "Orchard",
    "Harbour",
    "Green Lane",
    "Castle Hill",
    "Victoria",
    "Riverside",
    "Market Place",
    "Westfield",
    "Hillside",
    "Oak Tree",
    "Beacon",
    "Cliftonville",
    "Elm Grove",
    "The Limes",
)
_SUFFIXES = ("Surgery", "Medical Centre", "Health Centre", "Practice", "Family Practice")


@dataclass(frozen=True, slots=True, kw_only=True)
class PcnSpec:
    """One PCN to generate: where it is, how big, how deprived, how old."""

    code: str
    name: str
    hcp: str
    practices: int
    population: int
    x_km: float
    y_km: float
    decile: int  # typical IMD decile of its practices (1 = most deprived)
    age_tilt: float = 0.0  # +1 = much older than England, -1 = much younger
    spread_km: float = 2.5
    provider: str  # community provider (community nursing, frailty)
    council: str  # adult social care


@dataclass(frozen=True, slots=True, kw_only=True)
class IntSpec:
    """One INT (``split`` > 1: cut this single PCN into that many INTs)."""

    code: str
    name: str
    pcns: tuple[str, ...]
    split: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Employers:
    mh_trust: str
    icb: str
    vcse: str  # CHWW host
    home_care: str  # domiciliary care provider
    talking_therapies: str


@dataclass(slots=True)
class _Staffing:
    rng: np.random.Generator
    prefix: str
    roles: dict[str, Role]
    staff: list[Staff] = field(default_factory=list)

    def add(
        self,
        role: str,
        employer: str,
        kind: BaseKind,
        base: str,
        population: float,
        shares: Sequence[tuple[str, float]],
        rule: str,
    ) -> None:
        """Posts for ``population / population_per_fte`` FTE, split into people
        (``population`` is the need-weighted list, see ``NEED_AGE_WEIGHTS``)."""
        ratio = self.roles[role].population_per_fte
        if ratio is None:
            return
        remaining = round(population / ratio, 1)
        values, weights = _FTE_CHOICES[_FTE_KIND.get(role, "FULL")]
        while remaining >= 0.05:
            fte = float(self.rng.choice(values, p=weights))
            if fte > remaining:
                fte = max(0.1, round(remaining, 1))
            remaining = round(remaining - fte, 1)
            vacant = bool(self.rng.random() < VACANCY_RATE)
            first = _FIRST[int(self.rng.integers(len(_FIRST)))]
            last = _LAST[int(self.rng.integers(len(_LAST)))]
            self.staff.append(
                Staff(
                    id=f"{self.prefix}{len(self.staff) + 1:06d}",
                    name="Vacant post" if vacant else f"{first} {last}",
                    role=role,
                    employer=employer,
                    base_kind=kind,
                    base=base,
                    fte=fte,
                    vacant=vacant,
                    assignments=_assign(fte, shares, rule),
                )
            )


def _assign(fte: float, shares: Sequence[tuple[str, float]], rule: str) -> tuple[Assignment, ...]:
    """Split ``fte`` by population shares; the last INT takes the rounding remainder."""
    parts = [(code, round(fte * share, 4)) for code, share in shares]
    parts = [(code, f) for code, f in parts if f > 0]
    head = parts[:-1]
    last = fte - sum(f for _, f in head)
    return (
        *tuple(Assignment(int_code=c, fte=f, rule=rule) for c, f in head),
        Assignment(int_code=parts[-1][0], fte=last, rule=rule),
    )


def _practices(
    rng: np.random.Generator, pcns: Sequence[PcnSpec], code_prefix: str
) -> list[Practice]:
    out: list[Practice] = []
    for spec in pcns:
        weights = rng.gamma(4.0, 1.0, spec.practices)
        sizes = np.floor(spec.population * weights / weights.sum()).astype(int)
        sizes[int(np.argmax(sizes))] += spec.population - int(sizes.sum())
        for i in range(spec.practices):
            n = len(out) + 1
            pop = int(sizes[i])
            noise = 1.0 + rng.normal(0.0, 0.05, 4)
            young = ENGLAND_AGE_MIX[0] * (1.0 - 0.1 * spec.age_tilt) * noise[0]
            older = [
                share * (1.0 + 0.35 * spec.age_tilt) * noise[j + 1]
                for j, share in enumerate(ENGLAND_AGE_MIX[2:])
            ]
            counts = [round(pop * young), 0, *(round(pop * s) for s in older)]
            counts[1] = pop - sum(counts)
            decile = int(np.clip(spec.decile + rng.integers(-1, 2), 1, 10))
            dx, dy = rng.normal(0.0, spec.spread_km, 2)
            street = _STREETS[int(rng.integers(len(_STREETS)))]
            suffix = _SUFFIXES[int(rng.integers(len(_SUFFIXES)))]
            town = spec.name.removesuffix(" PCN")
            out.append(
                Practice(
                    code=f"{code_prefix}{n:03d}",
                    name=f"{street} {suffix}, {town}",
                    pcn=spec.code,
                    list_by_age=(counts[0], counts[1], counts[2], counts[3], counts[4]),
                    deprivation_decile=decile,
                    x_km=round(spec.x_km + float(dx), 2),
                    y_km=round(spec.y_km + float(dy), 2),
                )
            )
    return out


def _balanced_groups(members: Sequence[Practice], k: int) -> list[list[Practice]]:
    """Cut an ordered list into ``k`` contiguous, non-empty groups of similar population."""
    cum = np.cumsum([p.population for p in members])
    total = float(cum[-1])
    cuts: list[int] = []
    prev = 0
    for j in range(1, k):
        target = j * total / k
        i = int(np.searchsorted(cum, target))
        end = i + 1 if i == 0 or cum[i] - target <= target - cum[i - 1] else i
        end = min(max(end, prev + 1), len(members) - (k - j))
        cuts.append(end)
        prev = end
    bounds = [0, *cuts, len(members)]
    return [list(members[a:b]) for a, b in itertools.pairwise(bounds)]


def _split_names(k: int, along_x: bool) -> tuple[str, ...]:
    if along_x:
        return ("West", "East") if k == 2 else ("West", "Mid", "East")
    return ("South", "North") if k == 2 else ("South", "Mid", "North")


def _ints(
    specs: Sequence[IntSpec], practices: Sequence[Practice], pcn_hcp: dict[str, str]
) -> list[INT]:
    by_pcn: dict[str, list[Practice]] = {}
    for p in practices:
        by_pcn.setdefault(p.pcn, []).append(p)
    out: list[INT] = []
    for spec in specs:
        members = [p for pcn in spec.pcns for p in by_pcn[pcn]]
        hcp = pcn_hcp[spec.pcns[0]]
        if spec.split == 1:
            out.append(
                INT(
                    code=spec.code,
                    name=spec.name,
                    hcp=hcp,
                    practices=tuple(p.code for p in members),
                )
            )
            continue
        # cut along the longer axis into population-balanced, contiguous groups
        xs = [p.x_km for p in members]
        ys = [p.y_km for p in members]
        along_x = (max(xs) - min(xs)) >= (max(ys) - min(ys))
        members.sort(key=lambda p: (p.x_km if along_x else p.y_km, p.code))
        groups = _balanced_groups(members, spec.split)
        for suffix, (label, grp) in zip(
            "ABC", zip(_split_names(spec.split, along_x), groups, strict=True), strict=False
        ):
            out.append(
                INT(
                    code=f"{spec.code}{suffix}",
                    name=f"{spec.name} {label}",
                    hcp=hcp,
                    practices=tuple(p.code for p in grp),
                )
            )
    return out


def _centroids(ints: Sequence[INT], practice: dict[str, Practice]) -> np.ndarray:
    pts = []
    for i in ints:
        ps = [practice[c] for c in i.practices]
        w = np.array([p.population for p in ps], dtype=float)
        pts.append(
            (
                float(np.dot(w, [p.x_km for p in ps]) / w.sum()),
                float(np.dot(w, [p.y_km for p in ps]) / w.sum()),
            )
        )
    return np.array(pts)


def _connected(n: int, edges: set[tuple[int, int]]) -> bool:
    seen, stack = {0}, [0]
    nbrs: dict[int, list[int]] = {i: [] for i in range(n)}
    for a, b in edges:
        nbrs[a].append(b)
        nbrs[b].append(a)
    while stack:
        for m in nbrs[stack.pop()]:
            if m not in seen:
                seen.add(m)
                stack.append(m)
    return len(seen) == n


def _adjacency(
    ints: Sequence[INT], practice: dict[str, Practice], max_km: float
) -> list[Adjacency]:
    """Delaunay neighbours of INT centroids, dropping long hull edges while connected."""
    pts = _centroids(ints, practice)
    n = len(ints)
    edges: set[tuple[int, int]] = set()
    if n == 2:
        edges.add((0, 1))
    elif n > 2:
        for simplex in Delaunay(pts).simplices:
            for a, b in ((0, 1), (1, 2), (0, 2)):
                i, j = sorted((int(simplex[a]), int(simplex[b])))
                edges.add((i, j))

    def dist(e: tuple[int, int]) -> float:
        return float(np.hypot(*(pts[e[0]] - pts[e[1]])))

    for e in sorted(edges, key=lambda e: (-dist(e), e)):
        if dist(e) > max_km and _connected(n, edges - {e}):
            edges.discard(e)
    return [
        Adjacency(
            int_a=ints[a].code,
            int_b=ints[b].code,
            travel_minutes=round(
                PARK_MINUTES + dist((a, b)) * ROAD_FACTOR / ROAD_SPEED_KMH * 60, 1
            ),
            source=ADJACENCY_SOURCE,
        )
        for a, b in sorted(edges)
    ]


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
    practices = _practices(rng, pcns, f"{prefix}P")
    practice = {p.code: p for p in practices}
    pcn_hcp = {s.code: s.hcp for s in pcns}
    ints = _ints(int_specs, practices, pcn_hcp)
    int_of = {c: i.code for i in ints for c in i.practices}
    of_pcn: dict[str, list[str]] = {}
    for p in practices:
        of_pcn.setdefault(p.pcn, []).append(p.code)

    staffing = _Staffing(rng=rng, prefix=f"{prefix}S", roles={r.code: r for r in ref.roles})
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
        adjacencies=tuple(_adjacency(ints, practice, max_adjacency_km)),
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
