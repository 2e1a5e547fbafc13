"""Turning gap tables into records, JSON, CSV and GeoJSON for the command line and researchers."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

__all__ = ["ROUNDING", "to_csv", "to_geojson", "to_json", "to_records"]

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


def _plain(value: Any, places: int) -> Any:
    """A JSON-ready Python value: None for missing, ints for whole counts, rounded floats."""
    if value is None or value is pd.NA or value is pd.NaT:
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
    """Plain records (JSON-ready values) of ``table``, without geometry."""
    names = [c for c in (columns or table.columns) if c != "geometry"]
    places = {c: _places(c) for c in names}
    values = {c: table[c].to_numpy(dtype=object) for c in names}
    return [{c: _plain(values[c][i], places[c]) for c in names} for i in range(len(table))]


def to_json(table: pd.DataFrame, columns: Sequence[str] | None = None) -> str:
    """A JSON list of records; missing values are ``null``."""
    return json.dumps(to_records(table, columns), ensure_ascii=False, indent=1)


def to_csv(table: pd.DataFrame, columns: Sequence[str] | None = None) -> str:
    """CSV of the records; lists are joined with ``;``, missing values are empty cells."""
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
    """An RFC 7946 FeatureCollection in WGS84 longitude/latitude (no ``crs`` member)."""
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
