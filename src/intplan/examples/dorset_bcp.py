"""Dorset BCP (illustrative): nine INTs in the Bournemouth, Christchurch & Poole Place.

INT names follow seed 004:196-281; Castleman spans three PCNs (004:230); the
population is about 465k (004:319 derived: 419 people = 0.09%). Dorset HealthCare
(DHC) provides community and mental health services (004:245, 253); BCP Council
provides adult social care. PCN footprints, practices, locations and people are
synthetic and not real data.
"""

from __future__ import annotations

from intplan.domain import HCP, Scenario
from intplan.examples._build import Employers, IntSpec, PcnSpec, build_scenario

SEED = 2024_11_12  # assumption: any fixed integer (NAPC learning report date, seed 002:8-14)

DHC = "Dorset HealthCare University NHS FT (DHC)"
BCP_COUNCIL = "BCP Council"

HCPS = (HCP(code="BCP", name="Bournemouth, Christchurch & Poole"),)

# code, name, practices, population, x_km, y_km, IMD decile, age tilt, spread km
# (x east, y north; Poole harbour near x=0)
_PCNS: tuple[tuple[str, str, int, int, float, float, int, float, float], ...] = (
    ("PC", "Poole Central PCN", 6, 54000, 3, 2, 3, 0.0, 1.5),
    ("SM", "Shore Medical PCN", 5, 50000, 5, 0, 6, 0.3, 1.5),
    ("PBB", "Poole Bay & Bournemouth PCN", 5, 48000, 8, -1, 8, 0.7, 1.5),
    ("CSN", "Castleman North PCN", 3, 22000, 3, 8, 7, 0.3, 2.0),
    ("CSW", "Castleman West PCN", 3, 20000, 0, 6, 6, 0.2, 2.0),
    ("CSE", "Castleman East PCN", 3, 21000, 6, 7, 5, 0.0, 2.0),
    ("SCM", "South Coast Medical PCN", 5, 52000, 10, 1, 4, 0.0, 1.5),
    ("NB", "North Bournemouth PCN", 5, 55000, 12, 6, 5, 0.1, 2.0),
    ("CB", "Central Bournemouth PCN", 5, 58000, 13, 1.5, 2, -0.6, 1.0),
    ("CHR", "Christchurch PCN", 4, 44000, 22, 2, 7, 0.9, 2.0),
    ("BE", "Bournemouth East PCN", 4, 41000, 17, 3, 3, 0.2, 1.5),
)

PCNS = tuple(
    PcnSpec(
        code=c,
        name=n,
        hcp="BCP",
        practices=k,
        population=pop,
        x_km=x,
        y_km=y,
        decile=d,
        age_tilt=t,
        spread_km=s,
        provider=DHC,
        council=BCP_COUNCIL,
    )
    for c, n, k, pop, x, y, d, t, s in _PCNS
)

#: nine INTs (seed 004:196-281); Castleman spans three PCNs (004:230)
INTS = (
    IntSpec(code="INT-PC", name="Poole Central", pcns=("PC",)),
    IntSpec(code="INT-SM", name="Shore Medical", pcns=("SM",)),
    IntSpec(code="INT-PBB", name="Poole Bay & Bournemouth", pcns=("PBB",)),
    IntSpec(code="INT-CAS", name="Castleman", pcns=("CSN", "CSW", "CSE")),
    IntSpec(code="INT-SCM", name="South Coast Medical", pcns=("SCM",)),
    IntSpec(code="INT-NB", name="North Bournemouth", pcns=("NB",)),
    IntSpec(code="INT-CB", name="Central Bournemouth", pcns=("CB",)),
    IntSpec(code="INT-CHR", name="Christchurch", pcns=("CHR",)),
    IntSpec(code="INT-BE", name="Bournemouth East", pcns=("BE",)),
)

EMPLOYERS = Employers(
    mh_trust=DHC,
    icb="NHS Dorset ICB",
    vcse="Bay Community Connect (fictional VCSE)",
    home_care="Harbourside Home Care (fictional)",
    talking_therapies=DHC,
)


def build_dorset_bcp() -> Scenario:
    return build_scenario(
        name="Dorset BCP (illustrative)",
        notes=(
            "Illustrative, synthetic, not real data. Nine INTs named in the Dorset BCP INT "
            "programme (seed 004:196-281), Castleman spanning three PCNs (004:230), ~465k "
            "people (004:319 derived); practices, locations and named staff are generated."
        ),
        seed=SEED,
        prefix="DB",
        hcps=HCPS,
        pcns=PCNS,
        int_specs=INTS,
        employers=EMPLOYERS,
        locality_size=4,
        max_adjacency_km=15.0,
    )
