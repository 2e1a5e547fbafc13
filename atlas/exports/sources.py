"""The source file's own columns, carried along in the exports under their own names.

:func:`atlas.load.apply_mapping` keeps a file's columns that no canonical field was read from
(the City of Cape Town layer's ``Tlt_Total``, ``Ward_Geo``…) in the dataset's layers. The
exports put them after the atlas fields, under the names the file gave them, so a researcher
finds the municipality's own figures beside the atlas's. A name that collides with an atlas
field of the same export layer, compared without case (GeoPackage column names ignore case:
``WARD_ID`` and ``ward_id`` cannot both be columns), or with a name the formats reserve
(``geometry``, ``geom`` and ``fid`` in GeoPackage, ``wkt`` in CSV), gets a ``src_`` prefix
(``src_WARD_ID``), as many times as it takes to be unique.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from atlas.exports.fields import text_column
from atlas.load.schema import CATEGORIES, layer_spec
from atlas.measure.gaps import ESTIMATE_COLUMNS

__all__ = ["PREFIX", "RESERVED", "source_columns", "source_names"]

#: What a source column whose name is taken gets in front of its name.
PREFIX = "src_"
#: Names the export formats keep for themselves (compared without case).
RESERVED = frozenset({"geometry", "geom", "fid", "wkt"})
#: Columns the atlas adds to a loaded layer (validation flags, a population raster's estimate):
#: the atlas's own, never the file's.
_ADDED = frozenset({"geometry_repaired", "demand_estimated", *ESTIMATE_COLUMNS})


def source_names(frame: pd.DataFrame, layer: str, categories: Iterable[str] = ()) -> list[str]:
    """The columns of a dataset layer that came from its file as they were, in file order.

    Parameters
    ----------
    frame
        A layer of a :class:`~atlas.load.Dataset` (``settlements``, ``services`` or ``wards``).
    layer
        Its canonical layer name.
    categories
        The standard's categories (with :data:`~atlas.load.CATEGORIES`): the settlements' own
        counts of them (``water_working``…) are canonical fields, not source columns.

    Returns
    -------
    list of str
        Every column that is not a canonical field, the geometry or a column the atlas added.
    """
    spec = layer_spec(layer, [*dict.fromkeys([*CATEGORIES, *categories])])
    atlas_own = {f.name for f in spec.fields} | _ADDED
    geometry = frame.geometry.name if hasattr(frame, "geometry") else None
    return [str(c) for c in frame.columns if c != geometry and c not in atlas_own]


def _unique(name: str, taken: set[str]) -> str:
    while name.lower() in taken or name.lower() in RESERVED:
        name = f"{PREFIX}{name}"
    return name


def _typed(values: pd.Series) -> pd.Series:
    """A source column with a type every format can write: numbers, flags and dates as they
    were read, anything else as text."""
    dtype = values.dtype
    if (
        pd.api.types.is_numeric_dtype(dtype)
        or pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_datetime64_any_dtype(dtype)
    ) and not isinstance(dtype, pd.CategoricalDtype):
        return values.copy()
    if pd.api.types.is_object_dtype(dtype):
        inferred = values.infer_objects()
        if pd.api.types.is_numeric_dtype(inferred.dtype) or pd.api.types.is_bool_dtype(
            inferred.dtype
        ):
            return inferred
    return text_column(values)


def source_columns(
    frame: pd.DataFrame,
    layer: str,
    index: pd.Index,
    atlas_fields: Sequence[str],
    categories: Iterable[str] = (),
) -> dict[str, pd.Series]:
    """The source columns of a dataset layer for one export layer, named to be unique there.

    Parameters
    ----------
    frame
        The dataset's layer (the file's columns kept by the mapping); not modified.
    layer
        Its canonical name.
    index
        The export layer's rows (labels of ``frame``'s index); a label ``frame`` lacks gets
        missing values.
    atlas_fields
        The export layer's own fields: a source column named like one (without case) gets the
        ``src_`` prefix.
    categories
        The standard's categories (see :func:`source_names`).

    Returns
    -------
    dict of str to Series
        Export name -> values indexed by ``index``, in file order.
    """
    taken = {name.lower() for name in atlas_fields}
    out: dict[str, pd.Series] = {}
    for name in source_names(frame, layer, categories):
        values = frame[name]
        if not values.index.equals(index):
            values = values.reindex(index)
        exported = _unique(name, taken)
        taken.add(exported.lower())
        out[exported] = _typed(values)
    return out
