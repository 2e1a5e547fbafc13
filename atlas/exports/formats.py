"""Writing the export layers in each data format: GeoJSON, GeoPackage, CSV and GeoParquet.

Every format carries the same rows and values (:func:`~atlas.exports.export_layers`) and the
same record of how the export was made (:mod:`atlas.exports.provenance`). Lists
(``ward_ids``, ``ward_shares``) are JSON arrays in GeoJSON and list columns in GeoParquet; CSV
and GeoPackage, which hold no lists, have them as text joined with ``;``.

In CSV only, a text cell (or column name) that a spreadsheet would run as a formula, beginning
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, gets a leading ``'``; numbers are
never changed (:mod:`atlas.load.cells`). GeoJSON, GeoPackage and GeoParquet keep the text
as it is.

The standalone HTML map is a drawing: ``layers.standalone.write_output`` writes it, and every
other format through :func:`write_export`.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pyogrio
import shapely

from atlas.errors import SchemaError
from atlas.exports.fields import joined_lists
from atlas.exports.paths import DATA_FORMATS, check_format, output_paths
from atlas.exports.provenance import (
    METADATA_KEY,
    export_metadata,
    metadata_json,
    metadata_path,
    write_gpkg_metadata,
)
from atlas.exports.records import to_feature_collection, typed_records
from atlas.exports.tables import export_layers
from atlas.i18n import _
from atlas.load.cells import guard_frame
from atlas.load.dataset import Dataset
from atlas.measure.pipeline import GapResult
from atlas.writing import make_parents, write_file, writing

__all__ = ["write_export"]

#: Geometry type of an empty layer (a non-empty one is inferred from its geometries).
_EMPTY_GEOMETRY = {
    "settlements": "Polygon",  # i18n-ignore: a geometry type of OGR
    "services": "Point",  # i18n-ignore: a geometry type of OGR
    "wards": "Polygon",  # i18n-ignore: a geometry type of OGR
}
#: The Arrow types of the list fields in GeoParquet (so an empty layer has them too).
_LIST_TYPES = {"ward_ids": pa.list_(pa.string()), "ward_shares": pa.list_(pa.float64())}

Layers = Mapping[str, pd.DataFrame]
Record = Mapping[str, Any]


def _write_geojson(
    layers: Layers, paths: Mapping[str, Path], precision: int, record: Record
) -> list[Path]:
    for name, frame in layers.items():
        if isinstance(frame, gpd.GeoDataFrame):
            text = to_feature_collection(frame, precision=precision, members={METADATA_KEY: record})
        else:
            text = json.dumps(typed_records(frame), ensure_ascii=False, indent=1, allow_nan=False)
        write_file(paths[name], text + "\n")
    return [paths[name] for name in layers]


def _write_gpkg(
    layers: Layers, paths: Mapping[str, Path], precision: int, record: Record
) -> list[Path]:
    # Full precision: `precision` is for the text formats only.
    with writing(paths["settlements"]) as path:
        # A fresh file: an old one could hold layers of another dataset (e.g. wards).
        path.unlink(missing_ok=True)
        for name, frame in layers.items():
            options: dict[str, Any] = {}
            if isinstance(frame, gpd.GeoDataFrame) and len(frame) == 0:
                options["geometry_type"] = _EMPTY_GEOMETRY[name]
            # A frame without geometry becomes a GeoPackage attributes table (no geometry column).
            pyogrio.write_dataframe(joined_lists(frame), path, layer=name, driver="GPKG", **options)
        write_gpkg_metadata(path, record, list(layers))
    return [paths["settlements"]]


def _csv(table: pd.DataFrame, path: Path, record: Record) -> list[Path]:
    # Text a spreadsheet would run as a formula is guarded here only: the other formats keep it.
    with writing(path) as target:
        guard_frame(table).to_csv(target, index=False, encoding="utf-8", lineterminator="\n")
    beside = write_file(metadata_path(path), metadata_json(record, indent=1) + "\n")
    return [path, beside]


def _write_csv(
    layers: Layers, paths: Mapping[str, Path], precision: int, record: Record
) -> list[Path]:
    settlements = layers["settlements"]
    table = pd.DataFrame(joined_lists(settlements).drop(columns=settlements.geometry.name))
    texts = shapely.to_wkt(settlements.geometry.to_numpy(), rounding_precision=precision, trim=True)
    table["wkt"] = pd.Series(texts, index=settlements.index, dtype="string")
    return [
        *_csv(table, paths["settlements"], record),
        *_csv(joined_lists(layers["clusters"]), paths["clusters"], record),
    ]


def _arrow_table(frame: pd.DataFrame, record: Record) -> pa.Table:
    """The frame as an Arrow table (GeoParquet's ``geo`` metadata for a layer), with typed
    list columns and the record under the key ``atlas``."""
    if isinstance(frame, gpd.GeoDataFrame):
        # geopandas writes the GeoParquet metadata; read back in memory to add ours.
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        buffer.seek(0)
        table = pq.read_table(buffer)
    else:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    for name, kind in _LIST_TYPES.items():
        if name in table.column_names and table.schema.field(name).type != kind:
            i = table.column_names.index(name)
            table = table.set_column(i, pa.field(name, kind), table.column(name).cast(kind))
    schema_metadata = dict(table.schema.metadata or {})
    schema_metadata[METADATA_KEY.encode()] = metadata_json(record).encode("utf-8")
    return table.replace_schema_metadata(schema_metadata)


def _write_parquet(
    layers: Layers, paths: Mapping[str, Path], precision: int, record: Record
) -> list[Path]:
    # Full precision: `precision` is for the text formats only.
    for name, frame in layers.items():
        with writing(paths[name]) as target:
            pq.write_table(_arrow_table(frame, record), target)
    return [paths[name] for name in layers]


#: The data formats' writers: (layers, file per layer, decimal places of text coordinates,
#: the export's record) -> the files written, settlements first.
_WRITERS: dict[str, Callable[[Layers, Mapping[str, Path], int, Record], list[Path]]] = {
    "geojson": _write_geojson,
    "gpkg": _write_gpkg,
    "csv": _write_csv,
    "parquet": _write_parquet,
}


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
    source_columns: bool = True,
) -> list[Path]:
    """Write the joined result in one data format, with the record of how it was made.

    Parameters
    ----------
    result
        The gap result of ``dataset``; not modified.
    dataset
        The dataset measured; not modified.
    fmt
        ``geojson`` (RFC 7946, one file per layer with the record as its ``atlas`` member, the
        cluster summary as a JSON list of records), ``gpkg`` (one GeoPackage: layers
        settlements, services, wards and the attributes table clusters; the record in
        ``gpkg_metadata``), ``csv`` (settlements with a WKT column ``wkt``, and the cluster
        summary; each with the record beside it in ``<name>.metadata.json``), ``parquet``
        (GeoParquet per layer, the cluster summary as plain Parquet; the record under the
        key-value metadata key ``atlas``). The standalone HTML map (``html``) is drawn:
        ``layers.standalone.write_output`` writes it.
    output
        A folder or a file name (see :func:`~atlas.exports.output_paths`); missing folders
        are created.
    clusters
        Export only these clusters (see :func:`~atlas.exports.export_layers`).
    category, metric
        Accepted for the drawn formats' sake (``layers.standalone.write_output``); unused.
    precision
        Decimal places of coordinates in the text formats (GeoJSON and the CSV's WKT; 6 is
        about 0.1 m). GeoPackage and GeoParquet keep full precision.
    compliance
        Water delivery compliance per settlement, joined as in
        :func:`~atlas.exports.export_layers`.
    source_columns
        Whether the settlements, services and wards carry their file's own columns after the
        atlas fields (see :func:`~atlas.exports.export_layers`); False leaves them out.

    Returns
    -------
    list of Path
        The files written, settlements first (for CSV, each file then its record).

    Raises
    ------
    SchemaError
        Unknown format or cluster, an output name that does not suit the format, or ``html``.

    Examples
    --------
    >>> import tempfile, atlas
    >>> ds = atlas.load_sample()
    >>> result = atlas.compute_gaps(ds, atlas.load_standard("cape-town"))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     [p.name for p in write_export(result, ds, "geojson", folder)]
    ['settlements.geojson', 'services.geojson', 'wards.geojson', 'clusters.json']
    """
    check_format(fmt)
    if fmt not in DATA_FORMATS:
        raise SchemaError(
            _(
                "The {format} format is a drawing, not data: write it with "
                "layers.standalone.write_output (which writes the data formats too), or choose "
                "one of {formats}.",
                format=fmt,
                formats=", ".join(DATA_FORMATS),
            )
        )
    layers = export_layers(
        result, dataset, clusters=clusters, compliance=compliance, source_columns=source_columns
    )
    record = export_metadata(
        result,
        dataset,
        clusters=clusters,
        source_columns=source_columns,
        deliveries=compliance is not None,
    )
    spatial = [name for name in layers if name != "clusters"]
    paths = output_paths(fmt, output, spatial)
    for path in set(paths.values()):
        make_parents(path)  # every folder first: nothing is written where one cannot be made
    return _WRITERS[fmt](layers, paths, precision, record)
