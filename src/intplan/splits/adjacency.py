"""Practice adjacency graph from locations: Delaunay triangulation on x/y km.

Two practices are neighbours when their Voronoi catchments touch, i.e. they share
an edge of the Delaunay triangulation of their locations. This is the usual
"natural neighbour" reading of contiguity when only points (not boundaries) are
known, and it always gives a connected graph. Degenerate layouts are handled:

- 1 practice: no edges; 2 practices: one edge;
- collinear practices (any number): chained in order along the line;
- practices at the same location: linked to each other and share their neighbours
  (qhull leaves duplicates out of the triangulation);
- long edges across a gap are dropped: a triangulation edge is kept only when it is
  at most :data:`LONG_EDGE_FACTOR` times the longer of its two ends' nearest-neighbour
  distances, or when it is in the minimum spanning tree (so the graph stays connected).
  Without this, the convex hull's long edges would make two far-apart clusters
  "contiguous" at their ends.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import minimum_spanning_tree
from scipy.spatial import Delaunay

#: relative tolerance for "all on one line" (the 2nd singular value against the 1st)
_COLLINEAR_RTOL = 1e-9

Edge = tuple[int, int]

#: assumption: neighbouring catchments are at most about twice as far apart as nearest
#: practices; longer triangulation edges span a gap (an estuary, open country)
LONG_EDGE_FACTOR = 2.0


def delaunay_edges(xy: Sequence[tuple[float, float]]) -> frozenset[Edge]:
    """Undirected edges (i < j) between points ``xy`` (km) that are natural neighbours."""
    n = len(xy)
    if n <= 1:
        return frozenset()
    pts = np.asarray(xy, dtype=float)
    edges: set[Edge] = set()
    # Points at the same place: keep one representative, link the others to it.
    rep: dict[tuple[float, float], int] = {}
    alias: dict[int, int] = {}
    for i, (x, y) in enumerate(map(tuple, pts.tolist())):
        key = (float(x), float(y))
        if key in rep:
            alias[i] = rep[key]
            edges.add((rep[key], i))
        else:
            rep[key] = i
    uniq = sorted(rep.values())
    if len(uniq) >= 2:
        for a, b in _unique_edges(pts[uniq]):
            i, j = uniq[a], uniq[b]
            edges.add((min(i, j), max(i, j)))
    # Duplicates inherit their representative's neighbours (same catchment).
    for dup, r in alias.items():
        for a, b in list(edges):
            other = b if a == r else a if b == r else None
            if other is not None and other != dup:
                edges.add((min(dup, other), max(dup, other)))
    return frozenset(_drop_long_edges(pts, edges))


def _drop_long_edges(pts: np.ndarray, edges: set[Edge]) -> set[Edge]:
    n = len(pts)
    if n <= 3:
        return edges
    ordered = sorted(edges)
    length = {e: float(np.hypot(*(pts[e[0]] - pts[e[1]]))) for e in ordered}
    nearest = [math.inf] * n
    for (a, b), d in length.items():
        if d > 0:
            nearest[a] = min(nearest[a], d)
            nearest[b] = min(nearest[b], d)
    rows = [a for a, _ in ordered]
    cols = [b for _, b in ordered]
    # +1e-9 so coincident practices (length 0) still count as an edge
    weights = [length[e] + 1e-9 for e in ordered]
    mst = minimum_spanning_tree(coo_matrix((weights, (rows, cols)), shape=(n, n))).tocoo()
    tree = {
        (min(int(a), int(b)), max(int(a), int(b))) for a, b in zip(mst.row, mst.col, strict=True)
    }
    return {
        e
        for e in ordered
        if e in tree or length[e] <= LONG_EDGE_FACTOR * max(nearest[e[0]], nearest[e[1]])
    }


def _unique_edges(pts: np.ndarray) -> set[Edge]:
    n = len(pts)
    if n == 2:
        return {(0, 1)}
    centred = pts - pts.mean(axis=0)
    sv = np.linalg.svd(centred, compute_uv=False)
    if sv[0] == 0 or sv[1] <= _COLLINEAR_RTOL * sv[0]:
        # On one line: neighbours are consecutive along the line's direction.
        _, _, vt = np.linalg.svd(centred)
        order = np.argsort(centred @ vt[0], kind="stable")
        return {(int(min(a, b)), int(max(a, b))) for a, b in itertools.pairwise(order.tolist())}
    tri = Delaunay(pts)
    out: set[Edge] = set()
    for simplex in tri.simplices:
        a, b, c = (int(v) for v in simplex)
        for i, j in ((a, b), (b, c), (a, c)):
            out.add((min(i, j), max(i, j)))
    # Near-degenerate points qhull left out ("coplanar"): link to their nearest vertex.
    for point, _facet, vertex in np.asarray(tri.coplanar).reshape(-1, 3):
        i, j = int(point), int(vertex)
        if i != j:
            out.add((min(i, j), max(i, j)))
    return out


def neighbour_sets(n: int, edges: frozenset[Edge]) -> tuple[frozenset[int], ...]:
    nb: list[set[int]] = [set() for _ in range(n)]
    for a, b in edges:
        nb[a].add(b)
        nb[b].add(a)
    return tuple(frozenset(s) for s in nb)


def is_connected(nodes: frozenset[int], nb: Sequence[frozenset[int]]) -> bool:
    """Whether ``nodes`` induce a connected subgraph (empty counts as not connected)."""
    if not nodes:
        return False
    start = min(nodes)
    seen = {start}
    stack = [start]
    while stack:
        v = stack.pop()
        for u in nb[v]:
            if u in nodes and u not in seen:
                seen.add(u)
                stack.append(u)
    return len(seen) == len(nodes)
