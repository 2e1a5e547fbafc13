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
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
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


def _text_and_codes(values: pd.Series) -> tuple[pd.Series, np.ndarray | None]:
    """:func:`as_text`, and for a text column whose values it left as they were, a code per
    row (equal codes, equal texts; -1 missing) that tells duplicates without hashing again."""
    dtype = values.dtype
    codes = None
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
        lookup = np.empty(len(texts) + 1, dtype=object)
        lookup[:-1] = texts
        lookup[-1] = None
        out = lookup[found]
        if texts == raw:  # nothing stripped or emptied: distinct values, distinct texts
            codes = found
    else:
        out = np.array([_one_text(v) for v in values.to_numpy(dtype=object)], dtype=object)
    return pd.Series(out, index=values.index, dtype=object), codes


def _duplicated(text: pd.Series, codes: np.ndarray | None) -> np.ndarray:
    """Rows whose present text another row has too."""
    if codes is None:
        return (text.duplicated(keep=False) & text.notna()).to_numpy()
    present = codes >= 0
    counts = np.bincount(codes[present])
    dup = np.zeros(len(codes), dtype=bool)
    dup[present] = counts[codes[present]] > 1
    return dup


def per_distinct(values: pd.Series, change: Callable[[Any], Any]) -> pd.Series:
    """``change`` applied to each distinct present value of ``values`` once, missing values
    left None: a text column as objects whose rows share one string per distinct value.

    Examples
    --------
    >>> per_distinct(pd.Series(["Working", None, "working"]), str.lower).tolist()
    ['working', None, 'working']
    """
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    lookup = np.empty(len(distinct) + 1, dtype=object)
    lookup[:-1] = list(map(change, distinct.tolist()))
    lookup[-1] = None
    return pd.Series(lookup[codes], index=values.index, dtype=object)


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
                empty = text.isna().to_numpy()
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
            text = per_distinct(as_text(col), str.lower)
            out[f.name] = text
            bad = (~text.isin(list(categories))).to_numpy()
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
            text = per_distinct(as_text(col), lambda v: v.lower().strip())
            missing = text.isna().to_numpy()
            # Each distinct word once: a layer of 300,000 points has a handful.
            translated = per_distinct(text, lambda v: STATUS_SYNONYMS.get(v, v))
            changed = (text.notna() & (translated != text)).to_numpy()
            if changed.any():
                pairs = sorted(
                    {f"{a} -> {b}" for a, b in zip(text[changed], translated[changed], strict=True)}
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
            translated = translated.fillna("unknown")
            bad = (~translated.isin(list(STATUSES))).to_numpy()
            if bad.any():
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
            out[f.name] = translated
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
