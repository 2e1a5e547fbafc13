"""The ``dask`` engine: :func:`atlas.compute_gaps` with the service points spread over a Dask
cluster, every field identical to the default engine's.

1. The points, read by partitions with ``dask_geopandas.read_parquet`` and validated there
   (:mod:`atlas.distributed.services`), are moved into spatial partitions: cut by each point's
   Hilbert distance (the key of dask-geopandas' ``spatial_shuffle``) at quantiles of a sample,
   worker to worker, never through this machine.
2. The settlements (metric CRS) go to the workers as a task's result (made again if a worker
   holding them dies); each partition is attributed and counted against the settlements
   whose reach can touch its bounds (a point can only go to one of those, so its attribution
   is the default engine's), and sends each group of settlements the working points that may
   cover one of them.
3. Coverage needs every working point within walking distance of a settlement, wherever its
   partition: it is measured per group of settlements (neighbours in Hilbert order), from the
   points all partitions sent that group.
4. The ward overlay runs as one task meanwhile; counts are summed, and the gap tables are
   assembled here by the default engine's functions.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from atlas.distributed._tasks import PartResult, coverage_group, measure_part, piece
from atlas.distributed.cluster import smallest_memory_limit, worker_failures
from atlas.distributed.packing import Packed, unpack
from atlas.distributed.services import ServicePartitions, scatter_services
from atlas.errors import LayersApartError
from atlas.load.crs import to_metric
from atlas.load.dataset import Dataset
from atlas.measure import (
    GapResult,
    cluster_gaps,
    compute_gaps,
    primary_wards,
    settlement_gaps,
    settlement_wards,
)
from atlas.measure.gaps import count_problems
from atlas.measure.overlap import MOST, layers_apart
from atlas.measure.pipeline import no_clusters_problem
from atlas.measure.standards import Standard
from atlas.progress import Progress, Step, quiet

if TYPE_CHECKING:
    from distributed import Client, Future

__all__ = ["SETTLEMENTS_PER_TASK", "compute_gaps_dask", "partition_rows_for"]

#: Settlements per coverage task (neighbours in Hilbert order).
SETTLEMENTS_PER_TASK = 2000
#: Points in a spatial partition on workers without a memory limit, and the fewest.
MOST_ROWS, FEWEST_ROWS = 100_000, 10_000
#: Bytes of a worker's memory limit per point of a partition: measured on the national set,
#: partitions of 50,000 points ran within 900 MB a worker and of 100,000 not within 725 MB.
BYTES_PER_ROW = 18_000


def partition_rows_for(limit: int | None) -> int:
    """Points per spatial partition for workers whose memory limit is ``limit`` bytes.

    Examples
    --------
    >>> partition_rows_for(None), partition_rows_for(900 * 10**6), partition_rows_for(10**8)
    (100000, 50000, 10000)
    """
    if not limit:
        return MOST_ROWS
    return int(min(MOST_ROWS, max(FEWEST_ROWS, limit // BYTES_PER_ROW)))


def _empty(frame: Packed) -> gpd.GeoDataFrame:
    return unpack(frame.iloc[:0])


def _bounds(frame: Packed) -> np.ndarray:
    if not len(frame):
        return np.full(4, np.nan)
    return np.asarray(unpack(frame).total_bounds, dtype=float)


def _hilbert(frame: Packed, bounds: tuple[float, ...]) -> np.ndarray:
    if not len(frame):
        return np.zeros(0, np.int64)
    points = unpack(frame).geometry
    return points.hilbert_distance(total_bounds=bounds).to_numpy().astype(np.int64)


def _split(frame: Packed, bounds: tuple[float, ...], cuts: np.ndarray) -> list[Packed]:
    """``frame`` cut into one piece per spatial partition (by Hilbert distance)."""
    where = np.searchsorted(cuts, _hilbert(frame, bounds), side="right")
    return [frame.iloc[np.flatnonzero(where == k)] for k in range(len(cuts) + 1)]


def _joined(*pieces: Packed) -> Packed:
    """One spatial partition from its pieces, in file order."""
    joined = pd.concat(pieces).sort_index(kind="stable")
    if isinstance(pieces[0], gpd.GeoDataFrame):
        return gpd.GeoDataFrame(joined, crs=pieces[0].crs)
    return joined


def _spatial(client: Client, parts: tuple[Future, ...], partitions: int) -> list[Future]:
    """The points moved into ``partitions`` spatial partitions: cut by the Hilbert distance of
    each point in the layer's bounds, at quantiles of a sample of the distances."""
    import operator

    boxes = np.array(client.gather(client.map(_bounds, parts)))
    if np.isnan(boxes).all():
        return list(parts)
    bounds = (
        float(np.nanmin(boxes[:, 0])),
        float(np.nanmin(boxes[:, 1])),
        float(np.nanmax(boxes[:, 2])),
        float(np.nanmax(boxes[:, 3])),
    )
    distances = np.concatenate(client.gather([client.submit(_sample, p, bounds) for p in parts]))
    cuts = np.unique(
        np.quantile(distances, np.linspace(0, 1, partitions + 1)[1:-1]).astype(np.int64)
    )
    split = [client.submit(_split, p, bounds, cuts) for p in parts]
    pieces = [[client.submit(operator.getitem, s, k) for s in split] for k in range(len(cuts) + 1)]
    return [client.submit(_joined, *row) for row in pieces]


def _sample(frame: gpd.GeoDataFrame, bounds: tuple[float, ...]) -> np.ndarray:
    """Every 50th Hilbert distance of ``frame`` (enough to place the cuts)."""
    return np.sort(_hilbert(frame, bounds))[::50]


def _groups(settlements: gpd.GeoDataFrame, size: int) -> np.ndarray:
    """Each settlement's coverage group: runs of ``size`` neighbours in Hilbert order."""
    if not len(settlements):
        return np.zeros(0, np.int64)
    order = np.argsort(settlements.geometry.hilbert_distance().to_numpy(), kind="stable")
    group = np.empty(len(settlements), np.int64)
    group[order] = np.arange(len(settlements)) // max(1, size)
    return group


def _same(value: object) -> object:
    return value


def _kept(client: Client, value: object) -> Future:
    """``value`` on the cluster as the result of a task that holds it, not scattered: when a
    worker holding it dies (beyond its memory limit), the scheduler makes it again from the
    task, where scattered data would be lost with the worker and the run with it."""
    import warnings

    with warnings.catch_warnings():
        # The value travels in the task once, on purpose (the settlements: tens of MB).
        large = "Sending large graph"  # i18n-ignore: distributed's warning
        warnings.filterwarnings("ignore", message=large, category=UserWarning)
        return client.submit(_same, value, pure=False)


def _gathered(client: Client, parts: tuple[Future, ...]) -> gpd.GeoDataFrame:
    frames = [unpack(f) for f in client.gather(list(parts))]
    return gpd.GeoDataFrame(pd.concat(frames), crs=frames[0].crs)


def compute_gaps_dask(
    dataset: Dataset,
    standard: Standard,
    client: Client,
    *,
    services: ServicePartitions | None = None,
    progress: Progress = quiet,
    allow_apart: bool = False,
    partition_rows: int | None = None,
    settlements_per_task: int = SETTLEMENTS_PER_TASK,
    gather_services: bool = True,
) -> GapResult:
    """:func:`atlas.compute_gaps` on a Dask cluster: the same result, field by field.

    Parameters
    ----------
    dataset
        The settlements and wards (and, without ``services``, the service points).
    standard
        The standard.
    client
        The cluster (:func:`atlas.distributed.dask_client`).
    services
        The service points read by partitions (:func:`atlas.distributed.read_services`);
        None: ``dataset.services``, sent in partitions.
    progress, allow_apart
        As for :func:`atlas.compute_gaps`.
    partition_rows
        About how many points one spatial partition holds; None: by the smallest worker's
        memory limit (:func:`partition_rows_for`).
    settlements_per_task
        Settlements per coverage task.
    gather_services
        Whether ``result.services`` holds every point with its ``settlement_id`` and
        ``distance_m`` (in file order), as the default engine's does; when False it has their
        columns and no rows (the points stay on the cluster; the gap tables do not need them).

    Raises
    ------
    LayersApartError
        As :func:`atlas.compute_gaps`.
    ClusterError
        When a worker dies while computing (killed, or beyond its memory limit), or the
        cluster is lost.
    """
    with worker_failures():
        return _compute(
            dataset,
            standard,
            client,
            services,
            progress,
            allow_apart,
            partition_rows,
            settlements_per_task,
            gather_services,
        )


def _compute(
    dataset: Dataset,
    standard: Standard,
    client: Client,
    services: ServicePartitions | None,
    progress: Progress,
    allow_apart: bool,
    partition_rows: int | None,
    settlements_per_task: int,
    gather_services: bool,
) -> GapResult:
    if partition_rows is None:
        partition_rows = partition_rows_for(smallest_memory_limit(client))
    if services is None:
        if not dataset.has_services or dataset.services.empty:
            return compute_gaps(dataset, standard, progress=progress, allow_apart=allow_apart)
        services = scatter_services(dataset.services, client, partition_rows=partition_rows)
    crs = dataset.metric_crs
    settlements = to_metric(dataset.settlements, crs)
    wards = (
        settlements.iloc[:0].assign(ward_id=None)
        if dataset.wards is None
        else to_metric(dataset.wards, crs)
    )
    on_cluster = _kept(client, settlements)
    ward_job = client.submit(settlement_wards, on_cluster, wards, crs)
    group = _groups(settlements, settlements_per_task)
    partitions = max(1, -(-services.rows // max(1, partition_rows)))
    cutting = f"partitioning {services.rows} service points spatially"  # i18n-ignore: CLI
    progress(Step("partition", cutting))
    spatial = _spatial(client, services.parts, partitions)
    places = len(settlements)
    attributing = f"attributing the service points to {places} settlements"  # i18n-ignore: CLI
    progress(Step("attribution", attributing))
    # Positional arguments only: distributed turns a large keyword argument into a task
    # named after the keyword, which breaks when a worker is replaced.
    on_cluster_group = _kept(client, group)
    measured = [
        client.submit(measure_part, part, on_cluster, on_cluster_group, standard, crs)
        for part in spatial
    ]
    summary = client.gather(client.map(_summary, measured))
    located = sum(s[0] for s in summary)
    met = sum(s[1] for s in summary)
    progress(Step("meet", "checking that the layers meet"))  # i18n-ignore: CLI
    whole: gpd.GeoDataFrame | None = None
    if located and located - met > MOST * located:
        whole = _gathered(client, services.parts)
        apart = layers_apart(replace(dataset, services=whole, has_services=True), standard)
    else:
        apart = layers_apart(replace(dataset, has_services=False), standard)
    if apart and not allow_apart:
        raise LayersApartError(problems=[a.problem() for a in apart])
    progress(Step("coverage", "measuring walking-distance coverage"))  # i18n-ignore: CLI
    covered = []
    for g in np.unique(group):
        positions = np.flatnonzero(group == g)
        pieces = [client.submit(piece, m, int(g)) for m in measured]
        covered.append(
            (
                positions,
                client.submit(coverage_group, on_cluster, positions, standard, crs, *pieces),
            )
        )
    counts = _summed(client, measured, dataset.settlements.index, standard)
    cover = _coverage(client, covered, dataset.settlements.index, standard)
    overlaps = ward_job.result()
    frame = dataset.settlements
    gaps = settlement_gaps(
        frame,
        counts,
        cover,
        primary_wards(overlaps, frame),
        standard,
        has_points=dataset.has_services,
    )
    problems = count_problems(frame, counts, standard, dataset.has_services)
    if len(frame) and frame["cluster"].isna().all():
        problems.append(no_clusters_problem())
    problems += [a.warning() for a in apart]
    points = _services(client, services, measured, whole, gather_services)
    return GapResult(
        settlements=gaps,
        clusters=cluster_gaps(gaps, standard),
        services=points,
        ward_overlaps=overlaps,
        standard=standard,
        problems=tuple(problems),
        apart=tuple(a.problem() for a in apart),
    )


def _summary(result: PartResult) -> tuple[int, int]:
    return result.located, result.met


def _counts_of(result: PartResult) -> tuple[np.ndarray, np.ndarray]:
    return result.rows, result.counts


def _attribution_of(result: PartResult) -> pd.DataFrame:
    return result.attribution


def _summed(
    client: Client, measured: list[Future], index: pd.Index, standard: Standard
) -> pd.DataFrame:
    """The partitions' point counts per settlement, summed (``service_counts`` of all)."""
    columns = [f"{c}_{s}" for c in standard.categories for s in ("working", "broken", "unknown")]
    total = np.zeros((len(index), len(columns)), np.int64)
    for rows, counts in client.gather(client.map(_counts_of, measured)):
        if len(rows):
            np.add.at(total, rows, counts)
    return pd.DataFrame(total, index=index, columns=columns).astype("int64")


def _coverage(
    client: Client,
    covered: list[tuple[np.ndarray, Future]],
    index: pd.Index,
    standard: Standard,
) -> pd.DataFrame:
    columns = [f"{c}_coverage" for c in standard.categories]
    table = np.full((len(index), len(columns)), np.nan)
    for (positions, _unused), values in zip(
        covered, client.gather([job for _positions, job in covered]), strict=True
    ):
        table[positions] = values
    return pd.DataFrame(table, index=index, columns=columns)


def _services(
    client: Client,
    services: ServicePartitions,
    measured: list[Future],
    whole: gpd.GeoDataFrame | None,
    gather: bool,
) -> gpd.GeoDataFrame:
    """The points with their attribution, in file order (no rows unless ``gather``)."""
    if not gather:
        meta = client.submit(_empty, services.parts[0]).result()
        return meta.assign(settlement_id=pd.Series([], dtype=object), distance_m=np.zeros(0))
    points = whole if whole is not None else _gathered(client, services.parts)
    found = client.gather(client.map(_attribution_of, measured))
    attribution = pd.concat(found).sort_index(kind="stable").reindex(points.index)
    points = points.copy()
    points["settlement_id"] = attribution["settlement_id"].astype(object)
    points["distance_m"] = attribution["distance_m"].to_numpy()
    return points
