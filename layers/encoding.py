"""Compact geometry for the browser: quantised, delta-coded integers as base64 varints.

A GeoJSON coordinate such as ``[28.123456,-26.123456]`` costs 22 bytes. The maps send
coordinates instead as integers on a grid of step ``quantum`` degrees from an ``origin``; each
vertex is the difference from the previous one (a few metres), zigzag-mapped to a non-negative
number and written as a little-endian base-128 varint (one byte for differences under 64 grid
steps), and the bytes travel as base64 text. That is 3 to 4 characters per vertex instead of 22.
``layers/atlas_map.js`` decodes it (``decodeInts``, ``decodeShape``, ``decodePoints``).

Formats (all numbers zigzag varints):

* shape (one per feature): ``parts``, then per part ``rings``, then per ring its vertex count
  (rings are not closed: the closing vertex is implied), then every vertex as ``dx dy`` from
  the previous one (the first from the origin). One part is a Polygon, more a MultiPolygon.
* points (one string per layer): per point ``dx dy code``, the points in Morton (Z-order) so
  that consecutive points are near each other and differences stay small.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely

__all__ = [
    "Grid",  # i18n-ignore: a name of the API
    "decode_ints",
    "encode_ints",
    "encode_points",
    "encode_shapes",
    "morton_order",
]

#: Metres per degree of latitude (mean), to turn a tolerance in metres into a grid step.
METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Grid:
    """The integer grid coordinates are snapped to: ``lon = x0 + X * quantum`` (same for lat).

    Parameters
    ----------
    x0, y0
        Origin (degrees), at or below every coordinate encoded on this grid.
    quantum
        Grid step in degrees.
    """

    x0: float
    y0: float
    quantum: float

    @classmethod
    def for_bounds(cls, bounds: Sequence[float] | np.ndarray, step_m: float) -> Grid:
        """A grid of step ``step_m`` metres (as degrees of latitude) whose origin is the
        south-west corner of ``bounds`` (``minx, miny, maxx, maxy``), snapped to the grid."""
        if not step_m > 0:
            raise ValueError(f"The grid step must be more than 0 metres, not {step_m}.")
        quantum = float(step_m) / METRES_PER_DEGREE
        x0, y0 = (float(np.floor(v / quantum) * quantum) for v in bounds[:2])
        return cls(x0, y0, quantum)

    def snap(self, xy: np.ndarray) -> np.ndarray:
        """Coordinates (n × 2, lon/lat) as integer grid positions (int64)."""
        return np.rint((np.asarray(xy, float) - (self.x0, self.y0)) / self.quantum).astype(np.int64)

    def to_json(self) -> list[float]:
        """``[x0, y0, quantum]`` as the map's script takes it."""
        return [self.x0, self.y0, self.quantum]


def _varint_bytes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The zigzag varint bytes of ``values`` and how many bytes each value took."""
    v = np.asarray(values, dtype=np.int64)
    z = ((v << 1) ^ (v >> 63)).astype(np.uint64)
    sizes = np.ones(len(z), dtype=np.int64)
    rest = z >> np.uint64(7)
    while rest.any():
        sizes += rest > 0
        rest >>= np.uint64(7)
    out = np.empty(int(sizes.sum()), dtype=np.uint8)
    starts = np.cumsum(sizes) - sizes
    for k in range(int(sizes.max(initial=0))):
        sel = sizes > k
        low = (z[sel] >> np.uint64(7 * k)) & np.uint64(0x7F)
        more = (sizes[sel] > k + 1).astype(np.uint64) << np.uint64(7)
        out[starts[sel] + k] = (low | more).astype(np.uint8)
    return out, sizes


def encode_ints(values: Sequence[int] | np.ndarray) -> str:
    """Integers as base64 zigzag varints (the inverse of :func:`decode_ints`)."""
    data, _ = _varint_bytes(np.asarray(values, dtype=np.int64))
    return base64.b64encode(data.tobytes()).decode("ascii")


def decode_ints(text: str) -> np.ndarray:
    """The integers of :func:`encode_ints` text (the map's script does the same in JavaScript)."""
    values, value, shift = [], 0, 0
    for byte in base64.b64decode(text):
        value |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
            continue
        values.append((value >> 1) ^ -(value & 1))
        value, shift = 0, 0
    return np.asarray(values, dtype=np.int64)


def encode_shapes(geoms: np.ndarray, grid: Grid) -> list[str | None]:
    """One shape string per (multi)polygon of ``geoms`` (lon/lat); None for null or empty.

    Parameters
    ----------
    geoms
        Polygons and MultiPolygons in EPSG:4326 (already simplified for display).
    grid
        The grid the coordinates are snapped to.

    Returns
    -------
    list of str or None
        In the order of ``geoms``.
    """
    geoms = np.asarray(geoms, dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    out: list[str | None] = [None] * len(geoms)
    if not present.any():
        return out
    polygons, owner = shapely.get_parts(geoms[present], return_index=True)
    rings, ring_polygon = shapely.get_rings(polygons, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    # Drop each ring's closing vertex: the script closes rings itself.
    closing = np.cumsum(shapely.get_num_coordinates(rings)) - 1
    keep = np.ones(len(coords), dtype=bool)
    keep[closing] = False
    coords, coord_ring = coords[keep], coord_ring[keep]
    ring_feature = owner[ring_polygon]
    coord_feature = ring_feature[coord_ring]
    snapped = grid.snap(coords)
    deltas = np.diff(snapped, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    first = np.flatnonzero(np.diff(coord_feature, prepend=-1) != 0)
    deltas[first] = snapped[first]
    ring_sizes = np.bincount(coord_ring, minlength=len(rings))
    rings_per_polygon = np.bincount(ring_polygon, minlength=len(polygons))
    polygons_per_feature = np.bincount(owner, minlength=int(present.sum()))
    coord_start = np.searchsorted(coord_feature, np.arange(len(polygons_per_feature)))
    coord_end = np.append(coord_start[1:], len(coord_feature))
    ring_start = np.searchsorted(ring_feature, np.arange(len(polygons_per_feature)))
    polygon_start = np.cumsum(polygons_per_feature) - polygons_per_feature
    streams = []
    for f, parts in enumerate(polygons_per_feature):
        header = [parts]
        ring = ring_start[f]
        for p in range(polygon_start[f], polygon_start[f] + parts):
            header.append(rings_per_polygon[p])
            header.extend(ring_sizes[ring : ring + rings_per_polygon[p]])
            ring += rings_per_polygon[p]
        streams.append(
            np.concatenate(
                [np.asarray(header, np.int64), deltas[coord_start[f] : coord_end[f]].ravel()]
            )
        )
    texts = _encode_many(streams)
    for position, text in zip(np.flatnonzero(present), texts, strict=True):
        out[position] = text
    return out


def _encode_many(streams: list[np.ndarray]) -> list[str]:
    """:func:`encode_ints` of each stream, varint-coded in one pass."""
    if not streams:
        return []
    data, sizes = _varint_bytes(np.concatenate(streams))
    lengths = np.array([len(s) for s in streams])
    ends = np.cumsum(sizes)[np.cumsum(lengths) - 1]
    starts = np.append(0, ends[:-1])
    raw = data.tobytes()
    return [base64.b64encode(raw[a:b]).decode("ascii") for a, b in zip(starts, ends, strict=True)]


def morton_order(snapped: np.ndarray) -> np.ndarray:
    """The order of grid points (n × 2, non-negative int) along a Z-order curve."""

    def spread(v: np.ndarray) -> np.ndarray:
        v = v.astype(np.uint64) & np.uint64(0xFFFFFFFF)
        for shift, mask in (
            (16, 0x0000FFFF0000FFFF),
            (8, 0x00FF00FF00FF00FF),
            (4, 0x0F0F0F0F0F0F0F0F),
            (2, 0x3333333333333333),
            (1, 0x5555555555555555),
        ):
            v = (v | (v << np.uint64(shift))) & np.uint64(mask)
        return v

    snapped = np.clip(np.asarray(snapped, np.int64), 0, None)
    keys = spread(snapped[:, 0]) | (spread(snapped[:, 1]) << np.uint64(1))
    return np.argsort(keys, kind="stable")


def encode_points(xy: np.ndarray, codes: np.ndarray, grid: Grid) -> tuple[str, np.ndarray]:
    """Points (n × 2, lon/lat) with a small integer code each, as one string.

    Parameters
    ----------
    xy
        Point coordinates in EPSG:4326.
    codes
        A non-negative integer per point (the script looks it up in a table).
    grid
        The grid the coordinates are snapped to.

    Returns
    -------
    (str, ndarray)
        The text, and the order the points were written in (positions into ``xy``).
    """
    snapped = grid.snap(np.asarray(xy, float).reshape(-1, 2))
    order = morton_order(snapped)
    ordered = snapped[order]
    deltas = np.diff(ordered, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    rows = np.column_stack([deltas, np.asarray(codes, np.int64)[order]])
    return encode_ints(rows.ravel()), order
