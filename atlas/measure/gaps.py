"""Service gaps per settlement and per cluster, exactly as DESIGN §4 defines them.

* demand: households or people (per the category's unit); one estimated from the other with the
  standard's household size when missing; unknown when both are missing (gap fields empty, the
  settlement flagged, never counted as zero);
* needed = ceil(demand / max_per_point); gap = max(0, needed − working);
* ratio = demand / working (empty when working = 0);
* cluster: sums over member settlements; ratio = summed demand / summed working; coverage is the
  household-weighted mean of settlement coverage.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from atlas.measure.standards import DEMAND_COLUMN, Standard

__all__ = [
    "CATEGORY_FIELDS",
    "ESTIMATE_COLUMNS",
    "category_columns",
    "cluster_gaps",
    "demand",
    "service_counts",
    "settlement_gaps",
]

#: Columns of the settlements passed through to the gap table when present (a population
#: raster's estimate, see :func:`atlas.raster.fill_demand`).
ESTIMATE_COLUMNS = ("population_estimate", "population_from_raster")

#: Per-category fields of a gap record, as ``<category>_<field>``.
CATEGORY_FIELDS = (
    "working",
    "broken",
    "unknown",
    "needed",
    "gap",
    "ratio",
    "coverage",
    "working_share",
)


def category_columns(standard: Standard) -> list[str]:
    """The per-category column names of a gap table under ``standard``, in output order."""
    return [f"{c}_{f}" for c in standard.categories for f in CATEGORY_FIELDS]


def demand(settlements: pd.DataFrame, standard: Standard) -> pd.DataFrame:
    """Households and population, each estimated from the other where missing.

    Returns
    -------
    DataFrame
        Indexed like ``settlements``: ``households``, ``population`` (floats, NaN when unknown),
        ``households_estimated``, ``population_estimated``, ``demand_missing`` (bools).
    """
    households = settlements["households"].astype(float)
    population = settlements["population"].astype(float)
    size = standard.household_size
    hh_est = households.isna() & population.notna()
    pop_est = population.isna() & households.notna()
    return pd.DataFrame(
        {
            "households": households.where(~hh_est, population / size),
            "population": population.where(~pop_est, households * size),
            "households_estimated": hh_est,
            "population_estimated": pop_est,
            "demand_missing": households.isna() & population.isna(),
        },
        index=settlements.index,
    )


def service_counts(
    services: pd.DataFrame, attribution: pd.DataFrame, settlements: pd.DataFrame, standard: Standard
) -> pd.DataFrame:
    """Attributed points per settlement, category and status.

    Returns
    -------
    DataFrame
        Indexed like ``settlements``: integer columns ``<category>_<status>`` for every category
        of the standard and status working/broken/unknown.
    """
    categories = list(standard.categories)
    statuses = ["working", "broken", "unknown"]
    row = pd.Index(settlements["settlement_id"]).get_indexer(pd.Index(attribution["settlement_id"]))
    cat = pd.Index(categories).get_indexer(pd.Index(services["category"]))
    status = pd.Index(statuses).get_indexer(pd.Index(services["status"]))
    ok = (row >= 0) & (cat >= 0) & (status >= 0)
    cells = (row[ok] * len(categories) + cat[ok]) * len(statuses) + status[ok]
    counts = np.bincount(cells, minlength=len(settlements) * len(categories) * len(statuses))
    table = pd.DataFrame(
        counts.reshape(len(settlements), len(categories) * len(statuses)),
        index=settlements.index,
        columns=[f"{c}_{s}" for c in categories for s in statuses],
    )
    return table.astype("int64")


def _category_metrics(
    units: pd.Series, counts: pd.DataFrame, category: str, max_per_point: float | None
) -> dict[str, pd.Series]:
    working = counts[f"{category}_working"]
    total = working + counts[f"{category}_broken"] + counts[f"{category}_unknown"]
    if max_per_point:
        needed = np.ceil(units / max_per_point - 1e-9)
        needed = pd.Series(needed, index=units.index).astype("Int64")
        gap = (needed - working).clip(lower=0).astype("Int64")
    else:
        needed = pd.Series(pd.NA, index=units.index, dtype="Int64")
        gap = needed.copy()
    ratio = (units / working.where(working > 0)).astype(float)
    share = (working / total.where(total > 0)).astype(float)
    return {
        "working": working,
        "broken": counts[f"{category}_broken"],
        "unknown": counts[f"{category}_unknown"],
        "needed": needed,
        "gap": gap,
        "ratio": ratio,
        "working_share": share,
    }


def settlement_gaps(
    settlements: gpd.GeoDataFrame,
    counts: pd.DataFrame,
    coverage: pd.DataFrame,
    wards: pd.DataFrame,
    standard: Standard,
) -> gpd.GeoDataFrame:
    """Assemble the gap table of every settlement.

    Parameters
    ----------
    settlements
        Validated settlements.
    counts
        :func:`service_counts` of the settlements.
    coverage
        :func:`atlas.measure.coverage.coverage` of the settlements.
    wards
        :func:`atlas.measure.wards.primary_wards` of the settlements (``ward_id``, ``ward_ids``,
        ``ward_shares``).
    standard
        The standard to measure against.

    Returns
    -------
    GeoDataFrame
        Indexed like ``settlements``, with ``settlement_id``, ``name``, ``cluster``, ``ward_id``,
        ``ward_ids``, ``ward_shares``, ``households``, ``population``, (when the settlements
        have them, from a population raster: ``population_estimate``,
        ``population_from_raster``), ``demand_estimated``, ``demand_missing``, then
        ``<category>_<field>`` for every category and field of
        :data:`CATEGORY_FIELDS`, and the geometry.
    """
    d = demand(settlements, standard)
    # A flag set upstream (demand filled from a population raster) is kept, never recomputed away.
    estimated = (
        settlements["demand_estimated"].astype("boolean").fillna(False).astype(bool)
        if "demand_estimated" in settlements
        else pd.Series(False, index=settlements.index)
    )
    data: dict[str, object] = {
        "settlement_id": settlements["settlement_id"],
        "name": settlements["name"].where(
            settlements["name"].notna(), settlements["settlement_id"]
        ),
        "cluster": settlements["cluster"],
        "ward_id": wards["ward_id"],
        "ward_ids": wards["ward_ids"],
        "ward_shares": wards["ward_shares"],
        "households": d["households"],
        "population": d["population"],
    }
    for name in ESTIMATE_COLUMNS:
        if name in settlements:
            data[name] = settlements[name]
    per_category: dict[str, object] = {}
    for category, rule in standard.categories.items():
        units = d[DEMAND_COLUMN[rule.unit]]
        if rule.max_per_point:
            flag = (
                d["households_estimated"]
                if rule.unit == "households"
                else d["population_estimated"]
            )
            estimated |= flag
        metrics = _category_metrics(units, counts, category, rule.max_per_point)
        metrics["coverage"] = coverage[f"{category}_coverage"]
        for f in CATEGORY_FIELDS:
            per_category[f"{category}_{f}"] = metrics[f]
    data["demand_estimated"] = estimated
    data["demand_missing"] = d["demand_missing"]
    data.update(per_category)
    return gpd.GeoDataFrame(data, geometry=settlements.geometry, index=settlements.index)


def cluster_gaps(gaps: pd.DataFrame, standard: Standard) -> pd.DataFrame:
    """Roll settlement gaps up to clusters (DESIGN §4).

    Settlements with no cluster are left out. Sums skip unknown values; a cluster whose members
    all have unknown demand has empty needed, gap and ratio.

    Returns
    -------
    DataFrame
        One row per cluster (sorted by name): ``cluster``, ``settlements``, ``households``,
        ``population``, ``population_estimate`` (when the settlements have one),
        ``demand_missing`` (members with unknown demand), and
        ``<category>_<field>`` for every category and field of :data:`CATEGORY_FIELDS`.
    """
    members = gaps[gaps["cluster"].notna()]
    grouped = members.groupby("cluster", sort=True)
    out = pd.DataFrame(
        {
            "settlements": grouped.size(),
            "households": grouped["households"].sum(min_count=1),
            "population": grouped["population"].sum(min_count=1),
            "demand_missing": grouped["demand_missing"].sum().astype("int64"),
        }
    )
    estimated = "population_estimate" in members
    if estimated:
        out.insert(3, "population_estimate", grouped["population_estimate"].sum(min_count=1))
    weight = members["households"].fillna(0.0)
    for category, rule in standard.categories.items():
        unit = DEMAND_COLUMN[rule.unit]
        for status in ("working", "broken", "unknown"):
            out[f"{category}_{status}"] = grouped[f"{category}_{status}"].sum().astype("int64")
        for f in ("needed", "gap"):
            out[f"{category}_{f}"] = grouped[f"{category}_{f}"].sum(min_count=1).astype("Int64")
        working = out[f"{category}_working"]
        out[f"{category}_ratio"] = (out[unit] / working.where(working > 0)).astype(float)
        total = working + out[f"{category}_broken"] + out[f"{category}_unknown"]
        out[f"{category}_working_share"] = (working / total.where(total > 0)).astype(float)
        cov = members[f"{category}_coverage"]
        w = weight.where(cov.notna(), 0.0)
        num = (cov.fillna(0.0) * w).groupby(members["cluster"]).sum()
        den = w.groupby(members["cluster"]).sum()
        out[f"{category}_coverage"] = (num / den.where(den > 0)).astype(float)
    out = out.reset_index()
    return out[
        [
            "cluster",
            "settlements",
            "households",
            "population",
            *(["population_estimate"] if estimated else []),
            "demand_missing",
            *category_columns(standard),
        ]
    ]
