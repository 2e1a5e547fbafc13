"""The whole join-and-measure step: from a validated dataset and a standard to gap tables."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from atlas.bulk import many_objects
from atlas.config import Config
from atlas.errors import LayersApartError
from atlas.i18n import _
from atlas.load.crs import to_metric
from atlas.load.dataset import Dataset
from atlas.measure._grid import polygon_cells
from atlas.measure._nearby import metric_xy, nearby_pairs
from atlas.measure._parallel import Workers
from atlas.measure.attribution import attribute_services
from atlas.measure.coverage import coverage
from atlas.measure.gaps import cluster_gaps, count_problems, service_counts, settlement_gaps
from atlas.measure.overlap import Measured, layers_apart
from atlas.measure.standards import Standard
from atlas.measure.wards import primary_wards, settlement_wards
from atlas.problems import Problem
from atlas.progress import Progress, Step, quiet

__all__ = ["GapResult", "compute_gaps", "no_clusters_problem", "recount"]


@dataclass(frozen=True)
class GapResult:
    """Everything the atlas measured for one dataset under one standard.

    Parameters
    ----------
    settlements
        One row per settlement with its gap fields (see :func:`atlas.measure.gaps.settlement_gaps`),
        indexed like the dataset's settlements, geometry in EPSG:4326.
    clusters
        One row per cluster (see :func:`atlas.measure.gaps.cluster_gaps`).
    services
        The service points with ``settlement_id`` (attributed settlement or None) and
        ``distance_m`` (0 inside).
    ward_overlaps
        Every settlement–ward overlap with its area share (see :func:`atlas.measure.wards.settlement_wards`).
    standard
        The standard measured against.
    problems
        What the measuring found worth saying: settlements whose own counts disagree with
        their points, categories nothing counts, a dataset without clusters, layers that do
        not meet (measured anyway).
    apart
        When the layers do not meet (measured with ``allow_apart=True``): the refusals
        :func:`compute_gaps` would otherwise have raised, each with its likely cause (see
        :mod:`atlas.measure.overlap`); empty when the layers meet.
    """

    settlements: gpd.GeoDataFrame
    clusters: pd.DataFrame
    services: gpd.GeoDataFrame
    ward_overlaps: pd.DataFrame
    standard: Standard
    problems: tuple[Problem, ...] = ()
    apart: tuple[Problem, ...] = ()


@many_objects()
def compute_gaps(
    dataset: Dataset,
    standard: Standard,
    *,
    progress: Progress = quiet,
    config: Config | None = None,
    allow_apart: bool = False,
) -> GapResult:
    """Join settlements, service points and wards, and measure gaps against ``standard``.

    Parameters
    ----------
    dataset
        A validated dataset (:func:`atlas.load_dataset`).
    standard
        The standard (:func:`atlas.load_standard`).
    progress
        Called with a short message as each step starts.
    config
        How to compute: ``config.workers`` threads at most (default :class:`atlas.Config`:
        the machine's cores). Distances and areas are measured in ``dataset.metric_crs``,
        chosen when the dataset was loaded (``config.metric_crs`` is applied there).
    allow_apart
        Measure even when the layers do not meet (most service points out of every
        settlement's reach, most settlements outside every ward: see
        :func:`atlas.measure.overlap.layers_apart`); the result then says so in ``problems``
        and ``apart``.

    Returns
    -------
    GapResult

    Raises
    ------
    LayersApartError
        When the layers do not meet and ``allow_apart`` is False: the gaps would show every
        settlement without points. Its problems name the likely cause (swapped coordinates,
        a wrong CRS, the wrong file).

    Examples
    --------
    >>> import atlas
    >>> ds = atlas.load_sample()
    >>> result = atlas.compute_gaps(ds, atlas.load_standard("cape-town"))
    >>> len(result.settlements) == len(ds.settlements)
    True
    >>> row = result.settlements.iloc[0]
    >>> bool(row["water_gap"] == max(0, row["water_needed"] - row["water_working"]))
    True
    """
    config = config or Config()
    crs = dataset.metric_crs
    # Reproject once; each step's own to_metric is then a no-op.
    settlements = to_metric(dataset.settlements, crs)
    polygons = settlements.geometry.to_numpy()
    services = dataset.services
    wards = (
        settlements.iloc[:0].assign(ward_id=None)
        if dataset.wards is None
        else to_metric(dataset.wards, crs)
    )
    # Each step is pure and shapely, scipy and pyproj release the GIL: the ward overlay and
    # coverage (the long step) are handed to the workers as soon as their inputs are known,
    # attribution runs here meanwhile, and every thread waiting helps with what is queued.
    # The order does not change any result.
    with Workers(config.workers) as workers:
        # The ward overlay and the coverage certificate's grid cells depend on the polygons
        # alone: a helper starts on them while the nearby search runs here.
        ward_job = workers.submit(settlement_wards, settlements, wards, crs)
        cells_job = workers.submit(polygon_cells, polygons) if dataset.has_services else None
        places, points = len(settlements), len(services)
        # The progress lines are the command line's, at a terminal, in English.
        near = f"finding the service points near {places} settlements"  # i18n-ignore: CLI
        progress(Step("nearby", near))
        nearby = nearby_pairs(metric_xy(services, crs, workers), polygons, standard.reach, workers)
        progress(Step("meet", "checking that the layers meet"))  # i18n-ignore: CLI
        measured = Measured(
            nearby, polygons, None if dataset.wards is None else wards.geometry.to_numpy()
        )
        apart = layers_apart(dataset, standard, measured)
        if apart and not allow_apart:
            raise LayersApartError(problems=[a.problem() for a in apart])
        if dataset.wards is not None:
            progress(Step("overlay", f"overlaying {len(wards)} wards"))  # i18n-ignore: CLI
        progress(Step("coverage", "measuring walking-distance coverage"))  # i18n-ignore: CLI
        cover_job = workers.submit(
            lambda: coverage(
                settlements,
                services,
                standard,
                crs,
                nearby,
                cells=None if cells_job is None else cells_job.result(),
                workers=workers,
            )
        )
        attributing = (
            f"attributing {points} service points to {places} settlements"  # i18n-ignore: CLI
        )
        progress(Step("attribution", attributing))
        attribution = attribute_services(
            services, settlements, standard, crs, nearby, workers=workers
        )
        overlaps = ward_job.result()
        cover = cover_job.result()
    settlements = dataset.settlements
    counts = service_counts(dataset.services, attribution, settlements, standard)
    has_points = dataset.has_services
    gaps = settlement_gaps(
        settlements,
        counts,
        cover,
        primary_wards(overlaps, settlements),
        standard,
        has_points=has_points,
    )
    problems = count_problems(settlements, counts, standard, has_points)
    if len(settlements) and settlements["cluster"].isna().all():
        problems.append(no_clusters_problem())
    problems += [a.warning() for a in apart]
    services = dataset.services.copy()
    services["settlement_id"] = attribution["settlement_id"]
    services["distance_m"] = attribution["distance_m"]
    return GapResult(
        settlements=gaps,
        clusters=cluster_gaps(gaps, standard),
        services=services,
        ward_overlaps=overlaps,
        standard=standard,
        problems=tuple(problems),
        apart=tuple(a.problem() for a in apart),
    )


def no_clusters_problem() -> Problem:
    """The warning of a dataset whose settlements have no cluster (any engine's words)."""
    return Problem(
        "warning",
        _(
            "No settlement has a cluster: the cluster view has one row, 'Not in a "
            "cluster', with every settlement."
        ),
        _(
            "Map the column that names each settlement's cluster: "
            "mapping={'settlements': {'cluster': 'COLUMN'}}, or pass a cluster table "
            "(clusters=PATH)."
        ),
        column="cluster",
        code="clusters.unmapped",
    )


def recount(dataset: Dataset, result: GapResult, status: pd.Series) -> gpd.GeoDataFrame:
    """The settlements' gap table again with other statuses of the same service points (as of
    another date): working, broken, unknown, needed and gap per category, attribution and wards
    as ``result`` found them. Coverage, which depends on where the working points are, is left
    empty (not measured): run :func:`compute_gaps` on the changed dataset for it.

    Parameters
    ----------
    dataset
        The dataset ``result`` was measured from.
    status
        A status per service point, indexed like ``dataset.services``.

    Examples
    --------
    >>> import atlas
    >>> ds = atlas.load_sample()
    >>> result = atlas.compute_gaps(ds, atlas.load_standard("cape-town"))
    >>> same = recount(ds, result, ds.services["status"])
    >>> bool((same["water_gap"] == result.settlements["water_gap"]).all())
    True
    >>> none_work = recount(ds, result, ds.services["status"].map(lambda _: "broken"))
    >>> int(none_work["water_working"].sum()) < int(same["water_working"].sum())
    True
    """
    standard = result.standard
    services = dataset.services.assign(status=status.to_numpy())
    counts = service_counts(services, result.services, dataset.settlements, standard)
    unmeasured = pd.DataFrame(
        {f"{c}_coverage": np.nan for c in standard.categories}, index=dataset.settlements.index
    )
    wards = result.settlements[["ward_id", "ward_ids", "ward_shares"]]
    return settlement_gaps(
        dataset.settlements, counts, unmeasured, wards, standard, has_points=dataset.has_services
    )
