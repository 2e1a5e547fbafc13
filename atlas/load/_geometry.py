"""Geometry and coordinate checks of a layer being validated (private to :mod:`atlas.load`).

:func:`check_geometry` repairs what is safe (``make_valid``) and sets aside rows with no usable
geometry; :func:`check_coordinates` sets aside coordinates no place on Earth has, and outliers
(swapped, sign-flipped, zero) in layers large enough to tell them. Each returns the problems for
:func:`atlas.load.validate.validate_layer` to report.
"""

from __future__ import annotations

import re
from collections.abc import Hashable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import ProjError

from atlas.i18n import N_, _, ngettext
from atlas.load._geometry_parse import GEOMETRY_FAULTS
from atlas.load.schema import POLYGONAL, LayerSpec
from atlas.problems import SHOW_AT_MOST, Problem

__all__ = ["OUTLIER_MIN_ROWS", "check_coordinates", "check_geometry", "rows_of"]

_TYPE_NAMES = {  # the geometry types as GIS and the layer specs name them (codes)
    0: "Point",  # i18n-ignore: geometry type
    1: "LineString",
    2: "LinearRing",
    3: "Polygon",  # i18n-ignore: geometry type
    4: "MultiPoint",
    5: "MultiLineString",
    6: "MultiPolygon",
    7: "GeometryCollection",
}

_POINT = ("Point",)  # i18n-ignore: geometry type
#: Layers with at least this many located rows get the outlier checks (swapped, flipped, zero).
OUTLIER_MIN_ROWS = 10
#: GEOS's reason for an invalid geometry, with where it is: ``Ring Self-intersection[x y]``.
_REASON = re.compile(r"^(?P<what>[^\[]*)\[(?P<x>[-+0-9.eE]+) (?P<y>[-+0-9.eE]+)\]\s*$")
#: How to bring back a feature whose geometry was left out.
_REDRAW = N_("Draw the feature again in a GIS (or correct its coordinates) to include it.")


def rows_of(mask: np.ndarray | pd.Series, index: pd.Index) -> tuple[int, ...]:
    """1-based row numbers (file order) of the rows selected by ``mask``."""
    return tuple(int(i) + 1 for i in index[np.asarray(mask, dtype=bool)])


def _lonlat(x: np.ndarray, y: np.ndarray, crs: CRS | None) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude of points in ``crs`` (None: unknown, taken as lon/lat where the
    values fit); NaN where they cannot be told."""
    if crs is not None and not CRS(crs).equals(CRS.from_epsg(4326)):
        try:
            to_wgs84 = Transformer.from_crs(CRS(crs), "EPSG:4326", always_xy=True)
            x, y = to_wgs84.transform(x, y)
        except ProjError:
            return np.full(len(x), np.nan), np.full(len(y), np.nan)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    fits = np.isfinite(x) & np.isfinite(y) & (np.abs(x) <= 180) & (np.abs(y) <= 90)
    return np.where(fits, x, np.nan), np.where(fits, y, np.nan)


def _feature_names(frame: gpd.GeoDataFrame, spec: LayerSpec, mask: np.ndarray) -> list[str]:
    """How a person knows the selected features: ``Appelboord (TYGAPP001)``, or the id alone,
    or the row number when the layer has neither."""
    rows = [int(i) + 1 for i in frame.index[mask]]
    ids = frame[spec.id_field][mask] if spec.id_field in frame else [None] * len(rows)
    names = frame["name"][mask] if "name" in frame else [None] * len(rows)
    out = []
    for row, fid, name in zip(rows, ids, names, strict=True):
        fid = None if fid is None or pd.isna(fid) else str(fid)
        name = None if name is None or pd.isna(name) else str(name)
        if name and fid:
            out.append(f"{name} ({fid})")
        else:
            out.append(name or fid or _("row {row}", row=row))
    return out


def _described_invalid(
    frame: gpd.GeoDataFrame,
    spec: LayerSpec,
    mask: np.ndarray,
    crs: CRS | None,
    repaired: np.ndarray,
    faults: dict[Hashable, str],
) -> tuple[list[str], list[str]]:
    """Per repaired geometry, who it is (``Appelboord (TYGAPP001)``) and the whole description
    ``Appelboord (TYGAPP001) at 18.63512, -33.97521: Self-intersection``: why (GEOS's reason,
    or why it could not be built as written), and where GEOS found the fault (else a point on
    the repaired feature), in longitude/latitude with 5 decimals."""
    geoms = frame.geometry.to_numpy()[mask]
    labels = frame.index[mask]
    inside = shapely.point_on_surface(repaired)
    x, y = shapely.get_x(inside), shapely.get_y(inside)
    what = []
    for i, geom in enumerate(geoms):
        reason = faults.get(labels[i]) or str(shapely.is_valid_reason(geom))
        found = _REASON.match(reason)
        if found:
            x[i], y[i] = float(found["x"]), float(found["y"])
            reason = found["what"].strip()
        what.append(reason)
    lon, lat = _lonlat(x, y, crs)
    who = _feature_names(frame, spec, mask)
    described = []
    for name, reason, a, b in zip(who, what, lon, lat, strict=True):
        if np.isfinite(a) and np.isfinite(b):
            described.append(
                _(
                    "{feature} at {lon}, {lat}: {reason}",
                    feature=name,
                    lon=f"{a:.5f}",
                    lat=f"{b:.5f}",
                    reason=reason,
                )
            )
        else:
            described.append(f"{name}: {reason}")
    return who, described


def _without_place(reason: str) -> str:
    """GEOS's reason without where it found the fault: ``Too few points in geometry component``."""
    found = _REASON.match(reason)
    return found["what"].strip() if found else reason


def _listed(described: list[str]) -> str:
    more = len(described) - SHOW_AT_MOST
    listed = "; ".join(described[:SHOW_AT_MOST])
    if more > 0:
        # TRANSLATORS: {listed} names features ("Appelboord (TYGAPP001): Self-intersection; …").
        return _("{listed} (and {more} more).", listed=listed, more=more)
    return f"{listed}."


def _left_out(
    frame: gpd.GeoDataFrame, spec: LayerSpec, mask: np.ndarray, why: str | list[str], fix: str
) -> Problem:
    """A warning naming the features left out, each with why (one reason for all, or one each)."""
    who = _feature_names(frame, spec, mask)
    reasons = why if isinstance(why, list) else [why] * len(who)
    described = [f"{name}: {reason}" for name, reason in zip(who, reasons, strict=True)]
    return Problem(
        "warning",
        ngettext(
            "{n} feature was left out of the analysis: {features}",
            "{n} features were left out of the analysis: {features}",
            len(who),
            n=len(who),
            features=_listed(described),
        ),
        fix,
        rows=rows_of(mask, frame.index),
        values=tuple(who),
    )


def _finite(geoms: np.ndarray) -> np.ndarray:
    """Per geometry, whether every coordinate is a finite number (not NaN, not infinite)."""
    coords, where = shapely.get_coordinates(geoms, return_index=True)
    bad = np.zeros(len(geoms), bool)
    bad[where[~np.isfinite(coords).all(axis=1)]] = True
    return ~bad


def _make_valid(geoms: np.ndarray, polygonal: bool) -> np.ndarray:
    """``make_valid`` of each geometry (its polygonal part for a polygon layer); None where GEOS
    cannot repair it or no area is left (a ring of two positions)."""
    out = np.empty(len(geoms), dtype=object)
    for i, geom in enumerate(geoms):
        try:
            fixed = shapely.make_valid(geom)
        except shapely.errors.GEOSException:
            fixed = None
        if fixed is not None and polygonal:
            fixed = _polygonal_part(fixed)
            if shapely.is_empty(fixed) or shapely.get_type_id(fixed) not in (3, 6):
                fixed = None
        out[i] = fixed
    return out


def check_geometry(
    frame: gpd.GeoDataFrame, spec: LayerSpec, *, crs: CRS | None = None
) -> tuple[gpd.GeoDataFrame, np.ndarray, list[Problem]]:
    """Repair or reject geometries. Returns the frame, a mask of rows to keep, and problems.

    ``crs`` is the CRS the coordinates are in (the declared one, else the file's; None when
    neither says), to name where an invalid geometry is in longitude/latitude. Geometries the
    reader could not build as written (``frame.attrs[GEOMETRY_FAULTS]``, an unclosed ring)
    are repaired or left out by name; none raises."""
    problems: list[Problem] = []
    geoms = frame.geometry.to_numpy().copy()
    faults: dict[Hashable, str] = dict(frame.attrs.get(GEOMETRY_FAULTS) or {})
    faulty = frame.index.isin(list(faults)) if faults else np.zeros(len(frame.index), dtype=bool)
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if (missing & ~faulty).any():
        problems.append(
            Problem(
                "warning",
                _(
                    "Rows without a geometry (or with coordinates that are empty or not numbers) "
                    "are excluded from the analysis."
                ),
                _("Add the missing locations to the file to include these rows."),
                rows=rows_of(missing & ~faulty, frame.index),
                values=tuple(_feature_names(frame, spec, missing & ~faulty)),
            )
        )
    unbuilt = missing & faulty
    if unbuilt.any():
        reasons = [
            _("{reason}; no geometry could be built", reason=faults[label])
            for label in frame.index[unbuilt]
        ]
        problems.append(_left_out(frame, spec, unbuilt, reasons, _(_REDRAW)))
    located = geoms.copy()
    located[missing] = None
    nonfinite = ~missing & ~_finite(located)
    if nonfinite.any():
        problems.append(
            _left_out(
                frame,
                spec,
                nonfinite,
                _("coordinates that are not numbers (NaN) or infinite"),
                _("Correct these coordinates in the file to include these rows."),
            )
        )
    present = ~missing & ~nonfinite
    invalid = present & (faulty | ~shapely.is_valid(np.where(present, geoms, None)))
    polygonal = bool(spec.geometry) and spec.geometry[0] in POLYGONAL
    repaired = _make_valid(geoms[invalid], polygonal)
    lost = np.zeros(len(geoms), bool)
    lost[np.flatnonzero(invalid)[[g is None for g in repaired]]] = True
    if lost.any():
        reasons = [
            faults.get(label) or _without_place(str(shapely.is_valid_reason(geom)))
            for label, geom in zip(frame.index[lost], geoms[lost], strict=True)
        ]
        reasons = [_("{reason}; no area is left", reason=r) for r in reasons]
        problems.append(_left_out(frame, spec, lost, reasons, _(_REDRAW)))
        keep_repaired = np.array([g is not None for g in repaired], dtype=bool)
        repaired = repaired[keep_repaired]
        invalid = invalid & ~lost
        present = present & ~lost
    if invalid.any():
        who, described = _described_invalid(frame, spec, invalid, crs, repaired, faults)
        geoms[invalid] = repaired
        problems.append(
            Problem(
                "warning",
                ngettext(
                    "{n} invalid geometry was repaired with make_valid and kept: {features}",
                    "{n} invalid geometries were repaired with make_valid and kept: {features}",
                    len(described),
                    n=len(described),
                    features=_listed(described),
                ),
                _(
                    "Fix them in a GIS (e.g. QGIS 'Fix geometries') to be sure the repair is "
                    "what you meant."
                ),
                rows=rows_of(invalid, frame.index),
                values=tuple(who),
            )
        )
    # Single-part multipoints are points written the GIS way; make them points.
    if spec.geometry == _POINT:
        multi = (
            present & (shapely.get_type_id(geoms) == 4) & (shapely.get_num_geometries(geoms) == 1)
        )
        if multi.any():
            geoms[multi] = shapely.get_geometry(geoms[multi], 0)
    # Type ids run from -1 (missing) to 7: one name per id, looked up for all at once.
    names = np.array([_TYPE_NAMES.get(t, "") for t in range(-1, 8)], dtype=object)
    types = names[shapely.get_type_id(geoms) + 1]
    wrong = (
        present & ~np.isin(types, list(spec.geometry))
        if spec.geometry
        else np.zeros(len(geoms), bool)
    )
    if wrong.any():
        found = sorted({str(t) for t in types[wrong]})
        needed = list(spec.geometry)
        message = _(
            "The {layer} layer needs {needed} geometries; found {found}.",
            layer=spec.name,
            needed=(
                needed[0]
                if len(needed) == 1
                else _("{some} or {last}", some=", ".join(needed[:-1]), last=needed[-1])
            ),
            found=", ".join(found),
        )
        if spec.geometry == POLYGONAL and found == list(_POINT):
            message += " " + _("Did you pass the service points as settlements?")
        elif spec.geometry == _POINT and set(found) <= set(POLYGONAL):
            message += " " + _("Did you pass a polygon layer as service points?")
        problems.append(
            Problem(
                "error",
                message,
                _("Give the right file for this layer, or convert the geometries in a GIS."),
                rows=rows_of(wrong, frame.index),
            )
        )
    out = frame.copy()
    out[out.geometry.name] = gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs)
    out["geometry_repaired"] = invalid
    out.attrs.pop(GEOMETRY_FAULTS, None)  # reported: the rows are renumbered from here on
    return out, present, problems


def _polygonal_part(geom: shapely.Geometry) -> shapely.Geometry:
    """The polygonal part of a repaired geometry (make_valid may add stray lines or points)."""
    if shapely.get_type_id(geom) in (3, 6):
        return geom
    parts = [p for p in shapely.get_parts(geom) if shapely.get_type_id(p) in (3, 6)]
    if not parts:
        return geom
    return shapely.union_all(parts)


def check_coordinates(
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
                _(
                    "Coordinates outside longitude/latitude range (-180..180, -90..90) are "
                    "excluded."
                ),
                _(
                    "Correct these coordinates (are they in degrees-minutes-seconds, or in "
                    "another CRS?)."
                ),
                rows=rows_of(out_of_range, frame.index),
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
            _("Coordinates of exactly 0 (a missing value written as 0?) are excluded."),
            _("Fill in the real coordinates."),
        ),
        (
            "swapped",
            outside & inside(y, x),
            _("Coordinates that look swapped (longitude written as latitude) are excluded."),
            _("Swap the two values for these rows."),
        ),
        (
            "flipped",
            outside & (inside(x, -y) | inside(-x, y)),
            _(
                "Coordinates with an apparently flipped sign (e.g. latitude +26 instead of -26) "
                "are excluded."
            ),
            _("Correct the sign of these coordinates."),
        ),
    )
    flagged = np.zeros(len(frame), bool)
    for _kind, mask, message, fix in checks:
        mask = mask & ~flagged
        if mask.any():
            problems.append(
                Problem(
                    "warning",
                    message,
                    fix,
                    rows=rows_of(mask, frame.index),
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
                _("These rows lie far from the rest of the layer; kept, but check them."),
                rows=rows_of(far, frame.index),
                values=tuple(f"{a:.6g}, {b:.6g}" for a, b in zip(x[far], y[far], strict=True)),
            )
        )
    return keep & ~flagged, problems
