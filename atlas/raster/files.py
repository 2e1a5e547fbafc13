"""Raster files: open and describe a single-band GeoTIFF, check it, read its cells.

A raster is described once (:class:`Raster`, a frozen value: path, CRS, grid, nodata, scale and
offset) and its cells are read only when a computation or a display needs them. Cell values are
``raw × scale + offset`` when the file sets a scale or an offset (GDAL's ``scale``/``offset``
band metadata, e.g. depths stored as centimetres with scale 0.01); nodata is compared with the
raw value, before scaling.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
import rasterio.windows
from affine import Affine
from pyproj import CRS, Transformer
from rasterio.enums import Resampling
from rasterio.errors import NotGeoreferencedWarning, RasterioIOError

from atlas.errors import CRSError, DataFileError, SchemaError
from atlas.i18n import _
from atlas.load.crs import parse_crs
from atlas.problems import Problem
from atlas.raster.limits import check_cells, damaged, reading

__all__ = [
    "Raster",  # i18n-ignore: a name of the API
    "as_raster",
    "geometries_in",
    "load_raster",
    "open_raster_for",
    "read_values",
    "require_overlap",
]


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
        Pixel-to-CRS affine transform (axis-aligned, north up).
    width, height
        Size in cells.
    nodata
        The nodata value (of the raw cells), or None when the file sets none.
    dtype
        Cell data type (``float64``, ``uint8``...).
    scale, offset
        Cell values are ``raw × scale + offset`` (1 and 0 when the file sets none).
    max_mb
        The most memory (MB) one read of its cells may take; None: the process's limit
        (:func:`atlas.raster.limits.limit_mb`).
    """

    path: Path
    crs: CRS
    transform: Affine
    width: int
    height: int
    nodata: float | None
    dtype: str
    scale: float = 1.0
    offset: float = 0.0
    max_mb: float | None = None

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) in the raster's CRS."""
        left, top = self.transform.c, self.transform.f
        right = left + self.transform.a * self.width
        bottom = top + self.transform.e * self.height
        return left, bottom, right, top

    @property
    def scaled(self) -> bool:
        """Whether the raw cells need a scale or an offset applied."""
        return self.scale != 1.0 or self.offset != 0.0


#: The first bytes of a TIFF (classic and BigTIFF, either byte order).
_TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")


def _unreadable(path: Path, exc: RasterioIOError) -> DataFileError:
    """Why ``path`` does not open as a raster, in words: not a TIFF at all, or a damaged one."""
    try:
        with path.open("rb") as file:
            head = file.read(64)
    except OSError as error:
        return DataFileError(
            _("Cannot read '{name}': {error}.", name=path.name, error=error.strerror)
        )
    if path.suffix.lower() in (".tif", ".tiff") and not head.startswith(_TIFF_MAGIC):
        if not head:
            looks = _(
                "'{name}' is named like a GeoTIFF but is not one: the file is empty, not a TIFF "
                "image (perhaps an error page saved under that name). Download or export the "
                "raster again as a GeoTIFF.",
                name=path.name,
            )
        elif _is_text(head):
            looks = _(
                "'{name}' is named like a GeoTIFF but is not one: the file holds text, not a TIFF "
                "image (perhaps an error page saved under that name). Download or export the "
                "raster again as a GeoTIFF.",
                name=path.name,
            )
        else:
            looks = _(
                "'{name}' is named like a GeoTIFF but is not one: the file is another kind, not a "
                "TIFF image (perhaps an error page saved under that name). Download or export "
                "the raster again as a GeoTIFF.",
                name=path.name,
            )
        return DataFileError(looks)
    if head.startswith(_TIFF_MAGIC):
        return damaged(path, exc)
    return DataFileError(
        _(
            "Could not read '{name}' as a raster ({error}). Give a GeoTIFF (.tif) file.",
            name=path.name,
            error=exc,
        )
    )


def _cut_short(ds: rasterio.DatasetReader, size: int) -> bool:
    """Whether a GeoTIFF ends before its cells: its first or last block of cells lies (in part)
    past the end of the file, or the table of where they lie is missing altogether."""
    if ds.driver != "GTiff" or not ds.count:
        return False
    rows, columns = ds.block_shapes[0]
    last = (math.ceil(ds.width / columns) - 1, math.ceil(ds.height / rows) - 1)
    found = False
    for x, y in ((0, 0), last):
        start = ds.get_tag_item(f"BLOCK_OFFSET_{x}_{y}", "TIFF", bidx=1)
        length = ds.get_tag_item(f"BLOCK_SIZE_{x}_{y}", "TIFF", bidx=1)
        if start and length:
            found = True
            if int(start) + int(length) > size:
                return True
    # A file cut inside its header has lost the table; a sparse file merely has empty blocks.
    return not found and size < 4096


def _is_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def load_raster(path: str | Path, *, crs: object = None, max_mb: float | None = None) -> Raster:
    """Open a single-band GeoTIFF (or any GDAL raster) and describe it.

    Parameters
    ----------
    path
        The raster file.
    crs
        The CRS of the cells, when the file has none or a wrong one (``"EPSG:32735"``...).
    max_mb
        The most memory (MB) one read of its cells may take (default: the environment
        variable ``ATLAS_MAX_RASTER_MB``, else 1024; see :mod:`atlas.raster.limits`). The
        file is described without reading its cells, whatever its size.

    Returns
    -------
    Raster

    Raises
    ------
    DataFileError
        The file is missing, not a raster (e.g. text named ``.tif``), or incomplete or
        damaged.
    SchemaError
        The raster has more than one band, is rotated, or has no georeferencing at all.
    CRSError
        The raster has no CRS and none was declared.
    """
    path = Path(path)
    if not path.exists():
        raise DataFileError(
            _("Raster file not found: '{path}'. Check the path and the file name.", path=path)
        )
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", NotGeoreferencedWarning)
            with rasterio.open(path) as ds:
                count, transform = ds.count, ds.transform
                file_crs, nodata, dtype = ds.crs, ds.nodata, ds.dtypes[0] if ds.count else ""
                width, height = ds.width, ds.height
                scale = float(ds.scales[0]) if ds.count else 1.0
                offset = float(ds.offsets[0]) if ds.count else 0.0
                cut = _cut_short(ds, path.stat().st_size)
    except RasterioIOError as exc:
        raise _unreadable(path, exc) from None
    if cut:
        raise damaged(path, _("the file ends before the cells it declares"))
    if any(issubclass(w.category, NotGeoreferencedWarning) for w in caught) and file_crs is None:
        raise SchemaError(
            _(
                "'{name}' is an image without georeferencing: it says neither where it is nor in "
                "which CRS. Give a GeoTIFF exported from a GIS (QGIS: Export > Save As GeoTIFF).",
                name=path.name,
            )
        )
    if count != 1:
        raise SchemaError(
            _(
                "The raster '{name}' has {count} bands; the atlas reads single-band rasters. "
                "Extract the band you need first, e.g. gdal_translate -b 1 in.tif out.tif.",
                name=path.name,
                count=count,
            )
        )
    if not np.issubdtype(np.dtype(dtype), np.number) or np.issubdtype(
        np.dtype(dtype), np.complexfloating
    ):
        raise SchemaError(
            _(
                "The raster '{name}' holds {dtype} cells; give a numeric raster.",
                name=path.name,
                dtype=dtype,
            )
        )
    if transform.b != 0 or transform.d != 0 or transform.e >= 0:
        raise SchemaError(
            _(
                "The raster '{name}' is rotated or south-up; warp it to a north-up grid first "
                "(gdalwarp in.tif out.tif).",
                name=path.name,
            )
        )
    if crs is not None:
        raster_crs = parse_crs(crs, what=_("the raster CRS"))
    elif file_crs is None:
        raise CRSError(
            Problem(
                "error",
                _(
                    "The raster '{name}' has no CRS, so the atlas cannot tell where it is.",
                    name=path.name,
                ),
                _("Declare it: crs='EPSG:XXXX'."),
                code="raster.no_crs",
                params={"name": path.name},
            )
        )
    else:
        raster_crs = CRS.from_user_input(file_crs.to_wkt())
    return Raster(path, raster_crs, transform, width, height, nodata, dtype, scale, offset, max_mb)


def as_raster(raster: Raster | str | Path) -> Raster:
    """``raster`` itself, or the raster at that path (:func:`load_raster`)."""
    return raster if isinstance(raster, Raster) else load_raster(raster)


def geometries_in(frame: gpd.GeoDataFrame | gpd.GeoSeries, crs: CRS) -> gpd.GeoSeries:
    """The geometries of ``frame`` in ``crs``; raises when ``frame`` has no CRS."""
    geoms = frame.geometry if isinstance(frame, gpd.GeoDataFrame) else frame
    if geoms.crs is None:
        raise CRSError(_("The polygons have no CRS; set it before computing zonal statistics."))
    return geoms.to_crs(crs)


def require_overlap(raster: Raster, polygons: gpd.GeoDataFrame | gpd.GeoSeries) -> None:
    """Raise when no polygon's bounding box meets the raster's extent.

    Raises
    ------
    SchemaError
        With both extents in longitude/latitude, so a wrong CRS or a raster of another place is
        easy to spot.
    """
    geoms = geometries_in(polygons, raster.crs)
    geoms = geoms[~(geoms.isna() | geoms.is_empty)]
    left, bottom, right, top = raster.bounds
    if len(geoms):
        x0, y0, x1, y1 = geoms.total_bounds
        if x0 <= right and x1 >= left and y0 <= top and y1 >= bottom:
            return
    to_lonlat = Transformer.from_crs(raster.crs, "EPSG:4326", always_xy=True)
    lon0, lat0, lon1, lat1 = to_lonlat.transform_bounds(left, bottom, right, top)
    covers = {
        "name": raster.path.name,
        "lon0": f"{lon0:.3f}",
        "lon1": f"{lon1:.3f}",
        "lat0": f"{lat0:.3f}",
        "lat1": f"{lat1:.3f}",
    }
    if not len(geoms):
        raise SchemaError(
            _(
                "The raster '{name}' does not overlap the settlements: it covers "
                "{lon0}..{lon1} E, {lat0}..{lat1} N and none of them has a geometry. Give a "
                "raster of the same area, or declare its CRS if the file's own is wrong.",
                **covers,
            )
        )
    s0, t0, s1, t1 = geoms.to_crs("EPSG:4326").total_bounds
    raise SchemaError(
        _(
            "The raster '{name}' does not overlap the settlements: it covers {lon0}..{lon1} E, "
            "{lat0}..{lat1} N and they lie in {west}..{east} E, {south}..{north} N. Give a "
            "raster of the same area, or declare its CRS if the file's own is wrong.",
            **covers,
            west=f"{s0:.3f}",
            east=f"{s1:.3f}",
            south=f"{t0:.3f}",
            north=f"{t1:.3f}",
        )
    )


def open_raster_for(
    path: str | Path, polygons: gpd.GeoDataFrame | gpd.GeoSeries, *, crs: object = None
) -> Raster:
    """:func:`load_raster` and :func:`require_overlap` with the settlements it is meant for."""
    raster = load_raster(path, crs=crs)
    require_overlap(raster, polygons)
    return raster


def read_values(
    raster: Raster,
    *,
    window: rasterio.windows.Window | None = None,
    out_shape: tuple[int, int] | None = None,
    resampling: Resampling = Resampling.nearest,
) -> np.ndarray:
    """Cell values as float64: scale and offset applied, NaN where nodata (or NaN).

    Parameters
    ----------
    raster
        The raster.
    window
        Read only this window of cells (default: all).
    out_shape
        Read resampled to this (rows, columns) shape, e.g. to display a big raster.
    resampling
        How cells are resampled to ``out_shape``.

    Raises
    ------
    SchemaError
        Before reading, when the cells would take more memory than the raster's limit
        (:func:`atlas.raster.limits.check_cells`: the message says how to change it).
    DataFileError
        When the file is incomplete or damaged.
    """
    if out_shape is not None:
        rows, columns = out_shape
    elif window is not None:
        rows, columns = math.ceil(window.height), math.ceil(window.width)
    else:
        rows, columns = raster.height, raster.width
    check_cells(raster.path, rows, columns, max_mb=raster.max_mb)
    with reading(raster.path) as ds:
        data = ds.read(1, window=window, out_shape=out_shape, masked=True, resampling=resampling)
    values = np.ma.filled(data.astype("float64"), np.nan)
    if raster.scaled:
        values = values * raster.scale + raster.offset
    return values
