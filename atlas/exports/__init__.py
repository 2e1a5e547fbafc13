"""Exporting the joined result as data: GeoJSON, GeoPackage, CSV and GeoParquet.

Researchers take the data to QGIS and notebooks. Every format carries the same rows and values,
from :func:`export_layers`, exact (never rounded: DESIGN §2 rule 10), and the same record of
how it was made, from :func:`export_metadata`. (The standalone HTML map a cluster takes to a
meeting is drawn by ``layers.standalone``, which writes it and, through this package, every
data format.)

* ``settlements``: the canonical fields and every gap field, ``ward_ids`` and ``ward_shares``
  (lists in GeoJSON and GeoParquet, text joined with ``;`` in CSV and GeoPackage), then the
  settlements file's own columns, the polygon;
* ``services``: the service fields with the ``settlement_id`` each point is attributed to and its
  ``distance_m``, then the file's own columns, the point;
* ``wards``: the ward fields, then the file's own columns, the polygon (only when the dataset
  has wards);
* ``clusters``: the cluster summary, a table without geometry.

Topic modules, re-exported here:

* :mod:`atlas.exports.fields`: the field lists and types of each layer;
* :mod:`atlas.exports.sources`: the source files' own columns and their names in the exports;
* :mod:`atlas.exports.tables`: :func:`export_layers`, the layers every format writes;
* :mod:`atlas.exports.provenance`: :func:`export_metadata`, the record of how an export was
  made, and where each format keeps it;
* :mod:`atlas.exports.clusters`: :func:`filter_clusters`, exporting some clusters only;
* :mod:`atlas.exports.deliveries`: water delivery compliance joined onto the layers;
* :mod:`atlas.exports.paths`: the :data:`FORMATS` and where their files go (:func:`output_paths`);
* :mod:`atlas.exports.formats`: :func:`write_export`, one writer per format;
* :mod:`atlas.exports.download`: :func:`export_zip` and :func:`to_download` for the app;
* :mod:`atlas.exports.records`: exact records (:func:`exact_records`) and records rounded for
  people (:func:`~atlas.exports.records.to_records`), JSON, CSV and GeoJSON text of any table.
"""

from atlas.exports.clusters import filter_clusters
from atlas.exports.download import Download, Writer, export_zip, to_download
from atlas.exports.fields import (
    CLUSTER_FIELDS,
    DELIVERY_FIELDS,
    SERVICE_FIELDS,
    SETTLEMENT_FIELDS,
    fields_of,
)
from atlas.exports.formats import write_export
from atlas.exports.paths import DATA_FORMATS, FORMATS, output_paths
from atlas.exports.provenance import export_metadata, metadata_path
from atlas.exports.records import exact_records
from atlas.exports.tables import export_layers

__all__ = [
    "CLUSTER_FIELDS",
    "DATA_FORMATS",
    "DELIVERY_FIELDS",
    "FORMATS",
    "SERVICE_FIELDS",
    "SETTLEMENT_FIELDS",
    "Download",  # i18n-ignore: a name of the API
    "Writer",  # i18n-ignore: a name of the API
    "exact_records",
    "export_layers",
    "export_metadata",
    "export_zip",
    "fields_of",
    "filter_clusters",
    "metadata_path",
    "output_paths",
    "to_download",
    "write_export",
]
