"""What the map draws, without Qt: practice points, INT and PCN boundaries, adjacency.

Practices are points on the scenario's km grid (``x_km``, ``y_km``: a flat local plane,
so distances on the map are true distances). Only points are known, not boundaries, so
each practice gets its natural catchment: its Voronoi cell (the places nearer to it than
to any other practice; the same reading of contiguity as ``intplan.splits.adjacency``),
clipped to the practices' extent (their convex hull widened by a margin). An INT's area
is the union of its practices' cells; its boundary is every cell edge between practices
of different INTs, and a PCN boundary every edge between practices of different PCNs.

Any assignment of practices to INTs can be drawn (a split option in Compare), not only
the scenario's own.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.spatial import ConvexHull, Voronoi

from intplan.domain import Scenario

Point = tuple[float, float]

#: how far the drawn area reaches beyond the outermost practices: a share of the extent's
#: diagonal, at least MIN_MARGIN_KM (assumption: a catchment reaches a few km past its
#: practice; enough to show the outer cells without inventing a coastline)
MARGIN_SHARE = 0.05
MIN_MARGIN_KM = 1.5
#: number of distinct fill colours the INT colouring may use (the GUI's palette size)
COLOURS = 10


@dataclass(frozen=True, slots=True, kw_only=True)
class PracticePoint:
    code: str
    name: str
    pcn: str
    int_code: str
    population: int
    x_km: float
    y_km: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Border:
    """One cell edge between two practices in different INTs (or PCNs)."""

    a: Point
    b: Point
    sides: tuple[str, str]  # the INT (or PCN) codes on either side, sorted


@dataclass(frozen=True, slots=True, kw_only=True)
class AdjacencyEdge:
    int_a: str
    int_b: str
    travel_minutes: float
    a: Point  # the two INTs' label positions
    b: Point


@dataclass(frozen=True, slots=True, kw_only=True)
class MapLayout:
    points: tuple[PracticePoint, ...]
    cells: tuple[tuple[Point, ...], ...]  # the clipped Voronoi cell of each point, in order
    int_borders: tuple[Border, ...]
    #: PCN boundaries that are not also INT boundaries (those are drawn once, as INT borders)
    pcn_borders: tuple[Border, ...]
    labels: dict[str, Point]  # INT code -> a place inside its area for its name
    edges: tuple[AdjacencyEdge, ...]
    #: INT code -> colour number (0 .. COLOURS-1); INTs that touch get different numbers
    colour_index: dict[str, int]
    extent: tuple[Point, ...]  # the clip polygon (counter-clockwise)

    @property
    def int_codes(self) -> tuple[str, ...]:
        return tuple(sorted(self.labels))


def map_layout(scenario: Scenario, assignment: Mapping[str, str] | None = None) -> MapLayout:
    """The map of ``scenario``; ``assignment`` (practice code -> INT code) replaces the
    scenario's INTs, e.g. to draw a split option. Practices it leaves out are drawn under
    their scenario INT."""
    owner = dict(scenario.int_of_practice)
    if assignment is not None:
        owner.update(assignment)
    points = tuple(
        PracticePoint(
            code=p.code,
            name=p.name,
            pcn=p.pcn,
            int_code=owner.get(p.code, ""),
            population=p.population,
            x_km=p.x_km,
            y_km=p.y_km,
        )
        for p in scenario.practices
    )
    xy = np.array([(p.x_km, p.y_km) for p in points], dtype=float).reshape(-1, 2)
    if not points:
        return MapLayout(
            points=(),
            cells=(),
            int_borders=(),
            pcn_borders=(),
            labels={},
            edges=(),
            colour_index={},
            extent=(),
        )
    extent = _extent(xy)
    cells, ridges = _voronoi(xy, extent)
    int_borders: list[Border] = []
    pcn_borders: list[Border] = []
    touching: set[tuple[str, str]] = set()
    for i, j, a, b in ridges:
        pi, pj = points[i], points[j]
        if pi.int_code != pj.int_code:
            sides = _pair(pi.int_code, pj.int_code)
            int_borders.append(Border(a=a, b=b, sides=sides))
            touching.add(sides)
        elif pi.pcn != pj.pcn:
            pcn_borders.append(Border(a=a, b=b, sides=_pair(pi.pcn, pj.pcn)))
    labels = _label_positions(points, cells, xy)
    edges = tuple(
        AdjacencyEdge(
            int_a=adj.int_a,
            int_b=adj.int_b,
            travel_minutes=adj.travel_minutes,
            a=labels[adj.int_a],
            b=labels[adj.int_b],
        )
        for adj in scenario.adjacencies
        if adj.int_a in labels and adj.int_b in labels
    )
    touching |= {_pair(e.int_a, e.int_b) for e in edges}
    return MapLayout(
        points=points,
        cells=cells,
        int_borders=tuple(int_borders),
        pcn_borders=tuple(pcn_borders),
        labels=labels,
        edges=edges,
        colour_index=colour_ints(sorted(labels), touching),
        extent=extent,
    )


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def colour_ints(codes: Sequence[str], touching: set[tuple[str, str]]) -> dict[str, int]:
    """A colour number per INT such that touching INTs differ where COLOURS allows.

    Greedy colouring, most-connected first (Welsh & Powell 1967); a map of neighbourhoods
    needs few colours (planar maps need at most four), so the first free of COLOURS is
    nearly always found; otherwise the least used among neighbours is reused.
    """
    neighbours: dict[str, set[str]] = {c: set() for c in codes}
    for a, b in touching:
        if a in neighbours and b in neighbours:
            neighbours[a].add(b)
            neighbours[b].add(a)
    out: dict[str, int] = {}
    for code in sorted(codes, key=lambda c: (-len(neighbours[c]), c)):
        used = [out[n] for n in neighbours[code] if n in out]
        free = [k for k in range(COLOURS) if k not in used]
        # spread colours over the palette rather than always starting at 0
        out[code] = free[len(out) % len(free)] if free else min(used, key=used.count)
    return out


# -- geometry -----------------------------------------------------------------------------


def _extent(xy: np.ndarray) -> tuple[Point, ...]:
    """The practices' convex hull widened by the margin: a convex, counter-clockwise polygon."""
    span = float(np.hypot(*(xy.max(axis=0) - xy.min(axis=0)))) if len(xy) else 0.0
    margin = max(MIN_MARGIN_KM, MARGIN_SHARE * span)
    angles = np.linspace(0.0, 2.0 * math.pi, 16, endpoint=False)
    ring = np.column_stack((np.cos(angles), np.sin(angles))) * margin
    grown = (xy[:, None, :] + ring[None, :, :]).reshape(-1, 2)
    hull = ConvexHull(grown)  # vertices are counter-clockwise in 2-D
    return tuple((float(x), float(y)) for x, y in grown[hull.vertices])


def _voronoi(
    xy: np.ndarray, extent: tuple[Point, ...]
) -> tuple[tuple[tuple[Point, ...], ...], list[tuple[int, int, Point, Point]]]:
    """Each point's Voronoi cell clipped to ``extent``, and the cell edges between points
    (i, j, end, end). Practices at the same place share one cell and have no edge between
    them."""
    unique, inverse = np.unique(xy, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    # Four far corners enclose every real cell, so none is unbounded (and 1-3 points or
    # points in a line still triangulate).
    centre = (unique.max(axis=0) + unique.min(axis=0)) / 2
    far = 10.0 * max(float(np.ptp(unique, axis=0).max()), 10.0)
    corners = centre + far * np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], dtype=float)
    vor = Voronoi(np.vstack((unique, corners)))
    planes = _half_planes(np.array(extent))
    unique_cells: list[tuple[Point, ...]] = []
    for k in range(len(unique)):
        region = vor.regions[vor.point_region[k]]
        polygon = _clip_polygon(vor.vertices[region], planes)
        unique_cells.append(tuple((float(x), float(y)) for x, y in polygon))
    cells = tuple(unique_cells[int(k)] for k in inverse)
    ridges: list[tuple[int, int, Point, Point]] = []
    for (p, q), verts in zip(vor.ridge_points, vor.ridge_vertices, strict=True):
        if p >= len(unique) or q >= len(unique) or -1 in verts:
            continue
        seg = _clip_segment(vor.vertices[verts[0]], vor.vertices[verts[1]], planes)
        if seg is None:
            continue
        a, b = seg
        # every practice at either place gets the edge (drawn once per distinct pair)
        for i in np.flatnonzero(inverse == p):
            for j in np.flatnonzero(inverse == q):
                ridges.append((int(i), int(j), a, b))
    return cells, ridges


def _half_planes(clip: np.ndarray) -> np.ndarray:
    """The convex, counter-clockwise ``clip`` as rows (nx, ny, c): inside where
    nx*x + ny*y + c >= 0 for every row."""
    edge = np.roll(clip, -1, axis=0) - clip
    normal = np.column_stack((-edge[:, 1], edge[:, 0]))  # points left of the edge: inside
    return np.column_stack((normal, -(normal * clip).sum(axis=1)))


def _sides(points: np.ndarray, planes: np.ndarray) -> np.ndarray:
    """Signed distances (scaled) of each point from each half-plane: shape (points, planes)."""
    return np.asarray(points @ planes[:, :2].T + planes[:, 2])


def _clip_polygon(polygon: np.ndarray, planes: np.ndarray) -> np.ndarray:
    """Sutherland-Hodgman: a convex polygon cut to the half-planes (only those it crosses)."""
    crossing = np.flatnonzero((_sides(polygon, planes) < 0).any(axis=0))
    out = [(float(x), float(y)) for x, y in polygon]
    for k in crossing:
        nx, ny, c = (float(v) for v in planes[k])
        side = [nx * x + ny * y + c for x, y in out]
        kept: list[Point] = []
        for n, cur in enumerate(out):
            nxt = out[(n + 1) % len(out)]
            s_cur, s_nxt = side[n], side[(n + 1) % len(out)]
            if s_cur >= 0:
                kept.append(cur)
            if (s_cur >= 0) != (s_nxt >= 0):
                t = s_cur / (s_cur - s_nxt)
                kept.append((cur[0] + t * (nxt[0] - cur[0]), cur[1] + t * (nxt[1] - cur[1])))
        out = kept
        if not out:
            break
    return np.array(out, dtype=float).reshape(-1, 2)


def _clip_segment(a: np.ndarray, b: np.ndarray, planes: np.ndarray) -> tuple[Point, Point] | None:
    """Cyrus-Beck: the part of segment a-b inside the half-planes."""
    side_a = _sides(a[None, :], planes)[0]
    side_b = _sides(b[None, :], planes)[0]
    t0, t1 = 0.0, 1.0
    for sa, sb in zip(side_a.tolist(), side_b.tolist(), strict=True):
        if sa >= 0 and sb >= 0:
            continue
        if sa < 0 and sb < 0:
            return None
        t = sa / (sa - sb)  # where the segment crosses this plane
        if sa < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return None
    p, q = a + t0 * (b - a), a + t1 * (b - a)
    return (float(p[0]), float(p[1])), (float(q[0]), float(q[1]))


def _area_centroid(polygon: Sequence[Point]) -> tuple[float, Point]:
    if len(polygon) < 3:
        return 0.0, polygon[0] if polygon else (0.0, 0.0)
    p = np.array(polygon)
    x, y = p[:, 0], p[:, 1]
    xn, yn = np.roll(x, -1), np.roll(y, -1)
    cross = x * yn - xn * y
    area = float(cross.sum()) / 2
    if area == 0:
        return 0.0, (float(x.mean()), float(y.mean()))
    cx = float(((x + xn) * cross).sum()) / (6 * area)
    cy = float(((y + yn) * cross).sum()) / (6 * area)
    return abs(area), (cx, cy)


def _label_positions(
    points: Sequence[PracticePoint], cells: Sequence[tuple[Point, ...]], xy: np.ndarray
) -> dict[str, Point]:
    """A place inside each INT's area: the centroid of its cells when that lies in one of
    them (the nearest practice is the INT's own, by the Voronoi property), else the centroid
    of its largest cell."""
    by_int: dict[str, list[int]] = {}
    for i, p in enumerate(points):
        by_int.setdefault(p.int_code, []).append(i)
    out: dict[str, Point] = {}
    for code, members in by_int.items():
        parts = [_area_centroid(cells[i]) for i in members]
        total = sum(a for a, _ in parts)
        if total > 0:
            cx = sum(a * c[0] for a, c in parts) / total
            cy = sum(a * c[1] for a, c in parts) / total
            nearest = int(np.argmin(np.hypot(xy[:, 0] - cx, xy[:, 1] - cy)))
            if points[nearest].int_code == code:
                out[code] = (cx, cy)
                continue
            out[code] = max(parts, key=lambda part: part[0])[1]
        else:
            out[code] = (float(xy[members, 0].mean()), float(xy[members, 1].mean()))
    return out
