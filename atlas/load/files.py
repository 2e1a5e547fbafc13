"""Reading layers from the files planners and NGOs actually have.

GeoJSON, GeoPackage (one layer chosen), plain or zipped Shapefile (and zipped FileGDB), KML and
other GDAL vector formats go through pyogrio; GeoParquet through pyarrow; CSV (and plain Parquet)
tables get their geometry from longitude/latitude columns or a WKT column. Reading never drops a
row: rows whose geometry cannot be built keep an empty geometry for the validator to report.
Library warnings raised while reading become report entries instead of disappearing.

Names are never changed silently: a Shapefile's or a CSV's text encoding is the one given, else
the one the file declares, else a checked guess that the report names
(:mod:`atlas.load.encodings`). Files GDAL cannot open are looked at first, so that the message
says what is wrong with the file (a password-protected or cut-off zip, a KML declaring a
DOCTYPE, an empty file, a GeoPackage that is not one; :mod:`atlas.load._opening`).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError

from atlas.errors import DataFileError
from atlas.i18n import _
from atlas.load._geometry_parse import (
    GEOMETRY_FAULTS,
    parse_geometries,
    read_features,
    read_geoparquet,
)
from atlas.load._opening import (
    check_xml,
    describe_failure,
    first_not_ascii,
    many_layers,
    ragged_message,
    refuse_empty,
    shapefile_encoding,
    zip_layout,
)
from atlas.load.coordinates import COORDINATE_NOTES, points_from_columns
from atlas.load.encodings import (
    Encoding,
    check_encoding,
    encoding_note,
    text_encoding,
)
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


def read_layer(
    path: str | Path,
    *,
    layer: str | None = None,
    encoding: str | None = None,
    role: str | None = None,
) -> RawLayer:
    """Read one vector layer from ``path``.

    A Shapefile's or a CSV's text is decoded with ``encoding`` when given; else with the
    encoding the file declares (a ``.cpg``, the DBF's language driver, a byte-order mark), else
    a checked guess: valid UTF-8 is UTF-8, other text is read as Windows-1252 with a warning
    naming the choice (see :mod:`atlas.load.encodings`). Names are never changed silently.

    Parameters
    ----------
    path
        A GeoJSON, GeoPackage, Shapefile (plain or zipped), KML, GeoParquet or CSV file.
    layer
        The layer to read from a multi-layer file (GeoPackage, FileGDB, KML). Required when the
        file holds more than one layer.
    encoding
        The text encoding of a Shapefile's DBF or of a CSV (a Python codec name such as
        ``cp1252``), when the file's own or the guessed one is wrong.
    role
        The dataset layer the file is read as (``settlements``…), named by the fixes of the
        problems reported (``encoding={'settlements': …}``).

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
        raise DataFileError(
            _("File not found: '{path}'. Check the path and the file name.", path=path)
        )
    suffix = _suffix(path)
    role = role or "LAYER"
    given = check_encoding(encoding, layer=role) if encoding else None
    refuse_empty(path)
    chosen: tuple[Encoding, bool] | None = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if suffix in TABLE_SUFFIXES:
            frame, text = _read_table(path, given)
            chosen = (text, False)
        elif suffix in PARQUET_SUFFIXES:
            frame = _read_parquet(path)
        elif suffix in GDAL_SUFFIXES or path.is_dir():
            frame, dbf = _read_gdal(path, layer, given, role)
            chosen = (dbf, True) if dbf is not None else None
        else:
            raise DataFileError(
                _(
                    "'{name}' is not a layer format the atlas reads. Use GeoJSON, GeoPackage, a "
                    "plain or zipped Shapefile, KML, GeoParquet, or a CSV with "
                    "longitude/latitude or WKT columns.",
                    name=path.name,
                )
            )
    messages = dict.fromkeys(str(w.message) for w in caught)  # GDAL repeats itself per call
    # TRANSLATORS: {message} is GDAL's own warning, in English.
    notes = [
        Problem("warning", _("While reading the file: {message}", message=m)) for m in messages
    ]
    if given and chosen is None:
        notes.append(
            Problem(
                "info",
                _(
                    "The encoding given ({encoding}) is not used: the text of '{name}' is in the "
                    "encoding its format defines (UTF-8 for GeoJSON and GeoPackage).",
                    encoding=given,
                    name=path.name,
                ),
            )
        )
    if chosen is not None:
        example = first_not_ascii(frame)
        note = encoding_note(chosen[0], path.name, role, example=example, shapefile=chosen[1])
        notes += [note] if note is not None else []
    source = _("{path} (layer '{layer}')", path=path, layer=layer) if layer else str(path)
    return RawLayer(frame, source, tuple(notes))


def _read_gdal(
    path: Path, layer: str | None, encoding: str | None, role: str
) -> tuple[gpd.GeoDataFrame, Encoding | None]:
    """A GDAL layer, and the encoding its Shapefile's text was read with (None: not a
    Shapefile, its text is the format's own, UTF-8)."""
    suffix = _suffix(path)
    check_xml(path, suffix)
    parts = zip_layout(path) if suffix == ".zip" else None
    source = parts.source if parts is not None else path
    try:
        layers = pyogrio.list_layers(source)
    except (DataSourceError, DataLayerError) as exc:
        raise DataFileError(describe_failure(path, suffix, _gdal_message(exc))) from None
    names = [str(n) for n in layers[:, 0]]
    if layer is None and len(names) > 1:
        raise DataFileError(many_layers(path.name, names, role))
    if layer is not None and layer not in names:
        raise DataFileError(
            _(
                "'{name}' has no layer '{layer}'. Its layers are: {layers}.",
                name=path.name,
                layer=layer,
                layers=", ".join(names),
            )
        )
    if not names:
        raise DataFileError(describe_failure(path, suffix, _("no layers")))
    chosen = layer or names[0]
    text = shapefile_encoding(path, suffix, parts, chosen, encoding)
    try:
        # A FileGDB's OBJECTID or a GeoPackage's fid is the feature id, not a field: keep it as
        # a column so it can be mapped (it may be the only id the file has).
        fid = pyogrio.read_info(source, layer=chosen).get("fid_column") or ""
        # Feature by feature when one geometry cannot be built (an unclosed ring, one vertex).
        frame = _read_frame(source, chosen, bool(fid), text.encoding if text else None)
        if fid and fid not in frame.columns:
            frame = frame.reset_index(names=fid)
        elif fid:
            frame = frame.reset_index(drop=True)
    except UnicodeDecodeError as exc:
        raise DataFileError(
            _(
                "Could not read the names in '{name}' as {encoding} (byte {byte} is not "
                "{encoding}): choose the file's real encoding (cp1252 is the commonest for files "
                "from Windows GIS).",
                name=path.name,
                encoding=exc.encoding,
                byte=f"0x{exc.object[exc.start]:02X}",
            )
        ) from None
    except (DataSourceError, DataLayerError, ValueError) as exc:
        raise DataFileError(
            _(
                "Could not read '{name}' ({error}). The file may be truncated or corrupt: "
                "export it again from the GIS it came from.",
                name=path.name,
                error=_gdal_message(exc),
            )
        ) from None
    if not isinstance(frame, gpd.GeoDataFrame):
        # A layer with no geometry column (e.g. a non-spatial table in a GeoPackage).
        frame = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([None] * len(frame)))
    return frame, text


def _read_frame(
    source: Path, layer: str, fid_as_index: bool, encoding: str | None
) -> gpd.GeoDataFrame:
    """The layer's features, its text decoded with ``encoding`` (GDAL's own choice for None)."""
    if encoding is None:
        return read_features(source, layer, fid_as_index=fid_as_index)
    try:
        return pyogrio.read_dataframe(
            source, layer=layer, fid_as_index=fid_as_index, encoding=encoding
        )
    except shapely.errors.GEOSException:
        pass
    # A geometry that cannot be built: the geometries read one by one, the text as chosen.
    shapes = read_features(source, layer, fid_as_index=fid_as_index)
    table = pyogrio.read_dataframe(
        source, layer=layer, fid_as_index=fid_as_index, encoding=encoding, read_geometry=False
    )
    frame = gpd.GeoDataFrame(table, geometry=shapes.geometry.to_numpy(), crs=shapes.crs)
    frame.attrs.update(shapes.attrs)
    return frame


def _gdal_message(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:300]


def _read_parquet(path: Path) -> gpd.GeoDataFrame:
    try:
        # Geometry by geometry when one cannot be built (an unclosed ring, one vertex).
        return read_geoparquet(path)
    except ValueError:
        # Not GeoParquet (no "geo" metadata): a plain table, whose geometry comes from columns.
        pass
    except (OSError, ImportError) as exc:
        raise DataFileError(_parquet_error(path, exc)) from None
    try:
        table = pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise DataFileError(_parquet_error(path, exc)) from None
    return geometry_from_columns(
        table.astype({c: "str" for c in table.columns if table[c].dtype == object}), path.name
    )


def _parquet_error(path: Path, exc: Exception) -> str:
    return _("Could not read '{name}' as Parquet ({error}).", name=path.name, error=exc)


def read_table(path: str | Path, *, encoding: str | None = None) -> gpd.GeoDataFrame:
    """Read a CSV whose geometry is in longitude/latitude columns or a WKT column.

    All columns are read as text, so ids such as ``"007"`` keep their leading zeros; counts are
    converted later, by validation, where bad values can be reported. The text is decoded with
    ``encoding`` when given, else as its byte-order mark says, else as UTF-8 when it is valid
    UTF-8, else as Windows-1252 (:func:`read_layer` reports that guess).
    """
    return _read_table(Path(path), check_encoding(encoding) if encoding else None)[0]


def _read_table(path: Path, encoding: str | None) -> tuple[gpd.GeoDataFrame, Encoding]:
    sep = "\t" if path.suffix.lower() == ".tsv" else ","
    data = path.read_bytes()
    chosen = Encoding(encoding, "given") if encoding else text_encoding(data)
    if encoding is None and b"\x00" in data and "16" not in chosen.encoding:
        raise DataFileError(
            _(
                "'{name}' is not a text file: it holds binary data (zero bytes), not "
                "comma-separated values. Check that this is the file you meant, or save the "
                "table from your spreadsheet as “CSV (comma delimited)”.",
                name=path.name,
            )
        )
    try:
        text = data.decode(chosen.encoding)
    except UnicodeDecodeError as exc:
        raise DataFileError(
            _(
                "'{name}' is not {encoding} text (byte {byte} cannot be read as it). Choose the "
                "file's real encoding, or save it again as UTF-8 CSV.",
                name=path.name,
                encoding=chosen.encoding,
                byte=exc.start + 1,
            )
        ) from None
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=sep)
    except pd.errors.EmptyDataError:
        raise DataFileError(
            _(
                "'{name}' holds no table: it has no header line with column names. Save the "
                "table again as CSV, with the column names in its first line.",
                name=path.name,
            )
        ) from None
    except pd.errors.ParserError as exc:
        raise DataFileError(ragged_message(path.name, str(exc))) from None
    if not isinstance(table.index, pd.RangeIndex):
        # pandas makes the leading fields of rows longer than the header into an index.
        raise DataFileError(
            _(
                "Could not read '{name}' as CSV: some rows have more values than the header has "
                "columns. A value that holds the separator (such as WKT, "
                "'POLYGON ((1 2, 3 4, …))') must be in double quotes; export the file again with "
                "quoting on.",
                name=path.name,
            )
        )
    table = table.replace({"": None})
    return geometry_from_columns(table, path.name), chosen


def _find(columns: list[str], wanted: str) -> str | None:
    lowered = {c.lower().strip(): c for c in columns}
    return lowered.get(wanted)


def geometry_from_columns(table: pd.DataFrame, name: str) -> gpd.GeoDataFrame:
    """Build point or WKT geometry for a table; cells that do not parse give an empty geometry."""
    columns = [str(c) for c in table.columns]
    for lon_name, lat_name in LONLAT_COLUMNS:
        lon, lat = _find(columns, lon_name), _find(columns, lat_name)
        if lon and lat:
            # Decimal commas and degrees-minutes-seconds are read, and said (coordinates.py).
            geoms, faults, notes = points_from_columns(table, lon, lat)
            frame = gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(geoms, index=table.index))
            frame.attrs["geometry_from"] = f"columns {lon}/{lat}"
            frame.attrs[GEOMETRY_FAULTS] = faults
            frame.attrs[COORDINATE_NOTES] = notes
            return frame
    for wkt_name in WKT_COLUMNS:
        col = _find(columns, wkt_name)
        if col:
            text = table[col].astype(object)
            geoms, faults = parse_geometries(text, table.index, _parse_wkt)
            frame = gpd.GeoDataFrame(
                table.drop(columns=[col]), geometry=gpd.GeoSeries(geoms, index=table.index)
            )
            frame.attrs["geometry_from"] = f"WKT column {col}"  # i18n-ignore: data (attrs)
            frame.attrs[GEOMETRY_FAULTS] = faults
            return frame
    raise DataFileError(
        _(
            "'{name}' has no geometry: the atlas looks for longitude/latitude columns (lon/lat, "
            "lng/lat, longitude/latitude or x/y) or a WKT column (wkt, geometry, geom). Its "
            "columns are: {columns}. Rename the coordinate columns.",
            name=name,
            columns=", ".join(columns) or _("(none)"),
        )
    )


def _parse_wkt(
    value: object, on_invalid: Literal["raise", "fix"] = "raise"
) -> shapely.Geometry | None:
    """A WKT cell's geometry (None for an empty cell). Raises GEOSException for text that is
    not WKT, or WKT that GEOS cannot build (see :func:`parse_geometries`)."""
    if not isinstance(value, str) or not value.strip():
        return None
    return shapely.from_wkt(value, on_invalid=on_invalid)
