"""Zonal statistics with fractional cell coverage: people per polygon from a count or density raster.

Coverage fractions are exact polygon/cell intersection areas, computed by the ``exactextract``
library, in the raster's own CRS: the polygons are reprojected, never the raster (DESIGN §2
rule 4).

* ``count``: each cell holds a number of people; a polygon gets Σ value × covered fraction.
* ``density``: each cell holds people per km²; a polygon gets Σ value × covered area in km²
  (for geographic rasters, each cell's true area on the ellipsoid).

Cells without data are unknown, never 0 people (:mod:`atlas.raster.nodata`): the file's nodata
value, NaN, and negative values (a fill value such as -9999 in a file that declares no nodata).
A polygon over no cell with data has an unknown estimate (NaN); one partly over such cells
gets the people of the cells with data, and a warning names it (``attrs["problems"]`` of the
result). Scale and offset are applied to the cells first. Cells are read by windows around the
polygons, each checked against the memory limit first (:mod:`atlas.raster.limits`).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import rasterio.windows
import shapely
from exactextract import exact_extract
from exactextract._exactextract import Feature
from exactextract.feature import FeatureSource
from exactextract.raster import NumPyRasterSource, RasterioRasterSource
from pyproj import CRS

from atlas.errors import SchemaError
from atlas.i18n import _
from atlas.raster.files import Raster, as_raster, geometries_in
from atlas.raster.limits import check_cells, reading
from atlas.raster.nodata import NODATA_TOLERANCE, NegativeCells, nodata_problems

__all__ = ["MAX_WINDOW_CELLS", "TILE", "zonal_coverage", "zonal_population"]

#: Polygons are grouped by tiles of this many cells a side, each group read as one window.
TILE = 2048
#: A group whose window would hold more cells than this is read polygon by polygon.
MAX_WINDOW_CELLS = 64 * 2**20


def _km2_per_unit2(crs: CRS) -> float:
    """Square kilometres per square unit of a projected CRS."""
    factor = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
    return float(factor) ** 2 / 1e6


def _row_areas_km2(raster: Raster) -> np.ndarray:
    """Area in km² of one cell of each row of a geographic raster, on its ellipsoid.

    A cell between latitudes φ0 and φ1 spanning Δλ radians has area a²/2 · Δλ · (q(φ1) − q(φ0)),
    with q the authalic function of the ellipsoid (Snyder 1987, eq. 3-12): exact, not spherical.
    """
    ellipsoid = raster.crs.ellipsoid
    a = ellipsoid.semi_major_metre if ellipsoid is not None else 6_378_137.0
    inv_f = ellipsoid.inverse_flattening if ellipsoid is not None else 298.257223563
    f = 1.0 / inv_f if inv_f else 0.0
    e2 = f * (2.0 - f)
    t = raster.transform
    edges = np.radians(t.f + t.e * np.arange(raster.height + 1))
    sin = np.sin(edges)
    if e2 > 0:
        e = np.sqrt(e2)
        q = (1.0 - e2) * (
            sin / (1.0 - e2 * sin**2) - np.log((1.0 - e * sin) / (1.0 + e * sin)) / (2.0 * e)
        )
    else:
        q = 2.0 * sin
    return np.abs(a**2 / 2.0 * np.radians(abs(t.a)) * np.diff(q)) / 1e6


class _WKBFeature(Feature):
    """A polygon handed to exactextract as WKB (much cheaper than its GeoJSON)."""

    def __init__(self, wkb: bytes, fid: int) -> None:
        super().__init__()
        self.wkb = wkb
        self.props: dict[str, object] = {"fid": fid}

    def geometry(self) -> bytes:
        return self.wkb

    def get(self, name: str) -> object:
        return self.props[name]

    def set(self, name: str, value: object) -> None:
        self.props[name] = value

    def fields(self) -> list[str]:
        return list(self.props)

    def set_geometry_format(self) -> str:
        return "wkb"


class _WKBSource(FeatureSource):
    def __init__(self, geoms: np.ndarray, fids: np.ndarray, wkt: str) -> None:
        super().__init__()
        self.wkbs = shapely.to_wkb(geoms)
        self.fids = fids
        self.wkt = wkt

    def count(self) -> int:
        return len(self.wkbs)

    def __iter__(self) -> Iterator[_WKBFeature]:
        for wkb, fid in zip(self.wkbs, self.fids, strict=True):
            yield _WKBFeature(wkb, int(fid))

    def srs_wkt(self) -> str:
        return self.wkt


def _extent(
    raster: Raster, row0: int, row1: int, col0: int, col1: int
) -> tuple[float, float, float, float]:
    """(xmin, ymin, xmax, ymax) of rows row0..row1 and columns col0..col1."""
    t = raster.transform
    return t.c + col0 * t.a, t.f + row1 * t.e, t.c + col1 * t.a, t.f + row0 * t.e


def _window_source(
    raster: Raster,
    ds: rasterio.DatasetReader,
    rows: tuple[int, int],
    cols: tuple[int, int],
    negatives: NegativeCells,
) -> NumPyRasterSource:
    """Cells of rows ``rows`` and columns ``cols`` (start, stop) as an exactextract source.

    Unscaled rasters are handed over raw with their nodata value (cheapest); scaled ones, and
    any window holding negative cells (read as no data), as floats with NaN for no data.
    """
    (row0, row1), (col0, col1) = rows, cols
    window = rasterio.windows.Window(col0, row0, col1 - col0, row1 - row0)
    nodata = raster.nodata
    if raster.scaled:
        cells = ds.read(1, window=window, masked=True).astype("float64")
        values = np.ma.filled(cells * raster.scale + raster.offset, np.nan)
        values = negatives.drop(values, None)
        nodata = None
    else:
        values = ds.read(1, window=window)
        if np.issubdtype(values.dtype, np.signedinteger) or np.issubdtype(
            values.dtype, np.floating
        ):
            dropped = negatives.drop(values, nodata)
            if dropped is not values:
                values, nodata = dropped, None
        if nodata is not None and not np.issubdtype(values.dtype, np.floating):
            nodata = int(nodata)
    return NumPyRasterSource(
        values, *_extent(raster, row0, row1, col0, col1), nodata=nodata, srs_wkt=raster.crs.to_wkt()
    )


def _exact_sums(
    raster: Raster, geoms: np.ndarray, op: str, *, weighted: bool, negatives: NegativeCells
) -> tuple[np.ndarray, np.ndarray]:
    """Run the exactextract operation ``op`` (named ``s``) over polygons in the raster's CRS;
    with the covered cells that hold data (``count``, in cells) of each polygon.

    The polygons are grouped by the :data:`TILE` × :data:`TILE`-cell tile holding their centre;
    each group's cells are read once, as one window, and handed to exactextract as an array. So
    memory stays at about one window (never the whole raster), and no cell block is decoded once
    per polygon. A group whose window would exceed :data:`MAX_WINDOW_CELLS` (huge polygons) is
    read polygon by polygon instead (exactextract's rasterio source applies scale and offset),
    each polygon's cells checked against the memory limit first.
    """
    t = raster.transform
    wkt = raster.crs.to_wkt()
    sums = np.zeros(len(geoms))
    counts = np.zeros(len(geoms))
    bounds = shapely.bounds(geoms)
    col_of = (bounds[:, [0, 2]] - t.c) / t.a
    row_of = (bounds[:, [3, 1]] - t.f) / t.e
    tile = np.floor(row_of.mean(axis=1) / TILE) * 1e6 + np.floor(col_of.mean(axis=1) / TILE)
    areas = _row_areas_km2(raster) if weighted else None
    with reading(raster.path) as ds:
        for key in np.unique(tile):
            group = np.flatnonzero(tile == key)
            col0 = max(0, int(np.floor(col_of[group, 0].min())))
            col1 = min(raster.width, int(np.ceil(col_of[group, 1].max())))
            row0 = max(0, int(np.floor(row_of[group, 0].min())))
            row1 = min(raster.height, int(np.ceil(row_of[group, 1].max())))
            if col1 <= col0 or row1 <= row0:
                continue  # the whole group lies outside the raster: sums stay 0
            values: object
            weights: object = None
            if (col1 - col0) * (row1 - row0) > MAX_WINDOW_CELLS:
                spans = np.ceil(np.abs(np.diff(row_of[group], axis=1) * np.diff(col_of[group])))
                largest = int(np.argmax(spans))
                check_cells(
                    raster.path,
                    int(np.ceil(abs(row_of[group[largest], 1] - row_of[group[largest], 0]))),
                    int(np.ceil(abs(col_of[group[largest], 1] - col_of[group[largest], 0]))),
                    max_mb=raster.max_mb,
                )
                values = RasterioRasterSource(ds)
                if areas is not None:
                    weights = _area_source(raster, areas, 0, raster.height, 0, raster.width)
            else:
                check_cells(raster.path, row1 - row0, col1 - col0, max_mb=raster.max_mb)
                values = _window_source(raster, ds, (row0, row1), (col0, col1), negatives)
                if areas is not None:
                    weights = _area_source(raster, areas, row0, row1, col0, col1)
            with warnings.catch_warnings():
                # The polygons are in the raster's CRS already; a declared CRS or another
                # spelling of the same one must not stop the run.
                warnings.filterwarnings(
                    "ignore",
                    "Spatial reference system",  # i18n-ignore: GDAL's warning, matched
                    RuntimeWarning,
                )
                result = exact_extract(
                    values,
                    _WKBSource(geoms[group], group, wkt),
                    [op, "n=count"],
                    weights=weights,
                    include_cols=["fid"],
                    output="geojson",
                )
            for record in result:
                sums[record["properties"]["fid"]] = record["properties"]["s"]
                counts[record["properties"]["fid"]] = record["properties"]["n"]
    return sums, counts


def _area_source(
    raster: Raster, areas: np.ndarray, row0: int, row1: int, col0: int, col1: int
) -> NumPyRasterSource:
    """Cell areas (km²) of rows row0..row1 and columns col0..col1, as a weights raster."""
    grid = np.broadcast_to(areas[row0:row1, np.newaxis], (row1 - row0, col1 - col0))
    return NumPyRasterSource(
        grid, *_extent(raster, row0, row1, col0, col1), srs_wkt=raster.crs.to_wkt()
    )


def _labels(polygons: gpd.GeoDataFrame | gpd.GeoSeries) -> list[str]:
    """Each polygon's label in messages: its settlement id, else its index label."""
    if isinstance(polygons, gpd.GeoDataFrame) and "settlement_id" in polygons:
        ids = polygons["settlement_id"].astype(object).to_numpy()
        return [
            str(i) if i is not None else str(j) for i, j in zip(ids, polygons.index, strict=True)
        ]
    return [str(i) for i in polygons.index]


def zonal_coverage(
    raster: Raster | str | Path,
    polygons: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    kind: Literal["count", "density"] = "count",
) -> pd.DataFrame:
    """People in each polygon (see :func:`zonal_population`) and the share of it without data.

    Returns
    -------
    DataFrame
        Indexed like ``polygons``: ``population_estimate`` (NaN for a polygon without geometry
        or over no cell with data) and ``nodata_share`` (0–1: the share of its area over cells
        without data or outside the raster; NaN without geometry). ``attrs["problems"]`` holds
        the warnings (:func:`atlas.raster.nodata.nodata_problems`).
    """
    raster = as_raster(raster)
    if kind not in ("count", "density"):
        raise SchemaError(
            _("Unknown population raster kind '{kind}': use count or density.", kind=kind)
        )
    geoms = geometries_in(polygons, raster.crs)
    out = pd.DataFrame(
        {"population_estimate": np.nan, "nodata_share": np.nan}, index=geoms.index, dtype=float
    )
    out.attrs["problems"] = ()
    present = ~(geoms.isna() | geoms.is_empty).to_numpy()
    if not present.any():
        return out
    if kind == "count":
        op, scale, weighted = "s=sum", 1.0, False
    elif raster.crs.is_geographic:
        # Cell areas vary with latitude: weight each cell by its area on the ellipsoid.
        op, scale, weighted = "s=weighted_sum", 1.0, True
    else:
        op, scale, weighted = (
            "s=sum(coverage_weight=area_cartesian)",
            _km2_per_unit2(raster.crs),
            False,
        )
    negatives = NegativeCells()
    valid = geoms[present].to_numpy()
    sums, with_data = _exact_sums(raster, valid, op, weighted=weighted, negatives=negatives)
    # Cells the polygon covers, with data or not (outside the raster too): area / cell area.
    covered = shapely.area(valid) / abs(raster.transform.a * raster.transform.e)
    share = np.clip(
        1 - np.divide(with_data, covered, out=np.zeros_like(covered), where=covered > 0), 0, 1
    )
    # Over no cell with data (up to rounding: a neighbour's 1e-12 coverage is not data).
    unknown = (share >= 1 - NODATA_TOLERANCE) | (with_data <= 0)
    out.loc[present, "population_estimate"] = np.where(unknown, np.nan, sums * scale)
    out.loc[present, "nodata_share"] = share
    out.attrs["problems"] = nodata_problems(
        raster.path.name,
        _labels(polygons),
        out["nodata_share"].to_numpy(),
        negatives=negatives.count,
        example=negatives.example,
    )
    return out


def zonal_population(
    raster: Raster | str | Path,
    polygons: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    kind: Literal["count", "density"] = "count",
) -> pd.Series:
    """People in each polygon from a count or density raster, with fractional cell coverage.

    Parameters
    ----------
    raster
        A :class:`~atlas.raster.Raster` or a path.
    polygons
        Polygons in any CRS; reprojected to the raster's CRS.
    kind
        ``count`` (people per cell) or ``density`` (people per km²).

    Returns
    -------
    Series
        Indexed like ``polygons``, named ``population_estimate``; NaN (unknown, never 0) for
        null or empty geometry, a polygon outside the raster or only over cells without data.
        A polygon partly over cells without data gets the people of the cells with data;
        ``attrs["problems"]`` names those polygons (see :func:`zonal_coverage`).

    Raises
    ------
    SchemaError
        An unknown kind, or a window of cells bigger than the memory limit
        (:mod:`atlas.raster.limits`).
    DataFileError
        The file is incomplete or damaged.
    """
    coverage = zonal_coverage(raster, polygons, kind=kind)
    out = coverage["population_estimate"].copy()
    out.attrs["problems"] = coverage.attrs["problems"]
    return out
