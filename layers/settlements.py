"""The settlements layer: a choropleth of one gap measure with a plain-words tooltip.

Each drawn settlement carries only what the page needs: ``name``, ``headline`` and ``detail``
(shown in the tooltip, so already passed through :func:`layers.text.safe_text`, because the
tooltip inserts them as HTML), ``value`` (a number) and ``settlement_id``. The id is kept as the
raw text, so that a clicked feature (streamlit-folium's ``last_active_drawing``) finds its row;
it is data, serialised as HTML-safe JSON, and must never be shown as HTML.

They travel as columns, not as GeoJSON features: shapes come encoded from
:func:`layers.display.prepare_display`, the tooltip texts once each in a table (many
settlements share "enough taps for the standard"), and the fill as a class number that the
script looks up in the legend's colours.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from atlas.errors import SchemaError
from atlas.i18n import _
from atlas.measure.standards import Standard
from layers.display import DisplayLayers, shapes_of
from layers.script import ScriptLayer
from layers.style import NO_DATA, Classes, classify
from layers.text import (
    category_rule,
    coverage_words,
    display_names,
    gap_words,
    noun,
    ratio_words,
    safe_text,
)

__all__ = ["METRICS", "SETTLEMENT_STYLE", "settlement_layer"]

#: The settlement measures a map can show, as ``<category>_<metric>`` columns.
METRICS = ("gap", "ratio", "coverage")
_KIND = {"gap": "integer", "ratio": "number", "coverage": "percent"}
#: Leaflet path options: every fill, a normal and a selected (heavy) outline, and the hover look.
SETTLEMENT_STYLE = {
    "fill": {"fillOpacity": 0.75},
    "outline": {"color": "#4d4d4d", "weight": 1, "opacity": 0.9},
    "selected": {"color": "#000000", "weight": 3, "opacity": 1},
    "highlight": {"color": "#000000", "weight": 3},
}


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
    display: DisplayLayers | None = None,
    selected: Sequence[bool] | np.ndarray | None = None,
) -> tuple[ScriptLayer, Classes]:
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
    display
        The prepared layers of a dataset these settlements are rows of (computed here when
        None or when they are not).
    selected
        Per settlement, True to draw it with a heavy outline (a selected cluster).

    Returns
    -------
    (ScriptLayer, Classes)
        The layer named "Settlements" (drawn as an ``L.GeoJSON`` whose features have
        ``settlement_id``, ``name``, ``value``, ``headline``, ``detail``) and its classes, for
        the legend.

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
            _(
                "The settlements have no '{column}' column: '{category}' is not a measured "
                "category (measured: {measured}).",
                column=column,
                category=category,
                measured=", ".join(known) or _("none"),
            )
        )
    rule = category_rule(category, standard)
    values = _floats(settlements, column)
    classes = classify(values, k=k, reverse=metric == "coverage", kind=_KIND[metric])
    classed = classes.index_of(values)
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
    names = display_names(settlements)
    heavy = np.zeros(len(settlements), bool) if selected is None else np.asarray(selected, bool)
    prepared, rows, grid = shapes_of(
        settlements,
        "settlement_id",
        None if display is None else display.settlements,
        None if display is None else display.grid,
    )
    shapes = prepared.texts[rows]
    keep = np.flatnonzero(pd.notna(shapes))
    texts: dict[str, int] = {}
    headline, detail = [], []
    for i in keep:
        if metric == "gap":
            words = gap_words(gap[i], bool(unknown[i]), rule)
        elif metric == "coverage":
            words = coverage_words(cover[i], rule)
        else:
            count = 0 if np.isnan(working[i]) else int(working[i])
            words = f"{count} working {noun(rule.point_label, count)}"
        head = safe_text(ratio_words(ratio[i], working[i], bool(unknown[i]), rule))
        headline.append(texts.setdefault(head, len(texts)))
        detail.append(texts.setdefault(safe_text(words), len(texts)))
    data = {
        "shapes": shapes[keep].tolist(),
        "ids": [None if ids[i] is None else str(ids[i]) for i in keep],
        "names": [safe_text(names[i]) for i in keep],
        "values": [None if np.isnan(values[i]) else round(float(values[i]), 4) for i in keep],
        "texts": list(texts),
        "headline": headline,
        "detail": detail,
        "cls": classed[keep].tolist(),
        "colours": list(classes.colours),
        "noData": NO_DATA,
        "heavy": np.flatnonzero(heavy[keep]).tolist(),
    }
    layer = ScriptLayer(
        "settlements",
        data,
        grid.to_json(),
        style=SETTLEMENT_STYLE,
        name=_("Settlements"),
        var_name="GeoJson",
    )
    return layer, classes
