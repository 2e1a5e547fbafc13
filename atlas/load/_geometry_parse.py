"""Geometries that GEOS refuses to build (private to :mod:`atlas.load`).

A polygon whose ring is not closed, or has one or two positions, makes shapely raise while a
whole layer is read, and one such feature would make the whole file unreadable. Here each
geometry is parsed on its own: one that cannot be built as written is built the forgiving way
(an unclosed ring closed) or left empty, and why is recorded in the frame's
``attrs[GEOMETRY_FAULTS]`` (``{index label: reason}``) for
:func:`atlas.load._geometry.check_geometry` to report by row and feature.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pyogrio
import shapely
from pyogrio.raw import read as read_raw
from pyproj import CRS

from atlas.i18n import N_, _
from atlas.load._wkb_points import read_point_parquet

__all__ = ["GEOMETRY_FAULTS", "parse_geometries", "read_features", "read_geoparquet"]

#: The key of a frame's ``attrs`` holding ``{index label: why the geometry could not be built}``.
GEOMETRY_FAULTS = "geometry_faults"

#: GEOS's words for a geometry it cannot build (matched in its messages), and the atlas's.
_REASONS = (
    (
        "do not form a closed linestring",  # i18n-ignore: GEOS's message, matched
        N_(
            "its ring is not closed (the last position differs from the first); closed by "
            "repeating the first position"
        ),
    ),
    (
        "point array must contain 0 or >1",  # i18n-ignore: GEOS's message, matched
        N_("a ring has a single position"),
    ),
    (
        "Invalid number of points in LinearRing",  # i18n-ignore: GEOS's message, matched
        N_("a ring has fewer than 4 positions"),
    ),
    ("ParseException", N_("its text is not a WKT geometry")),
)

Parse = Callable[..., shapely.Geometry | None]


def _reason(error: Exception) -> str:
    text = str(error)
    for found, reason in _REASONS:
        if found in text:
            return _(reason)
    return _(
        "its coordinates do not make a geometry ({error})",
        error=text.strip().splitlines()[0][:120],
    )


def parse_geometries(
    values: Iterable[object], index: pd.Index, parse: Parse
) -> tuple[np.ndarray, dict[Hashable, str]]:
    """Each value parsed on its own by ``parse`` (``shapely.from_wkb``/``from_wkt``).

    Returns the geometries (None where nothing could be built) and, per index label of a value
    that could not be built as written, why (see :data:`GEOMETRY_FAULTS`)."""
    geoms: list[shapely.Geometry | None] = []
    faults: dict[Hashable, str] = {}
    with warnings.catch_warnings():
        # shapely warns "invalid value encountered" for the NaN coordinates validation reports.
        warnings.simplefilter("ignore", RuntimeWarning)
        for label, value in zip(index, values, strict=True):
            if value is None or (isinstance(value, str) and not value.strip()):
                geoms.append(None)
                continue
            try:
                geoms.append(parse(value, on_invalid="raise"))
            except shapely.errors.GEOSException as exc:
                faults[label] = _reason(exc)
                try:
                    fixed = parse(value, on_invalid="fix")
                except shapely.errors.GEOSException:
                    fixed = None
                geoms.append(fixed)
    return np.array(geoms, dtype=object), faults


def read_features(path: Path, layer: str, *, fid_as_index: bool) -> gpd.GeoDataFrame:
    """A GDAL layer as :func:`pyogrio.read_dataframe` reads it; when a geometry cannot be
    built, the layer read again geometry by geometry (see :func:`parse_geometries`)."""
    with warnings.catch_warnings():
        # GDAL's advice on unclosed rings names its own configuration: the report says more.
        warnings.filterwarnings("ignore", message="Non closed ring detected")  # i18n-ignore: GDAL's
        # shapely's "invalid value encountered": NaN coordinates, reported by validation.
        warnings.filterwarnings(
            "ignore",
            message="invalid value encountered",  # i18n-ignore: shapely's warning, matched
            category=RuntimeWarning,
        )
        try:
            return pyogrio.read_dataframe(path, layer=layer, fid_as_index=fid_as_index)
        except shapely.errors.GEOSException:
            pass
        table = pyogrio.read_dataframe(
            path, layer=layer, fid_as_index=fid_as_index, read_geometry=False
        )
        meta, _fids, wkb, _fields = read_raw(path, layer=layer, columns=[], read_geometry=True)
    geoms, faults = parse_geometries(wkb, table.index, shapely.from_wkb)
    frame = gpd.GeoDataFrame(
        table, geometry=gpd.GeoSeries(geoms, index=table.index), crs=meta.get("crs")
    )
    frame.attrs[GEOMETRY_FAULTS] = faults
    return frame


def read_geoparquet(path: Path) -> gpd.GeoDataFrame:
    """A GeoParquet file as :func:`geopandas.read_parquet` reads it; when a geometry cannot be
    built, its WKB parsed geometry by geometry (see :func:`parse_geometries`). A file of
    points is read by :func:`atlas.load._wkb_points.read_point_parquet`, to the same frame."""
    points = read_point_parquet(path)
    if points is not None:
        return points
    try:
        return gpd.read_parquet(path)
    except shapely.errors.GEOSException:
        pass
    meta = json.loads((pq.read_schema(path).metadata or {}).get(b"geo", b"{}"))
    column = meta.get("primary_column", "geometry")
    crs = (meta.get("columns", {}).get(column) or {}).get("crs", "OGC:CRS84")
    table = pd.read_parquet(path)
    geoms, faults = parse_geometries(table[column], table.index, shapely.from_wkb)
    frame = gpd.GeoDataFrame(
        table.drop(columns=[column]),
        geometry=gpd.GeoSeries(geoms, index=table.index),
        crs=None if crs is None else CRS.from_user_input(crs),
    )
    frame.attrs[GEOMETRY_FAULTS] = faults
    return frame
