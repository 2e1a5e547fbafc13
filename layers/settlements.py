"""The settlements layer: a choropleth of one gap measure with a plain-words tooltip.

Feature properties carry only what the page needs: ``name``, ``headline`` and ``detail``
(shown in the tooltip, so already passed through :func:`layers.text.safe_text`, because the
tooltip inserts them as HTML), ``value`` (a number) and ``settlement_id``. The id is kept as the
raw text, so that a clicked feature (streamlit-folium's ``last_active_drawing``) finds its row;
it is data, serialised as HTML-safe JSON, and must never be shown as HTML.
"""

from __future__ import annotations

from collections.abc import Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from atlas.errors import SchemaError
from atlas.standards import Standard
from layers.geometry import display_geometry, feature_collection, geojson_geometries
from layers.style import Classes, classify
from layers.text import (
    category_rule,
    coverage_words,
    gap_words,
    noun,
    ratio_words,
    safe_text,
)

__all__ = ["METRICS", "settlement_layer"]

#: The settlement measures a map can show, as ``<category>_<metric>`` columns.
METRICS = ("gap", "ratio", "coverage")
_KIND = {"gap": "integer", "ratio": "number", "coverage": "percent"}
_OUTLINE = {"color": "#4d4d4d", "weight": 1, "opacity": 0.9}
_SELECTED = {"color": "#000000", "weight": 3, "opacity": 1}


def _floats(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def settlement_layer(
    settlements: gpd.GeoDataFrame,
    *,
    metric: str = "gap",
    category: str = "water",
    standard: Standard | None = None,
    k: int = 5,
    tolerance_m: float = 1.0,
    selected: Sequence[bool] | np.ndarray | None = None,
) -> tuple[folium.GeoJson, Classes]:
    """The settlements coloured by ``<category>_<metric>``, with a plain-words tooltip.

    Parameters
    ----------
    settlements
        A gap table (:attr:`atlas.GapResult.settlements`).
    metric
        ``gap``, ``ratio`` or ``coverage``.
    category
        The service category, e.g. ``water``.
    standard
        The standard measured against (point labels, demand unit, walking distance).
    k
        The most classes.
    tolerance_m
        Display simplification in metres.
    selected
        Per settlement, True to draw it with a heavy outline (a selected cluster).

    Returns
    -------
    (GeoJson, Classes)
        The layer named "Settlements" (features with ``settlement_id``, ``name``, ``value``,
        ``headline``, ``detail``) and its classes, for the legend.

    Raises
    ------
    ValueError
        Unknown metric.
    SchemaError
        The table has no ``<category>_<metric>`` column.
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}, not {metric!r}.")
    column = f"{category}_{metric}"
    if column not in settlements:
        known = sorted({c.rsplit("_", 1)[0] for c in settlements.columns if c.endswith("_gap")})
        raise SchemaError(
            f"The settlements have no '{column}' column: '{category}' is not a measured "
            f"category (measured: {', '.join(known) or 'none'})."
        )
    rule = category_rule(category, standard)
    values = _floats(settlements, column)
    classes = classify(values, k=k, reverse=metric == "coverage", kind=_KIND[metric])
    fills = classes.colour_of(values)
    ratio = _floats(settlements, f"{category}_ratio")
    working = _floats(settlements, f"{category}_working")
    gap = _floats(settlements, f"{category}_gap")
    cover = _floats(settlements, f"{category}_coverage")
    unknown = (
        settlements["demand_missing"].fillna(True).to_numpy(dtype=bool)
        if "demand_missing" in settlements
        else np.zeros(len(settlements), dtype=bool)
    )
    ids = settlements["settlement_id"].to_numpy(dtype=object)
    names = (
        settlements["name"].where(settlements["name"].notna(), settlements["settlement_id"])
        if "name" in settlements
        else settlements["settlement_id"]
    ).to_numpy(dtype=object)
    heavy = np.zeros(len(settlements), bool) if selected is None else np.asarray(selected, bool)
    geoms = display_geometry(settlements, tolerance_m=tolerance_m)
    keep = ~(geoms.isna() | geoms.is_empty).to_numpy()
    shapes = geojson_geometries(geoms[keep])
    features, styles = [], {}
    for i, shape in zip(np.flatnonzero(keep), shapes, strict=True):
        if metric == "gap":
            detail = gap_words(gap[i], bool(unknown[i]), rule)
        elif metric == "coverage":
            detail = coverage_words(cover[i], rule)
        else:
            count = 0 if np.isnan(working[i]) else int(working[i])
            detail = f"{count} working {noun(rule.point_label, count)}"
        properties = {
            "settlement_id": None if ids[i] is None else str(ids[i]),
            "name": safe_text(names[i]),
            "value": None if np.isnan(values[i]) else round(float(values[i]), 4),
            "headline": safe_text(ratio_words(ratio[i], working[i], bool(unknown[i]), rule)),
            "detail": safe_text(detail),
        }
        fid = str(i)
        features.append({"type": "Feature", "id": fid, "properties": properties, "geometry": shape})
        styles[fid] = {
            "fillColor": fills[i],
            "fillOpacity": 0.75,
            **(_SELECTED if heavy[i] else _OUTLINE),
        }
    layer = folium.GeoJson(
        feature_collection(features),
        name="Settlements",
        style_function=lambda feature: dict(styles[feature["id"]]),
        highlight_function=lambda feature: {"weight": 3, "color": "#000000"},
        smooth_factor=0.5,
    )
    if features:
        folium.GeoJsonTooltip(
            fields=["name", "headline", "detail"],
            labels=False,
            class_name="atlas-tip",
            style="font: 15px/1.4 system-ui, sans-serif;",
        ).add_to(layer)
    return layer, classes
