"""Exact values of a table, column by column: the records and the JSON text data files are
written from (DESIGN §2 rule 10: numbers are exact in data, rounded only for people).

Columns are converted by their type, all at once (a float column to Python floats with
non-finite values as None, an integer column to ints, a flag column to bools); only columns of
mixed Python values (lists, text, dates) are read value by value. :func:`json_text` writes the
records as :func:`json.dumps` with ``indent=1`` would, byte for byte, from each value's JSON
text, without the pure-Python indenting encoder.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "exact_column",
    "exact_records",
    "field_names",
    "is_count",
    "is_missing",
    "json_text",
    "typed",
]


def is_missing(value: object) -> bool:
    """Whether a single value is missing: None, ``pd.NA``, ``pd.NaT`` or a float NaN."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


#: Count fields (whole numbers) named in full; the per-category counts end in :data:`_COUNT_ENDINGS`.
_COUNT_NAMES = frozenset(
    {
        "households",
        "population",
        "settlements",
        "settlements_exposed",
        "settlements_mostly_exposed",
        "scheduled",
        "delivered",
        "late",
        "short",
        "missed",
        "unscheduled",
        "delivery_scheduled",
        "delivery_on_time_in_full",
    }
)
_COUNT_ENDINGS = ("_working", "_broken", "_unknown", "_needed", "_gap")


def is_count(name: str) -> bool:
    """Whether the atlas field ``name`` counts something (households, people, points,
    settlements, deliveries): a whole number wherever it is known."""
    return name in _COUNT_NAMES or name.endswith(_COUNT_ENDINGS)


def typed(value: Any) -> Any:
    """A JSON-ready value that keeps its type: exact floats, ints, bools, text, lists, ISO dates
    and times; None if missing (or not finite)."""
    if isinstance(value, list | tuple | np.ndarray):
        return [typed(v) for v in value]
    if is_missing(value):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def field_names(table: pd.DataFrame, columns: Sequence[str] | None) -> list[str]:
    """The columns of a record: ``columns`` (default all), never the geometry."""
    return [c for c in (table.columns if columns is None else columns) if c != "geometry"]


#: The types of a column of text whose values :func:`typed` would leave as they are.
_TEXT_KINDS = frozenset({str, type(None)})


def exact_column(values: pd.Series, name: str) -> list[Any]:
    """The exact values of one column (:func:`typed`); a count whose known values are all
    whole gives ints (a float column only because some are missing: 571, not 571.0).

    Examples
    --------
    >>> exact_column(pd.Series([571.0, float("nan"), 3.0]), "households")
    [571, None, 3]
    >>> exact_column(pd.Series([2.5, float("inf")]), "water_ratio")
    [2.5, None]
    >>> exact_column(pd.Series([1, None], dtype="Int64"), "water_gap")
    [1, None]
    >>> exact_column(pd.Series(["a", None], dtype="str"), "name")
    ['a', None]
    >>> exact_column(pd.Series([["1", "2"], []]), "ward_ids")
    [['1', '2'], []]
    """
    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        numbers = values.to_numpy()
        known = np.isfinite(numbers)
        finite = numbers[known]
        whole = is_count(name) and finite.size > 0 and bool((np.floor(finite) == finite).all())
        plain = numbers.tolist()
        if whole:
            return [int(v) if k else None for v, k in zip(plain, known.tolist(), strict=True)]
        if known.all():
            return plain
        return [v if k else None for v, k in zip(plain, known.tolist(), strict=True)]
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        return values.to_numpy().tolist()
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind == "i":
        # Nullable integers (Int64): Python ints, None where missing.
        known = values.notna().to_numpy()
        whole = values.to_numpy(dtype="int64", na_value=0).tolist()
        return [v if k else None for v, k in zip(whole, known.tolist(), strict=True)]
    if isinstance(dtype, pd.StringDtype):
        return values.to_numpy(dtype=object, na_value=None).tolist()  # type: ignore[call-overload]
    objects = values.to_numpy(dtype=object)
    if set(map(type, objects)) <= _TEXT_KINDS:  # text and None: already exact
        return objects.tolist()
    items = [typed(v) for v in objects]
    if is_count(name):
        numbers_ = [v for v in items if isinstance(v, float)]
        if numbers_ and all(v.is_integer() for v in numbers_):
            items = [int(v) if isinstance(v, float) else v for v in items]
    return items


def exact_records(
    table: pd.DataFrame, columns: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """Records of ``table`` (without geometry) with every value exactly as computed.

    Floats are never rounded and stay floats (``30.0`` is a ratio, not a count); integers stay
    integers, and so does a count column that is float only because some values are missing
    (:func:`is_count`: households, people, points, settlements, deliveries); flags are bools,
    lists stay lists, dates and times are ISO 8601 text, and every missing or infinite value is
    None. The command line's JSON, CSV and GeoJSON are written from these records.

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
    >>> from atlas.exports.records import exact_records
    >>> table = pd.DataFrame({
    ...     "settlement_id": ["SET-001", "SET-002"],
    ...     "households": [571.0, None],
    ...     "water_ratio": [73.33333333333333, 30.0],
    ...     "ward_shares": [[0.6696, 0.3304], []],
    ... })
    >>> exact_records(table)
    [{'settlement_id': 'SET-001', 'households': 571, 'water_ratio': 73.33333333333333,
      'ward_shares': [0.6696, 0.3304]},
     {'settlement_id': 'SET-002', 'households': None, 'water_ratio': 30.0, 'ward_shares': []}]
    """
    names = field_names(table, columns)
    values = {c: exact_column(table[c], c) for c in names}
    return [{c: values[c][i] for c in names} for i in range(len(table))]


def _value_text(value: Any) -> str:
    """The JSON text of one exact value, as an element of a record indented by one space."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _STRING(value)
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return float.__repr__(value)
    # A list (or anything nested): the encoder's own text, indented to its place in a record.
    return json.dumps(value, ensure_ascii=False, indent=1, allow_nan=False).replace("\n", "\n  ")


_STRING = json.encoder.encode_basestring
#: The JSON text of a value of these types, a whole column at a time.
_SCALAR_TEXT: dict[type, Any] = {
    float: float.__repr__,
    int: int.__repr__,
    str: _STRING,
    bool: lambda v: "true" if v else "false",
}


def _scalar_texts(items: list[Any]) -> list[str] | None:
    """The JSON texts of values of one scalar type (and None) at C speed; None when the values
    are of another kind or of several."""
    kinds = set(map(type, items))
    missing = type(None) in kinds
    kinds.discard(type(None))
    if len(kinds) != 1 or (write := _SCALAR_TEXT.get(kinds.pop())) is None:
        return None
    if missing:
        return ["null" if v is None else write(v) for v in items]
    return list(map(write, items))


def _list_text(value: list[Any]) -> str:
    """The JSON text of a list in a record (its items indented by three spaces, its closing
    bracket by two, as ``json.dumps(indent=1)`` places them there)."""
    if not value:
        return "[]"
    texts = _scalar_texts(value)
    if texts is None:  # mixed or nested items: the encoder's own text
        return _value_text(value)
    return "[\n   " + ",\n   ".join(texts) + "\n  ]"


def _column_text(items: list[Any]) -> list[str]:
    """The JSON texts of one column's exact values: a column of one scalar type (and None) at
    C speed, a column of lists list by list, others value by value."""
    texts = _scalar_texts(items)
    if texts is not None:
        return texts
    if set(map(type, items)) == {list}:
        return list(map(_list_text, items))
    return [_value_text(v) for v in items]


def json_text(table: pd.DataFrame, columns: Sequence[str] | None = None) -> str:
    """The exact records of ``table`` as JSON text, exactly as ``json.dumps(exact_records(
    table, columns), ensure_ascii=False, indent=1, allow_nan=False)`` writes them.

    Examples
    --------
    >>> table = pd.DataFrame({"name": ["A", "Bé"], "gap": [3.0, None], "ids": [["1"], []]})
    >>> json_text(table) == json.dumps(exact_records(table), ensure_ascii=False, indent=1)
    True
    >>> json_text(table.iloc[:0])
    '[]'
    """
    names = field_names(table, columns)
    if not len(table):
        return "[]"
    if not names:
        return "[\n" + ",\n".join([" {}"] * len(table)) + "\n]"
    keys = [f"  {_STRING(c)}: " for c in names]
    columns_text = [_column_text(exact_column(table[c], c)) for c in names]
    rows = [
        " {\n" + ",\n".join(k + t for k, t in zip(keys, texts, strict=True)) + "\n }"
        for texts in zip(*columns_text, strict=True)
    ]
    return "[\n" + ",\n".join(rows) + "\n]"
