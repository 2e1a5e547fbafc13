"""Writing the export layers in each data format: GeoJSON, GeoPackage, CSV and GeoParquet.

The standalone HTML map is a drawing: ``layers.standalone.write_output`` writes it, and every
other format through :func:`write_export`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from atlas.errors import SchemaError
from atlas.exports.paths import DATA_FORMATS, check_format, output_paths
from atlas.exports.records import to_feature_collection, typed_records
from atlas.exports.tables import export_layers
from atlas.load.dataset import Dataset
from atlas.measure.pipeline import GapResult

__all__ = ["write_export"]

#: Geometry type of an empty layer (a non-empty one is inferred from its geometries).
_EMPTY_GEOMETRY = {"settlements": "Polygon", "services": "Point", "wards": "Polygon"}

Layers = Mapping[str, pd.DataFrame]


def _write_geojson(layers: Layers, paths: Mapping[str, Path], precision: int) -> None:
    for name, frame in layers.items():
        if isinstance(frame, gpd.GeoDataFrame):
            text = to_feature_collection(frame, precision=precision)
        else:
            text = json.dumps(typed_records(frame), ensure_ascii=False, indent=1, allow_nan=False)
        paths[name].write_text(text + "\n", encoding="utf-8")


def _write_gpkg(layers: Layers, paths: Mapping[str, Path], precision: int) -> None:
    # Full precision: `precision` is for the text formats only.
    path = paths["settlements"]
    # A fresh file: an old one could hold layers of another dataset (e.g. wards).
    path.unlink(missing_ok=True)
    for name, frame in layers.items():
        options: dict[str, Any] = {}
        if isinstance(frame, gpd.GeoDataFrame) and len(frame) == 0:
            options["geometry_type"] = _EMPTY_GEOMETRY[name]
        # A frame without geometry becomes a GeoPackage attributes table (no geometry column).
        pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", **options)


def _csv(table: pd.DataFrame, path: Path) -> None:
    table.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def _write_csv(layers: Layers, paths: Mapping[str, Path], precision: int) -> None:
    settlements = layers["settlements"]
    table = pd.DataFrame(settlements.drop(columns="geometry"))
    texts = shapely.to_wkt(settlements.geometry.to_numpy(), rounding_precision=precision, trim=True)
    table["wkt"] = pd.Series(texts, index=settlements.index, dtype="string")
    _csv(table, paths["settlements"])
    _csv(layers["clusters"], paths["clusters"])


def _write_parquet(layers: Layers, paths: Mapping[str, Path], precision: int) -> None:
    # Full precision: `precision` is for the text formats only.
    for name, frame in layers.items():
        frame.to_parquet(paths[name], index=False)


#: The data formats' writers: (layers, file per layer, decimal places of text coordinates).
_WRITERS: dict[str, Callable[[Layers, Mapping[str, Path], int], None]] = {
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
) -> list[Path]:
    """Write the joined result in one data format.

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
        Parquet). The standalone HTML map (``html``) is drawn: ``layers.standalone.write_output``
        writes it.
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

    Returns
    -------
    list of Path
        The files written, settlements first.

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
            f"The {fmt} format is a drawing, not data: write it with layers.standalone.write_output "
            f"(which writes the data formats too), or choose one of {', '.join(DATA_FORMATS)}."
        )
    layers = export_layers(result, dataset, clusters=clusters, compliance=compliance)
    spatial = [name for name in layers if name != "clusters"]
    paths = output_paths(fmt, output, spatial)
    for path in set(paths.values()):
        path.parent.mkdir(parents=True, exist_ok=True)
    _WRITERS[fmt](layers, paths, precision)
    return list(dict.fromkeys(paths[name] for name in paths))
