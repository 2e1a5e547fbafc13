"""Service points as the workers hold them between tasks: the geometry as WKB bytes.

A shapely point holds a GEOS object of about 210 bytes besides its pointer; its WKB, 21 bytes
in a Python ``bytes`` of 54. Between tasks a partition's points wait in a worker's memory (or
on its disk, when the worker nears its limit), so they wait packed, about half the memory of
a GeoDataFrame; each task unpacks the partitions it reads. WKB keeps every coordinate to the
bit, and the frame keeps its index, columns and their order.

Only a frame in the layout the validated points have (EPSG:4326, one geometry column named
``geometry``) is packed; any other frame is held as it is, and :func:`unpack` gives it back.
"""

from __future__ import annotations

from typing import TypeAlias

import geopandas as gpd
import pandas as pd
import shapely

from atlas.load.crs import STORAGE_CRS

__all__ = ["GEOMETRY", "Packed", "PackedPoints", "pack", "unpack"]  # i18n-ignore: API names

#: The geometry column of a packed frame.
GEOMETRY = "geometry"  # i18n-ignore: a column name


class PackedPoints(pd.DataFrame):
    """Points with their geometry as WKB: a DataFrame of its own type, so that Dask measures
    it by :mod:`atlas.distributed.sizes` (slices and concatenations keep the type)."""

    @property
    def _constructor(self) -> type[PackedPoints]:
        return PackedPoints


#: A partition as held between tasks: packed or, when not packable, as it is.
Packed: TypeAlias = PackedPoints | gpd.GeoDataFrame


def pack(frame: gpd.GeoDataFrame) -> Packed:
    """``frame`` with its geometry as WKB, in a plain DataFrame (or ``frame`` itself when it
    is not in the validated points' layout).

    Examples
    --------
    >>> points = gpd.GeoDataFrame(
    ...     {"service_id": ["a", "b"]},
    ...     geometry=gpd.points_from_xy([28.1, 28.2], [-26.1, -26.2]),
    ...     crs="EPSG:4326",
    ...     index=[7, 3],
    ... )
    >>> packed = pack(points)
    >>> type(packed).__name__, packed["geometry"].map(len).tolist()
    ('PackedPoints', [21, 21])
    >>> unpack(packed).equals(points), unpack(packed).crs == points.crs
    (True, True)
    """
    if not _packable(frame):
        return frame
    out = PackedPoints(
        {name: frame[name] for name in frame.columns if name != GEOMETRY}, index=frame.index
    )
    out.insert(
        list(frame.columns).index(GEOMETRY),
        GEOMETRY,
        shapely.to_wkb(frame[GEOMETRY].to_numpy()),
    )
    return out


def unpack(frame: Packed) -> gpd.GeoDataFrame:
    """The GeoDataFrame :func:`pack` made ``frame`` from (a GeoDataFrame comes back as it is)."""
    if isinstance(frame, gpd.GeoDataFrame):
        return frame
    geometry = gpd.GeoSeries(
        shapely.from_wkb(frame[GEOMETRY].to_numpy()), index=frame.index, crs=STORAGE_CRS
    )
    out = pd.DataFrame(frame, copy=False)
    out[GEOMETRY] = geometry
    return gpd.GeoDataFrame(out, geometry=GEOMETRY, crs=STORAGE_CRS)


def _packable(frame: object) -> bool:
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name != GEOMETRY:
        return False
    geometries = [c for c, d in frame.dtypes.items() if isinstance(d, gpd.array.GeometryDtype)]
    return geometries == [GEOMETRY] and frame.crs is not None and frame.crs == STORAGE_CRS
