"""Service gaps per settlement and per cluster, exactly as DESIGN §4 defines them.

* demand: households or people (per the category's unit); one estimated from the other with the
  standard's household size when missing; unknown when both are missing (gap fields empty, the
  settlement flagged, never counted as zero);
* needed = ceil(demand / max_per_point); gap = max(0, needed − working);
* ratio = demand / working (empty when working = 0);
* working, broken: the settlement's own count of the category (``<category>_working``, mapped
  from its file) where it has one, else the points attributed to it; ``<category>_source`` says
  which (``attribute`` | ``points`` | empty when neither is known). A count says nothing about
  distance: its coverage is empty, never 0;
* cluster: sums over member settlements (settlements in no cluster make one row of their own,
  ``cluster`` empty); ratio = summed demand / summed working; coverage is the household-weighted
  mean of settlement coverage.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from pandas.api.typing import SeriesGroupBy

from atlas.i18n import _, ngettext
from atlas.measure.standards import DEMAND_COLUMN, Standard
from atlas.problems import Problem

__all__ = [
    "CATEGORY_FIELDS",
    "ESTIMATE_COLUMNS",
    "SOURCES",
    "category_columns",
    "cluster_gaps",
    "count_problems",
    "demand",
    "service_counts",
    "settlement_gaps",
]

#: Where a settlement's working and broken counts of a category come from.
SOURCES = ("attribute", "points")

#: Columns of the settlements passed through to the gap table when present (a population
#: raster's estimate, see :func:`atlas.raster.fill_demand`).
ESTIMATE_COLUMNS = ("population_estimate", "population_from_raster")

#: Per-category fields of a gap record, as ``<category>_<field>``.
CATEGORY_FIELDS = (
    "source",
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


def _chosen_counts(
    settlements: pd.DataFrame, counts: pd.DataFrame, category: str, has_points: bool
) -> dict[str, pd.Series]:
    """Per settlement: where its counts of ``category`` come from, and the counts (DESIGN §4)."""
    index = settlements.index
    own = _own(settlements, f"{category}_working")
    own_broken = _own(settlements, f"{category}_broken")
    by_attribute = own.notna()
    if has_points:
        points = {
            s: counts[f"{category}_{s}"].astype("Int64") for s in ("working", "broken", "unknown")
        }
    else:
        points = {
            s: pd.Series(pd.NA, index=index, dtype="Int64")
            for s in ("working", "broken", "unknown")
        }
    source = pd.Series([None] * len(index), index=index, dtype=object)
    source[by_attribute.to_numpy()] = "attribute"
    if has_points:
        source[(~by_attribute).to_numpy()] = "points"
    return {
        "source": source,
        "working": own.astype("Int64").where(by_attribute, points["working"]),
        "broken": own_broken.astype("Int64").where(by_attribute, points["broken"]),
        # An own count has no points of unknown status.
        "unknown": pd.Series(pd.NA, index=index, dtype="Int64").where(
            by_attribute, points["unknown"]
        ),
    }


def _own(settlements: pd.DataFrame, column: str) -> pd.Series:
    """A settlement count column as floats (NaN where not counted or not mapped)."""
    if column not in settlements:
        return pd.Series(np.nan, index=settlements.index, dtype=float)
    return pd.to_numeric(settlements[column], errors="coerce").astype(float)


def _category_metrics(
    units: pd.Series, chosen: dict[str, pd.Series], max_per_point: float | None
) -> dict[str, pd.Series]:
    working, broken, unknown = chosen["working"], chosen["broken"], chosen["unknown"]
    if max_per_point:
        needed = np.ceil(units / max_per_point - 1e-9)
        needed = pd.Series(needed, index=units.index).astype("Int64")
        gap = (needed - working).clip(lower=0).astype("Int64")
    else:
        needed = pd.Series(pd.NA, index=units.index, dtype="Int64")
        gap = needed.copy()
    w = working.astype(float)
    ratio = (units / w.where(w > 0)).astype(float)
    # Points: working of all points. An own count: working of working and broken, when both
    # are known (it has no points of unknown status).
    total = (
        w
        + broken.astype(float)
        + unknown.astype(float).fillna(0.0).where(chosen["source"] != "attribute", 0.0)
    )
    share = (w / total.where(total > 0)).astype(float)
    return {**chosen, "needed": needed, "gap": gap, "ratio": ratio, "working_share": share}


def count_problems(
    settlements: pd.DataFrame, counts: pd.DataFrame, standard: Standard, has_points: bool = True
) -> list[Problem]:
    """Warnings about the settlements' own counts: where a settlement both counts its own
    points of a category and has points of it in the services layer, with other numbers (its
    own count is used); and, per category, when neither says anything (gaps unknown)."""
    problems: list[Problem] = []
    names = settlements["name"].where(settlements["name"].notna(), settlements["settlement_id"])
    for category in standard.categories:
        own = _own(settlements, f"{category}_working")
        if has_points:
            points = counts[f"{category}_working"].astype(float)
            attributed = (
                counts[[f"{category}_{s}" for s in ("working", "broken", "unknown")]].sum(axis=1)
                > 0
            )
            differ = (own.notna() & attributed & (own != points)).to_numpy()
            if differ.any():
                values = tuple(
                    _(
                        "{name} ({settlement_id}): own count {own}, points {points}",
                        name=n,
                        settlement_id=i,
                        own=f"{o:g}",
                        points=f"{p:g}",
                    )
                    for n, i, o, p in zip(
                        names[differ],
                        settlements["settlement_id"][differ],
                        own[differ],
                        points[differ],
                        strict=True,
                    )
                )
                problems.append(
                    Problem(
                        "warning",
                        ngettext(
                            "{count} settlement counts its own working {category} points and "
                            "also has points in the services layer, with other numbers; its own "
                            "count is used.",
                            "{count} settlements count their own working {category} points and "
                            "also have points in the services layer, with other numbers; their "
                            "own counts are used.",
                            int(differ.sum()),
                            count=int(differ.sum()),
                            category=category,
                        ),
                        _("Check which is right, and map only one of them."),
                        column=f"{category}_working",
                        values=values,
                        code="counts.differ",
                        params={"category": category},
                    )
                )
        elif own.isna().all():
            problems.append(
                Problem(
                    "warning",
                    _(
                        "Nothing counts {category}: there are no service points and no "
                        "settlement has a {category}_working count, so its gaps are unknown.",
                        category=category,
                    ),
                    _(
                        "Map a count column: mapping={{'settlements': {{'{category}_working': "
                        "'COLUMN'}}}}.",
                        category=category,
                    ),
                    column=f"{category}_working",
                    code="counts.none",
                    params={"category": category},
                )
            )
    return problems


def settlement_gaps(
    settlements: gpd.GeoDataFrame,
    counts: pd.DataFrame,
    coverage: pd.DataFrame,
    wards: pd.DataFrame,
    standard: Standard,
    *,
    has_points: bool = True,
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
    has_points
        Whether there is a services layer: without one, a category no settlement counts
        itself is unknown (``<category>_source`` empty), not zero.

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
        chosen = _chosen_counts(settlements, counts, category, has_points)
        metrics = _category_metrics(units, chosen, rule.max_per_point)
        # Coverage is measured from points: a settlement's own count has no locations.
        by_points = (chosen["source"] == "points").to_numpy()
        metrics["coverage"] = coverage[f"{category}_coverage"].where(by_points)
        for f in CATEGORY_FIELDS:
            per_category[f"{category}_{f}"] = metrics[f]
    data["demand_estimated"] = estimated
    data["demand_missing"] = d["demand_missing"]
    data.update(per_category)
    return gpd.GeoDataFrame(data, geometry=settlements.geometry, index=settlements.index)


def _one_source(sources: SeriesGroupBy) -> pd.Series:
    """Each cluster's source of a category: the one its members share, ``mixed`` when they
    differ, None when none has one (by group counts, not a Python call per cluster)."""
    counted = sources.nunique(dropna=True)
    distinct = counted.to_numpy()
    out = np.full(len(distinct), None, dtype=object)
    # The first value skips missing ones: where a cluster has one distinct value, it is that.
    out[distinct == 1] = sources.first().to_numpy(dtype=object)[distinct == 1]
    out[distinct > 1] = "mixed"
    return pd.Series(out, index=counted.index, dtype=object)


def cluster_gaps(gaps: pd.DataFrame, standard: Standard) -> pd.DataFrame:
    """Roll settlement gaps up to clusters (DESIGN §4).

    Settlements with no cluster make one row of their own, last, whose ``cluster`` is None
    ("Not in a cluster"): no settlement disappears from the cluster view. Sums skip unknown
    values; a cluster whose members all have unknown demand has empty needed, gap and ratio.
    ``<category>_source`` is the members' one source, ``mixed`` when they differ.

    Returns
    -------
    DataFrame
        One row per cluster (sorted by name): ``cluster``, ``settlements``, ``households``,
        ``population``, ``population_estimate`` (when the settlements have one),
        ``demand_missing`` (members with unknown demand), and
        ``<category>_<field>`` for every category and field of :data:`CATEGORY_FIELDS`.
    """
    members = gaps.assign(
        cluster=gaps["cluster"].astype(object).where(gaps["cluster"].notna(), None)
    )
    grouped = members.groupby("cluster", sort=True, dropna=False)
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
        out[f"{category}_source"] = _one_source(grouped[f"{category}_source"])
        for status in ("working", "broken", "unknown"):
            column = grouped[f"{category}_{status}"]
            out[f"{category}_{status}"] = column.sum(min_count=1).astype("Int64")
        for f in ("needed", "gap"):
            out[f"{category}_{f}"] = grouped[f"{category}_{f}"].sum(min_count=1).astype("Int64")
        working = out[f"{category}_working"].astype(float)
        out[f"{category}_ratio"] = (out[unit] / working.where(working > 0)).astype(float)
        total = (
            working
            + out[f"{category}_broken"].astype(float).fillna(0.0)
            + out[f"{category}_unknown"].astype(float).fillna(0.0)
        )
        out[f"{category}_working_share"] = (working / total.where(total > 0)).astype(float)
        cov = members[f"{category}_coverage"]
        w = weight.where(cov.notna(), 0.0)
        num = (cov.fillna(0.0) * w).groupby(members["cluster"], dropna=False).sum()
        den = w.groupby(members["cluster"], dropna=False).sum()
        out[f"{category}_coverage"] = (num / den.where(den > 0)).astype(float)
    out = out.reset_index()
    out["cluster"] = out["cluster"].astype(object).where(out["cluster"].notna(), None)
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
