"""Service points on a Dask cluster: read by partitions from GeoParquet (or split from a layer
already in memory), validated partition by partition the way the default reader validates the
whole layer.

Each partition keeps its rows' positions in the file (``_row``, 0-based) as its index, so the
rows a problem names are file rows, ids are checked across partitions, and every result can be
put back in file order.

The report: when every partition reports the same notes and nothing else (a clean file: the
column mapping's notes), that is the layer's report. When a partition finds a problem (rows
left out, values repaired, an error) or ids repeat across partitions, the layer is read once
more whole on this machine by :func:`atlas.load.load_layer`, only to word its report exactly
as the default engine does: the rows each partition kept are the same either way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from atlas.distributed.packing import Packed, pack
from atlas.errors import DataFileError
from atlas.i18n import _
from atlas.load import load_layer
from atlas.load.columns import Constant, apply_mapping
from atlas.load.crs import parse_crs
from atlas.load.schema import CATEGORIES
from atlas.load.validate import validate_layer
from atlas.problems import Report

if TYPE_CHECKING:
    from distributed import Client, Future

__all__ = ["ROW", "ServicePartitions", "is_geoparquet", "read_services", "scatter_services"]

#: The column holding each point's 0-based row in the file (its index in the default engine).
ROW = "_row"  # i18n-ignore: a column name


@dataclass(frozen=True)
class ServicePartitions:
    """Validated service points, partition by partition, held by the cluster's workers.

    Attributes
    ----------
    parts
        One future per partition: validated points (EPSG:4326) indexed by file row, packed
        (:func:`atlas.distributed.packing.unpack` gives the GeoDataFrame).
    report
        The layer's validation report, as :func:`atlas.load.load_layer` words it.
    rows
        Rows in the file (kept or not).
    """

    parts: tuple[Future, ...]
    report: Report
    rows: int


def is_geoparquet(path: str | Path) -> bool:
    """Whether ``path`` is a Parquet file with GeoParquet's ``geo`` metadata."""
    import pyarrow.parquet as pq

    try:
        metadata = pq.read_schema(path).metadata or {}
    except (OSError, ValueError):
        return False
    return b"geo" in metadata and bool(json.loads(metadata[b"geo"]).get("columns"))


def _validated(
    raw: gpd.GeoDataFrame,
    offset: int,
    mapping: Mapping[str, str | Constant] | None,
    crs: CRS | None,
    categories: Sequence[str],
    source: str,
) -> tuple[gpd.GeoDataFrame, Report]:
    """One partition mapped and validated (on a worker), indexed by file row."""
    raw = raw.set_axis(pd.RangeIndex(offset, offset + len(raw)))
    mapped, mapping_problems = apply_mapping(raw, "services", mapping, categories=categories)
    return validate_layer(
        mapped,
        "services",
        crs=crs,
        categories=categories,
        source=source,
        notes=mapping_problems,
    )


def _frame(result: tuple[gpd.GeoDataFrame, Report]) -> Packed:
    return pack(result[0])


def _report(result: tuple[gpd.GeoDataFrame, Report]) -> Report:
    return result[1]


def _id_hashes(frame: gpd.GeoDataFrame) -> np.ndarray:
    """The 64-bit hashes of a partition's present service ids, each once."""
    if "service_id" not in frame:
        return np.zeros(0, np.uint64)
    ids = frame["service_id"].dropna().to_numpy(dtype=object)
    return np.unique(pd.util.hash_array(ids))


def _repeated(client: Client, parts: Sequence[Future]) -> bool:
    """Whether a service id may appear in more than one partition (each is unique within its
    own partition, or its report says so).

    Each partition sends the hashes of its ids (8 bytes each, not the ids). A hash seen twice
    is a repeated id, or (about once in four million layers of 3,000,000 points) two ids with
    one hash; either way the caller reads the layer whole, which words the exact report.
    """
    if len(parts) < 2:
        return False
    hashes = np.sort(np.concatenate(client.gather(client.map(_id_hashes, parts))))
    return bool(len(hashes) > 1 and (hashes[1:] == hashes[:-1]).any())


def _merged(
    client: Client, results: Sequence[Future], whole: Any
) -> tuple[tuple[Future, ...], Report]:
    """The partitions' frames and the layer's report (``whole()`` when partitions differ)."""
    parts = tuple(client.map(_frame, results))
    reports: list[Report] = client.gather(client.map(_report, results))
    first = reports[0]
    same = all(r.problems == first.problems for r in reports)
    clean = all(p.severity == "info" for p in first.problems)
    if same and clean and not _repeated(client, parts):
        return parts, first
    return parts, whole()


def read_services(
    path: str | Path,
    client: Client,
    *,
    mapping: Mapping[str, str | Constant] | None = None,
    crs: object = None,
    categories: Sequence[str] = CATEGORIES,
) -> ServicePartitions:
    """Read and validate a GeoParquet file of service points by partitions (its row groups).

    Parameters
    ----------
    path
        A GeoParquet file (``.parquet``); write one from any layer with
        ``ogr2ogr -f Parquet services.parquet services.gpkg`` (row groups of 100,000 rows or
        so make partitions that fit any worker).
    client
        The cluster to read on.
    mapping, crs, categories
        As for :func:`atlas.load.load_layer`.

    Raises
    ------
    DataFileError
        When ``path`` is not GeoParquet.
    """
    import dask_geopandas
    import pyarrow.parquet as pq

    path = Path(path)
    if not is_geoparquet(path):
        raise DataFileError(
            _(
                "The Dask engine reads service points by partitions from GeoParquet, and "
                "'{name}' is not GeoParquet. Convert it first: ogr2ogr -f Parquet "
                "{stem}.parquet {name} (or use the default engine).",
                name=path.name,
                stem=path.stem,
            )
        )
    declared = parse_crs(crs, what=_("the {layer} CRS", layer="services")) if crs else None
    metadata = pq.ParquetFile(path).metadata
    sizes = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
    offsets = [sum(sizes[:i]) for i in range(len(sizes))]
    frame = dask_geopandas.read_parquet(str(path), split_row_groups=True)
    raw = client.compute(frame.to_delayed())
    if len(raw) != len(sizes):  # the reader did not split by row group: count each part
        counts = client.gather(client.map(len, raw))
        offsets = [sum(counts[:i]) for i in range(len(counts))]
    results = [
        client.submit(_validated, part, offset, mapping, declared, list(categories), str(path))
        for part, offset in zip(raw, offsets, strict=True)
    ]
    parts, report = _merged(
        client,
        results,
        lambda: load_layer(path, "services", mapping=mapping, crs=crs, categories=categories)[1],
    )
    return ServicePartitions(parts, report, int(metadata.num_rows))


def scatter_services(
    services: gpd.GeoDataFrame, client: Client, *, partition_rows: int = 100_000
) -> ServicePartitions:
    """Validated service points already in memory (a dataset's), sent to the cluster in
    partitions of at most ``partition_rows`` rows. Their index is kept as the file row."""
    step = max(1, int(partition_rows))
    pieces = [services.iloc[i : i + step] for i in range(0, max(len(services), 1), step)]
    parts = tuple(client.scatter([pack(p) for p in pieces]))
    return ServicePartitions(parts, Report("services"), len(services))
