"""Coverage: the share of a settlement's area within walking distance of a working point.

DESIGN §4: the share of the settlement's area lying within ``max_distance_m`` of *any* working
point of the category (attributed to it or not), measured in the metric CRS. Only points within
that distance of a settlement can cover it, so each settlement is measured against just those
points' discs; a settlement inside a single disc is fully covered without further work.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from atlas.crs import to_metric
from atlas.standards import Standard

__all__ = ["BUFFER_QUAD_SEGS", "coverage", "coverage_of"]

#: Segments per quarter circle of the walking-distance discs (GEOS's default): a disc's area is
#: within 0.7 % of the true circle's.
BUFFER_QUAD_SEGS = 8
#: Vectorised calls on fewer geometries than this are not worth splitting across threads.
PARALLEL_MIN = 2000


def _discs(xy: np.ndarray, distance: float) -> np.ndarray:
    """Walking-distance discs around ``xy``: one template ring shifted, identical to
    ``shapely.buffer(point, distance, quad_segs=BUFFER_QUAD_SEGS)`` and much faster."""
    template = shapely.buffer(shapely.Point(0.0, 0.0), distance, quad_segs=BUFFER_QUAD_SEGS)
    ring = shapely.get_coordinates(shapely.get_exterior_ring(template))
    return np.asarray(shapely.polygons(ring[None, :, :] + xy[:, None, :]), dtype=object)


def _in_halves(
    pool: ThreadPoolExecutor, func: Callable[..., np.ndarray], *arrays: np.ndarray
) -> np.ndarray:
    """Run a vectorised shapely function on two halves at once (shapely releases the GIL)."""
    n = len(arrays[0])
    if n < PARALLEL_MIN:
        return func(*arrays)
    half = n // 2
    first = pool.submit(func, *(a[:half] for a in arrays))
    second = pool.submit(func, *(a[half:] for a in arrays))
    return np.concatenate([first.result(), second.result()])


def coverage_of(polygons: np.ndarray, points: np.ndarray, distance: float) -> np.ndarray:
    """Share (0–1) of each polygon's area within ``distance`` of any of ``points``.

    Parameters
    ----------
    polygons, points
        Shapely geometry arrays in one metric CRS.
    distance
        The walking distance in the CRS's units (metres).

    Notes
    -----
    A polygon inside one disc is fully covered. Otherwise the discs near it are subtracted
    from it one at a time, nearest to its centre first, vectorised across all polygons, until
    nothing is left or the discs run out; the share is one minus what is left. This gives the
    area of the union of the discs within the polygon without building the union.
    """
    share = np.zeros(len(polygons))
    if not len(polygons) or not len(points):
        return share
    s_i, p_i = shapely.STRtree(points).query(polygons, predicate="dwithin", distance=distance)
    if not s_i.size:
        return share
    used, p_local = np.unique(p_i, return_inverse=True)
    xy = shapely.get_coordinates(points[used])
    discs = _discs(xy, distance)
    shapely.prepare(discs)
    with ThreadPoolExecutor(max_workers=2) as pool:
        whole = _in_halves(pool, shapely.covers, discs[p_local], polygons[s_i])
        full = np.unique(s_i[whole])
        share[full] = 1.0
        partial = ~np.isin(s_i, full)
        s_i, p_local = s_i[partial], p_local[partial]
        if not s_i.size:
            return share
        centres = shapely.get_coordinates(shapely.centroid(polygons))
        reach = np.hypot(*(xy[p_local] - centres[s_i]).T)
        order = np.lexsort((reach, s_i))
        s_i, p_local = s_i[order], p_local[order]
        starts = np.flatnonzero(np.r_[True, s_i[1:] != s_i[:-1]])
        sizes = np.diff(np.r_[starts, len(s_i)])
        owners = s_i[starts]
        left = polygons[owners].copy()
        active = np.arange(len(owners))
        for k in range(int(sizes.max())):
            active = active[(sizes[active] > k) & ~shapely.is_empty(left[active])]
            if not active.size:
                break
            left[active] = _in_halves(
                pool, shapely.difference, left[active], discs[p_local[starts[active] + k]]
            )
    areas = shapely.area(polygons[owners])
    uncovered = np.divide(shapely.area(left), areas, out=np.zeros(len(owners)), where=areas > 0)
    share[owners] = np.clip(1.0 - uncovered, 0.0, 1.0)
    return share


def coverage(
    settlements: gpd.GeoDataFrame,
    services: gpd.GeoDataFrame,
    standard: Standard,
    crs: CRS,
) -> pd.DataFrame:
    """Coverage of every settlement for every category of ``standard``.

    Returns
    -------
    DataFrame
        Indexed like ``settlements``, one float column ``<category>_coverage`` per category
        (NaN where the standard sets no walking distance for the category).
    """
    polygons = to_metric(settlements.geometry, crs).to_numpy()
    working = services[services["status"] == "working"]
    points = (
        to_metric(working.geometry, crs).to_numpy() if len(working) else np.array([], dtype=object)
    )
    categories = working["category"].to_numpy(dtype=object)
    out: dict[str, np.ndarray] = {}
    for category, rule in standard.categories.items():
        if not rule.max_distance_m:
            out[f"{category}_coverage"] = np.full(len(polygons), np.nan)
            continue
        out[f"{category}_coverage"] = coverage_of(
            polygons, points[categories == category], rule.max_distance_m
        )
    return pd.DataFrame(out, index=settlements.index)
