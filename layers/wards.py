"""Ward outlines (no fill) with their names as labels."""

from __future__ import annotations

from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from folium.utilities import JsCode

from layers.geometry import display_geometry, feature_collection, geojson_geometries
from layers.text import safe_text

__all__ = ["ward_layer"]

# Labels are markers whose icon is the (escaped) name; they take no clicks, so the settlements
# under them keep their tooltips.
_WARD_LABEL = JsCode(
    """function (feature, layer) {
        layer.options.interactive = false;
        layer.options.keyboard = false;
        layer.setIcon(L.divIcon({
            className: "atlas-ward-label", html: feature.properties.label,
            iconSize: [160, 20], iconAnchor: [80, 10]
        }));
    }"""
)


def _outline_style(feature: dict[str, Any]) -> dict[str, Any]:
    return {"fill": False, "color": "#3d3d3d", "weight": 1.5, "dashArray": "5 4"}


def ward_layer(wards: gpd.GeoDataFrame, *, tolerance_m: float = 1.0) -> folium.FeatureGroup:
    """Ward outlines (no fill) with their names at representative points, as "Wards".

    Parameters
    ----------
    wards
        Wards (``ward_id``, optional ``name``).
    tolerance_m
        Display simplification in metres.

    Returns
    -------
    FeatureGroup
        An outline GeoJson and a GeoJson of label points (drawn as text, class
        ``atlas-ward-label``).
    """
    geoms = display_geometry(wards, tolerance_m=tolerance_m)
    keep = ~(geoms.isna() | geoms.is_empty).to_numpy()
    names = wards["name"] if "name" in wards else pd.Series(None, index=wards.index)
    label = names.where(names.notna(), wards["ward_id"]).to_numpy(dtype=object)[keep]
    ward_ids = wards["ward_id"].to_numpy(dtype=object)[keep]
    shown = geoms[keep]
    outlines = [
        {"type": "Feature", "id": str(i), "properties": {"ward_id": safe_text(w)}, "geometry": g}
        for i, (w, g) in enumerate(zip(ward_ids, geojson_geometries(shown), strict=True))
    ]
    anchors = shapely.get_coordinates(shapely.point_on_surface(shown.to_numpy()))
    labels = [
        {
            "type": "Feature",
            "id": str(i),
            "properties": {"label": safe_text(text)},
            "geometry": {"type": "Point", "coordinates": [float(x), float(y)]},
        }
        for i, (text, (x, y)) in enumerate(zip(label, np.round(anchors, 6), strict=True))
    ]
    group = folium.FeatureGroup(name="Wards")
    folium.GeoJson(
        feature_collection(outlines),
        control=False,
        style_function=_outline_style,
        interactive=False,
    ).add_to(group)
    folium.GeoJson(feature_collection(labels), control=False, on_each_feature=_WARD_LABEL).add_to(
        group
    )
    return group
