"""Coverage: the share of a settlement's area within walking distance of a working point.

DESIGN §4: the share of the settlement's area lying within ``max_distance_m`` of *any* working
point of the category (attributed to it or not), measured in the metric CRS. Only points within
that distance of a settlement can cover it, so each settlement is measured against just those
points' discs; a settlement inside a single disc is fully covered without further work.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from scipy.spatial import Delaunay, QhullError, cKDTree

from atlas.load.crs import to_metric
from atlas.measure._grid import Cells, grid_decide, polygon_cells
from atlas.measure._nearby import Nearby, nearby_pairs, pairs_within
from atlas.measure._parallel import Workers, using
from atlas.measure.standards import Standard

__all__ = ["BUFFER_QUAD_SEGS", "coverage", "coverage_of"]

#: Segments per quarter circle of the walking-distance discs (GEOS's default): a disc's area is
#: within 0.7 % of the true circle's.
BUFFER_QUAD_SEGS = 8


def _discs(xy: np.ndarray, distance: float) -> np.ndarray:
    """Walking-distance discs around ``xy``: one template ring shifted, identical to
    ``shapely.buffer(point, distance, quad_segs=BUFFER_QUAD_SEGS)`` and much faster."""
    template = shapely.buffer(shapely.Point(0.0, 0.0), distance, quad_segs=BUFFER_QUAD_SEGS)
    ring = shapely.get_coordinates(shapely.get_exterior_ring(template))
    return np.asarray(shapely.polygons(ring[None, :, :] + xy[:, None, :]), dtype=object)


def _union_rows(table: np.ndarray) -> np.ndarray:
    """The union of each row of a 2-D array of geometries (None ignored)."""
    return np.asarray(shapely.union_all(table, axis=1), dtype=object)


def _union_per_polygon(
    discs: np.ndarray, starts: np.ndarray, sizes: np.ndarray, workers: Workers
) -> np.ndarray:
    """The union of each group ``discs[starts[k]:starts[k] + sizes[k]]``.

    Groups go in rows of a table padded with None (``union_all`` skips missing values), reduced
    along the rows; groups are bucketed by size rounded up to a power of two, so a few large
    groups never make a table much bigger than the discs themselves.
    """
    out = np.empty(len(sizes), dtype=object)
    width = 1 << np.ceil(np.log2(np.maximum(sizes, 1))).astype(np.int64)
    for w in np.unique(width):
        rows = np.flatnonzero(width == w)
        n = sizes[rows]
        row = np.repeat(np.arange(len(rows)), n)
        col = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
        table = np.full((len(rows), int(w)), None, dtype=object)
        table[row, col] = discs[np.repeat(starts[rows], n) + col]
        out[rows] = workers.in_parts(_union_rows, table)
    return out


def _far_vertices_inside(polygons: np.ndarray, xy: np.ndarray, reach: float) -> np.ndarray:
    """Which polygons hold a Voronoi vertex of ``xy`` (Delaunay circumcentre) beyond ``reach``."""
    hit = np.zeros(len(polygons), dtype=bool)
    if len(xy) < 3 or not len(polygons):
        return hit
    # Delaunay triangles in coordinates centred on the sites: UTM coordinates are large, and
    # both qhull and the circumcentre formula lose precision (and qhull speed) on them.
    origin = xy.mean(axis=0)
    local = xy - origin
    try:
        triangles = Delaunay(local).simplices
    except QhullError:  # all sites on one line: no Voronoi vertex
        return hit
    p0 = local[triangles[:, 0]]
    u, v = local[triangles[:, 1]] - p0, local[triangles[:, 2]] - p0
    det = 2 * (u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0])
    flat = np.abs(det) < 1e-9
    det[flat] = 1.0
    uu, vv = (u**2).sum(axis=1), (v**2).sum(axis=1)
    cx = (v[:, 1] * uu - u[:, 1] * vv) / det
    cy = (u[:, 0] * vv - v[:, 0] * uu) / det
    far = ~flat & (np.hypot(cx, cy) > reach)
    if far.any():
        centres = shapely.points(p0[far, 0] + cx[far] + origin[0], p0[far, 1] + cy[far] + origin[1])
        inside, _ = shapely.STRtree(centres).query(polygons, predicate="intersects")
        hit[inside] = True
    return hit


def _certainly_covered(
    polygons: np.ndarray,
    xy: np.ndarray,
    distance: float,
    cells: Cells | None = None,
    pairs: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Which polygons are provably inside the union of the discs around ``xy``.

    Every point within the disc polygon's inradius ``r`` of a site lies inside that site's disc.
    The distance ``f`` to the nearest site, over a polygon, is largest on its boundary or at a
    Voronoi vertex inside it. A grid of cells covering each polygon decides most polygons
    first (:func:`atlas.measure._grid.grid_decide`; ``cells`` are
    :func:`~atlas.measure._grid.polygon_cells` of ``polygons``): covered when every cell lies
    within ``r``, not provable when a point inside lies beyond ``r``. A polygon the grid leaves
    open is covered when (1) each boundary edge lies within ``r`` of one site (the nearest site
    of one end reaches the other end: discs are convex), and (2) no Voronoi vertex farther than
    ``r`` from its sites lies inside it.
    That Voronoi diagram is of the sites within ``distance`` of those polygons only (``pairs``:
    polygon and site indices of every such pair): where ``f <= r`` the nearest site is among
    them, and elsewhere dropping sites only raises ``f``, so the answer is the same.
    Polygons that fail are not necessarily uncovered: they are measured exactly by the caller.
    """
    ok = np.zeros(len(polygons), dtype=bool)
    if not len(xy) or not len(polygons):
        return ok
    reach = distance * np.cos(np.pi / (4 * BUFFER_QUAD_SEGS))
    tree = cKDTree(xy)
    covered, uncovered = grid_decide(
        polygons, polygon_cells(polygons) if cells is None else cells, tree, reach
    )
    ok |= covered
    todo = np.flatnonzero(~covered & ~uncovered)
    if not todo.size:
        return ok
    # (1) for the polygons the grid left open.
    coords, owner = shapely.get_coordinates(polygons[todo], return_index=True)
    gap, nearest = tree.query(coords)
    a, b = coords[:-1], coords[1:]
    same = owner[:-1] == owner[1:]
    edge_ok = (np.hypot(*(b - xy[nearest[:-1]]).T) <= reach) | (
        np.hypot(*(a - xy[nearest[1:]]).T) <= reach
    )
    failures = np.bincount(owner[gap > reach], minlength=len(todo))
    failures += np.bincount(owner[:-1][same & ~edge_ok], minlength=len(todo))
    todo = todo[failures == 0]
    if not todo.size:
        return ok
    # (2) by the Voronoi vertices.
    if pairs is None:
        sites = np.arange(len(xy))
    else:
        wanted = np.zeros(len(polygons), dtype=bool)
        wanted[todo] = True
        sites = np.unique(pairs[1][wanted[pairs[0]]])
    ok[todo[~_far_vertices_inside(polygons[todo], xy[sites], reach)]] = True
    return ok


def coverage_of(
    polygons: np.ndarray,
    points: np.ndarray,
    distance: float,
    *,
    cells: Cells | None = None,
    nearby: Nearby | None = None,
    workers: Workers | None = None,
) -> np.ndarray:
    """Share (0–1) of each polygon's area within ``distance`` of any of ``points``.

    Parameters
    ----------
    polygons
        Shapely polygons in a metric CRS.
    points
        The points, in the same CRS: shapely points, or their coordinates (n, 2); not used
        when ``nearby`` is given (it holds them).
    distance
        The walking distance in the CRS's units (metres).
    cells
        :func:`atlas.measure._grid.polygon_cells` of ``polygons``, when already at hand (they
        do not depend on the points); computed when needed otherwise.
    nearby
        :func:`atlas.measure._nearby.nearby_pairs` of these points and polygons within ``distance``
        (any other points' pairs filtered out), when already at hand; found here otherwise.
    workers
        The computation's threads (:class:`atlas.measure.Workers`; its own when None).

    Notes
    -----
    Polygons :func:`_certainly_covered` proves covered get 1 at once. A polygon inside one disc
    is fully covered too. Otherwise the share is the area of the polygon's intersection with the
    union of the discs near it, over its area: one union per polygon, all computed in one
    vectorised call (:func:`_union_per_polygon`), never the union of every disc.
    """
    share = np.zeros(len(polygons))
    if not len(polygons) or not len(points):
        return share
    if nearby is None:
        xy_all = np.asarray(points)
        if xy_all.dtype == object:
            xy_all = shapely.get_coordinates(points)
        nearby = nearby_pairs(xy_all, polygons, distance, workers)
    s_i = nearby.settlement
    if not s_i.size:
        return share
    used, p_local = np.unique(nearby.point, return_inverse=True)
    xy = nearby.xy[used]
    near = np.unique(s_i)
    local = np.full(len(polygons), -1)
    local[near] = np.arange(len(near))
    if cells is None:
        cells = polygon_cells(polygons[near])
    else:
        c_owner, c_centres, c_undecided = cells
        mine = local[c_owner] >= 0
        cells = (local[c_owner[mine]], c_centres[mine], c_undecided[near])
    certain = near[_certainly_covered(polygons[near], xy, distance, cells, (local[s_i], p_local))]
    share[certain] = 1.0
    rest = ~np.isin(s_i, certain)
    s_i, p_local = s_i[rest], p_local[rest]
    if not s_i.size:
        return share
    # Discs only for the sites still needed: each disc depends on its own site alone.
    needed, p_local = np.unique(p_local, return_inverse=True)
    xy = xy[needed]
    discs = _discs(xy, distance)
    shapely.prepare(discs)
    # Not split across threads: a prepared disc builds its index lazily on first use, and
    # GEOS does not guard that against two threads using the same disc at once.
    whole = shapely.covers(discs[p_local], polygons[s_i])
    full = np.unique(s_i[whole])
    share[full] = 1.0
    partial = ~np.isin(s_i, full)
    s_i, p_local = s_i[partial], p_local[partial]
    if not s_i.size:
        return share
    order = np.argsort(s_i, kind="stable")
    s_i, p_local = s_i[order], p_local[order]
    starts = np.flatnonzero(np.r_[True, s_i[1:] != s_i[:-1]])
    sizes = np.diff(np.r_[starts, len(s_i)])
    owners = s_i[starts]
    with using(workers) as w:
        union = _union_per_polygon(discs[p_local], starts, sizes, w)
        covered = shapely.area(w.in_parts(shapely.intersection, polygons[owners], union))
    areas = shapely.area(polygons[owners])
    shares = np.divide(covered, areas, out=np.zeros(len(owners)), where=areas > 0)
    share[owners] = np.clip(shares, 0.0, 1.0)
    return share


def coverage(
    settlements: gpd.GeoDataFrame,
    services: gpd.GeoDataFrame,
    standard: Standard,
    crs: CRS,
    nearby: Nearby | None = None,
    *,
    cells: Cells | None = None,
    workers: Workers | None = None,
) -> pd.DataFrame:
    """Coverage of every settlement for every category of ``standard``.

    Parameters
    ----------
    nearby
        :func:`atlas.measure._nearby.nearby_pairs` of all ``services`` and ``settlements`` within at
        least ``standard.reach``, when already at hand; found here otherwise.
    cells
        :func:`atlas.measure._grid.polygon_cells` of the settlements in ``crs``, when already at
        hand (they depend on the polygons only); listed here otherwise.
    workers
        The computation's threads (:class:`atlas.measure.Workers`; its own when None).

    Returns
    -------
    DataFrame
        Indexed like ``settlements``, one float column ``<category>_coverage`` per category
        (NaN where the standard sets no walking distance for the category).
    """
    polygons = to_metric(settlements.geometry, crs).to_numpy()
    working = (services["status"] == "working").to_numpy()
    categories = services["category"].to_numpy(dtype=object)
    # Categories are independent, and shapely and scipy release the GIL: shared among threads.
    with using(workers) as w:
        # The certificate's grid cells depend on the polygons only: list them once.
        if cells is None and working.any():
            cells = polygon_cells(polygons, workers=w)
        found = pairs_within(nearby, services, polygons, standard.reach, crs, w)

        def measure(category: str) -> np.ndarray:
            distance = standard.rule(category).max_distance_m
            if not distance:
                return np.full(len(polygons), np.nan)
            pairs = found.within(distance, working & (categories == category))
            return coverage_of(polygons, pairs.xy, distance, cells=cells, nearby=pairs, workers=w)

        shares = w.map(measure, standard.categories)
    out = {f"{c}_coverage": share for c, share in zip(standard.categories, shares, strict=True)}
    return pd.DataFrame(out, index=settlements.index)
