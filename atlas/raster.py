"""Raster layers: population estimates and hazard exposure by zonal statistics.

Zonal statistics use fractional cell coverage (a settlement smaller than a cell gets its share of
the cell, not zero or the whole cell) and are computed in the raster's own CRS: the polygons are
reprojected, never the raster (DESIGN §2 rule 4). Coverage fractions are exact polygon/cell
intersection areas, computed by the ``exactextract`` library.

Kinds of raster:

* ``count``: each cell holds a number of people; a settlement gets Σ value × covered fraction.
* ``density``: each cell holds people per km²; a settlement gets Σ value × covered area in km²
  (for geographic rasters, each cell's true area on the ellipsoid).
* ``hazard``: each cell holds a hazard level or class; a settlement gets the share of its area in
  cells at or above a threshold (or in a set of classes), and the people living there.

A raster without a nodata value is read as all valid, except NaN cells of a float raster, which
never count. Nodata cells contribute nothing to a count or density, and are not hazard cells.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import rasterio.features
import rasterio.windows
import shapely
from affine import Affine
from exactextract import exact_extract
from exactextract._exactextract import Feature
from exactextract.feature import FeatureSource
from exactextract.raster import NumPyRasterSource, RasterioRasterSource
from pyproj import CRS
from rasterio.errors import RasterioIOError

from atlas.crs import parse_crs
from atlas.errors import CRSError, DataFileError, SchemaError

__all__ = [
    "KINDS",
    "Raster",
    "hazard_exposure",
    "hazard_zones",
    "load_raster",
    "population_estimate",
    "zonal_population",
]

Kind = Literal["count", "density", "hazard"]
#: The kinds of raster the atlas understands.
KINDS: tuple[str, ...] = ("count", "density", "hazard")
#: Polygons are grouped by tiles of this many cells a side, each group read as one window.
TILE = 2048
#: A group whose window would hold more cells than this is read polygon by polygon.
MAX_WINDOW_CELLS = 64 * 2**20


@dataclass(frozen=True)
class Raster:
    """A single-band GeoTIFF on disk, described; cells are read only when needed.

    Parameters
    ----------
    path
        The file.
    crs
        Its CRS (the file's own, or the one declared when loading).
    transform
        Pixel-to-CRS affine transform (axis-aligned).
    width, height
        Size in cells.
    nodata
        The nodata value, or None when the file sets none.
    dtype
        Cell data type (``float64``, ``uint8``...).
    """

    path: Path
    crs: CRS
    transform: Affine
    width: int
    height: int
    nodata: float | None
    dtype: str

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) in the raster's CRS."""
        left, top = self.transform.c, self.transform.f
        right = left + self.transform.a * self.width
        bottom = top + self.transform.e * self.height
        return left, bottom, right, top


def load_raster(path: str | Path, *, crs: object = None) -> Raster:
    """Open a single-band GeoTIFF (or any GDAL raster) and describe it.

    Parameters
    ----------
    path
        The raster file.
    crs
        The CRS of the cells, when the file has none or a wrong one (``"EPSG:32735"``...).

    Returns
    -------
    Raster

    Raises
    ------
    DataFileError
        The file is missing or not a readable raster.
    SchemaError
        The raster has more than one band, or is rotated.
    CRSError
        The raster has no CRS and none was declared.
    """
    path = Path(path)
    if not path.exists():
        raise DataFileError(f"Raster file not found: '{path}'. Check the path and the file name.")
    try:
        with rasterio.open(path) as ds:
            count, transform = ds.count, ds.transform
            file_crs, nodata, dtype = ds.crs, ds.nodata, ds.dtypes[0] if ds.count else ""
            width, height = ds.width, ds.height
    except RasterioIOError as exc:
        raise DataFileError(
            f"Could not read '{path.name}' as a raster ({exc}). Give a GeoTIFF (.tif) file."
        ) from None
    if count != 1:
        raise SchemaError(
            f"The raster '{path.name}' has {count} bands; the atlas reads single-band rasters. "
            "Extract the band you need first, e.g. gdal_translate -b 1 in.tif out.tif."
        )
    if transform.b != 0 or transform.d != 0 or transform.e >= 0:
        raise SchemaError(
            f"The raster '{path.name}' is rotated or south-up; warp it to a north-up grid first "
            "(gdalwarp in.tif out.tif)."
        )
    if crs is not None:
        raster_crs = parse_crs(crs, what="the raster CRS")
    elif file_crs is None:
        raise CRSError(
            f"The raster '{path.name}' has no CRS, so the atlas cannot tell where it is. "
            "Declare it (Python: crs='EPSG:XXXX'; command line: --crs raster=EPSG:XXXX)."
        )
    else:
        raster_crs = CRS.from_user_input(file_crs.to_wkt())
    return Raster(path, raster_crs, transform, width, height, nodata, dtype)


def _as_raster(raster: Raster | str | Path) -> Raster:
    return raster if isinstance(raster, Raster) else load_raster(raster)


def _geometries(frame: gpd.GeoDataFrame | gpd.GeoSeries, crs: CRS) -> gpd.GeoSeries:
    """The geometries of ``frame`` in ``crs``; raises when ``frame`` has no CRS."""
    geoms = frame.geometry if isinstance(frame, gpd.GeoDataFrame) else frame
    if geoms.crs is None:
        raise CRSError("The polygons have no CRS; set it before computing zonal statistics.")
    return geoms.to_crs(crs)


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


def _exact_sums(raster: Raster, geoms: np.ndarray, op: str, *, weighted: bool) -> np.ndarray:
    """Run the exactextract operation ``op`` (named ``s``) over polygons in the raster's CRS.

    The polygons are grouped by the :data:`TILE` × :data:`TILE`-cell tile holding their centre;
    each group's cells are read once, as one window, and handed to exactextract as an array. So
    memory stays at about one window (never the whole raster), and no cell block is decoded once
    per polygon. A group whose window would exceed :data:`MAX_WINDOW_CELLS` (huge polygons) is
    read polygon by polygon instead.
    """
    t = raster.transform
    wkt = raster.crs.to_wkt()
    sums = np.zeros(len(geoms))
    bounds = shapely.bounds(geoms)
    col_of = (bounds[:, [0, 2]] - t.c) / t.a
    row_of = (bounds[:, [3, 1]] - t.f) / t.e
    tile = np.floor(row_of.mean(axis=1) / TILE) * 1e6 + np.floor(col_of.mean(axis=1) / TILE)
    areas = _row_areas_km2(raster) if weighted else None
    with rasterio.open(raster.path) as ds:
        nodata = raster.nodata
        if nodata is not None and not np.issubdtype(np.dtype(raster.dtype), np.floating):
            nodata = int(nodata)
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
                values = RasterioRasterSource(ds)
                if areas is not None:
                    weights = _area_source(raster, areas, 0, raster.height, 0, raster.width)
            else:
                window = rasterio.windows.Window(col0, row0, col1 - col0, row1 - row0)
                values = NumPyRasterSource(
                    ds.read(1, window=window),
                    t.c + col0 * t.a,
                    t.f + row1 * t.e,
                    t.c + col1 * t.a,
                    t.f + row0 * t.e,
                    nodata=nodata,
                    srs_wkt=wkt,
                )
                if areas is not None:
                    weights = _area_source(raster, areas, row0, row1, col0, col1)
            with warnings.catch_warnings():
                # The polygons are in the raster's CRS already; a declared CRS or another
                # spelling of the same one must not stop the run.
                warnings.filterwarnings("ignore", "Spatial reference system", RuntimeWarning)
                result = exact_extract(
                    values,
                    _WKBSource(geoms[group], group, wkt),
                    [op],
                    weights=weights,
                    include_cols=["fid"],
                    output="geojson",
                )
            for record in result:
                sums[record["properties"]["fid"]] = record["properties"]["s"]
    return sums


def _area_source(
    raster: Raster, areas: np.ndarray, row0: int, row1: int, col0: int, col1: int
) -> NumPyRasterSource:
    """Cell areas (km²) of rows row0..row1 and columns col0..col1, as a weights raster."""
    t = raster.transform
    grid = np.broadcast_to(areas[row0:row1, np.newaxis], (row1 - row0, col1 - col0))
    return NumPyRasterSource(
        grid,
        t.c + col0 * t.a,
        t.f + row1 * t.e,
        t.c + col1 * t.a,
        t.f + row0 * t.e,
        srs_wkt=raster.crs.to_wkt(),
    )


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
        A :class:`Raster` or a path.
    polygons
        Polygons in any CRS; reprojected to the raster's CRS.
    kind
        ``count`` (people per cell) or ``density`` (people per km²).

    Returns
    -------
    Series
        Indexed like ``polygons``, named ``population_estimate``; NaN for null or empty geometry,
        0 for a polygon outside the raster or only over nodata.
    """
    raster = _as_raster(raster)
    if kind not in ("count", "density"):
        raise SchemaError(f"Unknown population raster kind '{kind}': use count or density.")
    geoms = _geometries(polygons, raster.crs)
    out = pd.Series(np.nan, index=geoms.index, name="population_estimate", dtype=float)
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
    sums = _exact_sums(raster, geoms[present].to_numpy(), op, weighted=weighted)
    out[present] = sums * scale
    return out


def _area_crs(crs: CRS, geoms: gpd.GeoSeries) -> CRS:
    """A CRS to measure areas in: ``crs`` if projected, else an equal-area one centred on the data."""
    if not crs.is_geographic:
        return crs
    x0, y0, x1, y1 = geoms.total_bounds
    return CRS.from_proj4(
        f"+proj=laea +lat_0={(y0 + y1) / 2} +lon_0={(x0 + x1) / 2} +datum=WGS84 +units=m"
    )


def hazard_zones(
    raster: Raster | str | Path,
    *,
    threshold: float | None = None,
    classes: Sequence[float] | None = None,
    bounds: tuple[float, float, float, float] | None = None,
) -> gpd.GeoSeries:
    """The hazard cells of a raster as non-overlapping polygons in the raster's CRS.

    Parameters
    ----------
    raster
        A :class:`Raster` or a path.
    threshold, classes
        Exactly one: cells with value ≥ ``threshold``, or with a value in ``classes``.
    bounds
        Only read cells within these bounds (in the raster's CRS).

    Returns
    -------
    GeoSeries
        Polygons following cell edges, in the raster's CRS. Nodata and NaN cells are never hazard.
    """
    raster = _as_raster(raster)
    if (threshold is None) == (classes is None):
        raise SchemaError("Give either a hazard threshold or a set of hazard classes, not both.")
    with rasterio.open(raster.path) as ds:
        col0, row0, col1, row1 = 0, 0, ds.width, ds.height
        if bounds is not None:
            wanted = rasterio.windows.from_bounds(*bounds, transform=ds.transform)
            col0 = max(0, int(np.floor(wanted.col_off)))
            row0 = max(0, int(np.floor(wanted.row_off)))
            col1 = min(ds.width, int(np.ceil(wanted.col_off + wanted.width)))
            row1 = min(ds.height, int(np.ceil(wanted.row_off + wanted.height)))
        if col1 <= col0 or row1 <= row0:
            return gpd.GeoSeries([], crs=raster.crs)
        window = rasterio.windows.Window(col0, row0, col1 - col0, row1 - row0)
        values = ds.read(1, window=window, masked=True)
    t = raster.transform
    # Built by hand: rasterio's window_transform warns under affine 3.
    transform = Affine(t.a, 0.0, t.c + col0 * t.a, 0.0, t.e, t.f + row0 * t.e)
    data = np.ma.filled(values.astype(float), np.nan)
    with np.errstate(invalid="ignore"):
        if threshold is not None:
            hit = data >= threshold
        else:
            hit = np.isin(data, np.asarray(classes, dtype=float))
    hit &= np.isfinite(data)
    shapes = rasterio.features.shapes(
        hit.astype(np.uint8), mask=hit, transform=transform, connectivity=4
    )
    polygons = [shapely.geometry.shape(geom) for geom, _ in shapes]
    return gpd.GeoSeries(polygons, crs=raster.crs)


def hazard_exposure(
    hazard: Raster | str | Path,
    settlements: gpd.GeoDataFrame,
    *,
    threshold: float | None = None,
    classes: Sequence[float] | None = None,
    population: Raster | str | Path | None = None,
    population_kind: Literal["count", "density"] = "count",
) -> pd.DataFrame:
    """Share of each settlement's area, and its people, in hazard cells.

    Parameters
    ----------
    hazard
        The hazard raster.
    settlements
        Settlements in any CRS; reprojected to the hazard raster's CRS.
    threshold, classes
        Exactly one: hazard cells have a value ≥ ``threshold``, or a value in ``classes``.
    population
        A population raster (any grid and CRS). When given, exposed people are counted in it over
        the exposed part of each settlement. Otherwise, when ``settlements`` has a ``population``
        column, the settlement's people are taken as spread evenly: share × population.
    population_kind
        Whether ``population`` holds counts or densities (per km²).

    Returns
    -------
    DataFrame
        Indexed like ``settlements``: ``hazard_area_share`` (0–1; the share of the whole
        settlement, so any part outside the raster counts as not exposed) and
        ``hazard_population`` (NaN when no population is known). NaN for null or empty geometry.
    """
    hazard = _as_raster(hazard)
    geoms = _geometries(settlements, hazard.crs)
    present = ~(geoms.isna() | geoms.is_empty).to_numpy()
    share = pd.Series(np.nan, index=geoms.index, dtype=float)
    people = pd.Series(np.nan, index=geoms.index, dtype=float)
    if present.any():
        valid = geoms[present]
        zones = hazard_zones(
            hazard, threshold=threshold, classes=classes, bounds=tuple(valid.total_bounds)
        )
        area_crs = _area_crs(hazard.crs, valid)
        geom_array = valid.to_numpy()
        left, right = (
            shapely.STRtree(zones.to_numpy()).query(geom_array, predicate="intersects")
            if len(zones)
            else (np.array([], dtype=int), np.array([], dtype=int))
        )
        pieces = gpd.GeoSeries(
            shapely.intersection(geom_array[left], zones.to_numpy()[right]), crs=hazard.crs
        )
        # Zones never overlap one another, so the pieces' areas add up without double counting.
        piece_area = pieces.to_crs(area_crs).area.to_numpy()
        exposed = np.bincount(left, weights=piece_area, minlength=len(valid))
        total = valid.to_crs(area_crs).area.to_numpy()
        share[present] = np.divide(exposed, total, out=np.zeros_like(total), where=total > 0)
        if population is not None:
            counted = zonal_population(population, pieces, kind=population_kind)
            people[present] = np.bincount(
                left, weights=counted.fillna(0.0).to_numpy(), minlength=len(valid)
            )
    if population is None and "population" in settlements:
        people = share * settlements["population"].astype(float)
    return pd.DataFrame({"hazard_area_share": share, "hazard_population": people})


def population_estimate(
    settlements: gpd.GeoDataFrame,
    raster: Raster | str | Path,
    *,
    kind: Literal["count", "density"] = "count",
) -> gpd.GeoDataFrame:
    """Estimate each settlement's people from a raster, and fill unknown demand with it.

    Parameters
    ----------
    settlements
        Validated settlements (``households`` and ``population`` columns, may be missing).
    raster
        A population raster (counts or densities per km²).
    kind
        ``count`` or ``density``.

    Returns
    -------
    GeoDataFrame
        A copy of ``settlements`` with ``population_estimate`` (always, for comparison with the
        counts) and, where both households and population were missing, ``population`` set to the
        estimate; ``demand_estimated`` is True on exactly those rows (and keeps any True it had).
    """
    estimate = zonal_population(raster, settlements, kind=kind)
    out = settlements.copy()
    households = out["households"].astype(float) if "households" in out else np.nan
    population = out["population"].astype(float) if "population" in out else np.nan
    missing = (
        pd.Series(pd.isna(households) & pd.isna(population), index=out.index) & estimate.notna()
    )
    out["population_estimate"] = estimate
    out["population"] = pd.Series(population, index=out.index).where(~missing, estimate)
    before = (
        out["demand_estimated"].fillna(False).astype(bool)
        if "demand_estimated" in out
        else pd.Series(False, index=out.index)
    )
    out["demand_estimated"] = before | missing
    return out
