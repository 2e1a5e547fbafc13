"""The exported fields of each layer and their types.

Counts are integers (nullable where a value can be missing), ratios, shares and distances are
floats, flags are booleans and names are text, each by field, so a column keeps its type even
when every value is empty. Households and population are whole numbers: an estimate
(``demand_estimated``) is rounded to the nearest household or person, while the gap fields are
computed from the unrounded estimate. Where a category's counts came from
(``<category>_source``: ``points`` or ``attribute``) is text. ``ward_ids`` and ``ward_shares``
are lists (of text, of floats): JSON arrays in GeoJSON and list columns in GeoParquet; CSV and
GeoPackage, which hold no lists, have them as text joined with ``;`` (:func:`joined_lists`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from atlas.exports.records import is_count, is_missing
from atlas.load.crs import STORAGE_CRS
from atlas.measure.gaps import ESTIMATE_COLUMNS

__all__ = [
    "CLUSTER_FIELDS",
    "DELIVERY_FIELDS",
    "LIST_FIELDS",
    "SERVICE_FIELDS",
    "SETTLEMENT_FIELDS",
    "TEXT_FIELDS",
    "fields_of",
    "is_text",
    "joined_lists",
    "text_column",
    "typed_layer",
    "typed_table",
]

#: Settlement fields before the per-category gap fields.
SETTLEMENT_FIELDS = (
    "settlement_id",
    "name",
    "cluster",
    "ward_id",
    "ward_ids",
    "ward_shares",
    "households",
    "population",
    "demand_estimated",
    "demand_missing",
)
#: Cluster fields before the per-category gap fields.
CLUSTER_FIELDS = ("cluster", "settlements", "households", "population", "demand_missing")


def fields_of(table: pd.DataFrame, fields: Sequence[str]) -> list[str]:
    """``fields`` (:data:`SETTLEMENT_FIELDS` or :data:`CLUSTER_FIELDS`) with the population
    raster's :data:`~atlas.measure.gaps.ESTIMATE_COLUMNS` after ``population`` when ``table`` has them."""
    extra = [c for c in ESTIMATE_COLUMNS if c in table]
    at = list(fields).index("population") + 1
    return [*fields[:at], *extra, *fields[at:]]


#: Service point fields: the canonical ones, then the attribution.
SERVICE_FIELDS = (
    "service_id",
    "category",
    "kind",
    "status",
    "provider",
    "settlement_id",
    "distance_m",
)

#: Water delivery fields joined from a compliance table (:func:`atlas.schedules.compliance`):
#: scheduled deliveries, those on time and in full (counts) and their share (0-1, empty when
#: nothing was scheduled).
DELIVERY_FIELDS = ("delivery_scheduled", "delivery_on_time_in_full", "delivery_compliance")

#: Text fields of every layer (besides the :data:`LIST_FIELDS`, also exported as text).
TEXT_FIELDS = frozenset(
    {
        "settlement_id",
        "name",
        "cluster",
        "ward_id",
        "service_id",
        "category",
        "kind",
        "status",
        "provider",
        "municipality",
        "councillor",
    }
)
#: Fields holding lists (of text, of floats): lists in GeoJSON and GeoParquet, text joined
#: with :data:`SEPARATOR` in CSV and GeoPackage.
LIST_FIELDS = ("ward_ids", "ward_shares")
#: What joins a list field's items in CSV and GeoPackage.
SEPARATOR = ";"
#: Counts that may be estimated (fractional): exported rounded to whole numbers.
_WHOLE = ("households", "population")
#: Flags (booleans; ``demand_missing`` is one per settlement, a count per cluster).
_FLAGS = frozenset({"demand_estimated", "population_from_raster"})


def is_text(name: str) -> bool:
    """Whether the atlas field ``name`` is text: names and ids, and where a category's counts
    came from (``<category>_source``)."""
    return name in TEXT_FIELDS or name.endswith("_source")


def text_column(values: pd.Series) -> pd.Series:
    """``values`` as text (``string`` dtype), missing values kept missing."""
    return pd.Series(
        [None if is_missing(v) else str(v) for v in values], index=values.index, dtype="string"
    )


def _items(value: object, name: str) -> list[Any]:
    """One list field's value as a plain list: text ids, float shares (exact); [] when none."""
    if not isinstance(value, list | tuple | np.ndarray):
        return []
    if name == "ward_shares":
        return [float(x) for x in value]
    return [str(x) for x in value]


def _listed(values: pd.Series, name: str) -> pd.Series:
    return pd.Series(
        [_items(v, name) for v in values.to_numpy(dtype=object)], index=values.index, dtype=object
    )


def _joined(values: pd.Series) -> pd.Series:
    def join(items: object) -> str | None:
        if not isinstance(items, list | tuple | np.ndarray) or len(items) == 0:
            return None
        # repr: the shortest text that reads back as the same float (never rounded).
        return SEPARATOR.join(
            repr(float(x)) if isinstance(x, float | np.floating) else str(x) for x in items
        )

    return pd.Series([join(v) for v in values], index=values.index, dtype="string")


def joined_lists(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its :data:`LIST_FIELDS` as text joined with ``;`` (empty for no items),
    for the formats that hold no lists (CSV, GeoPackage); ``frame`` is not modified."""
    present = [name for name in LIST_FIELDS if name in frame]
    if not present:
        return frame
    out = frame.copy()
    for name in present:
        out[name] = _joined(frame[name])
    return out


def _empty(name: str, index: pd.Index) -> pd.Series:
    """An absent field: all missing, with the field's type."""
    if name in LIST_FIELDS:
        return pd.Series([[] for _ in index], index=index, dtype=object)
    if is_text(name):
        return pd.Series(None, index=index, dtype="string")
    if name in _FLAGS:
        return pd.Series(pd.NA, index=index, dtype="boolean")
    if is_count(name):
        return pd.Series(pd.NA, index=index, dtype="Int64")
    return pd.Series(np.nan, index=index, dtype="float64")


def _column(values: pd.Series, name: str) -> pd.Series:
    """One export column with its proper type (by field, so an all-empty column keeps it)."""
    if name in LIST_FIELDS:
        return _listed(values, name)
    if is_text(name):
        return text_column(values)
    numbers = values if pd.api.types.is_numeric_dtype(values.dtype) else values.infer_objects()
    if name in _WHOLE:
        floats = pd.to_numeric(numbers, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        # Half up: 30.5 households is shown as 31, as a person would round it.
        return pd.Series(np.floor(floats + 0.5), index=values.index).astype("Int64")
    if pd.api.types.is_bool_dtype(numbers.dtype):
        return numbers.astype(bool) if not numbers.isna().any() else numbers.astype("boolean")
    if name in _FLAGS and not pd.api.types.is_numeric_dtype(numbers.dtype):
        # Flags with missing values (object): nullable booleans, not text.
        return numbers.astype("boolean")
    if is_count(name) or pd.api.types.is_integer_dtype(numbers.dtype):
        if pd.api.types.is_integer_dtype(numbers.dtype):
            return numbers.copy()
        return pd.to_numeric(numbers, errors="coerce").astype("Int64")
    return pd.to_numeric(numbers, errors="coerce").astype("float64")


def typed_table(frame: pd.DataFrame, names: Sequence[str]) -> dict[str, pd.Series]:
    """The columns ``names`` of ``frame`` with their export types (empty, of the field's type,
    when absent)."""
    return {
        name: _column(frame[name], name) if name in frame else _empty(name, frame.index)
        for name in names
    }


def typed_layer(frame: gpd.GeoDataFrame, names: Sequence[str]) -> gpd.GeoDataFrame:
    """:func:`typed_table` with ``frame``'s geometry in EPSG:4326 (a missing CRS is taken as it)."""
    geometry = frame.geometry
    if geometry.crs is None or geometry.crs != STORAGE_CRS:
        geometry = geometry.set_crs(STORAGE_CRS) if geometry.crs is None else geometry.to_crs(4326)
    return gpd.GeoDataFrame(typed_table(frame, names), geometry=geometry.copy(), crs=STORAGE_CRS)
