"""Exporting the joined result: GeoJSON, GeoPackage, CSV, GeoParquet and a standalone HTML map.

Researchers take the data to QGIS and notebooks, cluster members take a map to a meeting with
no internet. Every format carries the same rows and values, from :func:`export_layers`:

* ``settlements``: the canonical fields and every gap field, ``ward_ids`` and ``ward_shares``
  as text joined with ``;``, the polygon;
* ``services``: the service fields with the ``settlement_id`` each point is attributed to and its
  ``distance_m``, the point;
* ``wards``: the ward fields and polygon (only when the dataset has wards);
* ``clusters``: the cluster summary, a table without geometry.

Counts are integers (nullable where a value can be missing), ratios, shares and distances are
floats, flags are booleans and names are text. Households and population are whole numbers:
an estimate (``demand_estimated``) is rounded to the nearest household or person, while the gap
fields are computed from the unrounded estimate.

Where files go (:func:`output_paths`): ``output`` is a folder when it already is one, ends in
``/`` or has no suffix, and the files take their default names inside it (created if missing)::

    geojson   settlements.geojson services.geojson wards.geojson clusters.json
    gpkg      atlas.gpkg (layers settlements, services, wards, clusters)
    csv       settlements.csv (with a WKT geometry column named ``wkt``) clusters.csv
    parquet   settlements.parquet services.parquet wards.parquet (GeoParquet) clusters.parquet
    html      atlas.html

Otherwise ``output`` is a file name whose suffix must suit the format. A single-file format
(gpkg, html) writes exactly there; a multi-file format uses its stem as a prefix:
``out/joburg.geojson`` gives ``out/joburg_settlements.geojson``, ``out/joburg_services.geojson``,
``out/joburg_wards.geojson`` and ``out/joburg_clusters.json``. Existing files are replaced.
"""

from __future__ import annotations

import dataclasses
import html
import io
import json
import math
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from atlas.analysis import GapResult
from atlas.crs import STORAGE_CRS
from atlas.dataset import Dataset
from atlas.errors import SchemaError
from atlas.export import to_feature_collection, typed_records
from atlas.gaps import ESTIMATE_COLUMNS, category_columns
from atlas.schema import layer_spec

__all__ = [
    "CLUSTER_FIELDS",
    "DELIVERY_FIELDS",
    "FORMATS",
    "SERVICE_FIELDS",
    "SETTLEMENT_FIELDS",
    "Download",
    "export_layers",
    "export_zip",
    "fields_of",
    "filter_clusters",
    "output_paths",
    "to_download",
    "write_export",
]

#: Export formats, in the order the command line and the app offer them.
FORMATS = ("geojson", "gpkg", "csv", "parquet", "html")

#: Settlement fields before the per-category gap fields.
SETTLEMENT_FIELDS = (
    "settlement_id",
    "name",
    "cluster",
    "ward_id",
    "ward_ids",
    "ward_shares",
    "households",
    "population",
    "demand_estimated",
    "demand_missing",
)
#: Cluster fields before the per-category gap fields.
CLUSTER_FIELDS = ("cluster", "settlements", "households", "population", "demand_missing")


def fields_of(table: pd.DataFrame, fields: Sequence[str]) -> list[str]:
    """``fields`` (:data:`SETTLEMENT_FIELDS` or :data:`CLUSTER_FIELDS`) with the population
    raster's :data:`~atlas.gaps.ESTIMATE_COLUMNS` after ``population`` when ``table`` has them."""
    extra = [c for c in ESTIMATE_COLUMNS if c in table]
    at = list(fields).index("population") + 1
    return [*fields[:at], *extra, *fields[at:]]


#: Service point fields: the canonical ones, then the attribution.
SERVICE_FIELDS = (
    "service_id",
    "category",
    "kind",
    "status",
    "provider",
    "settlement_id",
    "distance_m",
)

#: Water delivery fields joined from a compliance table (:func:`atlas.schedules.compliance`):
#: scheduled deliveries, those on time and in full (counts) and their share (0-1, empty when
#: nothing was scheduled).
DELIVERY_FIELDS = ("delivery_scheduled", "delivery_on_time_in_full", "delivery_compliance")

#: Counts that may be estimated (fractional): exported rounded to whole numbers.
_WHOLE = ("households", "population")
#: Text fields of every layer.
_TEXT = frozenset(
    {
        "settlement_id",
        "name",
        "cluster",
        "ward_id",
        "service_id",
        "category",
        "kind",
        "status",
        "provider",
        "municipality",
        "councillor",
    }
)
#: Suffixes of count fields (integers, missing where unknown).
_COUNTS = ("_working", "_broken", "_unknown", "_needed", "_gap", "settlements")
#: Fields holding lists, exported as text joined with this separator.
_LISTS = ("ward_ids", "ward_shares")
_SEPARATOR = ";"

#: Per format: each layer's file name in a folder (``None``: every layer in one file).
_FILES: dict[str, dict[str, str] | str] = {
    "geojson": {
        "settlements": "settlements.geojson",
        "services": "services.geojson",
        "wards": "wards.geojson",
        "clusters": "clusters.json",
    },
    "gpkg": "atlas.gpkg",
    "csv": {"settlements": "settlements.csv", "clusters": "clusters.csv"},
    "parquet": {
        "settlements": "settlements.parquet",
        "services": "services.parquet",
        "wards": "wards.parquet",
        "clusters": "clusters.parquet",
    },
    "html": "atlas.html",
}
#: Suffixes an output file name may have, per format.
_SUFFIXES = {
    "geojson": (".geojson", ".json"),
    "gpkg": (".gpkg",),
    "csv": (".csv",),
    "parquet": (".parquet",),
    "html": (".html", ".htm"),
}
_MIME = {
    "gpkg": "application/geopackage+sqlite3",
    "html": "text/html",
    "zip": "application/zip",
}
#: Geometry type of an empty layer (a non-empty one is inferred from its geometries).
_EMPTY_GEOMETRY = {"settlements": "Polygon", "services": "Point", "wards": "Polygon"}


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise SchemaError(f"Unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}.")


def _chosen(clusters: Sequence[str] | str | None) -> list[str]:
    if clusters is None:
        return []
    # A lone name is a Sequence[str] too: do not read "K1" as the clusters "K" and "1".
    return [clusters] if isinstance(clusters, str) else list(dict.fromkeys(clusters))


def filter_clusters(result: GapResult, clusters: Sequence[str] | str | None) -> GapResult:
    """The part of ``result`` that concerns the chosen clusters.

    Parameters
    ----------
    result
        A gap result (:func:`atlas.compute_gaps`); not modified.
    clusters
        Cluster names; None or an empty sequence keeps everything (``result`` itself is
        returned). A single string is one cluster name.

    Returns
    -------
    GapResult
        The chosen clusters' settlements, the service points attributed to them, their ward
        overlaps and the chosen rows of the cluster summary (each frame indexed as before).

    Raises
    ------
    SchemaError
        A name is not a cluster of ``result``; the message lists the clusters there are.
    """
    chosen = _chosen(clusters)
    if not chosen:
        return result
    known = sorted(str(c) for c in result.settlements["cluster"].dropna().unique())
    unknown = [c for c in chosen if c not in known]
    if unknown:
        raise SchemaError(
            f"No cluster called {', '.join(repr(c) for c in unknown)} in this dataset; "
            f"the clusters are: {', '.join(repr(c) for c in known) or 'none (no settlement has a cluster)'}."
        )
    settlements = result.settlements[result.settlements["cluster"].isin(chosen).to_numpy(bool)]
    ids = settlements["settlement_id"]
    return dataclasses.replace(
        result,
        settlements=settlements.copy(),
        services=result.services[result.services["settlement_id"].isin(ids).to_numpy(bool)].copy(),
        ward_overlaps=result.ward_overlaps[
            result.ward_overlaps["settlement_id"].isin(ids).to_numpy(bool)
        ].copy(),
        clusters=result.clusters[result.clusters["cluster"].isin(chosen).to_numpy(bool)].copy(),
    )


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _text(values: pd.Series) -> pd.Series:
    return pd.Series(
        [None if _missing(v) else str(v) for v in values], index=values.index, dtype="string"
    )


def _joined(values: pd.Series) -> pd.Series:
    def join(items: object) -> str | None:
        if not isinstance(items, list | tuple | np.ndarray) or len(items) == 0:
            return None
        return _SEPARATOR.join(
            str(round(float(x), 4)) if isinstance(x, float | np.floating) else str(x) for x in items
        )

    return pd.Series([join(v) for v in values], index=values.index, dtype="string")


def _column(values: pd.Series, name: str) -> pd.Series:
    """One export column with its proper type (by field, so an all-empty column keeps it)."""
    if name in _LISTS:
        return _joined(values)
    if name in _TEXT:
        return _text(values)
    numbers = values if pd.api.types.is_numeric_dtype(values.dtype) else values.infer_objects()
    if name in _WHOLE:
        floats = pd.to_numeric(numbers, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        # Half up: 30.5 households is shown as 31, as a person would round it.
        return pd.Series(np.floor(floats + 0.5), index=values.index).astype("Int64")
    if pd.api.types.is_bool_dtype(numbers.dtype):
        return numbers.astype(bool) if not numbers.isna().any() else numbers.astype("boolean")
    if name.endswith(_COUNTS) or pd.api.types.is_integer_dtype(numbers.dtype):
        if pd.api.types.is_integer_dtype(numbers.dtype):
            return numbers.copy()
        return pd.to_numeric(numbers, errors="coerce").astype("Int64")
    return pd.to_numeric(numbers, errors="coerce").astype("float64")


def _table(frame: pd.DataFrame, names: Sequence[str]) -> dict[str, pd.Series]:
    return {
        name: _column(frame[name], name)
        if name in frame
        else pd.Series(None, index=frame.index, dtype="string")
        for name in names
    }


def _layer(frame: gpd.GeoDataFrame, names: Sequence[str]) -> gpd.GeoDataFrame:
    geometry = frame.geometry
    if geometry.crs is None or geometry.crs != STORAGE_CRS:
        geometry = geometry.set_crs(STORAGE_CRS) if geometry.crs is None else geometry.to_crs(4326)
    return gpd.GeoDataFrame(_table(frame, names), geometry=geometry.copy(), crs=STORAGE_CRS)


def _delivery_counts(compliance: pd.DataFrame) -> pd.DataFrame:
    """``scheduled`` and ``delivered`` per settlement id, from a settlement compliance table."""
    missing = [c for c in ("settlement_id", "scheduled", "delivered") if c not in compliance]
    if missing:
        raise SchemaError(
            f"The delivery compliance table has no {', '.join(missing)} column: pass the "
            "settlement level of atlas.schedules.compliance(outcomes, 'settlement')."
        )
    table = compliance[["settlement_id", "scheduled", "delivered"]].dropna(subset=["settlement_id"])
    counts = table.assign(settlement_id=table["settlement_id"].astype(str))
    return counts.groupby("settlement_id")[["scheduled", "delivered"]].sum()


def _delivery_fields(keys: pd.Series, counts: pd.DataFrame) -> dict[str, pd.Series]:
    """The :data:`DELIVERY_FIELDS` of each key (a key not in ``counts`` had nothing scheduled)."""
    text = pd.Series([None if _missing(k) else str(k) for k in keys], index=keys.index)
    scheduled = pd.to_numeric(text.map(counts["scheduled"]), errors="coerce").fillna(0)
    delivered = pd.to_numeric(text.map(counts["delivered"]), errors="coerce").fillna(0)
    share = (delivered / scheduled.where(scheduled > 0)).round(4)
    return {
        "delivery_scheduled": scheduled.astype("int64"),
        "delivery_on_time_in_full": delivered.astype("int64"),
        "delivery_compliance": share.astype("float64"),
    }


def _join_deliveries(
    layers: dict[str, pd.DataFrame], settlements: pd.DataFrame, compliance: pd.DataFrame
) -> None:
    """Add :data:`DELIVERY_FIELDS` to the settlements and clusters layers (in place)."""
    counts = _delivery_counts(compliance)
    frame = layers["settlements"]
    for name, values in _delivery_fields(frame["settlement_id"], counts).items():
        frame[name] = values
    # The geometry stays the last column, as without the delivery fields.
    shapes = frame.geometry.name
    layers["settlements"] = frame[[*(c for c in frame.columns if c != shapes), shapes]]
    if "cluster" not in settlements or "cluster" not in layers["clusters"]:
        return
    membership = pd.DataFrame(
        {
            "settlement_id": settlements["settlement_id"].astype(str).to_numpy(),
            "cluster": settlements["cluster"].to_numpy(dtype=object),
        }
    ).dropna(subset=["cluster"])
    joined = membership.join(counts, on="settlement_id", how="inner")
    joined["cluster"] = joined["cluster"].astype(str)
    per_cluster = joined.groupby("cluster")[["scheduled", "delivered"]].sum()
    table = layers["clusters"]
    for name, values in _delivery_fields(table["cluster"], per_cluster).items():
        table[name] = values


def export_layers(
    result: GapResult,
    dataset: Dataset,
    *,
    clusters: Sequence[str] | str | None = None,
    compliance: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """The joined result as export-ready frames with proper field types.

    Parameters
    ----------
    result
        The gap result of ``dataset`` (:func:`atlas.compute_gaps`); not modified.
    dataset
        The dataset measured (for its wards); not modified.
    clusters
        Export only these clusters (see :func:`filter_clusters`): their settlements, the
        service points attributed to them, the wards they overlap and their summary rows.
    compliance
        Water delivery compliance per settlement (the ``settlement`` level of
        :func:`atlas.schedules.compliance`). When given, the settlements and the clusters get
        the :data:`DELIVERY_FIELDS`: ``delivery_scheduled`` and ``delivery_on_time_in_full``
        (counts; 0 where nothing was scheduled) and ``delivery_compliance`` (their share, 0-1,
        empty where nothing was scheduled); a cluster sums its settlements.

    Returns
    -------
    dict of str to DataFrame
        ``settlements``, ``services``, ``wards`` (GeoDataFrames in EPSG:4326; ``wards`` only
        when the dataset has wards) and ``clusters`` (a DataFrame), in that order. Text fields
        have the ``string`` dtype, counts ``int64`` or nullable ``Int64``, measures ``float64``,
        flags ``bool``; ``ward_ids`` and ``ward_shares`` are text joined with ``;``.

    Raises
    ------
    SchemaError
        An unknown cluster name, or a compliance table without ``settlement_id``,
        ``scheduled`` and ``delivered``.
    """
    chosen = filter_clusters(result, clusters)
    measured = category_columns(result.standard)
    layers: dict[str, pd.DataFrame] = {
        "settlements": _layer(
            chosen.settlements, [*fields_of(chosen.settlements, SETTLEMENT_FIELDS), *measured]
        ),
        "services": _layer(chosen.services, SERVICE_FIELDS),
    }
    if dataset.wards is not None:
        wards = dataset.wards
        if _chosen(clusters):
            touched = chosen.ward_overlaps["ward_id"]
            wards = wards[wards["ward_id"].isin(touched).to_numpy(bool)]
        names = [f.name for f in layer_spec("wards").fields]
        layers["wards"] = _layer(wards, names)
    layers["clusters"] = pd.DataFrame(
        _table(chosen.clusters, [*fields_of(chosen.clusters, CLUSTER_FIELDS), *measured]),
        index=chosen.clusters.index,
    )
    if compliance is not None:
        _join_deliveries(layers, chosen.settlements, compliance)
    return layers


def output_paths(
    fmt: str, output: str | Path, layers: Sequence[str] = ("settlements", "services", "wards")
) -> dict[str, Path]:
    """Where :func:`write_export` puts each layer (see the module notes for the rule).

    Parameters
    ----------
    fmt
        One of :data:`FORMATS`.
    output
        A folder (existing, ending in ``/`` or without a suffix) or a file name.
    layers
        The layers to place (``clusters`` is always added).

    Returns
    -------
    dict of str to Path
        Layer name -> file; single-file formats give every layer the same file.

    Raises
    ------
    SchemaError
        Unknown format, or a file name whose suffix does not suit the format.
    """
    _check_format(fmt)
    names = [*dict.fromkeys([*layers, "clusters"])]
    files = _FILES[fmt]
    text = str(output)
    path = Path(output)
    if text.endswith(("/", "\\")) or path.is_dir() or not path.suffix:
        if isinstance(files, str):
            return {name: path / files for name in names}
        return {name: path / files[name] for name in names if name in files}
    if path.suffix.lower() not in _SUFFIXES[fmt]:
        raise SchemaError(
            f"'{path.name}' does not suit the {fmt} format: give a file name ending in "
            f"{' or '.join(_SUFFIXES[fmt])}, or a folder for the files."
        )
    if isinstance(files, str):
        return dict.fromkeys(names, path)
    return {name: path.with_name(f"{path.stem}_{files[name]}") for name in names if name in files}


def _wkt(geometry: gpd.GeoSeries, precision: int) -> pd.Series:
    texts = shapely.to_wkt(geometry.to_numpy(), rounding_precision=precision, trim=True)
    return pd.Series(texts, index=geometry.index, dtype="string")


def _write_csv(table: pd.DataFrame, path: Path) -> None:
    table.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def _write_gpkg(layers: Mapping[str, pd.DataFrame], path: Path) -> None:
    # A fresh file: an old one could hold layers of another dataset (e.g. wards).
    path.unlink(missing_ok=True)
    for name, frame in layers.items():
        options: dict[str, Any] = {}
        if isinstance(frame, gpd.GeoDataFrame) and len(frame) == 0:
            options["geometry_type"] = _EMPTY_GEOMETRY[name]
        # A frame without geometry becomes a GeoPackage attributes table (no geometry column).
        pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", **options)


def _write_html(
    result: GapResult,
    dataset: Dataset,
    layers: Mapping[str, pd.DataFrame],
    path: Path,
    category: str | None,
    metric: str,
    title: str,
) -> None:
    # layers/ draws; importing it here keeps `import atlas` free of folium for the library user.
    from branca.element import Figure

    from layers.maps import build_map, standalone_html

    categories = list(result.standard.categories)
    if category is None:
        category = "water" if "water" in categories else categories[0]
    wards = dataset.wards
    if wards is not None and "wards" in layers:
        wards = wards.loc[layers["wards"].index]
    m = build_map(
        result.settlements,
        result.services,
        wards,
        metric=metric,
        category=category,
        standard=result.standard,
    )
    # The figure's title goes into <title> as it is: escape it, it holds user text.
    root = m.get_root()
    if isinstance(root, Figure):
        root.title = html.escape(title)
    path.write_text(standalone_html(m), encoding="utf-8")


def write_export(
    result: GapResult,
    dataset: Dataset,
    fmt: str,
    output: str | Path,
    *,
    clusters: Sequence[str] | str | None = None,
    category: str | None = None,
    metric: str = "gap",
    precision: int = 6,
    compliance: pd.DataFrame | None = None,
) -> list[Path]:
    """Write the joined result in one format.

    Parameters
    ----------
    result
        The gap result of ``dataset``; not modified.
    dataset
        The dataset measured; not modified.
    fmt
        ``geojson`` (RFC 7946, one file per layer, the cluster summary as a JSON list of
        records), ``gpkg`` (one GeoPackage: layers settlements, services, wards and the
        attributes table clusters), ``csv`` (settlements with a WKT column ``wkt``, and the
        cluster summary), ``parquet`` (GeoParquet per layer, the cluster summary as plain
        Parquet) or ``html`` (a standalone map that opens from disk with no internet).
    output
        A folder or a file name (see :func:`output_paths`); missing folders are created.
    clusters
        Export only these clusters (see :func:`export_layers`).
    category, metric
        What the HTML map colours the settlements by (default: water, gap).
    precision
        Decimal places of coordinates in the text formats (GeoJSON and the CSV's WKT; 6 is
        about 0.1 m). GeoPackage and GeoParquet keep full precision.
    compliance
        Water delivery compliance per settlement, joined as in :func:`export_layers`.

    Returns
    -------
    list of Path
        The files written, settlements first.

    Raises
    ------
    SchemaError
        Unknown format or cluster, or an output name that does not suit the format.
    layers.assets.AssetError
        ``html`` when the map assets are not installed (``python -m layers.assets``).
    """
    _check_format(fmt)
    layers = export_layers(result, dataset, clusters=clusters, compliance=compliance)
    spatial = [name for name in layers if name != "clusters"]
    paths = output_paths(fmt, output, spatial)
    for path in set(paths.values()):
        path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "geojson":
        for name, frame in layers.items():
            if isinstance(frame, gpd.GeoDataFrame):
                text = to_feature_collection(frame, precision=precision)
            else:
                text = json.dumps(
                    typed_records(frame), ensure_ascii=False, indent=1, allow_nan=False
                )
            paths[name].write_text(text + "\n", encoding="utf-8")
    elif fmt == "gpkg":
        _write_gpkg(layers, paths["settlements"])
    elif fmt == "csv":
        settlements = layers["settlements"]
        table = pd.DataFrame(settlements.drop(columns="geometry"))
        table["wkt"] = _wkt(settlements.geometry, precision)
        _write_csv(table, paths["settlements"])
        _write_csv(layers["clusters"], paths["clusters"])
    elif fmt == "parquet":
        for name, frame in layers.items():
            frame.to_parquet(paths[name], index=False)
    else:
        chosen = filter_clusters(result, clusters)
        what = ", ".join(_chosen(clusters)) or dataset.name or "all settlements"
        title = f"Settlement Atlas: {what} ({result.standard.name})"
        _write_html(chosen, dataset, layers, paths["settlements"], category, metric, title)
    return list(dict.fromkeys(paths[name] for name in paths))


def export_zip(
    result: GapResult,
    dataset: Dataset,
    fmt: str,
    *,
    clusters: Sequence[str] | str | None = None,
    category: str | None = None,
    metric: str = "gap",
    compliance: pd.DataFrame | None = None,
) -> bytes:
    """The files of :func:`write_export` as a zip archive in memory (for a download button).

    The files take their default names (``settlements.geojson``, ``atlas.gpkg``…) at the top
    of the archive; their timestamps are fixed, so the same export gives the same bytes.

    Parameters
    ----------
    result, dataset, fmt, clusters, category, metric, compliance
        As for :func:`write_export`.

    Returns
    -------
    bytes
        The zip archive.
    """
    _check_format(fmt)
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="atlas-export-") as folder:
        files = write_export(
            result,
            dataset,
            fmt,
            Path(folder),
            clusters=clusters,
            category=category,
            metric=metric,
            compliance=compliance,
        )
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                info = zipfile.ZipInfo(path.name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


class Download(NamedTuple):
    """A file for a download button: its name, contents and media type."""

    file_name: str
    data: bytes
    mime: str


def to_download(
    result: GapResult,
    dataset: Dataset,
    fmt: str,
    *,
    clusters: Sequence[str] | str | None = None,
    category: str | None = None,
    metric: str = "gap",
    stem: str = "atlas",
    compliance: pd.DataFrame | None = None,
) -> Download:
    """One file to offer for download: the file itself for gpkg and html, else a zip.

    Parameters
    ----------
    result, dataset, fmt, clusters, category, metric, compliance
        As for :func:`write_export`.
    stem
        The downloaded file's name without suffix.

    Returns
    -------
    Download
        ``(file_name, data, mime)``, e.g. ``("atlas-geojson.zip", b"PK…", "application/zip")``
        or ``("atlas.gpkg", b"SQLite format 3…", "application/geopackage+sqlite3")``.
    """
    _check_format(fmt)
    if isinstance(_FILES[fmt], str):
        with tempfile.TemporaryDirectory(prefix="atlas-export-") as folder:
            (path,) = write_export(
                result,
                dataset,
                fmt,
                Path(folder) / f"{stem}{_SUFFIXES[fmt][0]}",
                clusters=clusters,
                category=category,
                metric=metric,
                compliance=compliance,
            )
            return Download(path.name, path.read_bytes(), _MIME[fmt])
    data = export_zip(
        result,
        dataset,
        fmt,
        clusters=clusters,
        category=category,
        metric=metric,
        compliance=compliance,
    )
    return Download(f"{stem}-{fmt}.zip", data, _MIME["zip"])
