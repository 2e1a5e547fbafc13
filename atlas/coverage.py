"""Coverage: the share of a settlement's area within walking distance of a working point.

DESIGN §4: the share of the settlement's area lying within ``max_distance_m`` of *any* working
point of the category (attributed to it or not), measured in the metric CRS. Only points within
that distance of a settlement can cover it, so each settlement is measured against the union of
just those points' discs; a settlement inside a single disc is fully covered without any union.
"""

from __future__ import annotations

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


def coverage_of(polygons: np.ndarray, points: np.ndarray, distance: float) -> np.ndarray:
    """Share (0–1) of each polygon's area within ``distance`` of any of ``points``.

    Parameters
    ----------
    polygons, points
        Shapely geometry arrays in one metric CRS.
    distance
        The walking distance in the CRS's units (metres).
    """
    share = np.zeros(len(polygons))
    if not len(polygons) or not len(points):
        return share
    tree = shapely.STRtree(points)
    s_i, p_i = tree.query(polygons, predicate="dwithin", distance=distance)
    if not s_i.size:
        return share
    used, p_local = np.unique(p_i, return_inverse=True)
    discs = shapely.buffer(points[used], distance, quad_segs=BUFFER_QUAD_SEGS)
    shapely.prepare(discs)
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
    groups = np.split(p_local, starts[1:])
    owners = s_i[starts]
    areas = shapely.area(polygons[owners])
    unions = np.array([shapely.union_all(discs[g]) for g in groups], dtype=object)
    covered = shapely.area(shapely.intersection(unions, polygons[owners]))
    share[owners] = np.clip(
        np.divide(covered, areas, out=np.zeros_like(covered), where=areas > 0), 0, 1
    )
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
