"""Validating a mapped layer: collect every problem, repair what is safe, report it all at once.

Errors (the layer is unusable until the file is fixed): required fields missing, empty or
duplicate ids, non-numeric or negative counts, unknown categories or statuses, geometries of the
wrong type, a layer whose CRS cannot be told. Warnings (the atlas repaired or set something aside,
and says so): invalid geometries repaired with ``make_valid``, rows without a usable location
(null or empty geometry, zero, out-of-range, swapped or sign-flipped coordinates) excluded, an
assumed CRS, status words translated.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from atlas.load.crs import STORAGE_CRS, resolve_crs
from atlas.load.schema import CATEGORIES, STATUS_SYNONYMS, STATUSES, LayerSpec, layer_spec
from atlas.problems import Problem, Report

__all__ = ["validate_layer"]

_TYPE_NAMES = {
    0: "Point",
    1: "LineString",
    2: "LinearRing",
    3: "Polygon",
    4: "MultiPoint",
    5: "MultiLineString",
    6: "MultiPolygon",
    7: "GeometryCollection",
}

#: Layers with at least this many located rows get the outlier checks (swapped, flipped, zero).
OUTLIER_MIN_ROWS = 10


def _rows(mask: np.ndarray | pd.Series, index: pd.Index) -> tuple[int, ...]:
    """1-based row numbers (file order) of the rows selected by ``mask``."""
    return tuple(int(i) + 1 for i in index[np.asarray(mask, dtype=bool)])


def as_text(values: pd.Series) -> pd.Series:
    """Text with missing values as None; whole floats (ids read as 12.0) lose their ``.0``."""
    out: list[str | None] = []
    for v in values.to_numpy(dtype=object):
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            out.append(None)
        elif isinstance(v, float | np.floating) and float(v).is_integer():
            out.append(str(int(v)))
        else:
            text = str(v).strip()
            out.append(text if text else None)
    return pd.Series(out, index=values.index, dtype=object)


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
            text = as_text(col)
            out[f.name] = text
            if f.kind == "id":
                empty = text.isna().to_numpy()
                if empty.any():
                    problems.append(
                        Problem(
                            "error",
                            f"Empty {f.name}: every feature needs an id.",
                            f"Fill in {f.name} for these rows, or map another column as the id.",
                            column=f.name,
                            rows=_rows(empty, out.index),
                        )
                    )
                dup = (text.duplicated(keep=False) & text.notna()).to_numpy()
                if dup.any():
                    problems.append(
                        Problem(
                            "error",
                            f"Duplicate {f.name}: ids must be unique.",
                            "Give each feature its own id (or map a column whose values are unique).",
                            column=f.name,
                            rows=_rows(dup, out.index),
                            values=tuple(str(v) for v in text[dup]),
                        )
                    )
        elif f.kind == "count":
            raw = as_text(col)
            numbers = pd.to_numeric(raw, errors="coerce").astype(float)
            bad = (raw.notna() & numbers.isna()).to_numpy()
            if bad.any():
                problems.append(
                    Problem(
                        "error",
                        f"{f.name} must be a number.",
                        "Correct these values or leave the cells empty if the count is unknown.",
                        column=f.name,
                        rows=_rows(bad, out.index),
                        values=tuple(str(v) for v in raw[bad]),
                    )
                )
            negative = (numbers < 0).to_numpy()
            if negative.any():
                problems.append(
                    Problem(
                        "error",
                        f"{f.name} cannot be negative.",
                        "Correct these values, or leave the cells empty if the count is unknown.",
                        column=f.name,
                        rows=_rows(negative, out.index),
                        values=tuple(f"{v:g}" for v in numbers[negative]),
                    )
                )
            fractional = (numbers.notna() & (numbers % 1 != 0)).to_numpy()
            if fractional.any():
                problems.append(
                    Problem(
                        "warning",
                        f"{f.name} should be whole numbers; these were rounded.",
                        column=f.name,
                        rows=_rows(fractional, out.index),
                        values=tuple(f"{v:g}" for v in numbers[fractional]),
                    )
                )
                numbers = numbers.round()
            out[f.name] = numbers
        elif f.kind == "category":
            text = as_text(col).str.lower()
            out[f.name] = text
            bad = (~text.isin(list(categories))).to_numpy()
            if bad.any():
                problems.append(
                    Problem(
                        "error",
                        f"Unknown {f.name} values. Accepted: {', '.join(categories)}.",
                        "Correct the values, map another column, or add the category to your "
                        "standard file.",
                        column=f.name,
                        rows=_rows(bad, out.index),
                        values=tuple(str(v) for v in text[bad]),
                    )
                )
        elif f.kind == "status":
            text = as_text(col).str.lower().str.strip()
            missing = text.isna().to_numpy()
            translated = text.map(lambda v: STATUS_SYNONYMS.get(v, v) if isinstance(v, str) else v)
            changed = (text.notna() & (translated != text)).to_numpy()
            if changed.any():
                pairs = sorted(
                    {f"{a} -> {b}" for a, b in zip(text[changed], translated[changed], strict=True)}
                )
                problems.append(
                    Problem(
                        "info",
                        f"{f.name} words translated: {'; '.join(pairs)}.",
                        column=f.name,
                    )
                )
            if missing.any():
                problems.append(
                    Problem(
                        "warning",
                        f"Empty {f.name}: counted as 'unknown' (unknown points do not serve).",
                        column=f.name,
                        rows=_rows(missing, out.index),
                    )
                )
            translated = translated.fillna("unknown")
            bad = (~translated.isin(list(STATUSES))).to_numpy()
            if bad.any():
                problems.append(
                    Problem(
                        "error",
                        f"Unknown {f.name} values. Accepted: {', '.join(STATUSES)}.",
                        "Correct the values or map another column as the status.",
                        column=f.name,
                        rows=_rows(bad, out.index),
                        values=tuple(str(v) for v in text[bad]),
                    )
                )
            out[f.name] = translated
    return out, problems


def _check_geometry(
    frame: gpd.GeoDataFrame, spec: LayerSpec
) -> tuple[gpd.GeoDataFrame, np.ndarray, list[Problem]]:
    """Repair or reject geometries. Returns the frame, a mask of rows to keep, and problems."""
    problems: list[Problem] = []
    geoms = frame.geometry.to_numpy().copy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        problems.append(
            Problem(
                "warning",
                "Rows without a geometry (or with coordinates that are empty or not numbers) "
                "are excluded from the analysis.",
                "Add the missing locations to the file to include these rows.",
                rows=_rows(missing, frame.index),
            )
        )
    present = ~missing
    invalid = present & ~shapely.is_valid(geoms)
    if invalid.any():
        reasons = [shapely.is_valid_reason(g) for g in geoms[invalid]]
        repaired = shapely.make_valid(geoms[invalid])
        if spec.geometry and spec.geometry[0] in ("Polygon", "MultiPolygon"):
            repaired = np.array([_polygonal_part(g) for g in repaired], dtype=object)
        geoms[invalid] = repaired
        problems.append(
            Problem(
                "warning",
                "Invalid geometries were repaired with make_valid and kept.",
                "Fix them in a GIS (e.g. QGIS 'Fix geometries') to be sure the repair is what you meant.",
                rows=_rows(invalid, frame.index),
                values=tuple(reasons),
            )
        )
    # Single-part multipoints are points written the GIS way; make them points.
    if spec.geometry == ("Point",):
        multi = (
            present & (shapely.get_type_id(geoms) == 4) & (shapely.get_num_geometries(geoms) == 1)
        )
        if multi.any():
            geoms[multi] = shapely.get_geometry(geoms[multi], 0)
    types = np.array(
        [_TYPE_NAMES.get(int(t), "") for t in shapely.get_type_id(geoms)], dtype=object
    )
    wrong = (
        present & ~np.isin(types, list(spec.geometry))
        if spec.geometry
        else np.zeros(len(geoms), bool)
    )
    if wrong.any():
        found = sorted({str(t) for t in types[wrong]})
        hint = (
            " Did you pass the service points as settlements?"
            if spec.geometry[0] == "Polygon" and found == ["Point"]
            else " Did you pass a polygon layer as service points?"
            if spec.geometry == ("Point",) and set(found) <= {"Polygon", "MultiPolygon"}
            else ""
        )
        problems.append(
            Problem(
                "error",
                f"The {spec.name} layer needs {' or '.join(spec.geometry)} geometries; "
                f"found {', '.join(found)}.{hint}",
                "Give the right file for this layer, or convert the geometries in a GIS.",
                rows=_rows(wrong, frame.index),
            )
        )
    out = frame.copy()
    out[out.geometry.name] = gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs)
    out["geometry_repaired"] = invalid
    return out, present, problems


def _polygonal_part(geom: shapely.Geometry) -> shapely.Geometry:
    """The polygonal part of a repaired geometry (make_valid may add stray lines or points)."""
    if shapely.get_type_id(geom) in (3, 6):
        return geom
    parts = [p for p in shapely.get_parts(geom) if shapely.get_type_id(p) in (3, 6)]
    if not parts:
        return geom
    return shapely.union_all(parts)


def _check_coordinates(
    frame: gpd.GeoDataFrame, keep: np.ndarray
) -> tuple[np.ndarray, list[Problem]]:
    """Exclude rows whose WGS84 location is impossible or clearly mistyped."""
    problems: list[Problem] = []
    if not keep.any():
        return keep, problems
    bounds = np.full((len(frame), 4), np.nan)
    bounds[keep] = shapely.bounds(frame.geometry.to_numpy()[keep])
    x = (bounds[:, 0] + bounds[:, 2]) / 2
    y = (bounds[:, 1] + bounds[:, 3]) / 2
    out_of_range = keep & (
        ~np.isfinite(bounds).all(axis=1)
        | (bounds[:, 0] < -180)
        | (bounds[:, 2] > 180)
        | (bounds[:, 1] < -90)
        | (bounds[:, 3] > 90)
    )
    if out_of_range.any():
        values = tuple(
            f"{a:.6g}, {b:.6g}" for a, b in zip(x[out_of_range], y[out_of_range], strict=True)
        )
        problems.append(
            Problem(
                "warning",
                "Coordinates outside longitude/latitude range (-180..180, -90..90) are excluded.",
                "Correct these coordinates (are they in degrees-minutes-seconds, or in another "
                "CRS?).",
                rows=_rows(out_of_range, frame.index),
                values=values,
            )
        )
    keep = keep & ~out_of_range
    if keep.sum() < OUTLIER_MIN_ROWS:
        return keep, problems
    # The layer's core extent: Tukey's far-out fences (3 × the interquartile range) around where
    # most rows are. Zero, swapped or sign-flipped coordinates fall far outside it, and their
    # corrected form falls inside.
    q1_x, q3_x = np.nanquantile(x[keep], [0.25, 0.75])
    q1_y, q3_y = np.nanquantile(y[keep], [0.25, 0.75])
    pad_x = max(3 * (q3_x - q1_x), 0.5)
    pad_y = max(3 * (q3_y - q1_y), 0.5)
    lo_x, hi_x, lo_y, hi_y = q1_x, q3_x, q1_y, q3_y

    def inside(px: np.ndarray, py: np.ndarray) -> np.ndarray:
        return (
            (px >= lo_x - pad_x)
            & (px <= hi_x + pad_x)
            & (py >= lo_y - pad_y)
            & (py <= hi_y + pad_y)
        )

    outside = keep & ~inside(x, y)
    checks = (
        (
            "zero",
            outside & ((x == 0) | (y == 0)),
            "Coordinates of exactly 0 (a missing value written as 0?) are excluded.",
            "Fill in the real coordinates.",
        ),
        (
            "swapped",
            outside & inside(y, x),
            "Coordinates that look swapped (longitude written as latitude) are excluded.",
            "Swap the two values for these rows.",
        ),
        (
            "flipped",
            outside & (inside(x, -y) | inside(-x, y)),
            "Coordinates with an apparently flipped sign (e.g. latitude +26 instead of -26) are excluded.",
            "Correct the sign of these coordinates.",
        ),
    )
    flagged = np.zeros(len(frame), bool)
    for _, mask, message, fix in checks:
        mask = mask & ~flagged
        if mask.any():
            problems.append(
                Problem(
                    "warning",
                    message,
                    fix,
                    rows=_rows(mask, frame.index),
                    values=tuple(
                        f"{a:.6g}, {b:.6g}" for a, b in zip(x[mask], y[mask], strict=True)
                    ),
                )
            )
            flagged |= mask
    far = outside & ~flagged
    if far.any():
        problems.append(
            Problem(
                "warning",
                "These rows lie far from the rest of the layer; kept, but check them.",
                rows=_rows(far, frame.index),
                values=tuple(f"{a:.6g}, {b:.6g}" for a, b in zip(x[far], y[far], strict=True)),
            )
        )
    return keep & ~flagged, problems


def validate_layer(
    frame: gpd.GeoDataFrame,
    layer: str,
    *,
    crs: CRS | None = None,
    categories: Sequence[str] = CATEGORIES,
    source: str = "",
    notes: Sequence[Problem] = (),
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

    Returns
    -------
    (GeoDataFrame, Report)
        The usable rows in EPSG:4326, indexed like ``frame`` (excluded rows are reported), and
        the report. When ``report.ok`` is False the frame is not fit for analysis.
    """
    spec = layer_spec(layer)
    problems: list[Problem] = list(notes)
    if any(p.severity == "error" for p in problems):
        return frame, Report(layer, source, tuple(problems))
    out, field_problems = _check_fields(frame, spec, categories)
    problems += field_problems
    out, keep, geometry_problems = _check_geometry(out, spec)
    problems += geometry_problems
    if layer == "settlements" and len(frame) == 0:
        problems.append(
            Problem(
                "error", "The settlements layer is empty.", "Give a file with settlements in it."
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
    keep, coordinate_problems = _check_coordinates(out, keep)
    problems += coordinate_problems
    if located_before and keep.sum() < located_before / 2:
        declared = CRS(out.crs).to_string() if crs is None else CRS(crs).to_string()
        problems.append(
            Problem(
                "error",
                f"Most coordinates are impossible for the layer's CRS ({declared}): the file's "
                "CRS is probably wrong or missing.",
                f"Pass the right CRS: crs={{'{layer}': 'EPSG:XXXX'}}.",
                code="crs.wrong",
                params={"layer": layer},
            )
        )
    if len(frame) and not keep.any() and layer == "settlements":
        problems.append(
            Problem(
                "error",
                "No settlement has a usable geometry.",
                "Check the file's geometries and CRS.",
            )
        )
    return out[keep], Report(layer, source, tuple(problems))
