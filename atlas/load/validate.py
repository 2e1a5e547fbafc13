"""Validating a mapped layer: collect every problem, repair what is safe, report it all at once.

Errors (the layer is unusable until the file is fixed): required fields missing, empty or
duplicate ids, counts that are not numbers (text, Infinity, NaN, 1e400, a column mixing number
conventions, a count too large to keep exact) or negative, unknown categories or statuses,
geometries of the wrong type, a layer whose CRS cannot be told. Warnings (the atlas repaired or
set something aside, and says so): counts read with a column's convention (``10,000``, ``10 000``,
``10.000``: :mod:`atlas.load.numbers`), coordinate columns read with a decimal comma or as
degrees-minutes-seconds (:mod:`atlas.load.coordinates`), fractional counts rounded half up,
invalid geometries repaired with ``make_valid``, rows without a usable location (null or empty
geometry, zero, out-of-range, swapped or sign-flipped coordinates) excluded, an assumed CRS,
status words translated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.arrays import ArrowStringArray
from pyproj import CRS

from atlas.i18n import _, ngettext
from atlas.i18n.formats import round_half_up
from atlas.load._geometry import check_coordinates, check_geometry, rows_of
from atlas.load.coordinates import COORDINATE_NOTES
from atlas.load.crs import STORAGE_CRS, resolve_crs
from atlas.load.numbers import number_problems, read_numbers
from atlas.load.schema import CATEGORIES, STATUS_SYNONYMS, STATUSES, LayerSpec, layer_spec
from atlas.problems import Problem, Report

__all__ = ["validate_layer"]


def as_text(values: pd.Series) -> pd.Series:
    """Text with missing values as None; whole floats (ids read as 12.0) lose their ``.0``.

    Vectorised by the column's type (a column of text, of floats, of integers); a column of
    mixed Python values is converted value by value, the same way.

    Examples
    --------
    >>> as_text(pd.Series([" a ", "", None, "b"])).tolist()
    ['a', None, None, 'b']
    >>> as_text(pd.Series([12.0, 1.5, float("nan"), 1e20])).tolist()
    ['12', '1.5', None, '100000000000000000000']
    >>> as_text(pd.Series([3, 40], dtype="Int64")).tolist()
    ['3', '40']
    >>> as_text(pd.Series([7, " x ", 2.0, None], dtype=object)).tolist()
    ['7', 'x', '2', None]
    """
    return _text_and_codes(values)[0]


#: What Python's ``str.strip()`` removes (every character whose ``isspace()`` is true), so Arrow
#: trims exactly what the value-by-value reading did.
PYTHON_SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _by_code(
    values: Sequence[object] | np.ndarray, codes: np.ndarray, missing: object = None
) -> np.ndarray:
    """``values[code]`` per row (``missing`` where the code is -1): objects, the rows sharing
    one Python object per value."""
    lookup = np.empty(len(values) + 1, dtype=object)
    lookup[:-1] = values
    lookup[-1] = missing
    return lookup[codes]


def _text_and_codes(values: pd.Series) -> tuple[pd.Series, np.ndarray | None]:
    """:func:`as_text`, and for a text column a code per row (equal codes, equal texts; -1
    missing) that tells duplicates and distinct values without hashing again."""
    dtype = values.dtype
    codes = None
    if isinstance(values.array, ArrowStringArray):
        coded = _arrow_coded(values)
        return coded.text(values.index), coded.codes
    if pd.api.types.is_float_dtype(dtype) and not isinstance(dtype, pd.ArrowDtype):
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        out = np.full(len(numbers), None, dtype=object)
        whole = np.isfinite(numbers) & (np.floor(numbers) == numbers) & (abs(numbers) < 2.0**62)
        out[whole] = numbers[whole].astype(np.int64).astype(str)
        rest = ~whole & ~np.isnan(numbers)
        out[rest] = [_one_text(v) for v in numbers[rest].tolist()]
    elif pd.api.types.is_integer_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        present = values.notna().to_numpy()
        out = np.full(len(values), None, dtype=object)
        out[present] = values[present].astype("int64").to_numpy().astype(str)
    elif isinstance(dtype, pd.StringDtype) or pd.api.types.infer_dtype(values, skipna=True) in (
        "string",
        "empty",
    ):
        # Each distinct text once: a layer of 3,000,000 points has a handful of categories and
        # statuses, and the rows share one Python string per distinct value.
        found, distinct = pd.factorize(values, use_na_sentinel=True)
        raw = distinct.tolist()
        texts = [v.strip() or None for v in raw]
        out = _by_code(texts, found)
        if texts == raw:  # nothing stripped or emptied: distinct values, distinct texts
            codes = found
    else:
        out = np.array([_one_text(v) for v in values.to_numpy(dtype=object)], dtype=object)
    return pd.Series(out, index=values.index, dtype=object, copy=False), codes


@dataclass(frozen=True)
class _Coded:
    """A text column as a code per row (-1 missing) and its distinct present texts, one per
    code: what validation checks once per distinct value, not once per row."""

    codes: np.ndarray
    distinct: np.ndarray

    @classmethod
    def of(cls, values: pd.Series) -> _Coded:
        """The column read as :func:`as_text` reads it."""
        if isinstance(values.array, ArrowStringArray):
            return _arrow_coded(values)
        text, codes = _text_and_codes(values)
        if codes is None:
            codes, _uniques = pd.factorize(text, use_na_sentinel=True)
        present = codes >= 0
        one = np.zeros(int(codes.max(initial=-1)) + 1, dtype=np.intp)
        one[codes[present]] = np.flatnonzero(present)  # a row of each code
        return cls(codes, text.to_numpy()[one])

    @property
    def missing(self) -> np.ndarray:
        """Rows without a text."""
        return self.codes < 0

    def map(self, change: Callable[[Any], Any]) -> _Coded:
        """``change`` of each distinct text (the codes stay: equal texts stay equal)."""
        distinct = np.empty(len(self.distinct), dtype=object)
        distinct[:] = list(map(change, self.distinct.tolist()))
        return _Coded(self.codes, distinct)

    def rows(self, per_distinct: np.ndarray, missing: bool) -> np.ndarray:
        """A flag per row from a flag per distinct text (``missing`` for rows without one)."""
        return np.append(np.asarray(per_distinct, dtype=bool), missing)[self.codes]

    def text(self, index: pd.Index, missing: object = None) -> pd.Series:
        """The texts per row (``missing`` where none), objects sharing one string per text."""
        return pd.Series(
            _by_code(self.distinct, self.codes, missing), index=index, dtype=object, copy=False
        )


def _arrow_coded(values: pd.Series) -> _Coded:
    """A column Arrow holds (what pandas reads text as) read as :func:`as_text` reads it:
    trimmed and hashed by Arrow, without a Python call per row, each distinct text made a
    Python string once (a column of 3,000,000 unique ids took 2.7 s value by value, 0.9 s so).
    """
    arrow = pa.chunked_array(values.array.__arrow_array__())
    trimmed = pc.utf8_trim(arrow, characters=PYTHON_SPACE)
    trimmed = pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, trimmed.type), trimmed)
    encoded = pc.dictionary_encode(trimmed).combine_chunks()
    codes = pc.fill_null(encoded.indices, -1).to_numpy().astype(np.intp, copy=False)
    return _Coded(codes, encoded.dictionary.to_numpy(zero_copy_only=False))


def _duplicated(text: pd.Series, codes: np.ndarray | None) -> np.ndarray:
    """Rows whose present text another row has too."""
    if codes is None:
        return (text.duplicated(keep=False) & text.notna()).to_numpy()
    present = codes >= 0
    counts = np.bincount(codes[present])
    dup = np.zeros(len(codes), dtype=bool)
    dup[present] = counts[codes[present]] > 1
    return dup


def _one_text(v: object) -> str | None:
    """One value as :func:`as_text` reads it."""
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, float | np.floating) and float(v).is_integer():
        return str(int(v))
    text = str(v).strip()
    return text if text else None


def _check_fields(
    frame: gpd.GeoDataFrame, spec: LayerSpec, categories: Sequence[str]
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    problems: list[Problem] = []
    out = frame.copy()
    for f in spec.fields:
        if f.name not in out.columns:
            continue
        col = out[f.name]
        if f.kind in ("id", "text"):
            text, codes = _text_and_codes(col)
            out[f.name] = text
            if f.kind == "id":
                empty = codes < 0 if codes is not None else text.isna().to_numpy()
                if empty.any():
                    problems.append(
                        Problem(
                            "error",
                            _("Empty {field}: every feature needs an id.", field=f.name),
                            _(
                                "Fill in {field} for these rows, or map another column as the id.",
                                field=f.name,
                            ),
                            column=f.name,
                            rows=rows_of(empty, out.index),
                        )
                    )
                dup = _duplicated(text, codes)
                if dup.any():
                    problems.append(
                        Problem(
                            "error",
                            _("Duplicate {field}: ids must be unique.", field=f.name),
                            _(
                                "Give each feature its own id (or map a column whose values are "
                                "unique)."
                            ),
                            column=f.name,
                            rows=rows_of(dup, out.index),
                            values=tuple(str(v) for v in text[dup]),
                        )
                    )
        elif f.kind == "count":
            reading = read_numbers(col, integer=True)
            problems += number_problems(
                reading, f.name, index=out.index, params={"layer": spec.name, "field": f.name}
            )
            numbers = reading.values
            negative = (numbers < 0).to_numpy()
            if negative.any():
                problems.append(
                    Problem(
                        "error",
                        _("{field} cannot be negative.", field=f.name),
                        _(
                            "Correct these values, or leave the cells empty if the count is unknown."
                        ),
                        column=f.name,
                        rows=rows_of(negative, out.index),
                        values=tuple(f"{v:g}" for v in numbers[negative]),
                    )
                )
            fractional = (numbers.notna() & (numbers % 1 != 0)).to_numpy()
            if fractional.any():
                problems.append(
                    Problem(
                        "warning",
                        _(
                            "{field} should be whole numbers; these were rounded half up.",
                            field=f.name,
                        ),
                        column=f.name,
                        rows=rows_of(fractional, out.index),
                        values=tuple(f"{v:g}" for v in numbers[fractional]),
                    )
                )
                numbers = numbers.map(round_half_up).astype(float)
            out[f.name] = numbers
        elif f.kind == "category":
            coded = _Coded.of(col).map(str.lower)
            text = coded.text(out.index)
            out[f.name] = text
            bad = coded.rows(~np.isin(coded.distinct, list(categories)), missing=True)
            if bad.any():
                unknown = tuple(sorted({str(v) for v in text[bad] if v is not None}))
                problems.append(
                    Problem(
                        "error",
                        _(
                            "Unknown {field} values. Accepted: {accepted}.",
                            field=f.name,
                            accepted=", ".join(categories),
                        ),
                        _(
                            "Correct the values, map another column, or pass the categories of a "
                            "standard that has this one: categories=list(standard.categories), "
                            "the category added with atlas.measure.standards.with_category or in "
                            "a standard file of your own."
                        ),
                        column=f.name,
                        rows=rows_of(bad, out.index),
                        values=tuple(str(v) for v in text[bad]),
                        code="services.unknown_category",
                        params={
                            "layer": spec.name,
                            "field": f.name,
                            "categories": unknown,
                            "names": ", ".join(unknown) or _("(empty)"),
                        },
                    )
                )
        elif f.kind == "status":
            # Each distinct word once: a layer of 300,000 points has a handful.
            words = _Coded.of(col).map(lambda v: v.lower().strip())
            missing = words.missing
            translated_words = words.map(lambda v: STATUS_SYNONYMS.get(v, v))
            changed_words = translated_words.distinct != words.distinct
            if changed_words.any():
                pairs = sorted(
                    {
                        f"{a} -> {b}"
                        for a, b in zip(
                            words.distinct[changed_words],
                            translated_words.distinct[changed_words],
                            strict=True,
                        )
                    }
                )
                problems.append(
                    Problem(
                        "info",
                        _(
                            "{field} words translated: {pairs}.",
                            field=f.name,
                            pairs="; ".join(pairs),
                        ),
                        column=f.name,
                    )
                )
            if missing.any():
                problems.append(
                    Problem(
                        "warning",
                        _(
                            "Empty {field}: counted as 'unknown' (unknown points do not serve).",
                            field=f.name,
                        ),
                        column=f.name,
                        rows=rows_of(missing, out.index),
                    )
                )
            bad = translated_words.rows(
                ~np.isin(translated_words.distinct, list(STATUSES)), missing=False
            )
            if bad.any():
                text = words.text(out.index)
                problems.append(
                    Problem(
                        "error",
                        _(
                            "Unknown {field} values. Accepted: {accepted}.",
                            field=f.name,
                            accepted=", ".join(STATUSES),
                        ),
                        _("Correct the values or map another column as the status."),
                        column=f.name,
                        rows=rows_of(bad, out.index),
                        values=tuple(str(v) for v in text[bad]),
                    )
                )
            out[f.name] = translated_words.text(out.index, missing="unknown")
    return out, problems


def _zeros_as_unknown(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """0 households with 0 people made unknown (both missing), with one warning naming them."""
    if "households" not in frame or "population" not in frame:
        return frame, []
    zero = ((frame["households"] == 0) & (frame["population"] == 0)).to_numpy()
    if not zero.any():
        return frame, []
    out = frame.copy()
    out.loc[zero, ["households", "population"]] = np.nan
    ids = out["settlement_id"] if "settlement_id" in out else pd.Series("", index=out.index)
    count = int(zero.sum())
    problem = Problem(
        "warning",
        ngettext(
            "{n} settlement has 0 households and 0 people: read as not counted (its demand is "
            "unknown, its gaps are left empty and it is flagged).",
            "{n} settlements have 0 households and 0 people: read as not counted (their demand "
            "is unknown, their gaps are left empty and they are flagged).",
            count,
            n=count,
        ),
        _("If those zeros are real counts, pass zeros_are_counts=True."),
        column="households",
        rows=rows_of(zero, out.index),
        values=tuple(str(v) for v in ids[zero]),
        code="demand.zeros",
        params={"count": int(zero.sum())},
    )
    return out, [problem]


def validate_layer(
    frame: gpd.GeoDataFrame,
    layer: str,
    *,
    crs: CRS | None = None,
    categories: Sequence[str] = CATEGORIES,
    source: str = "",
    notes: Sequence[Problem] = (),
    zeros_are_counts: bool = False,
) -> tuple[gpd.GeoDataFrame, Report]:
    """Check a mapped layer, repair what is safe, and report every problem at once.

    Parameters
    ----------
    frame
        A layer with canonical field names (see :func:`atlas.load.columns.apply_mapping`).
    layer
        ``settlements``, ``services`` or ``wards``.
    crs
        The CRS the user declared for the file's coordinates, overriding the file's own.
    categories
        Accepted service categories (the four of DESIGN §3 plus any the standard adds).
    source
        Where the layer came from, for the report.
    notes
        Report entries gathered earlier (reading, mapping), placed first in the report.
    zeros_are_counts
        Settlements: keep 0 households with 0 people as a count. By default they are read as
        unknown (both set to missing, one warning listing them): in municipal files a zero
        there almost always means "not counted" (DESIGN §4).

    Returns
    -------
    (GeoDataFrame, Report)
        The usable rows in EPSG:4326, indexed like ``frame`` (excluded rows are reported), and
        the report. When ``report.ok`` is False the frame is not fit for analysis.
    """
    spec = layer_spec(layer, categories)
    problems: list[Problem] = list(notes)
    if any(p.severity == "error" for p in problems):
        return frame, Report(layer, source, tuple(problems))
    # How the reader understood coordinate columns (a decimal comma, degrees-minutes-seconds).
    problems += list(frame.attrs.get(COORDINATE_NOTES) or ())
    out, field_problems = _check_fields(frame, spec, categories)
    out.attrs.pop(COORDINATE_NOTES, None)  # reported once
    problems += field_problems
    if layer == "settlements" and not zeros_are_counts:
        out, zero_problems = _zeros_as_unknown(out)
        problems += zero_problems
    file_crs = CRS(out.crs) if out.crs is not None else None
    out, keep, geometry_problems = check_geometry(
        out, spec, crs=crs if crs is not None else file_crs
    )
    problems += geometry_problems
    if layer == "settlements" and len(frame) == 0:
        problems.append(
            Problem(
                "error",
                _("The settlements layer is empty."),
                _("Give a file with settlements in it."),
            )
        )
    out, crs_problems = resolve_crs(out, layer, crs)
    problems += crs_problems
    if any(p.severity == "error" for p in crs_problems):
        return out, Report(layer, source, tuple(problems))
    if keep.any():
        located = out.geometry.to_numpy().copy()
        located[keep] = out.geometry[keep].to_crs(STORAGE_CRS).to_numpy()
        out = out.set_geometry(gpd.GeoSeries(located, index=out.index, crs=STORAGE_CRS))
    else:
        out = out.set_crs(STORAGE_CRS, allow_override=True)
    located_before = int(keep.sum())
    keep, coordinate_problems = check_coordinates(out, keep)
    problems += coordinate_problems
    if located_before and keep.sum() < located_before / 2:
        declared = CRS(out.crs).to_string() if crs is None else CRS(crs).to_string()
        problems.append(
            Problem(
                "error",
                _(
                    "Most coordinates are impossible for the layer's CRS ({crs}): the file's CRS "
                    "is probably wrong or missing.",
                    crs=declared,
                ),
                _("Pass the right CRS: crs={{'{layer}': 'EPSG:XXXX'}}.", layer=layer),
                code="crs.wrong",
                params={"layer": layer},
            )
        )
    if len(frame) and not keep.any() and layer == "settlements":
        problems.append(
            Problem(
                "error",
                _("No settlement has a usable geometry."),
                _("Check the file's geometries and CRS."),
            )
        )
    return out[keep], Report(layer, source, tuple(problems))
