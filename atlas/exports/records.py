"""Turning gap tables into records, JSON, CSV and GeoJSON for the command line and researchers.

Numbers are exact in data and rounded only for people (DESIGN §2 rule 10), so there are two
kinds of record:

* :func:`exact_records` (and :func:`typed_records`, for export layers already typed) keep every
  computed value as it is: the command line's JSON, CSV and GeoJSON (:func:`to_json`,
  :func:`to_csv`, :func:`to_geojson`) and the export files are written from them;
* :func:`to_records` rounds for people to read (sentences, profiles, the PDF report).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from atlas.exports.exact import (
    exact_records,
    field_names,
    is_count,
    is_missing,
    json_text,
    typed,
)
from atlas.i18n import round_half_up
from atlas.load.cells import guard_text
from atlas.load.crs import STORAGE_CRS

__all__ = [
    "ROUNDING",
    "csv_text",
    "exact_records",
    "is_count",
    "is_missing",
    "rfc7946_geometries",
    "to_csv",
    "to_feature_collection",
    "to_geojson",
    "to_json",
    "to_records",
    "typed_records",
]

#: Decimal places of float fields in records for people to read (:func:`to_records`, by
#: field-name suffix); others keep 6. Data files are never rounded.
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
        rounded = round_half_up(float(value), places)  # the one display rule (half up)
        return int(rounded) if rounded.is_integer() and places <= 2 else rounded
    return str(value)


def to_records(table: pd.DataFrame, columns: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Plain records (JSON-ready values) of ``table`` for people to read, without geometry.

    Values are rounded for people to read (ratios to 2 places, shares to 4: :data:`ROUNDING`),
    whole numbers become ints, lists stay lists and every missing value is None. Data files
    never round: they are written from :func:`exact_records`.

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
    names = field_names(table, columns)
    places = {c: _places(c) for c in names}
    values = {c: table[c].to_numpy(dtype=object) for c in names}
    return [{c: _plain(values[c][i], places[c]) for c in names} for i in range(len(table))]


def to_json(table: pd.DataFrame, columns: Sequence[str] | None = None) -> str:
    """A JSON list of records with exact values; missing values are ``null``.

    The records of :func:`exact_records` (``columns`` chosen the same way), indented by one
    space, non-ASCII characters kept.

    Examples
    --------
    >>> import pandas as pd
    >>> from atlas import to_json
    >>> gaps = pd.array([3, None], dtype="Int64")
    >>> table = pd.DataFrame(
    ...     {"name": ["Ilanga", "Kgotso"], "water_gap": gaps, "water_ratio": [2 / 3, None]}
    ... )
    >>> print(to_json(table))
    [
     {
      "name": "Ilanga",
      "water_gap": 3,
      "water_ratio": 0.6666666666666666
     },
     {
      "name": "Kgotso",
      "water_gap": null,
      "water_ratio": null
     }
    ]
    """
    return json_text(table, columns)


def _text(value: Any) -> str:
    """The text of an exact record value: lists joined with ``;``, floats in full."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(_text(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _cell(value: Any) -> str:
    """One CSV cell: text (and a list holding text) guarded against formulas, numbers not."""
    text = _text(value)
    is_text = isinstance(value, str) or (
        isinstance(value, list) and any(isinstance(v, str) for v in value)
    )
    return guard_text(text) if is_text else text


def csv_text(records: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """CSV text of exact records: a header line, then one line per record (``\\n`` endings).

    Missing values are empty cells, lists are joined with ``;``, floats are written in full
    (the shortest text that reads back as the same float), integers as integers. Text cells
    and header cells that a spreadsheet would run as a formula (beginning with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return) get a leading ``'``; numbers never do, so a
    count of -3 is written ``-3`` and the text "-3" ``'-3`` (:mod:`atlas.load.cells`).

    Examples
    --------
    >>> print(csv_text([{"name": "=1+1", "gap": -3}, {"name": "-3", "gap": 2}], ["name", "gap"]))
    name,gap
    '=1+1,-3
    '-3,2
    <BLANKLINE>
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([guard_text(str(c)) for c in columns])
    for record in records:
        writer.writerow([_cell(record.get(c)) for c in columns])
    return buffer.getvalue()


def to_csv(table: pd.DataFrame, columns: Sequence[str] | None = None) -> str:
    """CSV of the exact records; lists are joined with ``;``, missing values are empty cells.

    The records of :func:`exact_records` (``columns`` chosen the same way), with a header
    line and ``\\n`` line endings. A count stays a whole number when other rows miss it. Text
    that a spreadsheet would run as a formula is guarded with a leading ``'`` (see
    :func:`csv_text`).

    Examples
    --------
    >>> import pandas as pd
    >>> from atlas import to_csv
    >>> table = pd.DataFrame({
    ...     "settlement_id": ["SET-001", "SET-004"],
    ...     "households": [571.0, None],
    ...     "ward_ids": [["99900002"], ["99900002", "99900003"]],
    ...     "water_coverage": [1.0, 0.123456789],
    ...     "water_ratio": [114.2, None],
    ... })
    >>> print(to_csv(table), end="")
    settlement_id,households,ward_ids,water_coverage,water_ratio
    SET-001,571,99900002,1.0,114.2
    SET-004,,99900002;99900003,0.123456789,
    """
    return csv_text(exact_records(table, columns), field_names(table, columns))


def to_geojson(
    table: gpd.GeoDataFrame, columns: Sequence[str] | None = None, *, precision: int = 6
) -> str:
    """An RFC 7946 FeatureCollection in WGS84 longitude/latitude (no ``crs`` member).

    Properties are the exact records of :func:`exact_records` (lists as JSON arrays); a layer
    in another CRS is reprojected, coordinates are rounded to ``precision`` decimals (6 is
    about 0.1 m) and polygons oriented as RFC 7946 asks (see :func:`rfc7946_geometries`).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from atlas import to_geojson
    >>> taps = gpd.GeoDataFrame(
    ...     {"service_id": ["T1"], "status": ["working"], "distance_m": [12.345678]},
    ...     geometry=[Point(28.1234567, -26.7654321)], crs="EPSG:4326",
    ... )
    >>> print(to_geojson(taps))
    {"type": "FeatureCollection", "features": [{"type": "Feature",
     "properties": {"service_id": "T1", "status": "working", "distance_m": 12.345678},
     "geometry": {"type": "Point", "coordinates": [28.123457, -26.765432]}}]}
    >>> utm = taps.to_crs("EPSG:32735")
    >>> to_geojson(utm) == to_geojson(taps)
    True
    """
    records = exact_records(table, columns)
    shapes = rfc7946_geometries(table.geometry, precision=precision)
    features = [
        {"type": "Feature", "properties": record, "geometry": shape}  # i18n-ignore: GeoJSON
        for record, shape in zip(records, shapes, strict=True)
    ]
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False, allow_nan=False
    )


def typed_records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Records of ``table`` (without geometry) whose values keep their column's type.

    For layers already typed (:func:`atlas.exports.export_layers`): floats are not rounded and
    whole floats stay floats, so a file written from these records reads back with the same
    values and types.

    Parameters
    ----------
    table
        Any table; a ``geometry`` column is left out.

    Returns
    -------
    list of dict
        One dict per row: ints, floats, bools, text and lists; None for missing values (None,
        NaN, NA, NaT and infinities).
    """
    names = field_names(table, None)
    values = {c: table[c].to_numpy(dtype=object) for c in names}
    return [{c: typed(values[c][i]) for c in names} for i in range(len(table))]


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


def to_feature_collection(
    table: gpd.GeoDataFrame,
    *,
    precision: int = 6,
    members: Mapping[str, Any] | None = None,
) -> str:
    """An RFC 7946 FeatureCollection of every column of ``table``, values keeping their types.

    Parameters
    ----------
    table
        A layer with a CRS; not modified.
    precision
        Decimal places of the coordinates (see :func:`rfc7946_geometries`).
    members
        Foreign members of the collection (RFC 7946 §6.1), written before ``features``: the
        export's ``atlas`` record of how it was made.

    Returns
    -------
    str
        UTF-8-ready JSON text (non-ASCII characters are kept, not escaped); no ``crs`` member.
    """
    records = typed_records(table)
    shapes = rfc7946_geometries(table.geometry, precision=precision)
    features = [
        {"type": "Feature", "properties": record, "geometry": shape}  # i18n-ignore: GeoJSON
        for record, shape in zip(records, shapes, strict=True)
    ]
    collection: dict[str, Any] = {"type": "FeatureCollection", **dict(members or {})}
    collection["features"] = features
    return json.dumps(collection, ensure_ascii=False, allow_nan=False)
