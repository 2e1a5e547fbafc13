"""Service points: circle markers coloured by status, one layer per category.

A category with many points is drawn as marker clusters. Points are GeoJson features (one layer
per status, so the style is constant and the page stays small), each with a tooltip of kind,
status and provider escaped by :func:`layers.text.safe_text`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely
from folium.plugins import MarkerCluster
from folium.utilities import JsCode

from atlas.schema import CATEGORIES
from layers.geometry import display_geometry, feature_collection
from layers.style import STATUS_COLOURS
from layers.text import safe_text

__all__ = ["service_layer_name", "service_layers"]

_BIND_TIP = JsCode("function (feature, layer) { layer.bindTooltip(feature.properties.tip); }")
# Neutral grey clusters: markercluster's default green-yellow-orange would read as part of the
# settlement palette.
_CLUSTER_ICON = """function (cluster) {
    return L.divIcon({
        html: "<div><span>" + cluster.getChildCount() + "</span></div>",
        className: "marker-cluster atlas-cluster", iconSize: L.point(40, 40)
    });
}"""


def service_layer_name(category: str) -> str:
    """The layer-control name of a category's service points (escaped)."""
    return f"Service points: {safe_text(category)}"


def _point_tip(kind: object, status: str, provider: object) -> str:
    words = [safe_text(status)]
    if safe_text(provider).strip():
        words.append(safe_text(provider))
    return f"<b>{safe_text(kind) or 'service point'}</b><br>{' · '.join(words)}"


def _status_layer(features: list[dict[str, Any]], status: str) -> folium.GeoJson:
    style = {
        "fill": True,
        "fillColor": STATUS_COLOURS.get(status, STATUS_COLOURS["unknown"]),
        "fillOpacity": 0.95,
        "color": "#1a1a1a",
        "weight": 1,
    }
    return folium.GeoJson(
        feature_collection(features),
        control=False,
        marker=folium.CircleMarker(radius=5),
        style_function=lambda feature: dict(style),
        on_each_feature=_BIND_TIP,
    )


def service_layers(
    services: gpd.GeoDataFrame,
    *,
    shown: str = "water",
    categories: Sequence[str] | None = None,
    cluster_threshold: int = 200,
    asset_base: str = "/app/static/vendor",
) -> list[folium.FeatureGroup | MarkerCluster]:
    """One layer of circle markers per service category, coloured by status.

    Parameters
    ----------
    services
        Service points (:attr:`atlas.GapResult.services`).
    shown
        The category whose layer is switched on; the others start hidden.
    categories
        The categories to draw (default: every category present).
    cluster_threshold
        A category with more points than this is drawn as a marker cluster.
    asset_base
        Where the vendored markercluster files are served.

    Returns
    -------
    list of FeatureGroup or MarkerCluster
        Named with :func:`service_layer_name`; each holds one GeoJson per status.
    """
    present = ~(services.geometry.isna() | services.geometry.is_empty).to_numpy()
    points = display_geometry(services, tolerance_m=0)
    xy = shapely.get_coordinates(shapely.point_on_surface(points[present].to_numpy()))
    frame = services.loc[present]
    found = list(dict.fromkeys(frame["category"].astype(str)))
    order = [c for c in CATEGORIES if c in found] + sorted(set(found) - set(CATEGORIES))
    chosen = order if categories is None else [c for c in categories if c in found]
    status = (
        frame["status"]
        .astype(str)
        .where(frame["status"].isin(list(STATUS_COLOURS)), "unknown")
        .to_numpy()
    )
    kinds = frame["kind"].to_numpy(dtype=object) if "kind" in frame else [None] * len(frame)
    providers = (
        frame["provider"].to_numpy(dtype=object) if "provider" in frame else [None] * len(frame)
    )
    by_category = frame["category"].astype(str).to_numpy()
    layers: list[folium.FeatureGroup | MarkerCluster] = []
    for category in chosen:
        rows = np.flatnonzero(by_category == category)
        container: folium.FeatureGroup | MarkerCluster
        if len(rows) > cluster_threshold:
            container = MarkerCluster(
                name=service_layer_name(category),
                show=category == shown,
                options={
                    "showCoverageOnHover": False,
                    "chunkedLoading": True,
                    "disableClusteringAtZoom": 16,
                },
                icon_create_function=_CLUSTER_ICON,
            )
            # Instance attributes: the class-level lists are shared by every map in the process.
            container.default_js = [("markerclusterjs", f"{asset_base}/leaflet.markercluster.js")]
            container.default_css = [
                ("markerclustercss", f"{asset_base}/MarkerCluster.css"),
                ("markerclusterdefaultcss", f"{asset_base}/MarkerCluster.Default.css"),
            ]
        else:
            container = folium.FeatureGroup(
                name=service_layer_name(category), show=category == shown
            )
        for state in STATUS_COLOURS:
            features = [
                {
                    "type": "Feature",
                    "id": str(i),
                    "properties": {"tip": _point_tip(kinds[i], state, providers[i])},
                    "geometry": {
                        "type": "Point",
                        "coordinates": [float(xy[i, 0]), float(xy[i, 1])],
                    },
                }
                for i in rows[status[rows] == state]
            ]
            if features:
                _status_layer(features, state).add_to(container)
        layers.append(container)
    return layers
