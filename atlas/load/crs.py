"""CRS roles, made explicit (DESIGN §2 rule 4).

* storage and display: EPSG:4326 (:data:`STORAGE_CRS`);
* measurement: one projected metric CRS per dataset, chosen once (:func:`choose_metric_crs`);
* a metric asked of a geographic CRS raises (:func:`to_metric`).
"""

from __future__ import annotations

from typing import TypeVar

import geopandas as gpd
import numpy as np
from pyproj import CRS
from pyproj.exceptions import CRSError as PyprojCRSError

from atlas.errors import CRSError
from atlas.i18n import N_, _
from atlas.load._utm import plain_utm_code
from atlas.problems import Problem

__all__ = [
    "STORAGE_CRS",
    "choose_metric_crs",
    "lonlat_bounds_ok",
    "parse_crs",
    "resolve_crs",
    "to_metric",
]

STORAGE_CRS = CRS.from_epsg(4326)

Frame = TypeVar("Frame", gpd.GeoDataFrame, gpd.GeoSeries)  # i18n-ignore: a type's name


def parse_crs(value: object, *, what: str = N_("the CRS")) -> CRS:
    """Parse ``value`` (``"EPSG:32735"``, ``32735``, WKT, a pyproj CRS) into a CRS.

    ``what`` names the value in the message, in the session's language (a caller translates
    its own; the default is translated here).

    Raises
    ------
    CRSError
        With a message naming the bad value and the accepted forms.
    """
    if isinstance(value, CRS):
        return value
    text = str(value).strip()
    if text.isdigit():
        text = f"EPSG:{text}"
    try:
        return CRS.from_user_input(text)
    except PyprojCRSError:
        raise CRSError(
            # TRANSLATORS: {what} is "the CRS", "the metric CRS", "the wards CRS"...
            _(
                "Cannot understand {what} '{value}'. Give an EPSG code such as EPSG:4326 or "
                "EPSG:32735, or a WKT/PROJ string.",
                what=_(what),
                value=value,
            )
        ) from None


def lonlat_bounds_ok(frame: gpd.GeoDataFrame | gpd.GeoSeries) -> bool:
    """True when every non-empty geometry lies within longitude/latitude bounds."""
    geoms = frame.geometry if isinstance(frame, gpd.GeoDataFrame) else frame
    present = geoms[~(geoms.isna() | geoms.is_empty)]
    if present.empty:
        return True
    b = present.bounds.to_numpy()
    finite = np.isfinite(b).all(axis=1)
    b = b[finite]
    return bool(
        (b[:, 0] >= -180).all()
        and (b[:, 2] <= 180).all()
        and (b[:, 1] >= -90).all()
        and (b[:, 3] <= 90).all()
    )


def resolve_crs(
    frame: gpd.GeoDataFrame, layer: str, declared: CRS | None = None
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Give ``frame`` a CRS: the one declared by the user, the file's own, or an assumed WGS84.

    A layer with no CRS is assumed to be EPSG:4326 only when every coordinate fits
    longitude/latitude bounds; the assumption is reported. Otherwise an error says how to set it.

    Returns
    -------
    (GeoDataFrame, list of Problem)
        A new frame with a CRS set (unchanged coordinates), and report entries.
    """
    problems: list[Problem] = []
    if declared is not None:
        if frame.crs is not None and not CRS(frame.crs).equals(declared):
            problems.append(
                Problem(
                    "warning",
                    _(
                        "The file says its CRS is {file_crs}, but you declared {declared}; the "
                        "declared CRS is used.",
                        file_crs=CRS(frame.crs).to_string(),
                        declared=declared.to_string(),
                    ),
                )
            )
        return frame.set_crs(declared, allow_override=True), problems
    if frame.crs is not None:
        return frame, problems
    if lonlat_bounds_ok(frame):
        problems.append(
            Problem(
                "warning",
                _(
                    "The layer has no CRS; its coordinates all fit longitude/latitude bounds, "
                    "so EPSG:4326 (WGS84) is assumed."
                ),
                _(
                    "If that is wrong, pass crs={{'{layer}': 'EPSG:XXXX'}} with the file's CRS, "
                    "or add the missing .prj file.",
                    layer=layer,
                ),
                code="crs.assumed",
                params={"layer": layer},
            )
        )
        return frame.set_crs(STORAGE_CRS), problems
    b = frame.total_bounds
    problems.append(
        Problem(
            "error",
            _(
                "The layer has no CRS and its coordinates are not longitude/latitude (they span "
                "x {west}..{east}, y {south}..{north}), so the atlas cannot tell where it is.",
                west=f"{b[0]:.6g}",
                east=f"{b[2]:.6g}",
                south=f"{b[1]:.6g}",
                north=f"{b[3]:.6g}",
            ),
            _(
                "Pass crs={{'{layer}': 'EPSG:XXXX'}} with the file's CRS, or add the missing .prj "
                "file.",
                layer=layer,
            ),
            code="crs.missing",
            params={"layer": layer},
        )
    )
    return frame, problems


def choose_metric_crs(frame: gpd.GeoDataFrame | gpd.GeoSeries) -> CRS:
    """Choose the UTM zone that best fits ``frame`` (in any CRS) for measuring in metres.

    Raises
    ------
    CRSError
        When the frame has no CRS or no geometry to choose from.
    """
    if frame.crs is None:
        raise CRSError(_("Cannot choose a metric CRS for a layer without a CRS."))
    geoms = frame.geometry if isinstance(frame, gpd.GeoDataFrame) else frame
    present = geoms[~(geoms.isna() | geoms.is_empty)]
    if present.empty:
        raise CRSError(_("Cannot choose a metric CRS: the layer has no geometry."))
    if present.crs.is_geographic:
        # The centre of the bounds, as geopandas takes it; its zone without PROJ's database
        # when the answer is plain (atlas.load._utm), PROJ's own answer otherwise.
        minx, miny, maxx, maxy = present.total_bounds
        code = plain_utm_code(float(np.mean([minx, maxx])), float(np.mean([miny, maxy])))
        if code is not None:
            return CRS.from_epsg(code)
    try:
        return present.estimate_utm_crs(datum_name="WGS 84")
    except (RuntimeError, PyprojCRSError):
        raise CRSError(
            _(
                "Cannot choose a metric CRS for this area; set one explicitly (metric_crs=EPSG:XXXX)."
            )
        ) from None


def to_metric(frame: Frame, crs: CRS) -> Frame:
    """Reproject ``frame`` to the metric CRS ``crs`` for measuring.

    Raises
    ------
    CRSError
        When ``crs`` is geographic (degrees are not a unit of distance or area) or the frame has
        no CRS.
    """
    crs = CRS(crs)
    if crs.is_geographic:
        raise CRSError(
            _(
                "Cannot measure distances or areas in {crs}: it is geographic (degrees). Use a "
                "projected metric CRS such as the local UTM zone.",
                crs=crs.to_string(),
            )
        )
    if frame.crs is None:
        raise CRSError(_("Cannot measure a layer that has no CRS; set its CRS first."))
    return frame.to_crs(crs)
