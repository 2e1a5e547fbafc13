"""How layers meet, measured (private to :mod:`atlas.measure.overlap`): which features of one
layer lie within a distance of another, in a metric CRS, and which change to one layer (its
longitude and latitude swapped, its numbers read in another CRS) makes them meet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Geod
from pyproj.exceptions import CRSError as PyprojCRSError
from pyproj.exceptions import ProjError
from shapely.ops import nearest_points

from atlas.errors import CRSError
from atlas.i18n import _
from atlas.load.crs import STORAGE_CRS, choose_metric_crs
from atlas.load.dataset import Dataset

__all__ = [
    "MOST",
    "SAMPLE",
    "Cause",  # i18n-ignore: names of the API
    "Pair",  # i18n-ignore: names of the API
    "crs_name",
    "distance_km",
    "extent",
    "find_cause",
    "finite",
    "meeting",
    "metric",
    "named",
]

#: "Most": more than this share of the features must miss the other layer.
MOST = 0.5
#: At most this many features of a layer are re-read when looking for the cause (evenly spaced).
SAMPLE = 2000

Cause = Literal["swapped", "crs", "file"]


def finite(geoms: np.ndarray) -> np.ndarray:
    """A mask of present geometries with finite coordinates."""
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    bounds = np.full((len(geoms), 4), np.nan)
    bounds[present] = shapely.bounds(geoms[present])
    return present & np.isfinite(bounds).all(axis=1)


def in_lonlat(geoms: np.ndarray) -> np.ndarray:
    """A mask of geometries whose coordinates all fit longitude/latitude bounds."""
    ok = finite(geoms)
    b = np.full((len(geoms), 4), np.nan)
    b[ok] = shapely.bounds(geoms[ok])
    with np.errstate(invalid="ignore"):
        return ok & (b[:, 0] >= -180) & (b[:, 2] <= 180) & (b[:, 1] >= -90) & (b[:, 3] <= 90)


def metric(geoms: np.ndarray, crs: CRS) -> np.ndarray:
    """``geoms`` (EPSG:4326, possibly odd) in ``crs``; missing where they cannot be."""
    keep = in_lonlat(geoms)
    out = np.full(len(geoms), None, dtype=object)
    if keep.any():
        moved = gpd.GeoSeries(geoms[keep], crs=STORAGE_CRS).to_crs(crs).to_numpy()
        out[keep] = moved
    out[~finite(out)] = None
    return out


def meeting(counted: np.ndarray, other: np.ndarray, distance: float) -> np.ndarray:
    """Per ``counted`` geometry (metric): whether one of ``other`` lies within ``distance``."""
    met = np.zeros(len(counted), bool)
    a, b = finite(counted), other[finite(other)]
    if not a.any() or not len(b):
        return met
    tree = shapely.STRtree(b)
    if distance > 0:
        hits = tree.query(counted[a], predicate="dwithin", distance=distance)
    else:
        hits = tree.query(counted[a], predicate="intersects")
    met[np.flatnonzero(a)[np.unique(hits[0])]] = True
    return met


def sample(geoms: np.ndarray) -> np.ndarray:
    """At most :data:`SAMPLE` of ``geoms``, evenly spaced (the cause is a guess: a sample
    tells it as well as the whole layer)."""
    if len(geoms) <= SAMPLE:
        return geoms
    return geoms[np.linspace(0, len(geoms) - 1, SAMPLE).astype(int)]


def utm(geoms: np.ndarray) -> CRS | None:
    """The UTM zone of ``geoms`` (EPSG:4326), None when they have no usable location."""
    keep = in_lonlat(geoms)
    if not keep.any():
        return None
    try:
        return choose_metric_crs(gpd.GeoSeries(geoms[keep], crs=STORAGE_CRS))
    except CRSError:
        return None


def extent(geoms: np.ndarray) -> tuple[float, float, float, float] | None:
    """The bounds of the geometries of ``geoms`` (EPSG:4326) that have a place on Earth."""
    keep = in_lonlat(geoms)
    if not keep.any():
        return None
    x0, y0, x1, y1 = shapely.total_bounds(geoms[keep])
    return float(x0), float(y0), float(x1), float(y1)


def distance_km(
    a: tuple[float, float, float, float] | None, b: tuple[float, float, float, float] | None
) -> float:
    """How far apart two extents (EPSG:4326) are, in km along the ellipsoid; 0 if they meet."""
    if a is None or b is None:
        return 0.0
    box_a, box_b = shapely.box(*a), shapely.box(*b)
    if box_a.intersects(box_b):
        return 0.0
    p, q = nearest_points(box_a, box_b)
    _, _, metres = Geod(ellps="WGS84").inv(p.x, p.y, q.x, q.y)
    return float(metres) / 1000


def swapped(geoms: np.ndarray) -> np.ndarray:
    """``geoms`` with x and y exchanged (longitude read as latitude)."""
    return shapely.transform(geoms, lambda xy: xy[:, ::-1])


def source_crs(dataset: Dataset, layer: str) -> CRS:
    """The CRS ``layer``'s file was read in (EPSG:4326 when unknown)."""
    for item in dataset.inputs:
        if item.layer == layer and item.crs:
            try:
                return CRS.from_user_input(item.crs)
            except PyprojCRSError:
                break
    return STORAGE_CRS


def candidates(near: np.ndarray, dataset: Dataset, other_layer: str) -> list[CRS]:
    """CRSs a layer's numbers may really be in, for a layer meant to lie near ``near``."""
    codes: list[object] = ["EPSG:4326", "EPSG:3857", source_crs(dataset, other_layer)]
    bounds = extent(near)
    if bounds is not None:
        lon = (bounds[0] + bounds[2]) / 2
        lat = (bounds[1] + bounds[3]) / 2
        zone = int((lon + 180) // 6) % 60 + 1
        for z in (zone, zone - 1, zone + 1):
            z = (z - 1) % 60 + 1
            codes += [f"EPSG:{32700 + z}", f"EPSG:{32600 + z}"]
        if 14 <= lon <= 34 and -36 <= lat <= -21:
            # South Africa's Lo zones (odd central meridians 15..33): Hartebeesthoek94, Cape.
            for meridian in range(15, 34, 2):
                if abs(meridian - lon) <= 3:
                    step = (meridian - 15) // 2
                    codes += [f"EPSG:{2046 + step}", f"EPSG:{22275 + 2 * step}"]
    out: list[CRS] = []
    for code in codes:
        crs = CRS.from_user_input(code)
        if not any(crs.equals(c) for c in out):
            out.append(crs)
    return out


def named(code: str | None) -> str:
    """``EPSG:32735 (WGS 84 / UTM zone 35S)`` for ``EPSG:32735``."""
    return crs_name(CRS.from_user_input(code)) if code else _("another CRS")


def crs_name(crs: CRS) -> str:
    """A CRS named by its code and its name (its name alone when it has no code)."""
    epsg = crs.to_epsg()
    return f"EPSG:{epsg} ({crs.name})" if epsg else crs.name


def reread(geoms: np.ndarray, read_in: CRS, candidate: CRS) -> np.ndarray:
    """``geoms`` (EPSG:4326) as numbers of ``read_in``, read in ``candidate``, in EPSG:4326."""
    keep = finite(geoms)
    out = np.full(len(geoms), None, dtype=object)
    if not keep.any():
        return out
    try:
        numbers = gpd.GeoSeries(geoms[keep], crs=STORAGE_CRS)
        if not read_in.equals(STORAGE_CRS):
            numbers = numbers.to_crs(read_in)
        out[keep] = numbers.set_crs(candidate, allow_override=True).to_crs(STORAGE_CRS).to_numpy()
    except (ProjError, PyprojCRSError, ValueError):
        return np.full(len(geoms), None, dtype=object)
    return out


@dataclass(frozen=True)
class Pair:
    """Two layers to test: the share of ``counted`` (EPSG:4326) within ``distance`` of
    ``other``, each named by its layer."""

    counted: np.ndarray
    counted_layer: str
    other: np.ndarray
    other_layer: str
    distance: float

    # Measured in the UTM zone of the layer that stays put (looked up once: it is slow).
    _zones: dict[bool, CRS | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def _zone(self, of_counted: bool) -> CRS | None:
        if of_counted not in self._zones:
            self._zones[of_counted] = utm(self.counted if of_counted else self.other)
        return self._zones[of_counted]

    def share(self, counted: np.ndarray | None = None, other: np.ndarray | None = None) -> float:
        """The share of ``counted`` (default: the pair's) that meets ``other`` (the pair's)."""
        moved_other = other is not None
        counted = self.counted if counted is None else counted
        other = self.other if other is None else other
        crs = self._zone(of_counted=moved_other)
        if crs is None or not len(counted):
            return 0.0
        met = meeting(metric(counted, crs), metric(other, crs), self.distance)
        return float(met.mean())


def find_cause(
    pair: Pair, dataset: Dataset, layers: Sequence[str]
) -> tuple[Cause, str, CRS | None, CRS | None]:
    """The likely cause, the layer it concerns, and (cause ``crs``) the CRS read in and fitting."""
    counted, other = sample(pair.counted), sample(pair.other)
    moves = {pair.counted_layer: (counted, True), pair.other_layer: (other, False)}
    for layer in layers:
        geoms, is_counted = moves[layer]
        turned = swapped(geoms)
        share = pair.share(turned, None) if is_counted else pair.share(counted, turned)
        if share > MOST:
            return "swapped", layer, None, None
    for layer in layers:
        geoms, is_counted = moves[layer]
        fixed_layer = pair.other_layer if is_counted else pair.counted_layer
        read_in = source_crs(dataset, layer)
        for candidate in candidates(other if is_counted else counted, dataset, fixed_layer):
            if candidate.equals(read_in):
                continue
            read = reread(geoms, read_in, candidate)
            share = pair.share(read, None) if is_counted else pair.share(counted, read)
            if share > MOST:
                return "crs", layer, read_in, candidate
    return "file", pair.counted_layer, None, None
