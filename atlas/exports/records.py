"""Turning gap tables into records, JSON, CSV and GeoJSON for the command line and researchers.

Two kinds of record: :func:`to_records` rounds for people to read (the command line, reports,
phrases), :func:`typed_records` keeps every value's type and precision for files that are read
back (the GeoJSON export).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from atlas.load.crs import STORAGE_CRS

__all__ = [
    "ROUNDING",
    "is_missing",
    "rfc7946_geometries",
    "to_csv",
    "to_feature_collection",
    "to_geojson",
    "to_json",
    "to_records",
    "typed_records",
]

#: Decimal places of float fields in exports (by field-name suffix); others keep 6.
ROUNDING = {
    "_ratio": 2,
    "_coverage": 4,
    "_working_share": 4,
    "households": 2,
    "population": 2,
}


def _places(column: str) -> int:
    for suffix, places in ROUNDING.items():
        if column.endswith(suffix):
            return places
    return 6


def is_missing(value: object) -> bool:
    """Whether a single value is missing: None, ``pd.NA``, ``pd.NaT`` or a float NaN."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _plain(value: Any, places: int) -> Any:
    """A JSON-ready Python value: None for missing, ints for whole counts, rounded floats."""
    if is_missing(value):
        return None
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v, 4) for v in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            return None
        rounded = round(float(value), places)
        return int(rounded) if rounded.is_integer() and places <= 2 else rounded
    return str(value)


def to_records(table: pd.DataFrame, columns: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Plain records (JSON-ready values) of ``table``, without geometry.

    Values are rounded for people to read (ratios to 2 places, shares to 4: :data:`ROUNDING`),
    whole numbers become ints, lists stay lists and every missing value is None. For files read
    back with full precision use :func:`typed_records`.

    Parameters
    ----------
    table
        Any table; a ``geometry`` column is left out.
    columns
        The columns to keep, in this order (default: all).

    Returns
    -------
    list of dict
        One dict per row.

    Examples
    --------
    >>> import pandas as pd
    >>> from atlas import to_records
    >>> table = pd.DataFrame({
    ...     "settlement_id": ["SET-001", "SET-002"],
    ...     "households": [571.0, None],
    ...     "water_ratio": [73.3333333, None],
    ...     "ward_ids": [["1", "2"], ["2"]],
    ... })
    >>> to_records(table)
    [{'settlement_id': 'SET-001', 'households': 571, 'water_ratio': 73.33, 'ward_ids': ['1', '2']},
     {'settlement_id': 'SET-002', 'households': None, 'water_ratio': None, 'ward_ids': ['2']}]
    >>> to_records(table, ["water_ratio", "settlement_id"])[0]
    {'water_ratio': 73.33, 'settlement_id': 'SET-001'}
    """
    names = [c for c in (columns or table.columns) if c != "geometry"]
    places = {c: _places(c) for c in names}
    values = {c: table[c].to_numpy(dtype=object) for c in names}
    return [{c: _plain(values[c][i], places[c]) for c in names} for i in range(len(table))]


def to_json(table: pd.DataFrame, columns: Sequence[str] | None = None) -> str:
    """A JSON list of records; missing values are ``null``.

    The records of :func:`to_records` (rounded, ``columns`` chosen the same way), indented by one
    space, non-ASCII characters kept.

    Examples
    --------
    >>> import pandas as pd
    >>> from atlas import to_json
    >>> gaps = pd.array([3, None], dtype="Int64")
    >>> table = pd.DataFrame({"name": ["Ilanga", "Kgotso"], "water_gap": gaps})
    >>> print(to_json(table))
    [
     {
      "name": "Ilanga",
      "water_gap": 3
     },
     {
      "name": "Kgotso",
      "water_gap": null
     }
    ]
    """
    return json.dumps(to_records(table, columns), ensure_ascii=False, indent=1)


def to_csv(table: pd.DataFrame, columns: Sequence[str] | None = None) -> str:
    """CSV of the records; lists are joined with ``;``, missing values are empty cells.

    The records of :func:`to_records` (rounded, ``columns`` chosen the same way), with a header
    line and ``\\n`` line endings.

    Examples
    --------
    >>> import pandas as pd
    >>> from atlas import to_csv
    >>> table = pd.DataFrame({
    ...     "settlement_id": ["SET-001", "SET-004"],
    ...     "ward_ids": [["99900002"], ["99900002", "99900003"]],
    ...     "water_coverage": [1.0, 0.123456],
    ...     "water_ratio": [114.2, None],
    ... })
    >>> print(to_csv(table), end="")
    settlement_id,ward_ids,water_coverage,water_ratio
    SET-001,99900002,1.0,114.2
    SET-004,99900002;99900003,0.1235,
    """
    records = to_records(table, columns)
    flat = pd.DataFrame(
        [
            {k: ";".join(str(x) for x in v) if isinstance(v, list) else v for k, v in r.items()}
            for r in records
        ],
        columns=[c for c in (columns or table.columns) if c != "geometry"],
    )
    return str(flat.to_csv(index=False, lineterminator="\n"))


def to_geojson(
    table: gpd.GeoDataFrame, columns: Sequence[str] | None = None, *, precision: int = 6
) -> str:
    """An RFC 7946 FeatureCollection in WGS84 longitude/latitude (no ``crs`` member).

    Properties are the rounded records of :func:`to_records`; a layer in another CRS is
    reprojected, coordinates are rounded to ``precision`` decimals (6 is about 0.1 m) and
    polygons oriented as RFC 7946 asks. For an export read back at full precision use
    :func:`to_feature_collection`.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from atlas import to_geojson
    >>> taps = gpd.GeoDataFrame(
    ...     {"service_id": ["T1"], "status": ["working"]},
    ...     geometry=[Point(28.1234567, -26.7654321)], crs="EPSG:4326",
    ... )
    >>> print(to_geojson(taps))
    {"type": "FeatureCollection", "features": [{"type": "Feature",
     "properties": {"service_id": "T1", "status": "working"},
     "geometry": {"type": "Point", "coordinates": [28.123457, -26.765432]}}]}
    >>> utm = taps.to_crs("EPSG:32735")
    >>> to_geojson(utm) == to_geojson(taps)
    True
    """
    geometry = table.geometry.to_crs(4326) if table.crs is not None else table.geometry
    records = to_records(table, columns)
    features = []
    for record, geom in zip(records, geometry.to_numpy(), strict=True):
        shape = None
        if geom is not None and not geom.is_empty:
            # RFC 7946: exterior rings counter-clockwise, holes clockwise.
            tidy = shapely.orient_polygons(shapely.set_precision(geom, 10**-precision))
            shape = json.loads(shapely.to_geojson(tidy))
        features.append({"type": "Feature", "properties": record, "geometry": shape})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def _typed(value: Any) -> Any:
    """A JSON-ready value that keeps its type: exact floats, ints, bools, text; None if missing."""
    if is_missing(value):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, list | tuple | np.ndarray):
        return [_typed(v) for v in value]
    return str(value)


def typed_records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Records of ``table`` (without geometry) whose values keep their column's type.

    Unlike :func:`to_records`, floats are not rounded and whole floats stay floats, so a file
    written from these records reads back with the same values and types.

    Parameters
    ----------
    table
        Any table; a ``geometry`` column is left out.

    Returns
    -------
    list of dict
        One dict per row: ints, floats, bools and text; None for missing values (None, NaN,
        NA, NaT and infinities).
    """
    names = [c for c in table.columns if c != "geometry"]
    values = {c: table[c].to_numpy(dtype=object) for c in names}
    return [{c: _typed(values[c][i]) for c in names} for i in range(len(table))]


def rfc7946_geometries(
    geometry: gpd.GeoSeries, *, precision: int = 6
) -> list[dict[str, Any] | None]:
    """GeoJSON geometry objects as RFC 7946 wants them.

    Coordinates are WGS84 longitude/latitude rounded to ``precision`` decimals (6 is about
    0.1 m); polygons are snapped to that grid without becoming invalid, with exterior rings
    counter-clockwise and holes clockwise.

    Parameters
    ----------
    geometry
        Geometries with a CRS (reprojected to EPSG:4326 when needed); not modified.
    precision
        Decimal places of the coordinates.

    Returns
    -------
    list
        One GeoJSON geometry dict per row, in order; None for null or empty geometries.
    """
    if geometry.crs is not None and geometry.crs != STORAGE_CRS:
        geometry = geometry.to_crs(STORAGE_CRS)
    geoms = geometry.to_numpy()
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    out: list[dict[str, Any] | None] = [None] * len(geoms)
    if present.any():
        tidy = shapely.orient_polygons(
            shapely.set_precision(geoms[present], 10.0**-precision), exterior_cw=False
        )
        # set_precision leaves binary noise (28.306248000000004); rounding makes every
        # coordinate the shortest decimal of at most `precision` places when printed.
        tidy = shapely.transform(tidy, lambda xy: np.round(xy, precision))
        for i, geom in zip(np.flatnonzero(present), tidy, strict=True):
            if not geom.is_empty:
                out[i] = geom.__geo_interface__
    return out


def to_feature_collection(table: gpd.GeoDataFrame, *, precision: int = 6) -> str:
    """An RFC 7946 FeatureCollection of every column of ``table``, values keeping their types.

    Parameters
    ----------
    table
        A layer with a CRS; not modified.
    precision
        Decimal places of the coordinates (see :func:`rfc7946_geometries`).

    Returns
    -------
    str
        UTF-8-ready JSON text (non-ASCII characters are kept, not escaped); no ``crs`` member.
    """
    records = typed_records(table)
    shapes = rfc7946_geometries(table.geometry, precision=precision)
    features = [
        {"type": "Feature", "properties": record, "geometry": shape}
        for record, shape in zip(records, shapes, strict=True)
    ]
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False, allow_nan=False
    )
