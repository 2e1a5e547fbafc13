"""Hazard exposure: the share of each settlement's area, and its people, in hazard cells.

A hazard raster holds levels (flood depth, slope...) or classes (flood zones...). Hazard cells
have a value at or above a threshold, or a value in a set of classes; nodata and NaN cells are
never hazard. Cells are turned into polygons along their edges in the raster's CRS and
intersected with the settlements (reprojected to that CRS), so partly covered cells count by
their exact covered area. Per cluster, the share is area-weighted and people add up.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio.features
import rasterio.windows
import shapely
from affine import Affine
from pyproj import CRS

from atlas.errors import SchemaError
from atlas.i18n import _
from atlas.problems import Problem
from atlas.raster.files import Raster, as_raster, geometries_in, read_values
from atlas.raster.limits import check_cells
from atlas.raster.zonal import zonal_population

__all__ = [
    "CLUSTER_FIELDS",
    "MOSTLY",
    "check_hazard_size",
    "hazard_by_cluster",
    "hazard_exposure",
    "hazard_mask",
    "hazard_zones",
    "parse_classes",
]

#: The fields of a cluster's hazard record (:func:`hazard_by_cluster` adds the two areas).
CLUSTER_FIELDS = (
    "cluster",
    "settlements",
    "settlements_exposed",
    "settlements_mostly_exposed",
    "hazard_area_share",
    "hazard_population",
)

#: A settlement is "mostly" in the hazard zone when more than this share of its area is.
MOSTLY = 0.5
#: Shares within this of a limit count as on it (areas come from reprojected polygons).
_TOLERANCE = 1e-9


def _area_crs(crs: CRS, geoms: gpd.GeoSeries) -> CRS:
    """A CRS to measure areas in: ``crs`` if projected, else an equal-area one centred on the data."""
    if not crs.is_geographic:
        return crs
    x0, y0, x1, y1 = geoms.total_bounds
    return CRS.from_proj4(
        f"+proj=laea +lat_0={(y0 + y1) / 2} +lon_0={(x0 + x1) / 2} +datum=WGS84 +units=m"
    )


def hazard_mask(
    values: np.ndarray, *, threshold: float | None = None, classes: Sequence[float] | None = None
) -> np.ndarray:
    """Which cells are hazard: value ≥ ``threshold`` or in ``classes`` (exactly one), never NaN.

    Raises
    ------
    SchemaError
        When both or neither of ``threshold`` and ``classes`` are given.
    """
    if (threshold is None) == (classes is None):
        raise SchemaError(_("Give either a hazard threshold or a set of hazard classes, not both."))
    with np.errstate(invalid="ignore"):
        if threshold is not None:
            hit = values >= threshold
        else:
            hit = np.isin(values, np.asarray(classes, dtype=float))
    return np.asarray(hit & np.isfinite(values))


def _cells_within(
    raster: Raster, bounds: tuple[float, float, float, float] | None
) -> tuple[int, int, int, int]:
    """(col0, row0, col1, row1): the raster's cells within ``bounds`` (all without)."""
    if bounds is None:
        return 0, 0, raster.width, raster.height
    wanted = rasterio.windows.from_bounds(*bounds, transform=raster.transform)
    return (
        max(0, int(np.floor(wanted.col_off))),
        max(0, int(np.floor(wanted.row_off))),
        min(raster.width, int(np.ceil(wanted.col_off + wanted.width))),
        min(raster.height, int(np.ceil(wanted.row_off + wanted.height))),
    )


def check_hazard_size(raster: Raster | str | Path, settlements: gpd.GeoDataFrame) -> None:
    """Raise, before reading anything, when the hazard cells under ``settlements`` (the window
    :func:`hazard_exposure` reads) would take more memory than the raster's limit.

    Raises
    ------
    SchemaError
        Code ``raster.too_big`` (see :func:`atlas.raster.limits.check_cells`).
    """
    raster = as_raster(raster)
    geoms = geometries_in(settlements, raster.crs)
    geoms = geoms[~(geoms.isna() | geoms.is_empty)]
    if len(geoms):
        col0, row0, col1, row1 = _cells_within(raster, tuple(geoms.total_bounds))
        if col1 > col0 and row1 > row0:
            check_cells(raster.path, row1 - row0, col1 - col0, max_mb=raster.max_mb)


def hazard_zones(
    raster: Raster | str | Path,
    *,
    threshold: float | None = None,
    classes: Sequence[float] | None = None,
    bounds: tuple[float, float, float, float] | None = None,
) -> gpd.GeoSeries:
    """The hazard cells of a raster as non-overlapping polygons in the raster's CRS.

    Parameters
    ----------
    raster
        A :class:`~atlas.raster.Raster` or a path.
    threshold, classes
        Exactly one: cells with value ≥ ``threshold``, or with a value in ``classes`` (values
        after scale and offset).
    bounds
        Only read cells within these bounds (in the raster's CRS).

    Returns
    -------
    GeoSeries
        Polygons following cell edges, in the raster's CRS. Nodata and NaN cells are never hazard.
    """
    raster = as_raster(raster)
    if (threshold is None) == (classes is None):
        raise SchemaError(_("Give either a hazard threshold or a set of hazard classes, not both."))
    col0, row0, col1, row1 = _cells_within(raster, bounds)
    if col1 <= col0 or row1 <= row0:
        return gpd.GeoSeries([], crs=raster.crs)
    window = rasterio.windows.Window(col0, row0, col1 - col0, row1 - row0)
    data = read_values(raster, window=window)  # its size is checked against the limit first
    t = raster.transform
    # Built by hand: rasterio's window_transform warns under affine 3.
    transform = Affine(t.a, 0.0, t.c + col0 * t.a, 0.0, t.e, t.f + row0 * t.e)
    hit = hazard_mask(data, threshold=threshold, classes=classes)
    shapes = rasterio.features.shapes(
        hit.astype(np.uint8), mask=hit, transform=transform, connectivity=4
    )
    polygons = [shapely.geometry.shape(geom) for geom, _ in shapes]
    return gpd.GeoSeries(polygons, crs=raster.crs)


def hazard_exposure(
    hazard: Raster | str | Path,
    settlements: gpd.GeoDataFrame,
    *,
    threshold: float | None = None,
    classes: Sequence[float] | None = None,
    population: Raster | str | Path | None = None,
    population_kind: Literal["count", "density"] = "count",
    keep: Sequence[str] = (),
) -> pd.DataFrame:
    """Share of each settlement's area, and its people, in hazard cells.

    Parameters
    ----------
    hazard
        The hazard raster.
    settlements
        Settlements in any CRS; reprojected to the hazard raster's CRS.
    threshold, classes
        Exactly one: hazard cells have a value ≥ ``threshold``, or a value in ``classes``.
    population
        A population raster (any grid and CRS). When given, exposed people are counted in it over
        the exposed part of each settlement. Otherwise, when ``settlements`` has a ``population``
        column, the settlement's people are taken as spread evenly: share × population.
    population_kind
        Whether ``population`` holds counts or densities (per km²).
    keep
        Columns of ``settlements`` to put first (``settlement_id``, ``name``, ``cluster``...).

    Returns
    -------
    DataFrame
        Indexed like ``settlements``: the ``keep`` columns, ``hazard_area_share`` (0–1; the share of the whole
        settlement, so any part outside the raster counts as not exposed),
        ``hazard_population`` (NaN when no population is known), ``area_km2`` (the settlement)
        and ``hazard_area_km2`` (its exposed part), areas measured in the raster's CRS when
        projected, else in a local equal-area CRS. NaN for null or empty geometry.
    """
    hazard = as_raster(hazard)
    geoms = geometries_in(settlements, hazard.crs)
    present = ~(geoms.isna() | geoms.is_empty).to_numpy()
    out = pd.DataFrame(
        np.nan,
        index=geoms.index,
        columns=["hazard_area_share", "hazard_population", "area_km2", "hazard_area_km2"],
    )
    if present.any():
        valid = geoms[present]
        zones = hazard_zones(
            hazard, threshold=threshold, classes=classes, bounds=tuple(valid.total_bounds)
        )
        area_crs = _area_crs(hazard.crs, valid)
        geom_array = valid.to_numpy()
        left, right = (
            shapely.STRtree(zones.to_numpy()).query(geom_array, predicate="intersects")
            if len(zones)
            else (np.array([], dtype=int), np.array([], dtype=int))
        )
        pieces = gpd.GeoSeries(
            shapely.intersection(geom_array[left], zones.to_numpy()[right]), crs=hazard.crs
        )
        # Zones never overlap one another, so the pieces' areas add up without double counting.
        piece_area = pieces.to_crs(area_crs).area.to_numpy()
        exposed = np.bincount(left, weights=piece_area, minlength=len(valid))
        total = valid.to_crs(area_crs).area.to_numpy()
        out.loc[present, "hazard_area_share"] = np.divide(
            exposed, total, out=np.zeros_like(total), where=total > 0
        )
        out.loc[present, "area_km2"] = total / 1e6
        out.loc[present, "hazard_area_km2"] = exposed / 1e6
        if population is not None:
            counted = zonal_population(population, pieces, kind=population_kind)
            out.loc[present, "hazard_population"] = np.bincount(
                left, weights=counted.fillna(0.0).to_numpy(), minlength=len(valid)
            )
    if population is None and "population" in settlements:
        people = settlements["population"].astype(float).to_numpy()
        out["hazard_population"] = out["hazard_area_share"].to_numpy() * people
    return pd.concat([pd.DataFrame(settlements[list(keep)]), out], axis=1)


def hazard_by_cluster(clusters: pd.Series, exposure: pd.DataFrame) -> pd.DataFrame:
    """Roll :func:`hazard_exposure` up to clusters.

    Parameters
    ----------
    clusters
        Each settlement's cluster (missing: in no cluster, left out), indexed like ``exposure``.
    exposure
        :func:`hazard_exposure` of the settlements.

    Returns
    -------
    DataFrame
        One row per cluster (sorted by name): ``cluster``, ``settlements``,
        ``settlements_exposed`` (any part in the hazard zone), ``settlements_mostly_exposed``
        (more than :data:`MOSTLY` of the area), ``hazard_area_share`` (exposed area over total
        area, i.e. the area-weighted mean share), ``hazard_population`` (sum; empty when no
        member's is known), ``area_km2`` and ``hazard_area_km2``.
    """
    members = exposure.assign(cluster=clusters).dropna(subset=["cluster"])
    share = members["hazard_area_share"]
    grouped = members.groupby("cluster", sort=True)
    out = pd.DataFrame(
        {
            "settlements": grouped.size(),
            "settlements_exposed": (share > _TOLERANCE).groupby(members["cluster"]).sum(),
            "settlements_mostly_exposed": (share > MOSTLY + _TOLERANCE)
            .groupby(members["cluster"])
            .sum(),
            "area_km2": grouped["area_km2"].sum(min_count=1),
            "hazard_area_km2": grouped["hazard_area_km2"].sum(min_count=1),
            "hazard_population": grouped["hazard_population"].sum(min_count=1),
        }
    )
    area = out["area_km2"]
    out["hazard_area_share"] = (out["hazard_area_km2"] / area.where(area > 0)).astype(float)
    for column in ("settlements", "settlements_exposed", "settlements_mostly_exposed"):
        out[column] = out[column].astype("int64")
    out = out.rename_axis("cluster").reset_index()
    return out[[*CLUSTER_FIELDS, "area_km2", "hazard_area_km2"]]


def most_exposed_first(exposure: pd.DataFrame) -> pd.DataFrame:
    """:func:`hazard_exposure` ordered by ``hazard_area_share``, largest first (ties and
    settlements without a boundary, last, keep their order)."""
    return exposure.sort_values("hazard_area_share", ascending=False, kind="stable")


def parse_classes(text: str) -> list[float]:
    """Parse ``"2,3"`` into ``[2.0, 3.0]``; raises :class:`SchemaError` with the bad item."""
    out: list[float] = []
    for item in text.split(","):
        try:
            out.append(float(item.strip()))
        except ValueError:
            raise SchemaError(
                Problem(
                    "error",
                    _(
                        "Cannot read the hazard class '{item}' in '{text}'.",
                        item=item.strip(),
                        text=text,
                    ),
                    _("Give numbers separated by commas, e.g. '2,3'."),
                    code="hazard.classes",
                    params={"item": item.strip(), "text": text},
                )
            ) from None
    return out
