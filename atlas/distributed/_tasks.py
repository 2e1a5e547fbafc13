"""What the workers run: one spatial partition of points against the settlements that can
reach it, and the coverage of one group of settlements from the points near them.

Each task calls the default engine's own functions (:func:`atlas.measure.attribute_services`,
:func:`atlas.measure.service_counts`, :func:`atlas.measure.coverage`) on its share, single
threaded: Dask runs the tasks side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from atlas.distributed.packing import Packed, pack, unpack
from atlas.load.crs import to_metric
from atlas.measure import Workers, attribute_services, coverage, service_counts
from atlas.measure.standards import Standard

__all__ = ["PartResult", "coverage_group", "measure_part", "piece", "reaching"]

#: Metres added to every reach box: a point on a box's edge is never left out by rounding.
_MARGIN_M = 1.0


@dataclass(frozen=True)
class PartResult:
    """What one partition of points found.

    Attributes
    ----------
    attribution
        Indexed by file row: ``settlement_id`` and ``distance_m`` (as the default engine's).
    rows, counts
        Settlement positions and their points per category and status (``service_counts``).
    located, met
        Points with a location; of them, within the standard's reach of a settlement.
    pieces
        Per group of settlements: the working points that may cover one of them (packed).
    """

    attribution: pd.DataFrame
    rows: np.ndarray
    counts: np.ndarray
    located: int
    met: int
    pieces: dict[int, Packed]


def reaching(settlements: gpd.GeoDataFrame, bounds: np.ndarray, reach: float) -> np.ndarray:
    """Positions of the settlements (metric) whose box grown by ``reach`` meets ``bounds``."""
    boxes = shapely.bounds(settlements.geometry.to_numpy())
    grow = reach + _MARGIN_M
    x0, y0, x1, y1 = bounds
    hit = (
        (boxes[:, 0] - grow <= x1)
        & (boxes[:, 2] + grow >= x0)
        & (boxes[:, 1] - grow <= y1)
        & (boxes[:, 3] + grow >= y0)
    )
    return np.flatnonzero(hit)


def measure_part(
    packed: Packed,
    settlements: gpd.GeoDataFrame,
    group: np.ndarray,
    standard: Standard,
    crs: CRS,
) -> PartResult:
    """Attribute, count and sort out the points of one partition (``packed``, EPSG:4326,
    indexed by file row) against the settlements (metric CRS) that can reach it.

    ``group`` gives each settlement's coverage group.
    """
    part = unpack(packed)
    reach = standard.reach
    xy = shapely.get_coordinates(to_metric(part.geometry, crs).to_numpy())
    located = np.isfinite(xy).all(axis=1) if len(xy) else np.zeros(0, bool)
    none = np.zeros(0, np.int64)
    if not located.any():
        empty = attribute_services(part, settlements.iloc[:0], standard, crs)
        return PartResult(empty, none, np.zeros((0, 0), np.int64), 0, 0, {})
    bounds = np.r_[xy[located].min(axis=0), xy[located].max(axis=0)]
    near = reaching(settlements, bounds, reach)
    subset = settlements.iloc[near]
    with Workers(1) as workers:
        attribution = attribute_services(part, subset, standard, crs, workers=workers)
    counts = service_counts(part, attribution, subset, standard).to_numpy()
    points = shapely.points(xy[located])
    polygons = subset.geometry.to_numpy()
    tree = shapely.STRtree(polygons)
    if reach > 0:
        hits = tree.query(points, predicate="dwithin", distance=reach)
    else:
        hits = tree.query(points, predicate="intersects")
    met = int(np.unique(hits[0]).size)
    # Coverage: the working points of the categories with a walking distance, sent to each
    # group holding a settlement whose reach box they lie in.
    walk = [c for c, r in standard.categories.items() if r.max_distance_m]
    wanted = (part["status"] == "working").to_numpy() & part["category"].isin(walk).to_numpy()
    wanted &= located
    pieces: dict[int, Packed] = {}
    if wanted.any() and len(subset):
        boxes = shapely.bounds(polygons)
        grow = reach + _MARGIN_M
        grown = shapely.box(
            boxes[:, 0] - grow, boxes[:, 1] - grow, boxes[:, 2] + grow, boxes[:, 3] + grow
        )
        chosen = np.flatnonzero(wanted)
        p_i, b_i = shapely.STRtree(grown).query(shapely.points(xy[chosen]))
        pairs = np.unique(np.c_[group[near[b_i]], chosen[p_i]], axis=0)
        columns = ["category", "status", part.geometry.name]
        for g in np.unique(pairs[:, 0]):
            rows = np.sort(pairs[pairs[:, 0] == g, 1])
            pieces[int(g)] = pack(part.iloc[rows][columns])
    return PartResult(attribution, near, counts, int(located.sum()), met, pieces)


def piece(result: PartResult, group: int) -> Packed | None:
    """The points ``result`` sends to ``group`` (None when it sends none)."""
    return result.pieces.get(group)


def coverage_group(
    settlements: gpd.GeoDataFrame,
    positions: np.ndarray,
    standard: Standard,
    crs: CRS,
    *pieces: Packed | None,
) -> np.ndarray:
    """Coverage (one column per category of ``standard``) of the settlements at ``positions``
    from every working point near them, in file order."""
    found = [unpack(p) for p in pieces if p is not None and len(p)]
    chunk = settlements.iloc[positions]
    if found:
        points = gpd.GeoDataFrame(pd.concat(found), crs=found[0].crs).sort_index(kind="stable")
    else:
        points = gpd.GeoDataFrame(
            {"category": pd.Series([], dtype=object), "status": pd.Series([], dtype=object)},
            geometry=gpd.GeoSeries([], crs="EPSG:4326"),
        )
    with Workers(1) as workers:
        table = coverage(chunk, points, standard, crs, workers=workers)
    return table.to_numpy()
