"""Display geometry: simplified in metres, shown in EPSG:4326 with 6-decimal coordinates.

This is the one place that reprojects for display (DESIGN §2). Simplifying in a metric CRS means
the tolerance is a distance on the ground (1 m by default: invisible at street zoom, yet it
drops the dense vertices of digitised boundaries); six decimals of a degree are about 0.1 m.
:func:`pixel_tolerance` ties the tolerance to what one screen pixel covers at street zoom
(:data:`STREET_ZOOM`), where the layer is seen in most detail.
"""

from __future__ import annotations

import json
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from atlas.errors import CRSError
from atlas.i18n import _
from atlas.load.crs import STORAGE_CRS, choose_metric_crs, to_metric

__all__ = [
    "STREET_ZOOM",
    "display_bounds",
    "display_geometry",
    "feature_collection",
    "geojson_geometries",
    "metres_per_pixel",
    "pixel_tolerance",
]

#: Web Mercator (256-pixel tiles): metres on the ground per pixel at zoom 0 on the equator.
EQUATOR_METRES_PER_PIXEL = 156_543.033_92
#: The zoom at which one reads streets and single taps (about 1 m per pixel in South Africa).
STREET_ZOOM = 17


def metres_per_pixel(latitude: float, zoom: float) -> float:
    """Ground distance one screen pixel covers at ``latitude`` (degrees) and web-map ``zoom``."""
    return EQUATOR_METRES_PER_PIXEL * float(np.cos(np.radians(latitude))) / 2.0**zoom


def pixel_tolerance(*frames: gpd.GeoDataFrame | None, zoom: float = STREET_ZOOM) -> float:
    """One screen pixel at ``zoom``, in metres, where the layers lie farthest from the equator
    (where a pixel covers the least ground): a simplification this fine cannot be seen there.

    Parameters
    ----------
    *frames
        Layers with a CRS (None and empty layers are ignored).
    zoom
        The most detailed zoom the layers must look right at.

    Returns
    -------
    float
        Metres; one pixel on the equator when no layer has geometry.
    """
    extreme = 0.0
    for frame in frames:
        if frame is None or not len(frame) or frame.crs is None:
            continue
        box = frame.geometry.to_crs(STORAGE_CRS).total_bounds
        if np.isfinite(box).all():
            extreme = max(extreme, abs(float(box[1])), abs(float(box[3])))
    return metres_per_pixel(min(extreme, 85.0), zoom)


def display_geometry(
    frame: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    tolerance_m: float = 1.0,
    precision: int | None = 6,
    metric_crs: CRS | None = None,
) -> gpd.GeoSeries:
    """The geometry of ``frame`` ready to draw: simplified in metres, in EPSG:4326, rounded.

    Parameters
    ----------
    frame
        Any layer with a CRS; it is not modified.
    tolerance_m
        Simplification tolerance in metres (topology preserved); 0 keeps every vertex.
    precision
        Decimal places of the output coordinates (None: not rounded).
    metric_crs
        The projected CRS to simplify in; by default the local UTM zone of the layer.

    Returns
    -------
    GeoSeries
        Indexed like ``frame``, in EPSG:4326; null geometries stay null.

    Raises
    ------
    CRSError
        When the layer has no CRS, or ``metric_crs`` is geographic.
    """
    if tolerance_m < 0:
        raise ValueError(f"tolerance_m must be 0 or more metres, not {tolerance_m}.")
    geoms = frame.geometry if isinstance(frame, gpd.GeoDataFrame) else frame
    if geoms.crs is None:
        raise CRSError(_("Cannot draw a layer without a CRS; set its CRS first."))
    present = ~(geoms.isna() | geoms.is_empty)
    if tolerance_m > 0 and present.any():
        metric = to_metric(geoms, metric_crs or choose_metric_crs(geoms))
        out = metric.simplify(tolerance_m, preserve_topology=True).to_crs(STORAGE_CRS)
    else:
        out = geoms.to_crs(STORAGE_CRS)
    if precision is None:
        return gpd.GeoSeries(out.to_numpy(), index=frame.index, crs=STORAGE_CRS)
    rounded = shapely.transform(out.to_numpy(), lambda xy: np.round(xy, precision))
    return gpd.GeoSeries(rounded, index=frame.index, crs=STORAGE_CRS)


def display_bounds(*series: gpd.GeoSeries) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` of the non-empty geometries, or None when there are none.

    Parameters
    ----------
    *series
        Display geometries (EPSG:4326).

    Returns
    -------
    list or None
        The bounds in Leaflet's latitude-first order.
    """
    boxes = [s[~(s.isna() | s.is_empty)].total_bounds for s in series if len(s)]
    boxes = [b for b in boxes if np.isfinite(b).all()]
    if not boxes:
        return None
    b = np.array(boxes)
    return [
        [float(b[:, 1].min()), float(b[:, 0].min())],
        [float(b[:, 3].max()), float(b[:, 2].max())],
    ]


def geojson_geometries(geoms: gpd.GeoSeries) -> list[Any]:
    """GeoJSON geometry objects (dicts) of ``geoms``, in order; None for a null geometry."""
    return [
        None if text is None else json.loads(text) for text in shapely.to_geojson(geoms.to_numpy())
    ]


def feature_collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of ``features``."""
    return {"type": "FeatureCollection", "features": features}
