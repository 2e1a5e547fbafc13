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
from pyproj import CRS

from atlas.load.crs import to_metric
from atlas.measure._nearby import Nearby, pairs_within
from atlas.measure._parallel import Workers
from atlas.measure.standards import Standard

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
    nearby: Nearby | None = None,
    *,
    workers: Workers | None = None,
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
    nearby
        :func:`atlas.measure._nearby.nearby_pairs` of these points and settlements within at least
        ``standard.reach``, when already at hand; found here otherwise.
    workers
        The computation's threads (:class:`atlas.measure.Workers`; its own when None).

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
        polygons = to_metric(settlements.geometry, crs).to_numpy()
        nearby = pairs_within(nearby, services, polygons, standard.reach, crs, workers)
        ids = settlements["settlement_id"].to_numpy(dtype=object)
        rank = np.empty(len(ids), dtype=np.int64)
        rank[np.argsort(ids.astype(str), kind="stable")] = np.arange(len(ids))
        p_i, s_i, dist = nearby.point, nearby.settlement, nearby.distance
        inside = dist == 0
        if inside.any():
            pts, pick = _first_per_point(p_i[inside], rank[s_i[inside]])
            chosen[pts] = s_i[inside][pick]
            distance[pts] = 0.0
        # Each point's own walking distance (by category); -1 where containment only.
        limits = {c: r.max_distance_m for c, r in standard.categories.items() if r.max_distance_m}
        category = services["category"].to_numpy(dtype=object)
        limit = np.full(n, -1.0)
        for name, metres in limits.items():
            limit[category == name] = metres
        open_ = (chosen[p_i] < 0) & (dist <= limit[p_i])
        q_i, s_i, dist = p_i[open_], s_i[open_], dist[open_]
        if q_i.size:
            # Nearest per point; distances equal to within TIE_M are ties, broken by settlement_id.
            nearest = np.full(n, np.inf)
            np.minimum.at(nearest, q_i, dist)
            close = dist <= nearest[q_i] + TIE_M
            q_i, s_i, dist = q_i[close], s_i[close], dist[close]
            pts, pick = _first_per_point(q_i, rank[s_i])
            chosen[pts] = s_i[pick]
            distance[pts] = dist[pick]
        labels = ids[np.maximum(chosen, 0)].copy()
        labels[chosen < 0] = None
    return pd.DataFrame(
        {
            "settlement_id": pd.Series(labels, index=services.index, dtype=object),
            "distance_m": distance,
        },
        index=services.index,
    )
