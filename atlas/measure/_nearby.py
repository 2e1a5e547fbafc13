"""Which service points lie within reach of which settlements: measured once, used twice.

Attribution (nearest settlement within the category's distance) and coverage (the points within
walking distance of a settlement) both start from the same question: for each settlement, which
points are inside it or within ``reach`` metres of its boundary. :func:`nearby_pairs` answers it
once for all points and the largest distance of the standard; each step then filters the pairs.

Points are handled as coordinate arrays (:func:`metric_xy`): building a shapely point for each
of hundreds of thousands of service points costs more than all the tests below. Point
geometries are built only for the few points that need an exact distance to a boundary.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer

from atlas.errors import SchemaError
from atlas.i18n import _, ngettext
from atlas.load.crs import to_metric
from atlas.measure._parallel import Workers, private_prepared, using
from atlas.problems import Problem

__all__ = ["Nearby", "metric_xy", "nearby_pairs", "pairs_within"]  # i18n-ignore: names of the API


def metric_xy(
    points: gpd.GeoDataFrame | gpd.GeoSeries, crs: CRS, workers: Workers | None = None
) -> np.ndarray:
    """Coordinates (n, 2) of a point layer in the metric CRS ``crs``; NaN for missing points.

    The same pyproj transformation :func:`atlas.load.crs.to_metric` applies (``always_xy``), on the
    coordinates alone; with ``workers``, in parts at once (a transformer per thread: pyproj's
    are not shared between threads).

    Raises
    ------
    CRSError
        As :func:`atlas.load.crs.to_metric` (geographic ``crs``, layer without a CRS).
    SchemaError
        When a geometry is not a single point.
    """
    geoms = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
    to_metric(geoms.iloc[:0], crs)  # the same CRS checks and messages
    values = geoms.to_numpy()
    xy = np.full((len(values), 2), np.nan)
    present = ~(shapely.is_missing(values) | shapely.is_empty(values))
    kinds = shapely.get_type_id(values[present])
    if (kinds != 0).any():
        raise SchemaError(
            Problem(
                "error",
                ngettext(
                    "Service points must be single points; found {count} other geometry.",
                    "Service points must be single points; found {count} other geometries.",
                    int((kinds != 0).sum()),
                    count=int((kinds != 0).sum()),
                ),
                _("Validate the layer first: atlas.load_layer(path, 'services')."),
                code="services.not_points",
            )
        )
    if present.any():
        raw = shapely.get_coordinates(values[present])
        if CRS(geoms.crs).equals(CRS(crs)):
            xy[present] = raw
        else:
            source = geoms.crs

            def transform(x: np.ndarray, y: np.ndarray) -> np.ndarray:
                moved = Transformer.from_crs(source, crs, always_xy=True).transform(x, y)
                return np.column_stack(moved)

            if workers is None:
                xy[present] = transform(raw[:, 0], raw[:, 1])
            else:
                xy[present] = workers.in_parts(transform, raw[:, 0], raw[:, 1])
    return xy


@dataclass(frozen=True)
class Nearby:
    """Every (point, settlement) pair with the point inside or within ``reach`` metres.

    Attributes
    ----------
    xy
        The coordinates of all the points (metric CRS).
    point, settlement
        Positions in the point coordinates and the polygon array given to :func:`nearby_pairs`,
        grouped by settlement (ascending).
    distance
        Metres from the point to the settlement: 0 inside or on the boundary.
    reach
        The distance the pairs were searched within.
    """

    xy: np.ndarray
    point: np.ndarray
    settlement: np.ndarray
    distance: np.ndarray
    reach: float

    def within(self, distance: float, points: np.ndarray | None = None) -> Nearby:
        """The pairs within ``distance`` (at most ``reach``), optionally of some points only.

        ``points`` is a boolean mask over all points; the pairs keep the original indices.
        """
        keep = self.distance <= distance
        if points is not None:
            keep &= points[self.point]
        return Nearby(
            self.xy, self.point[keep], self.settlement[keep], self.distance[keep], distance
        )


def _box_candidates(xy: np.ndarray, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (point, box) with the point inside the box (edges included), box by box.

    A bucket grid in numpy: points sorted by grid cell, each box lists the cells it meets and
    takes their points as candidates, then keeps those inside it. Cells are as large as the
    typical box's quarter, so a box meets some 25 cells holding few points outside it.
    """
    none = np.zeros(0, dtype=np.int64)
    finite = np.flatnonzero(np.isfinite(xy).all(axis=1))
    boxes = np.flatnonzero(np.isfinite(bounds).all(axis=1))
    if not finite.size or not boxes.size:
        return none, none
    pxy, box = xy[finite], bounds[boxes]
    side = float(np.median(np.maximum(box[:, 2] - box[:, 0], box[:, 3] - box[:, 1]))) / 4
    origin = pxy.min(axis=0)
    extent = np.maximum(pxy.max(axis=0) - origin, 1e-6)
    # At most about four cells per point, however small the boxes and wide the layer.
    side = max(side, float(np.sqrt(extent.prod() / (4 * len(pxy)))), 1e-6)
    shape = np.floor((pxy.max(axis=0) - origin) / side).astype(np.int64) + 1
    cell = np.floor((pxy - origin) / side).astype(np.int64)
    cell_id = cell[:, 1] * shape[0] + cell[:, 0]
    order = np.argsort(cell_id, kind="stable")
    counts = np.bincount(cell_id, minlength=int(shape.prod()))
    starts = np.cumsum(counts) - counts
    # Cells each box meets, clipped to the grid (boxes beyond the points meet none).
    lo = np.clip(np.floor((box[:, :2] - origin) / side).astype(np.int64), 0, shape - 1)
    hi = np.clip(np.floor((box[:, 2:] - origin) / side).astype(np.int64), 0, shape - 1)
    outside = ((box[:, 2:] < origin) | (box[:, :2] > origin + shape * side)).any(axis=1)
    span = np.where(outside[:, None], 0, hi - lo + 1)
    n_cells = span[:, 0] * span[:, 1]
    owner = np.repeat(np.arange(len(box)), n_cells)
    k = np.arange(int(n_cells.sum())) - np.repeat(np.cumsum(n_cells) - n_cells, n_cells)
    cx = lo[owner, 0] + k % span[owner, 0]
    cy = lo[owner, 1] + k // span[owner, 0]
    cid = cy * shape[0] + cx
    sizes = counts[cid]
    b_i = np.repeat(owner, sizes)
    j = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    p_i = order[np.repeat(starts[cid], sizes) + j]
    x, y = pxy[p_i, 0], pxy[p_i, 1]
    hit = (x >= box[b_i, 0]) & (x <= box[b_i, 2]) & (y >= box[b_i, 1]) & (y <= box[b_i, 3])
    return finite[p_i[hit]], boxes[b_i[hit]]


def nearby_pairs(
    xy: np.ndarray, polygons: np.ndarray, reach: float, workers: Workers | None = None
) -> Nearby:
    """Every (point, polygon) pair with the point inside, on or within ``reach`` of the polygon.

    Parameters
    ----------
    xy
        Point coordinates (n, 2) in a metric CRS (:func:`metric_xy`); NaN rows are skipped.
    polygons
        Shapely polygons in the same CRS. They are not prepared (other threads may use them).
    reach
        Metres; 0 finds containment only.
    workers
        The computation's threads (its own for this call when None).

    Notes
    -----
    Candidates come from each polygon's bounding box grown by ``reach`` (a k-d tree over the
    points); containment is tested on the coordinates against prepared private copies of the
    polygons, and only points outside get a point geometry and an exact GEOS distance.
    """
    empty = np.zeros(0, dtype=np.int64)
    if not len(xy) or not len(polygons):
        return Nearby(xy, empty, empty, np.zeros(0), reach)
    present = ~(shapely.is_missing(polygons) | shapely.is_empty(polygons))
    bounds = shapely.bounds(polygons)
    bounds[~present] = np.nan
    bounds[:, :2] -= reach
    bounds[:, 2:] += reach
    keep = np.flatnonzero(present)
    p_i, b_i = _box_candidates(xy, bounds[keep])
    s_i = keep[b_i]
    # Pairs come grouped by polygon (``s_i`` ascending), as the parts below need.
    with using(workers) as w:
        inside = w.in_parts(
            shapely.intersects_xy,
            private_prepared(polygons)[s_i],
            xy[p_i, 0],
            xy[p_i, 1],
            owner=s_i,
        )
        distance = np.zeros(len(p_i))
        outside = np.flatnonzero(~inside)
        if outside.size:
            if reach > 0:
                used, local = np.unique(p_i[outside], return_inverse=True)
                points = shapely.points(xy[used])
                distance[outside] = w.in_parts(
                    shapely.distance, points[local], polygons[s_i[outside]], owner=s_i[outside]
                )
            else:
                distance[outside] = np.inf
    near = distance <= reach
    return Nearby(xy, p_i[near], s_i[near], distance[near], reach)


def pairs_within(
    nearby: Nearby | None,
    points: gpd.GeoDataFrame,
    polygons: np.ndarray,
    reach: float,
    crs: CRS,
    workers: Workers | None = None,
) -> Nearby:
    """``nearby`` when given (checked to reach far enough), else :func:`nearby_pairs` found now.

    Raises
    ------
    ValueError
        When ``nearby`` was searched within less than ``reach``: it would miss pairs.
    """
    if nearby is None:
        return nearby_pairs(metric_xy(points, crs), polygons, reach, workers)
    if nearby.reach < reach:
        raise ValueError(f"nearby pairs within {nearby.reach} m, {reach} m needed")
    return nearby
