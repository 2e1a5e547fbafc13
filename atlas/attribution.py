"""Attributing service points to settlements (DESIGN §4).

Each point goes to at most one settlement: the one containing it (on the boundary counts as
inside), or else the nearest settlement whose boundary lies within the category's
``max_distance_m``. Ties (overlapping settlements, distances equal to within a millimetre) go to the smallest
``settlement_id``, so the result does not depend on file order. A point never counts twice.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from atlas.crs import to_metric
from atlas.standards import Standard

__all__ = ["TIE_M", "attribute_services"]

#: Distances that differ by less than this (metres) are ties: reprojection leaves float noise.
TIE_M = 1e-3


def _first_per_point(
    points: np.ndarray, settlement_rank: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For pairs (point, settlement), keep per point the pair whose settlement ranks first."""
    order = np.lexsort((settlement_rank, points))
    points_sorted = points[order]
    first = np.flatnonzero(np.r_[True, points_sorted[1:] != points_sorted[:-1]])
    return points_sorted[first], order[first]


def attribute_services(
    services: gpd.GeoDataFrame,
    settlements: gpd.GeoDataFrame,
    standard: Standard,
    crs: CRS,
) -> pd.DataFrame:
    """Attribute each service point to at most one settlement.

    Parameters
    ----------
    services
        Validated service points (``category`` column).
    settlements
        Validated settlements (``settlement_id`` column).
    standard
        Gives each category's ``max_distance_m`` (None: containment only).
    crs
        The dataset's metric CRS, in which distances are measured.

    Returns
    -------
    DataFrame
        Indexed like ``services``: ``settlement_id`` (None when unattributed) and
        ``distance_m`` (0 inside, the distance to the boundary otherwise, NaN unattributed).
    """
    n = len(services)
    chosen = np.full(n, -1, dtype=np.int64)
    labels: np.ndarray = np.full(n, None, dtype=object)
    distance = np.full(n, np.nan)
    if n and len(settlements):
        points = to_metric(services.geometry, crs).to_numpy()
        polygons = to_metric(settlements.geometry, crs).to_numpy()
        ids = settlements["settlement_id"].to_numpy(dtype=object)
        rank = np.empty(len(ids), dtype=np.int64)
        rank[np.argsort(ids.astype(str), kind="stable")] = np.arange(len(ids))
        tree = shapely.STRtree(polygons)
        p_i, s_i = tree.query(points, predicate="intersects")
        if p_i.size:
            pts, pick = _first_per_point(p_i, rank[s_i])
            chosen[pts] = s_i[pick]
            distance[pts] = 0.0
        categories = services["category"].to_numpy(dtype=object)
        for category, rule in standard.categories.items():
            if not rule.max_distance_m:
                continue
            todo = np.flatnonzero((chosen < 0) & (categories == category))
            if not todo.size:
                continue
            q_i, s_i = tree.query(points[todo], predicate="dwithin", distance=rule.max_distance_m)
            if not q_i.size:
                continue
            dist = shapely.distance(points[todo][q_i], polygons[s_i])
            # Nearest per point; distances equal to within TIE_M are ties, broken by settlement_id.
            nearest = np.full(todo.size, np.inf)
            np.minimum.at(nearest, q_i, dist)
            close = dist <= nearest[q_i] + TIE_M
            q_i, s_i, dist = q_i[close], s_i[close], dist[close]
            pts, pick = _first_per_point(q_i, rank[s_i])
            chosen[todo[pts]] = s_i[pick]
            distance[todo[pts]] = dist[pick]
        labels = ids[np.maximum(chosen, 0)].copy()
        labels[chosen < 0] = None
    return pd.DataFrame(
        {
            "settlement_id": pd.Series(labels, index=services.index, dtype=object),
            "distance_m": distance,
        },
        index=services.index,
    )
