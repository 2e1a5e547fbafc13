"""Which ward(s) a settlement lies in: the primary ward and every ward with its area share."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from atlas.load.crs import to_metric
from atlas.measure._parallel import private_prepared

__all__ = ["MIN_WARD_SHARE", "primary_wards", "settlement_wards"]

#: Overlaps smaller than this share of a settlement's area are boundary slivers (two layers
#: digitised at different scales), not a ward the settlement lies in.
MIN_WARD_SHARE = 0.001


def settlement_wards(
    settlements: gpd.GeoDataFrame,
    wards: gpd.GeoDataFrame,
    crs: CRS,
    *,
    min_share: float = MIN_WARD_SHARE,
) -> pd.DataFrame:
    """Every (settlement, ward) overlap with the share of the settlement's area in that ward.

    Parameters
    ----------
    settlements, wards
        Validated layers (``settlement_id``; ``ward_id``), any CRS.
    crs
        The dataset's metric CRS, in which areas are measured.
    min_share
        Overlaps below this share of the settlement's area are dropped as slivers.

    Returns
    -------
    DataFrame
        Columns ``settlement_id``, ``ward_id``, ``share`` (0–1), ``area_m2``; one row per
        overlap, ordered by settlement (input order) then share, largest first.
    """
    columns = ["settlement_id", "ward_id", "share", "area_m2"]
    if settlements.empty or wards.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype=float if c in ("share", "area_m2") else object) for c in columns}
        )
    s_geoms = to_metric(settlements.geometry, crs).to_numpy()
    w_geoms = to_metric(wards.geometry, crs).to_numpy()
    tree = shapely.STRtree(w_geoms)
    s_i, w_i = tree.query(s_geoms, predicate="intersects")
    s_area = shapely.area(s_geoms)[s_i]
    # A settlement inside a ward (most are) overlaps it by its whole area: no overlay needed.
    inside = shapely.contains_properly(private_prepared(w_geoms)[w_i], s_geoms[s_i])
    area = s_area.copy()
    cut = ~inside
    area[cut] = shapely.area(shapely.intersection(s_geoms[s_i[cut]], w_geoms[w_i[cut]]))
    share = np.divide(area, s_area, out=np.zeros_like(area), where=s_area > 0)
    keep = share >= min_share
    table = pd.DataFrame(
        {
            "settlement_id": settlements["settlement_id"].to_numpy()[s_i[keep]],
            "ward_id": wards["ward_id"].to_numpy()[w_i[keep]],
            "share": share[keep],
            "area_m2": area[keep],
            "_order": s_i[keep],
        }
    )
    table = table.sort_values(
        ["_order", "share", "ward_id"], ascending=[True, False, True], kind="stable"
    )
    return table.drop(columns="_order").reset_index(drop=True)


def primary_wards(overlaps: pd.DataFrame, settlements: gpd.GeoDataFrame) -> pd.DataFrame:
    """The primary ward (largest overlap) and the list of wards of each settlement.

    Parameters
    ----------
    overlaps
        The result of :func:`settlement_wards`.
    settlements
        The settlements the overlaps were computed for.

    Returns
    -------
    DataFrame
        Indexed like ``settlements``: ``ward_id`` (primary, None when in no ward), ``ward_ids``
        (list, largest share first) and ``ward_shares`` (list of shares, same order).
    """
    # One pass over the rows (already ordered by share within a settlement); ``tolist`` gives
    # the same Python scalars as iterating the columns.
    ids: dict[object, list[object]] = {}
    shares: dict[object, list[float]] = {}
    for key, ward, share in zip(
        overlaps["settlement_id"].tolist(),
        overlaps["ward_id"].tolist(),
        overlaps["share"].tolist(),
        strict=True,
    ):
        if key is None or key != key:  # groupby leaves out missing keys
            continue
        ids.setdefault(key, []).append(ward)
        shares.setdefault(key, []).append(float(share))
    keys = settlements["settlement_id"].tolist()
    ward_ids = [list(ids.get(k, [])) for k in keys]
    ward_shares = [list(shares.get(k, [])) for k in keys]
    return pd.DataFrame(
        {
            "ward_id": [w[0] if w else None for w in ward_ids],
            "ward_ids": ward_ids,
            "ward_shares": ward_shares,
        },
        index=settlements.index,
    )
