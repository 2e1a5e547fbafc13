"""Reading layers from the files planners and NGOs actually have.

GeoJSON, GeoPackage (one layer chosen), plain or zipped Shapefile (and zipped FileGDB), KML and
other GDAL vector formats go through pyogrio; GeoParquet through pyarrow; CSV (and plain Parquet)
tables get their geometry from longitude/latitude columns or a WKT column. Reading never drops a
row: rows whose geometry cannot be built keep an empty geometry for the validator to report.
Library warnings raised while reading become report entries instead of disappearing.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError

from atlas.errors import DataFileError
from atlas.problems import Problem

__all__ = ["GDAL_SUFFIXES", "TABLE_SUFFIXES", "RawLayer", "read_layer", "read_table"]

#: Suffixes read through GDAL (pyogrio).
GDAL_SUFFIXES = (
    ".geojson",
    ".json",
    ".gpkg",
    ".shp",
    ".zip",
    ".kml",
    ".kmz",
    ".gml",
    ".fgb",
    ".gdb",
)
#: Suffixes read as tables whose geometry comes from columns.
TABLE_SUFFIXES = (".csv", ".txt", ".tsv")
PARQUET_SUFFIXES = (".parquet", ".geoparquet")

#: Coordinate column pairs recognised in tables, in order of preference (case-insensitive).
LONLAT_COLUMNS = (
    ("longitude", "latitude"),
    ("lon", "lat"),
    ("lng", "lat"),
    ("long", "lat"),
    ("x", "y"),
)
#: Column names recognised as holding WKT geometry (case-insensitive).
WKT_COLUMNS = ("wkt", "geometry", "geom", "the_geom", "shape")


@dataclass(frozen=True)
class RawLayer:
    """A layer as read from its file, before mapping and validation.

    Parameters
    ----------
    frame
        The features with the file's own column names; CRS as declared by the file (may be None).
    source
        A human-readable description of where it came from.
    notes
        Warnings raised while reading (by GDAL or by the geometry detection), as report entries.
    """

    frame: gpd.GeoDataFrame
    source: str
    notes: tuple[Problem, ...] = field(default_factory=tuple)


def _suffix(path: Path) -> str:
    name = path.name.lower()
    for double in (".gdb.zip", ".shp.zip"):
        if name.endswith(double):
            return ".zip"
    return path.suffix.lower()


def read_layer(path: str | Path, *, layer: str | None = None) -> RawLayer:
    """Read one vector layer from ``path``.

    Parameters
    ----------
    path
        A GeoJSON, GeoPackage, Shapefile (plain or zipped), KML, GeoParquet or CSV file.
    layer
        The layer to read from a multi-layer file (GeoPackage, FileGDB, KML). Required when the
        file holds more than one layer.

    Returns
    -------
    RawLayer
        The features with the file's own columns, and notes on what happened while reading.

    Raises
    ------
    DataFileError
        The file is missing, of an unsupported kind, broken, or the layer is ambiguous.

    Examples
    --------
    A CSV of points keeps its own column names; its geometry comes from the lon/lat columns and
    it has no CRS yet (:func:`atlas.load_layer` decides it):

    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from atlas import read_layer
    >>> table = pd.DataFrame({"TapNo": ["007", "008"], "lon": [28.1, 28.2], "lat": [-26.1, -26.2]})
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "taps.csv"
    ...     table.to_csv(path, index=False)
    ...     raw = read_layer(path)
    >>> list(raw.frame.columns), list(raw.frame["TapNo"])
    (['TapNo', 'lon', 'lat', 'geometry'], ['007', '008'])
    >>> raw.frame.geometry.iloc[0].wkt, raw.frame.crs
    ('POINT (28.1 -26.1)', None)
    >>> raw.frame.attrs["geometry_from"]
    'columns lon/lat'

    A file the atlas cannot read says why:

    >>> read_layer("no-such-file.geojson")
    Traceback (most recent call last):
    ...
    atlas.errors.DataFileError: ...'no-such-file.geojson'...
    """
    path = Path(path)
    if not path.exists():
        raise DataFileError(f"File not found: '{path}'. Check the path and the file name.")
    suffix = _suffix(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if suffix in TABLE_SUFFIXES:
            frame = read_table(path)
        elif suffix in PARQUET_SUFFIXES:
            frame = _read_parquet(path)
        elif suffix in GDAL_SUFFIXES or path.is_dir():
            frame = _read_gdal(path, layer)
        else:
            raise DataFileError(
                f"'{path.name}' is not a layer format the atlas reads. Use GeoJSON, GeoPackage, "
                "a plain or zipped Shapefile, KML, GeoParquet, or a CSV with longitude/latitude "
                "or WKT columns."
            )
    messages = dict.fromkeys(str(w.message) for w in caught)  # GDAL repeats itself per call
    notes = tuple(Problem("warning", f"While reading the file: {m}") for m in messages)
    return RawLayer(frame, str(path) + (f" (layer '{layer}')" if layer else ""), notes)


def _read_gdal(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    try:
        layers = pyogrio.list_layers(path)
    except (DataSourceError, DataLayerError) as exc:
        raise DataFileError(
            f"Could not open '{path.name}' as a GIS layer ({_gdal_message(exc)}). Check that the "
            "file is complete (a Shapefile needs its .shp, .shx and .dbf side by side, or zipped "
            "together) and in a supported format."
        ) from None
    names = [str(n) for n in layers[:, 0]]
    if layer is None and len(names) > 1:
        raise DataFileError(
            f"'{path.name}' holds {len(names)} layers: {', '.join(names)}. Choose one "
            "(command line: --<layer>-layer NAME; Python: layer=NAME)."
        )
    if layer is not None and layer not in names:
        raise DataFileError(
            f"'{path.name}' has no layer '{layer}'. Its layers are: {', '.join(names)}."
        )
    if not names:
        raise DataFileError(f"'{path.name}' holds no layers.")
    chosen = layer or names[0]
    try:
        # A FileGDB's OBJECTID or a GeoPackage's fid is the feature id, not a field: keep it as
        # a column so it can be mapped (it may be the only id the file has).
        fid = pyogrio.read_info(path, layer=chosen).get("fid_column") or ""
        frame = pyogrio.read_dataframe(path, layer=chosen, fid_as_index=bool(fid))
        if fid and fid not in frame.columns:
            frame = frame.reset_index(names=fid)
        elif fid:
            frame = frame.reset_index(drop=True)
    except (DataSourceError, DataLayerError, ValueError) as exc:
        raise DataFileError(
            f"Could not read '{path.name}' ({_gdal_message(exc)}). The file may be truncated or "
            "corrupt: export it again from the GIS it came from."
        ) from None
    if not isinstance(frame, gpd.GeoDataFrame):
        # A layer with no geometry column (e.g. a non-spatial table in a GeoPackage).
        frame = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([None] * len(frame)))
    return frame


def _gdal_message(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:300]


def _read_parquet(path: Path) -> gpd.GeoDataFrame:
    try:
        return gpd.read_parquet(path)
    except ValueError:
        # Not GeoParquet (no "geo" metadata): a plain table, whose geometry comes from columns.
        pass
    except (OSError, ImportError) as exc:
        raise DataFileError(f"Could not read '{path.name}' as Parquet ({exc}).") from None
    try:
        table = pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise DataFileError(f"Could not read '{path.name}' as Parquet ({exc}).") from None
    return geometry_from_columns(
        table.astype({c: "str" for c in table.columns if table[c].dtype == object}), path.name
    )


def read_table(path: str | Path) -> gpd.GeoDataFrame:
    """Read a CSV whose geometry is in longitude/latitude columns or a WKT column.

    All columns are read as text, so ids such as ``"007"`` keep their leading zeros; counts are
    converted later, by validation, where bad values can be reported.
    """
    path = Path(path)
    sep = "\t" if path.suffix.lower() == ".tsv" else ","
    try:
        try:
            table = pd.read_csv(
                path, dtype=str, keep_default_na=False, sep=sep, encoding="utf-8-sig"
            )
        except UnicodeDecodeError:
            table = pd.read_csv(path, dtype=str, keep_default_na=False, sep=sep, encoding="latin-1")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataFileError(
            f"Could not read '{path.name}' as CSV ({_gdal_message(exc)}). Check that it is a "
            "comma-separated file with one header line."
        ) from None
    if not isinstance(table.index, pd.RangeIndex):
        # pandas makes the leading fields of rows longer than the header into an index.
        raise DataFileError(
            f"Could not read '{path.name}' as CSV: some rows have more values than the header "
            "has columns. A value that holds the separator (such as WKT, "
            "'POLYGON ((1 2, 3 4, …))') must be in double quotes; export the file again with "
            "quoting on."
        )
    table = table.replace({"": None})
    return geometry_from_columns(table, path.name)


def _find(columns: list[str], wanted: str) -> str | None:
    lowered = {c.lower().strip(): c for c in columns}
    return lowered.get(wanted)


def geometry_from_columns(table: pd.DataFrame, name: str) -> gpd.GeoDataFrame:
    """Build point or WKT geometry for a table; cells that do not parse give an empty geometry."""
    columns = [str(c) for c in table.columns]
    for lon_name, lat_name in LONLAT_COLUMNS:
        lon, lat = _find(columns, lon_name), _find(columns, lat_name)
        if lon and lat:
            x = pd.to_numeric(table[lon], errors="coerce").to_numpy(dtype=float)
            y = pd.to_numeric(table[lat], errors="coerce").to_numpy(dtype=float)
            geoms = np.asarray(shapely.points(x, y), dtype=object)
            geoms[np.isnan(x) | np.isnan(y)] = None
            frame = gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(geoms, index=table.index))
            frame.attrs["geometry_from"] = f"columns {lon}/{lat}"
            return frame
    for wkt_name in WKT_COLUMNS:
        col = _find(columns, wkt_name)
        if col:
            text = table[col].astype(object)
            geoms = np.array([_parse_wkt(v) for v in text], dtype=object)
            frame = gpd.GeoDataFrame(
                table.drop(columns=[col]), geometry=gpd.GeoSeries(geoms, index=table.index)
            )
            frame.attrs["geometry_from"] = f"WKT column {col}"
            return frame
    raise DataFileError(
        f"'{name}' has no geometry: the atlas looks for longitude/latitude columns "
        "(lon/lat, lng/lat, longitude/latitude or x/y) or a WKT column (wkt, geometry, geom). "
        f"Its columns are: {', '.join(columns) or '(none)'}. Rename the coordinate columns."
    )


def _parse_wkt(value: object) -> shapely.Geometry | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return shapely.from_wkt(value)
    except shapely.errors.GEOSException:
        return None
