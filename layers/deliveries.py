"""The water deliveries map: settlements coloured by delivery compliance (issue 6).

Compliance is the share of scheduled deliveries that arrived on time and in full
(:func:`atlas.schedules.compliance`). It is a share from 0 to 1, so the classes are fixed
fifths rather than natural breaks (the same colour means the same compliance on every map),
coloured with ColorBrewer's YlOrRd reversed: dark red is low compliance, the bad end. A
settlement without scheduled deliveries is grey, "no schedule". The tooltip says it in words:
``Name: 4 of 12 scheduled deliveries arrived on time and in full``, escaped with
:func:`layers.text.safe_text`. Like :func:`layers.maps.build_map`, the map loads nothing from
the internet (vendored Leaflet, no basemap unless asked for).
"""

from __future__ import annotations

import math

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from atlas.errors import SchemaError
from atlas.i18n import N_, _
from atlas.schedules import compliance_sentence
from layers.geometry import (
    display_bounds,
    display_geometry,
    feature_collection,
    geojson_geometries,
)
from layers.maps import PageStyle, _base_map
from layers.style import NO_DATA, Legend, LegendSection, palette
from layers.text import display_names, safe_text

__all__ = [
    "COMPLIANCE_BINS",
    "COMPLIANCE_COLOURS",
    "COMPLIANCE_LABELS",
    "NO_SCHEDULE",
    "compliance_colour",
    "compliance_layer",
    "compliance_legend",
    "compliance_map",
]

#: Upper bounds of the compliance classes (a class holds values below its bound; the last
#: holds 1 too).
COMPLIANCE_BINS = (0.2, 0.4, 0.6, 0.8, 1.0)
#: Fill of each class, dark (low compliance, bad) to light (high compliance).
COMPLIANCE_COLOURS = palette(len(COMPLIANCE_BINS), reverse=True)
#: Legend text of each class: no two share a value, so 39.5 % is plainly in the second, and a
#: value on a bound (40 %) in the class that starts there (as in :func:`layers.style.classify`).
#: Translated where shown.
COMPLIANCE_LABELS = (
    N_("0 to under 20 %"),
    N_("20 to under 40 %"),
    N_("40 to under 60 %"),
    N_("60 to under 80 %"),
    N_("80 to 100 %"),
)
#: Legend text of settlements without scheduled deliveries (drawn in :data:`NO_DATA` grey),
#: translated where shown.
NO_SCHEDULE = N_("no schedule")
_FEATURE = "Feature"  # i18n-ignore: GeoJSON's type
_OUTLINE = {"color": "#4d4d4d", "weight": 1, "opacity": 0.9, "fillOpacity": 0.75}


def compliance_colour(value: float) -> str:
    """The fill of a compliance (0–1); grey (:data:`layers.style.NO_DATA`) when NaN."""
    if value is None or math.isnan(value):
        return NO_DATA
    for bound, colour in zip(COMPLIANCE_BINS, COMPLIANCE_COLOURS, strict=True):
        if value < bound:
            return colour
    return COMPLIANCE_COLOURS[-1]


def _counts(table: pd.DataFrame) -> dict[str, tuple[int, int]]:
    missing = [c for c in ("settlement_id", "scheduled", "delivered") if c not in table]
    if missing:
        raise SchemaError(
            _(
                "The compliance table has no {columns} column: pass the settlement level of "
                "atlas.schedules.compliance(outcomes, 'settlement').",
                columns=", ".join(missing),
            )
        )
    known = table.dropna(subset=["settlement_id"])
    return {
        str(s): (int(n), int(d))
        for s, n, d in zip(
            known["settlement_id"], known["scheduled"], known["delivered"], strict=True
        )
    }


def compliance_layer(
    settlements: gpd.GeoDataFrame, table: pd.DataFrame, *, tolerance_m: float = 1.0
) -> folium.GeoJson:
    """The settlements coloured by delivery compliance, with a plain-words tooltip.

    Parameters
    ----------
    settlements
        Settlement polygons with ``settlement_id`` and ``name`` (a dataset's settlements or a
        gap table); not modified.
    table
        Compliance per settlement: ``settlement_id``, ``scheduled``, ``delivered`` (the
        ``settlement`` level of :func:`atlas.schedules.compliance`). Settlements missing from
        it, or with nothing scheduled, are "no schedule".
    tolerance_m
        Display simplification in metres.

    Returns
    -------
    folium.GeoJson
        The layer "Water deliveries": one feature per settlement with a geometry, with
        properties ``settlement_id`` (raw, for clicks), ``name`` and ``sentence`` (escaped),
        ``scheduled``, ``delivered`` and ``compliance`` (None without a schedule).

    Raises
    ------
    SchemaError
        The table lacks ``settlement_id``, ``scheduled`` or ``delivered``.
    """
    counts = _counts(table)
    ids = settlements["settlement_id"].to_numpy(dtype=object)
    names = display_names(settlements)
    geoms = display_geometry(settlements, tolerance_m=tolerance_m)
    keep = ~(geoms.isna() | geoms.is_empty).to_numpy()
    shapes = geojson_geometries(geoms[keep])
    features, styles = [], {}
    for i, shape in zip(np.flatnonzero(keep), shapes, strict=True):
        settlement_id = None if ids[i] is None else str(ids[i])
        scheduled, delivered = counts.get(str(settlement_id), (0, 0))
        share = delivered / scheduled if scheduled else math.nan
        sentence = (
            compliance_sentence(scheduled, delivered) if scheduled else _("no deliveries scheduled")
        )
        properties = {
            "settlement_id": settlement_id,
            "name": safe_text(names[i]),
            "sentence": safe_text(f"{names[i]}: {sentence}"),
            "scheduled": scheduled,
            "delivered": delivered,
            "compliance": None if math.isnan(share) else round(share, 4),
        }
        fid = str(i)
        features.append(
            {
                "type": _FEATURE,
                "id": fid,
                "properties": properties,
                "geometry": shape,
            }
        )
        styles[fid] = {"fillColor": compliance_colour(share), **_OUTLINE}
    layer = folium.GeoJson(
        feature_collection(features),
        name=_("Water deliveries"),
        style_function=lambda feature: dict(styles[feature["id"]]),
        highlight_function=lambda feature: {"weight": 3, "color": "#000000"},
        smooth_factor=0.5,
    )
    if features:
        folium.GeoJsonTooltip(
            fields=["sentence"],
            labels=False,
            class_name="atlas-tip",
            style="font: 15px/1.4 system-ui, sans-serif;",
        ).add_to(layer)
    return layer


def compliance_legend(position: str = "bottomright") -> Legend:
    """The legend of :func:`compliance_layer`: the five classes and "no schedule"."""
    labels = [_(label) for label in COMPLIANCE_LABELS]
    entries = (*zip(COMPLIANCE_COLOURS, labels, strict=True), (NO_DATA, _(NO_SCHEDULE)))
    title = _("Deliveries on time and in full")
    return Legend([LegendSection(title, tuple(entries))], position=position)


def compliance_map(
    settlements: gpd.GeoDataFrame,
    table: pd.DataFrame,
    *,
    asset_base: str = "/app/static/vendor",
    online_tiles: bool = False,
    tolerance_m: float = 1.0,
) -> folium.Map:
    """A map of the settlements coloured by water delivery compliance.

    Parameters
    ----------
    settlements, table, tolerance_m
        As for :func:`compliance_layer`.
    asset_base, online_tiles
        As for :func:`layers.maps.build_map` (vendored assets; the optional OpenStreetMap
        basemap is the only remote resource).

    Returns
    -------
    folium.Map
        The layer "Water deliveries", a legend and a layer control, fitted to the settlements.
    """
    m = _base_map(asset_base, online_tiles)
    PageStyle().add_to(m)
    compliance_layer(settlements, table, tolerance_m=tolerance_m).add_to(m)
    compliance_legend().add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    if len(settlements):
        bounds = display_bounds(display_geometry(settlements, tolerance_m=0))
        if bounds is not None:
            if np.allclose(bounds[0], bounds[1]):
                m.location, m.options["zoom"] = bounds[0], 15
            else:
                m.fit_bounds(bounds, padding=(12, 12))
    return m
