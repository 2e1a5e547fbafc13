"""The WGS 84 UTM zone of a place, without a query of PROJ's database where the answer is plain.

:meth:`geopandas.GeoSeries.estimate_utm_crs` asks PROJ's database which UTM zones' areas of use
hold the centre of a layer's bounds (:func:`pyproj.database.query_utm_crs_info`): about 0.2 s
a call, more than reading a metro's settlements. The areas of use of the 120 WGS 84 UTM zones are
those of :data:`ZONES` (a test checks them against the installed PROJ database). Where exactly one
zone holds the centre, clear of every edge, that zone is PROJ's only answer, and it is given
here; on or near an edge (between two zones, on the equator) or outside every zone, PROJ is
asked as before, so the answer is always the one geopandas gives.
"""

from __future__ import annotations

import numpy as np

__all__ = ["EDGE_DEGREES", "ZONES", "plain_utm_code"]  # i18n-ignore: names of the API

#: A centre nearer than this (degrees) to an edge of an area of use is left to PROJ.
EDGE_DEGREES = 1e-6


def _zones() -> np.ndarray:
    rows = []
    for zone in range(1, 61):
        west, east = -180.0 + 6 * (zone - 1), -180.0 + 6 * zone
        rows.append((32600 + zone, west, 0.0, east, 84.0))
        rows.append((32700 + zone, west, -80.0, east, 0.0))
    table = np.array(rows)
    # EPSG's area of use of zone 29N reaches a little farther west and north than its zone.
    table[table[:, 0] == 32629, 1:] = (-12.01, 0.0, -6.0, 84.01)
    return table


#: EPSG code, west, south, east, north (degrees) of the area of use of each WGS 84 UTM zone.
ZONES = _zones()


def plain_utm_code(lon: float, lat: float) -> int | None:
    """The EPSG code of the one WGS 84 UTM zone whose area of use holds (``lon``, ``lat``) clear
    of its edges, or None when the place is near an edge or in no zone (ask PROJ then)."""
    west, south, east, north = ZONES[:, 1], ZONES[:, 2], ZONES[:, 3], ZONES[:, 4]
    near = (
        (west - EDGE_DEGREES <= lon)
        & (lon <= east + EDGE_DEGREES)
        & (south - EDGE_DEGREES <= lat)
        & (lat <= north + EDGE_DEGREES)
    )
    if int(near.sum()) != 1:
        return None
    k = int(np.flatnonzero(near)[0])
    clear = (
        west[k] + EDGE_DEGREES < lon < east[k] - EDGE_DEGREES
        and south[k] + EDGE_DEGREES < lat < north[k] - EDGE_DEGREES
    )
    return int(ZONES[k, 0]) if clear else None
