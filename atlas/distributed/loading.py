"""A dataset for the ``dask`` engine: settlements, wards and clusters read here by the default
reader (they are small), the service points read by partitions on the cluster.

The steps and messages of :func:`atlas.load_dataset`, with one difference: the services' rows
stay on the cluster (:class:`~atlas.distributed.services.ServicePartitions`), and the
dataset's ``services`` frame has no rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from atlas.distributed.cluster import worker_failures
from atlas.distributed.services import ServicePartitions, read_services
from atlas.errors import CRSError, ValidationError
from atlas.i18n import _
from atlas.load import Dataset, apply_membership, load_layer, read_membership
from atlas.load.columns import Constant
from atlas.load.crs import STORAGE_CRS, choose_metric_crs, parse_crs
from atlas.load.schema import CATEGORIES, layer_spec
from atlas.problems import Report

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["load_dataset_dask"]


def _quiet(_: str) -> None:
    return None


def _no_rows() -> gpd.GeoDataFrame:
    columns = [f.name for f in layer_spec("services").fields]
    return gpd.GeoDataFrame(
        {c: pd.Series([], dtype=object) for c in columns},
        geometry=gpd.GeoSeries([], crs=STORAGE_CRS),
        crs=STORAGE_CRS,
    )


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
    progress: Callable[[str], None] = _quiet,
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
        progress(_("reading {layer} from {path}", layer=layer, path=path))
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
    progress(_("reading {layer} from {path}", layer="services", path=services))
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
        progress(_("reading cluster membership from {path}", path=clusters))
        membership, report = read_membership(clusters, mapping.get("clusters"))
        if report.ok and settlements_report.ok:
            settlements_frame, extra = apply_membership(settlements_frame, membership)
            report = report.extended(extra)
        reports.append(report)
    bad = [r for r in reports if not r.ok]
    if bad:
        raise ValidationError(bad[0], bad[1:])
    if metric_crs is None:
        metric = choose_metric_crs(settlements_frame)
    else:
        metric = parse_crs(metric_crs, what=_("the metric CRS"))
        if metric.is_geographic:
            raise CRSError(
                _(
                    "The metric CRS {crs} is geographic (degrees); distances and areas need a "
                    "projected CRS in metres, such as the local UTM zone.",
                    crs=metric.to_string(),
                )
            )
    dataset = Dataset(
        settlements=settlements_frame,
        services=_no_rows(),
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
