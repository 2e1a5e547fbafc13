"""A dataset for the ``dask`` engine: settlements, wards and clusters read here by the default
reader (they are small), the service points read by partitions on the cluster.

The steps and messages of :func:`atlas.load_dataset`, with one difference: the services' rows
stay on the cluster (:class:`~atlas.distributed.services.ServicePartitions`), and the
dataset's ``services`` frame has no rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd

from atlas.distributed.cluster import worker_failures
from atlas.distributed.services import ServicePartitions, read_services
from atlas.errors import ValidationError
from atlas.i18n import _
from atlas.load import Dataset, load_layer
from atlas.load.columns import Constant
from atlas.load.dataset import metric_crs_for, no_services, with_clusters
from atlas.load.schema import CATEGORIES
from atlas.problems import Report
from atlas.progress import Progress, Step, quiet

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["load_dataset_dask"]


def load_dataset_dask(
    settlements: str | Path,
    services: str | Path,
    client: Client,
    wards: str | Path | None = None,
    clusters: str | Path | None = None,
    *,
    mapping: Mapping[str, Mapping[str, str | Constant]] | None = None,
    crs: Mapping[str, object] | None = None,
    layers: Mapping[str, str] | None = None,
    encoding: Mapping[str, str] | None = None,
    categories: Sequence[str] = CATEGORIES,
    metric_crs: object = None,
    zeros_are_counts: bool = False,
    municipality_name: str | None = None,
    progress: Progress = quiet,
) -> tuple[Dataset, ServicePartitions]:
    """:func:`atlas.load_dataset` with the service points (GeoParquet) read on ``client``.

    Returns
    -------
    (Dataset, ServicePartitions)
        The dataset (``services`` without rows, ``has_services`` True) and the points.

    Raises
    ------
    ValidationError, DataFileError, CRSError
        As :func:`atlas.load_dataset`; DataFileError also when ``services`` is not GeoParquet.
    ClusterError
        When a worker dies while reading, or the cluster is lost.
    """
    mapping, crs, layers, encoding = mapping or {}, crs or {}, layers or {}, encoding or {}

    def load(layer: str, path: str | Path) -> tuple[gpd.GeoDataFrame, Report]:
        progress(Step(f"read.{layer}", _("reading {layer} from {path}", layer=layer, path=path)))
        return load_layer(
            path,
            layer,
            mapping=mapping.get(layer),
            crs=crs.get(layer),
            file_layer=layers.get(layer),
            categories=categories,
            zeros_are_counts=zeros_are_counts,
            encoding=encoding.get(layer),
        )

    settlements_frame, settlements_report = load("settlements", settlements)
    progress(
        Step("read.services", _("reading {layer} from {path}", layer="services", path=services))
    )
    with worker_failures():
        points = read_services(
            services,
            client,
            mapping=mapping.get("services"),
            crs=crs.get("services"),
            categories=categories,
        )
    reports = [settlements_report, points.report]
    wards_frame = None
    if wards is not None:
        wards_frame, wards_report = load("wards", wards)
        reports.append(wards_report)
    if clusters is not None:
        settlements_frame, report, _described = with_clusters(
            settlements_frame, settlements_report, clusters, mapping.get("clusters"), progress
        )
        reports.append(report)
    bad = [r for r in reports if not r.ok]
    if bad:
        raise ValidationError(bad[0], bad[1:])
    metric = metric_crs_for(settlements_frame, metric_crs)
    dataset = Dataset(
        settlements=settlements_frame,
        services=no_services(),
        wards=wards_frame,
        metric_crs=metric,
        reports=tuple(reports),
        name=Path(settlements).stem,
        mapping={layer: dict(fields) for layer, fields in mapping.items()},
        municipality_name=municipality_name,
        zeros_are_counts=zeros_are_counts,
        has_services=True,
    )
    return dataset, points
