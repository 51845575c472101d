"""Kent & Medway (illustrative): 4 HCPs, 42 PCNs, 184 practices, ~1.9m people.

Scale follows the K&M INT framework: 4 HCPs (seed 000:18), 42 PCNs and 184 practices
(000:748), 1.9m registered (000:1369), about 54 INTs once some PCNs split in 2-3
(000:149-151, 313-341 derived). More deprived coastal/Medway/Swale/Thanet places and a
less deprived West Kent follow 000:1189-1194. Employer names follow 000:606 (HCRG Care
Group, KCHFT, MCH), KMPT and the two councils. Everything else - PCN footprints,
practice names and codes, locations, people - is synthetic and not real data.
"""

from __future__ import annotations

from intplan.domain import HCP, Scenario
from intplan.examples._build import Employers, IntSpec, PcnSpec, build_scenario

SEED = 20240729  # the K&M framework's date (seed 000:7)

HCRG = "HCRG Care Group"
KCHFT = "Kent Community Health NHS FT (KCHFT)"
MCH = "Medway Community Healthcare (MCH)"
KCC = "Kent County Council"
MEDWAY = "Medway Council"

HCPS = (
    HCP(code="DGS", name="Dartford, Gravesham & Swanley"),
    HCP(code="MS", name="Medway & Swale"),
    HCP(code="WK", name="West Kent"),
    HCP(code="EK", name="East Kent"),
)

# code, name, hcp, practices, population, x_km, y_km, IMD decile, age tilt, spread km,
# community provider, council  (x east, y north; Dartford near x=0)
_PCNS: tuple[tuple[str, str, str, int, int, float, float, int, float, float, str, str], ...] = (
    ("DGS01", "Dartford Central PCN", "DGS", 5, 48000, 0, 50, 5, -0.3, 1.5, HCRG, KCC),
    ("DGS02", "Dartford East & Greenhithe PCN", "DGS", 4, 42000, 4, 51, 6, -0.4, 1.5, HCRG, KCC),
    ("DGS03", "Swanley & Rural PCN", "DGS", 4, 34000, -3, 42, 6, 0.2, 3.0, HCRG, KCC),
    ("DGS04", "Gravesend Central PCN", "DGS", 5, 45000, 10, 50, 3, -0.2, 1.5, HCRG, KCC),
    ("DGS05", "Gravesham Rural & Meopham PCN", "DGS", 4, 36000, 12, 44, 8, 0.4, 3.0, HCRG, KCC),
    ("DGS06", "Northfleet & Ebbsfleet PCN", "DGS", 4, 40000, 7, 49, 4, -0.5, 1.5, HCRG, KCC),
    ("DGS07", "Longfield & Hartley PCN", "DGS", 4, 35000, 5, 44, 8, 0.3, 2.5, HCRG, KCC),
    ("MS01", "Chatham Central PCN", "MS", 6, 58000, 23, 44, 2, -0.4, 1.5, MCH, MEDWAY),
    ("MS02", "Chatham South & Walderslade PCN", "MS", 4, 38000, 23, 39, 4, -0.1, 2.0, MCH, MEDWAY),
    ("MS03", "Gillingham North PCN", "MS", 5, 44000, 26, 47, 2, -0.3, 1.5, MCH, MEDWAY),
    ("MS04", "Gillingham South PCN", "MS", 4, 36000, 27, 44, 4, -0.1, 1.5, MCH, MEDWAY),
    ("MS05", "Rochester & Strood PCN", "MS", 5, 46000, 20, 46, 4, 0.0, 2.0, MCH, MEDWAY),
    ("MS06", "Hoo Peninsula PCN", "MS", 3, 24000, 25, 53, 6, 0.2, 3.0, MCH, MEDWAY),
    ("MS07", "Rainham PCN", "MS", 4, 40000, 31, 45, 6, 0.2, 1.5, MCH, MEDWAY),
    ("MS08", "Lordswood & Hempstead PCN", "MS", 3, 24000, 27, 40, 5, 0.0, 1.5, MCH, MEDWAY),
    ("MS09", "Sittingbourne North PCN", "MS", 5, 44000, 40, 45, 3, -0.1, 2.0, HCRG, KCC),
    ("MS10", "Sittingbourne South PCN", "MS", 4, 38000, 40, 41, 5, 0.1, 2.5, HCRG, KCC),
    ("MS11", "Sheppey PCN", "MS", 7, 48000, 45, 51, 1, 0.4, 3.0, HCRG, KCC),
    ("WK01", "Maidstone Central PCN", "WK", 6, 62000, 25, 30, 4, -0.2, 1.5, KCHFT, KCC),
    ("WK02", "Maidstone East PCN", "WK", 4, 46000, 29, 30, 6, 0.1, 2.0, KCHFT, KCC),
    ("WK03", "Maidstone Rural PCN", "WK", 4, 40000, 31, 22, 8, 0.4, 4.0, KCHFT, KCC),
    ("WK04", "Malling & Snodland PCN", "WK", 4, 50000, 18, 35, 7, 0.0, 2.5, KCHFT, KCC),
    ("WK05", "Tonbridge PCN", "WK", 4, 50000, 10, 21, 7, 0.0, 2.0, KCHFT, KCC),
    ("WK06", "Tunbridge Wells PCN", "WK", 5, 60000, 12, 12, 8, 0.2, 2.0, KCHFT, KCC),
    ("WK07", "Sevenoaks PCN", "WK", 4, 48000, 1, 29, 9, 0.4, 2.5, KCHFT, KCC),
    ("WK08", "Edenbridge & Westerham PCN", "WK", 3, 26000, -7, 20, 9, 0.3, 3.0, KCHFT, KCC),
    ("WK09", "Weald PCN", "WK", 4, 50000, 24, 12, 8, 0.5, 4.0, KCHFT, KCC),
    ("WK10", "Larkfield & Kings Hill PCN", "WK", 4, 48000, 19, 30, 8, -0.1, 2.0, KCHFT, KCC),
    ("EK01", "Canterbury City PCN", "EK", 6, 65000, 65, 38, 5, -0.5, 2.0, KCHFT, KCC),
    ("EK02", "Whitstable PCN", "EK", 4, 40000, 62, 47, 6, 0.5, 2.0, KCHFT, KCC),
    ("EK03", "Herne Bay PCN", "EK", 4, 42000, 70, 48, 5, 0.6, 2.0, KCHFT, KCC),
    ("EK04", "Faversham PCN", "EK", 3, 34000, 52, 42, 6, 0.3, 2.5, KCHFT, KCC),
    ("EK05", "Ashford North PCN", "EK", 6, 62000, 50, 24, 5, -0.2, 2.0, KCHFT, KCC),
    ("EK06", "Ashford South & Rural PCN", "EK", 4, 50000, 52, 16, 7, 0.1, 3.5, KCHFT, KCC),
    ("EK07", "Folkestone PCN", "EK", 6, 60000, 72, 12, 3, 0.2, 2.0, KCHFT, KCC),
    ("EK08", "Hythe & Romney Marsh PCN", "EK", 5, 48000, 62, 5, 4, 0.8, 4.0, KCHFT, KCC),
    ("EK09", "Dover PCN", "EK", 5, 52000, 82, 17, 3, 0.3, 2.0, KCHFT, KCC),
    ("EK10", "Deal & Sandwich PCN", "EK", 4, 48000, 87, 27, 5, 0.9, 2.5, KCHFT, KCC),
    ("EK11", "Margate PCN", "EK", 5, 56000, 85, 50, 1, 0.1, 1.5, KCHFT, KCC),
    ("EK12", "Ramsgate PCN", "EK", 4, 46000, 88, 43, 2, 0.1, 1.5, KCHFT, KCC),
    ("EK13", "Broadstairs PCN", "EK", 3, 42000, 91, 47, 5, 0.6, 1.5, KCHFT, KCC),
    ("EK14", "Birchington & Westgate PCN", "EK", 3, 55000, 80, 49, 6, 0.7, 2.0, KCHFT, KCC),
)

#: PCNs that are split into 2-3 INTs (seed 000:151); the rest are one INT each
SPLITS = {"MS01": 3, "WK01": 3, "EK01": 3, "EK05": 3, "EK07": 2, "EK11": 2}

PCNS = tuple(
    PcnSpec(
        code=c,
        name=n,
        hcp=h,
        practices=k,
        population=pop,
        x_km=x,
        y_km=y,
        decile=d,
        age_tilt=t,
        spread_km=s,
        provider=prov,
        council=coun,
    )
    for c, n, h, k, pop, x, y, d, t, s, prov, coun in _PCNS
)

INTS = tuple(
    IntSpec(
        code=f"INT-{p.code}",
        name=p.name.removesuffix(" PCN"),
        pcns=(p.code,),
        split=SPLITS.get(p.code, 1),
    )
    for p in PCNS
)

EMPLOYERS = Employers(
    mh_trust="Kent and Medway NHS and Social Care Partnership Trust (KMPT)",
    icb="NHS Kent and Medway ICB",
    vcse="Garden of England Community Connectors (fictional VCSE)",
    home_care="Weald & Coast Home Care (fictional)",
    talking_therapies="Kent and Medway NHS and Social Care Partnership Trust (KMPT)",
)


def build_kent_medway() -> Scenario:
    return build_scenario(
        name="Kent & Medway (illustrative)",
        notes=(
            "Illustrative, synthetic, not real data. Scale from the K&M INT framework "
            "(4 HCPs, 42 PCNs, 184 practices, 1.9m people; seed 000:748, 1369); PCN "
            "footprints, practices, locations and named staff are generated. Reference "
            "rates and costs carry their sources in each row."
        ),
        seed=SEED,
        prefix="KM",
        hcps=HCPS,
        pcns=PCNS,
        int_specs=INTS,
        employers=EMPLOYERS,
        locality_size=3,
        max_adjacency_km=25.0,
    )
