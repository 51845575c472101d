"""Where the practices of a scenario built from NHS files sit, in km.

With an ONS postcode directory extract, each practice is placed at its postcode,
projected to km about the ICB's mean latitude (equirectangular: ample over an ICB's
~100 km). Without one, a *schematic* layout: PCN centres on a sunflower spiral, practices
on a small ring round them; distances then are not geography, and the assumption says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from intplan.io.nhs.postcodes import Postcodes, postcode_key

PCN_SPACING_KM = 8.0
PRACTICE_RING_KM = 1.0
KM_PER_DEGREE_LAT = 110.57
KM_PER_DEGREE_LONG_AT_EQUATOR = 111.32
#: at least this share of practices located, or the schematic layout is used
MIN_LOCATED_SHARE = 0.5
TRAVEL = "travel minutes = 5 + 1.3 x straight-line km at 40 km/h (assumption)"


@dataclass(frozen=True, slots=True, kw_only=True)
class Layout:
    xy: dict[str, tuple[float, float]]  # practice -> (x_km, y_km)
    adjacency_max_km: float
    adjacency_source: str
    assumption: str


def _spiral(i: int) -> tuple[float, float]:
    # Vogel's sunflower: evenly spread, never three in a line (Delaunay needs that)
    r = PCN_SPACING_KM * math.sqrt(i + 0.5)
    theta = i * math.pi * (3.0 - math.sqrt(5.0))
    return r * math.cos(theta), r * math.sin(theta)


def _ring(cx: float, cy: float, j: int, n: int, radius: float) -> tuple[float, float]:
    if n == 1:
        return round(cx, 2), round(cy, 2)
    angle = 2 * math.pi * j / n
    return round(cx + radius * math.cos(angle), 2), round(cy + radius * math.sin(angle), 2)


def schematic(order: Sequence[str], members: dict[str, list[str]], why: str) -> Layout:
    xy: dict[str, tuple[float, float]] = {}
    for i, pcn in enumerate(order):
        cx, cy = _spiral(i)
        ps = members[pcn]
        for j, code in enumerate(ps):
            xy[code] = _ring(cx, cy, j, len(ps), PRACTICE_RING_KM)
    return Layout(
        xy=xy,
        adjacency_max_km=1.6 * PCN_SPACING_KM,
        adjacency_source=(
            f"assumption: schematic layout ({why}): neighbours on a spiral of PCN centres "
            f"{PCN_SPACING_KM:g} km apart; {TRAVEL}"
        ),
        assumption=(
            f"locations: {why}; practices placed on a schematic layout (PCN centres on a "
            "spiral, practices round them) - distances are not geography"
        ),
    )


def from_postcodes(
    order: Sequence[str],
    members: dict[str, list[str]],
    postcode_of: dict[str, str],
    postcodes: Postcodes,
) -> Layout:
    found = {
        code: postcodes.lat_long[postcode_key(pc)]
        for code, pc in postcode_of.items()
        if postcode_key(pc) in postcodes.lat_long
    }
    if len(found) < MIN_LOCATED_SHARE * len(postcode_of):
        return schematic(
            order,
            members,
            f"only {len(found)} of {len(postcode_of)} practice postcodes found in "
            f"{postcodes.source}",
        )
    lat0 = sum(lat for lat, _ in found.values()) / len(found)
    lon0 = sum(lon for _, lon in found.values()) / len(found)
    cos0 = math.cos(math.radians(lat0))

    def km(lat: float, lon: float) -> tuple[float, float]:
        return (
            round((lon - lon0) * KM_PER_DEGREE_LONG_AT_EQUATOR * cos0, 2),
            round((lat - lat0) * KM_PER_DEGREE_LAT, 2),
        )

    xy = {code: km(*ll) for code, ll in found.items()}
    missing: list[str] = []
    for pcn in order:
        located = [xy[c] for c in members[pcn] if c in xy]
        cx = sum(x for x, _ in located) / len(located) if located else 0.0
        cy = sum(y for _, y in located) / len(located) if located else 0.0
        lost = [c for c in members[pcn] if c not in xy]
        for j, code in enumerate(lost):  # near the PCN's located practices, a little apart
            xy[code] = _ring(cx, cy, j + 1, len(lost) + 1, 0.5)
            missing.append(code)
    note = (
        f"; postcode not found, placed at their PCN's centre: {', '.join(missing)}"
        if missing
        else ""
    )
    return Layout(
        xy=xy,
        adjacency_max_km=25.0,
        adjacency_source=(
            f"practice postcodes ({postcodes.source}): Delaunay neighbours of INT centroids, "
            f"edges over 25 km dropped while connected; {TRAVEL}"
        ),
        assumption=f"locations: practice postcodes from {postcodes.source}{note}",
    )
