"""How an export was made: one record every data format carries.

A researcher who opens an export months later must be able to tell exactly which files and
which choices its numbers came from. :func:`export_metadata` builds that record once; the
writers put the same record in every file (:func:`atlas.exports.write_export`):

* GeoJSON: a top-level ``"atlas"`` member of each FeatureCollection (an RFC 7946 §6.1 foreign
  member; readers that do not know it ignore it);
* GeoPackage: one row of the GeoPackage metadata extension, ``gpkg_metadata`` (``md_scope``
  ``dataset``, ``mime_type`` ``application/json``, the record as JSON), referenced from
  ``gpkg_metadata_reference`` for the whole file and for each table (:func:`write_gpkg_metadata`);
* GeoParquet and Parquet: the file's key-value metadata, key ``atlas`` (JSON), beside
  GeoParquet's ``geo``;
* CSV: a ``<name>.metadata.json`` file beside each CSV file (:func:`metadata_path`).

Reading it back::

    json.load(open("settlements.geojson"))["atlas"]
    json.loads(pyarrow.parquet.read_schema("settlements.parquet").metadata[b"atlas"])
    sqlite3.connect("atlas.gpkg").execute("SELECT metadata FROM gpkg_metadata")
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from atlas.exports.clusters import chosen_clusters
from atlas.load.columns import Constant
from atlas.load.dataset import Dataset
from atlas.measure.pipeline import GapResult
from atlas.measure.standards import Standard

__all__ = [
    "GPKG_METADATA_URI",
    "METADATA_KEY",
    "atlas_version",
    "export_metadata",
    "metadata_json",
    "metadata_path",
    "write_gpkg_metadata",
]

#: The key of the record: the GeoJSON member, the Parquet metadata key.
METADATA_KEY = "atlas"
#: What ``gpkg_metadata.md_standard_uri`` names: the structure of the record (this module).
GPKG_METADATA_URI = "urn:settlement-atlas:export-metadata:1"
#: The GeoPackage metadata extension (GeoPackage 1.2, F.8), as GDAL registers it.
_GPKG_EXTENSION = "http://www.geopackage.org/spec120/#extension_metadata"


def atlas_version() -> str:
    """The installed atlas's version (``unknown`` when it runs from a folder not installed)."""
    try:
        return metadata.version("settlement-atlas")
    except metadata.PackageNotFoundError:
        return "unknown"


def _now() -> datetime:
    return datetime.now(UTC)


def _standard(standard: Standard) -> dict[str, Any]:
    return {
        "id": standard.id,
        "name": standard.name,
        "source": standard.source,
        "household_size": standard.household_size,
        "categories": {
            name: {
                "unit": rule.unit,
                "max_per_point": rule.max_per_point,
                "max_distance_m": rule.max_distance_m,
                "distance_note": rule.distance_note or None,
            }
            for name, rule in standard.categories.items()
        },
    }


def _mapping(mapping: Mapping[str, Mapping[str, str | Constant]]) -> dict[str, Any]:
    return {
        layer: {
            field: {"constant": source.value} if isinstance(source, Constant) else str(source)
            for field, source in fields.items()
        }
        for layer, fields in mapping.items()
    }


def export_metadata(
    result: GapResult,
    dataset: Dataset,
    *,
    clusters: Sequence[str] | str | None = None,
    source_columns: bool = True,
    deliveries: bool = False,
    created: datetime | None = None,
) -> dict[str, Any]:
    """The record of how an export was made (JSON-ready).

    Parameters
    ----------
    result
        The gap result exported (for its standard).
    dataset
        The dataset measured (for its input files, mapping and choices).
    clusters
        The clusters exported (None: all).
    source_columns
        Whether the export carries the files' own columns.
    deliveries
        Whether water delivery compliance was joined.
    created
        When the export was made (default: now); written in UTC.

    Returns
    -------
    dict
        ``atlas_version``; ``created`` (UTC, ISO 8601, e.g. ``2026-08-03T09:12:00Z``);
        ``dataset`` (its name); ``standard`` (``id``, ``name``, ``source``,
        ``household_size`` and per category ``unit``, ``max_per_point``, ``max_distance_m``
        and ``distance_note``); ``inputs`` (per file: ``layer``, ``name``, ``sha256``,
        ``crs``, ``features``, ``used``); ``mapping`` (``{layer: {field: column}}``, a
        constant as ``{"constant": value}``); ``zeros_are_counts``; ``metric_crs`` (what
        distances and areas were measured in); ``clusters`` (a list, or None for all);
        ``source_columns``; ``delivery_compliance``; ``layers_apart`` (the sentences saying
        the layers do not meet, when the gaps were measured anyway with ``allow_apart``;
        an empty list when they meet).

    Examples
    --------
    >>> import atlas
    >>> from atlas.exports import export_metadata
    >>> ds = atlas.load_sample()
    >>> result = atlas.compute_gaps(ds, atlas.load_standard("cape-town"))
    >>> record = export_metadata(result, ds)
    >>> record["standard"]["id"], record["standard"]["categories"]["water"]["max_per_point"]
    ('cape-town', 25.0)
    >>> [(f["layer"], f["name"], len(f["sha256"])) for f in record["inputs"]]
    [('settlements', 'settlements.geojson', 64), ('services', 'services.geojson', 64),
     ('wards', 'wards.geojson', 64)]
    >>> record["created"].endswith("Z"), record["zeros_are_counts"], record["layers_apart"]
    (True, False, [])
    """
    moment = (created or _now()).astimezone(UTC)
    chosen = chosen_clusters(clusters)
    crs = dataset.metric_crs
    epsg = crs.to_epsg()
    return {
        "atlas_version": atlas_version(),
        "created": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "dataset": dataset.name or None,
        "standard": _standard(result.standard),
        "inputs": [item.to_record() for item in dataset.inputs],
        "mapping": _mapping(dataset.mapping),
        "zeros_are_counts": bool(dataset.zeros_are_counts),
        "metric_crs": f"EPSG:{epsg}" if epsg else crs.name,
        "clusters": chosen or None,
        "source_columns": source_columns,
        "delivery_compliance": deliveries,
        "layers_apart": [problem.message for problem in result.apart],
    }


def metadata_json(record: Mapping[str, Any], *, indent: int | None = None) -> str:
    """The record as JSON text (non-ASCII characters kept)."""
    return json.dumps(record, ensure_ascii=False, indent=indent, allow_nan=False)


def metadata_path(path: str | Path) -> Path:
    """Where the record of a CSV file goes: ``settlements.csv`` -> ``settlements.metadata.json``."""
    path = Path(path)
    return path.with_name(f"{path.stem}.metadata.json")


_GPKG_TABLES = (
    """CREATE TABLE IF NOT EXISTS gpkg_metadata (
        id INTEGER CONSTRAINT m_pk PRIMARY KEY ASC NOT NULL,
        md_scope TEXT NOT NULL DEFAULT 'dataset',
        md_standard_uri TEXT NOT NULL,
        mime_type TEXT NOT NULL DEFAULT 'text/xml',
        metadata TEXT NOT NULL DEFAULT '')""",  # i18n-ignore: SQL
    """CREATE TABLE IF NOT EXISTS gpkg_metadata_reference (
        reference_scope TEXT NOT NULL,
        table_name TEXT,
        column_name TEXT,
        row_id_value INTEGER,
        timestamp DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        md_file_id INTEGER NOT NULL,
        md_parent_id INTEGER,
        CONSTRAINT crmr_mfi_fk FOREIGN KEY (md_file_id) REFERENCES gpkg_metadata(id),
        CONSTRAINT crmr_mpi_fk FOREIGN KEY (md_parent_id) REFERENCES gpkg_metadata(id))""",  # i18n-ignore: SQL
    """CREATE TABLE IF NOT EXISTS gpkg_extensions (
        table_name TEXT,
        column_name TEXT,
        extension_name TEXT NOT NULL,
        definition TEXT NOT NULL,
        scope TEXT NOT NULL,
        CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))""",  # i18n-ignore: SQL
)


def write_gpkg_metadata(path: str | Path, record: Mapping[str, Any], tables: Sequence[str]) -> int:
    """Add the record to a GeoPackage with the metadata extension (GeoPackage 1.2, F.8).

    One ``gpkg_metadata`` row (``md_scope`` ``dataset``, ``mime_type`` ``application/json``,
    the record as JSON), referenced in ``gpkg_metadata_reference`` for the whole file
    (``geopackage``) and for each of ``tables`` (``table``); the extension is registered in
    ``gpkg_extensions``.

    Returns
    -------
    int
        The id of the ``gpkg_metadata`` row.
    """
    connection = sqlite3.connect(path)
    try:
        with connection:
            for statement in _GPKG_TABLES:
                connection.execute(statement)
            connection.executemany(
                "INSERT OR IGNORE INTO gpkg_extensions "  # i18n-ignore: SQL
                "(table_name, column_name, extension_name, definition, scope) "
                "VALUES (?, NULL, 'gpkg_metadata', ?, 'read-write')",
                [(t, _GPKG_EXTENSION) for t in ("gpkg_metadata", "gpkg_metadata_reference")],
            )
            cursor = connection.execute(
                "INSERT INTO gpkg_metadata (md_scope, md_standard_uri, mime_type, metadata) "  # i18n-ignore: SQL
                "VALUES ('dataset', ?, 'application/json', ?)",
                (GPKG_METADATA_URI, metadata_json(record)),
            )
            row = cursor.lastrowid
            references = [("geopackage", None), *(("table", t) for t in tables)]
            # The reference's timestamp defaults to now, as the extension writes it.
            connection.executemany(
                "INSERT INTO gpkg_metadata_reference "  # i18n-ignore: SQL
                "(reference_scope, table_name, column_name, row_id_value, md_file_id, "
                "md_parent_id) VALUES (?, ?, NULL, NULL, ?, NULL)",
                [(scope, table, row) for scope, table in references],
            )
    finally:
        connection.close()
    return int(row or 0)
