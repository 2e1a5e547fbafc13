"""Population estimates beside the counts, and filling unknown demand with them.

DESIGN §4: a settlement whose households and population are both missing has unknown demand.
With a population raster, its estimated people become its population (households then follow
from the standard's household size, as for any settlement with population only), the row is
flagged ``demand_estimated`` and ``population_from_raster``, and the gap numbers use it. Where
counts exist they are kept; the estimate is shown beside them for comparison.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from atlas.load.dataset import Dataset
from atlas.problems import Report
from atlas.raster.files import Raster, as_raster, require_overlap
from atlas.raster.zonal import zonal_population

__all__ = [
    "RASTER_LAYER",
    "estimate_dataset",
    "fill_demand",
    "population_by_cluster",
    "population_estimate",
]

#: The layer name of the report :func:`estimate_dataset` adds (cells without data).
RASTER_LAYER = "population raster"  # i18n-ignore: the layer name code compares


def fill_demand(settlements: gpd.GeoDataFrame, estimate: pd.Series) -> gpd.GeoDataFrame:
    """Put a population estimate beside the counts, and use it where demand is unknown.

    Parameters
    ----------
    settlements
        Settlements with ``households`` and ``population`` (either may be missing).
    estimate
        People per settlement (:func:`~atlas.raster.zonal_population`), indexed like
        ``settlements``; NaN where unknown.

    Returns
    -------
    GeoDataFrame
        A copy with ``population_estimate``; where both households and population were missing
        and the estimate is known, ``population`` is the estimate and ``population_from_raster``
        and ``demand_estimated`` are True (``demand_estimated`` keeps any True it had).
    """
    out = settlements.copy()
    estimate = estimate.reindex(out.index).astype(float)
    households = (
        out["households"].astype(float) if "households" in out else pd.Series(np.nan, out.index)
    )
    population = (
        out["population"].astype(float) if "population" in out else pd.Series(np.nan, out.index)
    )
    filled = households.isna() & population.isna() & estimate.notna()
    out["population_estimate"] = estimate
    out["population"] = population.where(~filled, estimate)
    out["population_from_raster"] = filled
    before = (
        out["demand_estimated"].astype("boolean").fillna(False).astype(bool)
        if "demand_estimated" in out
        else pd.Series(False, index=out.index)
    )
    out["demand_estimated"] = before | filled
    return out


def population_estimate(
    settlements: gpd.GeoDataFrame,
    raster: Raster | str | Path,
    *,
    kind: Literal["count", "density"] = "count",
) -> gpd.GeoDataFrame:
    """Estimate each settlement's people from a raster, and fill unknown demand with it.

    Parameters
    ----------
    settlements
        Validated settlements (``households`` and ``population`` columns, may be missing).
    raster
        A population raster (counts or densities per km²).
    kind
        ``count`` or ``density``.

    Returns
    -------
    GeoDataFrame
        :func:`fill_demand` of the settlements with the raster's estimate.
    """
    return fill_demand(settlements, zonal_population(raster, settlements, kind=kind))


def estimate_dataset(
    dataset: Dataset,
    raster: Raster | str | Path,
    *,
    kind: Literal["count", "density"] = "count",
) -> Dataset:
    """The dataset with its settlements' demand filled from a population raster.

    Settlements over no cell with data keep an unknown estimate (never 0 people); those and
    the settlements partly over cells without data are named in a report of layer
    ``population raster`` added to ``dataset.reports`` (see :mod:`atlas.raster.nodata`).

    Raises
    ------
    SchemaError
        When the raster does not overlap the settlements (see
        :func:`~atlas.raster.require_overlap`), or its cells would take more memory than the
        limit (:mod:`atlas.raster.limits`).
    """
    raster = as_raster(raster)
    require_overlap(raster, dataset.settlements)
    estimate = zonal_population(raster, dataset.settlements, kind=kind)
    problems = tuple(estimate.attrs.get("problems", ()))
    reports = dataset.reports
    if problems:
        reports = (*reports, Report(RASTER_LAYER, str(raster.path), problems))
    return dataclasses.replace(
        dataset, settlements=fill_demand(dataset.settlements, estimate), reports=reports
    )


def population_by_cluster(clusters: pd.Series, estimate: pd.Series) -> pd.DataFrame:
    """Estimated people per cluster.

    Parameters
    ----------
    clusters
        Each settlement's cluster (missing: in no cluster, left out).
    estimate
        People per settlement, indexed like ``clusters``.

    Returns
    -------
    DataFrame
        ``cluster``, ``settlements`` and ``population_estimate`` (sum; empty when no member's is
        known), sorted by cluster.
    """
    frame = pd.DataFrame({"cluster": clusters, "population_estimate": estimate}).dropna(
        subset=["cluster"]
    )
    grouped = frame.groupby("cluster", sort=True)["population_estimate"]
    out = pd.DataFrame(
        {
            "settlements": grouped.size().astype("int64"),
            "population_estimate": grouped.sum(min_count=1),
        }
    )
    return out.rename_axis("cluster").reset_index()


#: The columns that set a population raster's estimate beside a settlement's own figures.
ESTIMATE_COLUMNS = (
    "name",
    "cluster",
    "households",
    "population",
    "population_estimate",
    "population_from_raster",
)


def estimate_table(settlements: pd.DataFrame) -> pd.DataFrame:
    """Per settlement (a gap table with a population raster's estimate): its name, cluster, own
    households and population, the raster's estimate, and whether the demand came from the
    raster (:data:`ESTIMATE_COLUMNS`)."""
    return pd.DataFrame(settlements[list(ESTIMATE_COLUMNS)])
