"""The atlas map: settlements by service gap, service points by status, ward outlines.

The map loads nothing from the internet: folium's default CDN scripts and styles (jQuery,
Bootstrap, Font Awesome, awesome-markers, Leaflet) are replaced by the vendored Leaflet
(:mod:`layers.assets`), and the layers are drawn by the map's own inlined script
(:mod:`layers.script`) from compact data prepared once per dataset (:mod:`layers.display`):
a metro's 3,000 settlements and 100,000 points of a category make a page of about 1.5 MB.
There is no basemap unless asked for; the optional OpenStreetMap layer is the one remote
resource, and the map still works when it fails. :func:`standalone_html` inlines the assets so
the page opens from disk.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import folium
import geopandas as gpd
import numpy as np
from branca.element import MacroElement
from folium.template import Template

from atlas.i18n import _
from atlas.i18n.words import status_word
from atlas.measure.standards import Standard
from atlas.summaries.cluster_report import category_heading
from layers.assets import inline_assets
from layers.display import DisplayLayers, prepare_display
from layers.points import service_layers
from layers.script import MapScript
from layers.settlements import METRICS, settlement_layer
from layers.style import NO_DATA, STATUS_COLOURS, Classes, Legend, LegendSection
from layers.text import category_rule, noun
from layers.wards import ward_layer

if TYPE_CHECKING:
    from layers.raster import RasterOverlay

__all__ = ["OSM_TILES", "add_overlays", "build_map", "legend_title", "standalone_html"]

#: The optional online basemap (off by default).
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
_OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'  # i18n-ignore: licence
_BACKGROUND = "#f4f2ee"
#: The most of a map the legends and layer list cover when it opens (DESIGN §9: about a fifth).
COVERED_SHARE = 0.2


class PageStyle(MacroElement):
    """Page CSS (light background, ward labels, tooltips), ward labels hidden when zoomed out,
    legends and layer list that fold, and a first click that is not lost to scrolling.

    Parameters
    ----------
    label_min_zoom
        Below this zoom level ward labels are hidden (they would cover the map).
    covered_share
        The most of the map's area the open legends and layer list may cover when the map
        opens; beyond it they start folded (each opens with a click on its title).
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <style>
            .leaflet-container { background: {{ this.background }}; }
            .atlas-ward-label { display: flex; justify-content: center; align-items: center;
                white-space: nowrap; font: 600 12px system-ui, sans-serif; color: #333;
                text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff; pointer-events: none; }
            .atlas-far .atlas-ward-label { display: none; }
            .leaflet-tooltip.atlas-tip { font: 15px/1.4 system-ui, sans-serif; }
            .atlas-tip td { padding: 1px 2px; }
            .atlas-tip tr:first-child td { font-weight: 700; font-size: 16px; }
            .atlas-toggle { display: block; width: 100%; margin: 0; padding: 2px 2px 4px;
                border: 0; background: none; color: #222; text-align: left; cursor: pointer;
                font: 600 14px/1.2 system-ui, sans-serif; }
            .atlas-toggle::after { content: " \\25BE"; }
            .atlas-collapsed > .atlas-toggle { padding: 2px; }
            .atlas-collapsed > .atlas-toggle::after { content: " \\25B8"; }
            .atlas-legend.atlas-collapsed { padding: 4px 8px; }
            .atlas-legend.atlas-collapsed > :not(.atlas-toggle),
            .leaflet-control-layers.atlas-collapsed > :not(.atlas-toggle) { display: none; }
            .leaflet-control-layers > .atlas-toggle { padding: 2px 4px 4px; }
            </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            (function (map) {
                function toggle() {
                    map.getContainer().classList.toggle(
                        "atlas-far", map.getZoom() < {{ this.label_min_zoom|tojson }});
                }
                map.on("zoomend", toggle);
                toggle();
                // Leaflet focuses the map on mouse down, and the browser scrolls a focused
                // element into view: in a page taller than the window the first click on a
                // settlement only scrolled. Focus without scrolling.
                var keys = map.keyboard;
                if (keys && keys.enabled()) {
                    keys.disable();
                    keys._onMouseDown = function () {
                        if (!this._focused) this._map.getContainer().focus({preventScroll: true});
                    };
                    keys.enable();
                }
                // The legends and the layer list fold to a title bar; when open they would
                // cover more than {{ this.covered_share }} of the map (a phone), the layer
                // list folds first, then the largest legend, until they do not.
                var touched = false;
                function boxes() {
                    return Array.prototype.slice.call(map.getContainer().querySelectorAll(
                        ".atlas-legend, .leaflet-control-layers"));
                }
                function area(el) {
                    var r = el.getBoundingClientRect();
                    return r.width * r.height;
                }
                function setOpen(el, open) {
                    el.classList.toggle("atlas-collapsed", !open);
                    el.firstChild.setAttribute("aria-expanded", String(open));
                }
                function addToggle(el) {
                    if (el.firstChild && el.firstChild.className === "atlas-toggle") return;
                    var layers = el.classList.contains("leaflet-control-layers");
                    var button = L.DomUtil.create("button", "atlas-toggle");
                    button.type = "button";
                    button.textContent = layers ? {{ this.layers_label|tojson }}
                                                : {{ this.legend_label|tojson }};
                    L.DomEvent.on(button, "click", function (e) {
                        L.DomEvent.stop(e);
                        touched = true;
                        setOpen(el, el.classList.contains("atlas-collapsed"));
                    });
                    L.DomEvent.disableClickPropagation(el);
                    el.insertBefore(button, el.firstChild);
                }
                function fit() {
                    var box = map.getContainer(), list = boxes();
                    var whole = box.clientWidth * box.clientHeight;
                    list.forEach(addToggle);
                    if (touched || !whole) return;
                    list.forEach(function (el) { setOpen(el, true); });
                    var order = list.slice().sort(function (a, b) {
                        var layers = Number(b.classList.contains("leaflet-control-layers")) -
                                     Number(a.classList.contains("leaflet-control-layers"));
                        return layers || area(b) - area(a);
                    });
                    var covered = list.reduce(function (s, el) { return s + area(el); }, 0);
                    for (var i = 0; i < order.length && covered > {{ this.covered_share }} * whole; i++) {
                        var before = area(order[i]);
                        setOpen(order[i], false);
                        covered += area(order[i]) - before;
                    }
                }
                // After the rest of the map's script has added its legends and layer list,
                // and again whenever the map or a box changes size (Leaflet's style sheet
                // arriving, the frame resized), on the next frame (no resize loop).
                var pending = false;
                function later() {
                    if (pending) return;
                    pending = true;
                    requestAnimationFrame(function () { pending = false; fit(); });
                }
                setTimeout(function () {
                    fit();
                    if (!window.ResizeObserver) return;
                    var watch = new ResizeObserver(later);
                    watch.observe(map.getContainer());
                    boxes().forEach(function (el) { watch.observe(el); });
                }, 0);
            })({{ this._parent.get_name() }});
        {% endmacro %}
        """  # i18n-ignore: CSS and JavaScript
    )

    def __init__(self, label_min_zoom: int = 11, covered_share: float = COVERED_SHARE) -> None:
        super().__init__()
        self._name = "PageStyle"
        self.background = _BACKGROUND
        self.label_min_zoom = int(label_min_zoom)
        self.covered_share = float(covered_share)
        self.legend_label = _("Legend")
        self.layers_label = _("Layers")


def legend_title(metric: str, category: str, standard: Standard | None = None) -> str:
    """The legend heading of a metric, e.g. ``Water: more taps needed`` (not escaped)."""
    rule = category_rule(category, standard)
    label, unit = rule.point_label, "households" if rule.unit == "households" else "people"
    name = category_heading(category)
    point = noun(label, 1)
    if metric == "gap":
        return _("{category}: more {points} needed", category=name, points=noun(label, 2))
    if metric == "ratio":
        return _(
            "{category}: {unit} per working {point}",
            category=name,
            unit=noun("household" if unit == "households" else unit, 2),
            point=point,
        )
    distance = f"{rule.max_distance_m:g} m" if rule.max_distance_m else _("walking distance")
    return _(
        "{category}: area within {distance} of a working {point}",
        category=name,
        distance=distance,
        point=point,
    )


def _base_map(asset_base: str, online_tiles: bool) -> folium.Map:
    # Without a tile layer Leaflet has no maxZoom: zooming in would have no end.
    m = folium.Map(location=None, tiles=None, control_scale=True, zoom_start=2, maxZoom=19)
    # Instance attributes, never the class lists: those are shared by every map in the process
    # (Streamlit serves all users from one), and they point to CDNs.
    m.default_js = [("leaflet", f"{asset_base}/leaflet.js")]
    m.default_css = [("leaflet_css", f"{asset_base}/leaflet.css")]
    if online_tiles:
        folium.TileLayer(
            tiles=OSM_TILES,
            attr=_OSM_ATTRIBUTION,
            name=_("OpenStreetMap (online)"),
            overlay=True,
            max_zoom=19,
        ).add_to(m)
    return m


def _legend(
    classes: Classes, title: str, with_points: bool, position: str = "bottomright"
) -> Legend:
    entries = list(zip(classes.colours, classes.labels, strict=True))
    if classes.missing or not entries:
        entries.append((NO_DATA, _("no data")))
    sections = [LegendSection(title, tuple(entries))]
    if with_points:
        sections.append(
            LegendSection(
                _("Service points"),
                tuple((colour, status_word(s)) for s, colour in STATUS_COLOURS.items()),
                shape="dot",
            )
        )
    return Legend(sections, position=position)


def build_map(
    settlements: gpd.GeoDataFrame,
    services: gpd.GeoDataFrame | None,
    wards: gpd.GeoDataFrame | None,
    *,
    metric: str = "gap",
    category: str = "water",
    standard: Standard | None = None,
    asset_base: str = "/app/static/vendor",
    online_tiles: bool = False,
    selected_cluster: str | None = None,
    tolerance_m: float | None = None,
    k: int = 5,
    service_categories: Sequence[str] | None = None,
    cluster_threshold: int = 200,
    label_min_zoom: int = 12,
    rasters: Sequence[RasterOverlay] = (),
    display: DisplayLayers | None = None,
) -> folium.Map:
    """The atlas map of one category and metric, with service points and wards.

    Parameters
    ----------
    settlements
        A gap table (:attr:`atlas.GapResult.settlements`); not modified.
    services
        Service points (:attr:`atlas.GapResult.services`), or None.
    wards
        Wards (``Dataset.wards``), or None.
    metric
        ``gap``, ``ratio`` or ``coverage``: the settlements are coloured by
        ``<category>_<metric>``.
    category
        The service category, e.g. ``water``; its service points are shown, others hidden.
    standard
        The standard measured against (for labels such as "tap" and the walking distance).
    asset_base
        URL of the vendored assets (``static/vendor/`` as Streamlit serves it). Root-relative
        by default because streamlit-folium loads them inside a component iframe at
        ``/component/…``, where a relative ``app/static/vendor`` would not resolve; prefix
        Streamlit's ``server.baseUrlPath`` when one is set.
    online_tiles
        Add an OpenStreetMap basemap (needs internet; off by default).
    selected_cluster
        Outline this cluster's settlements and zoom to them.
    tolerance_m
        Display simplification of polygons, in metres (default: one screen pixel at street
        zoom, see :func:`layers.display.prepare_display`). Ignored when ``display`` is given.
    k
        The most classes of the choropleth (1 to 5).
    service_categories
        Which categories of service points to draw (default: all present; large datasets may
        pass ``[category]``).
    cluster_threshold
        A category with more points than this is counted per screen cell when zoomed out
        (:mod:`layers.points`).
    label_min_zoom
        Ward labels are hidden below this zoom level.
    rasters
        Raster overlays (:func:`layers.raster.raster_overlay`), each with its legend and opacity
        slider, listed in the layer control.
    display
        The layers prepared once for the dataset these frames come from
        (:func:`layers.display.prepare_display`; the app caches it): a filter change then
        skips the reprojection, simplification and encoding. Prepared here when None; a
        layer that is not (a row selection of) what ``display`` was prepared from is prepared
        again.

    Returns
    -------
    folium.Map
        Layers "Settlements", "Service points: <category>" (one per category), "Wards", a
        legend and a layer control; fitted to the settlements (or the selected cluster).
        The layers are built in the browser by the map's script (:mod:`layers.script`).

    Raises
    ------
    ValueError
        Unknown metric, or no settlement in ``selected_cluster``.
    SchemaError
        The settlements have no ``<category>_<metric>`` column.
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}, not {metric!r}.")
    selected = None
    if selected_cluster is not None:
        clusters = settlements.get("cluster")
        if clusters is None or not (clusters == selected_cluster).any():
            known = sorted(clusters.dropna().astype(str).unique()) if clusters is not None else []
            raise ValueError(
                f"No settlement belongs to the cluster {selected_cluster!r}; "
                f"clusters: {', '.join(known) or 'none'}."
            )
        selected = (clusters == selected_cluster).to_numpy(dtype=bool)

    if display is None:
        display = prepare_display(settlements, services, wards, tolerance_m=tolerance_m)
    m = _base_map(asset_base, online_tiles)
    PageStyle(label_min_zoom).add_to(m)
    MapScript().add_to(m)
    # Framed before any layer is added, so that the layers are projected once, at that view.
    _fit(m, display, settlements, selected)
    layer, classes = settlement_layer(
        settlements,
        metric=metric,
        category=category,
        standard=standard,
        k=k,
        display=display,
        selected=selected,
    )
    layer.add_to(m)
    if wards is not None and len(wards):
        ward_layer(wards, display=display).add_to(m)
    points = []
    if services is not None and len(services):
        points = service_layers(
            services,
            shown=category,
            categories=service_categories,
            cluster_threshold=cluster_threshold,
            standard=standard,
            display=display,
        )
        for group in points:
            group.add_to(m)
    _legend(classes, legend_title(metric, category, standard), bool(points)).add_to(m)
    for overlay in rasters:
        overlay.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def _fit(
    m: folium.Map,
    display: DisplayLayers,
    settlements: gpd.GeoDataFrame,
    selected: np.ndarray | None,
) -> None:
    """Frame the selected settlements, else all, else the wards (else the whole world)."""
    rows = display.settlements.rows_of(settlements, "settlement_id")
    boxes = display.settlements.boxes[rows] if rows is not None else np.empty((0, 4))
    if selected is not None and len(boxes):
        boxes = boxes[selected]
    boxes = boxes[np.isfinite(boxes).all(axis=1)]
    if not len(boxes) and display.wards is not None:
        boxes = display.wards.boxes[np.isfinite(display.wards.boxes).all(axis=1)]
    if not len(boxes):
        return
    south, west = float(boxes[:, 1].min()), float(boxes[:, 0].min())
    north, east = float(boxes[:, 3].max()), float(boxes[:, 2].max())
    if np.allclose([south, west], [north, east]):
        m.location, m.options["zoom"] = [south, west], 15
    else:
        m.fit_bounds([[south, west], [north, east]], padding=(12, 12))


def add_overlays(m: folium.Map, overlays: Sequence[MacroElement]) -> folium.Map:
    """Add layers and legends drawn apart from a map (a signed-in user's reports on a map
    built once for everyone) to ``m``, beneath its layer control so that the control lists
    them; returns ``m``, changed (pass a copy of a shared map).

    Examples
    --------
    >>> m = folium.Map(tiles=None)
    >>> _ = folium.LayerControl().add_to(m)
    >>> _ = add_overlays(m, [folium.FeatureGroup(name="Open reports (0)")])
    >>> [type(c).__name__ for c in m._children.values()]
    ['FeatureGroup', 'LayerControl']
    """
    controls = {k: c for k, c in m._children.items() if isinstance(c, folium.LayerControl)}
    for key in controls:
        del m._children[key]
    for overlay in overlays:
        overlay.add_to(m)
    for key, control in controls.items():
        m._children[key] = control
    return m


def standalone_html(m: folium.Map) -> str:
    """The map as one HTML document that opens from disk with no network.

    The vendored scripts and style sheets are inlined and their images become data URIs. An
    OpenStreetMap layer, when the map has one, still needs the internet (the rest works without).

    Parameters
    ----------
    m
        A map from :func:`build_map`.

    Returns
    -------
    str
        The HTML page.

    Raises
    ------
    layers.assets.AssetError
        When the assets are not installed (run ``python -m layers.assets``).
    """
    return inline_assets(m.get_root().render())
