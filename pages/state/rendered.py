"""A cached map written once as streamlit-folium's component arguments, and shown from them.

:func:`streamlit_folium.st_folium` copies nothing and renders the whole map every time it is
called: for a metro's map (3,000 settlements, 100,000 points of a category) that is a copy of
the cached map, its templates rendered three times and regular expressions run over a
megabyte and a half of script, in every run of every session. :func:`rendered` does that once
per map (a copy of it, since rendering alters a map), keyed by the map's own name (folium gives
each map a name of its own), and :func:`show_rendered` hands the stored arguments to the same
component, so the browser gets the same page as from ``st_folium``.

What is cached is the shared, public map (the one every session sees); a session's own layers
(the signed-in user's reports) are drawn by ``st_folium`` on a copy (:mod:`pages.state.maps`).
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from typing import Any

import folium
import folium.elements
import streamlit as st
import streamlit_folium
from streamlit_folium import _get_header, _get_html, _get_map_string, generate_js_hash, get_full_id

from pages.state import loading, session

__all__ = ["Rendered", "rendered", "show_rendered"]  # i18n-ignore: names of the module


@dataclass(frozen=True)
class Rendered:
    """What streamlit-folium's component is given for a map, but the per-call options."""

    script: str
    header: str
    html: str
    id: str
    bounds: dict[str, dict[str, float | None]]
    zoom: Any
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    #: The script's hash, as st_folium keys the component by (without the caller's key).
    digest: str


def _links(m: folium.Map) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The style sheets and scripts the map's elements link, in ``st_folium``'s order.

    The atlas's maps link only the assets served with the app (``static/vendor``, see
    :func:`layers.maps.build_map`) and draw no branca colormap, for which ``st_folium`` would
    add d3 from a CDN: nothing here reaches beyond the server (DESIGN: no internet)."""
    css: list[str] = []
    js: list[str] = []
    todo: list[Any] = [m]
    while todo:
        element = todo.pop(0)
        if isinstance(element, folium.elements.JSCSSMixin):
            css += [href for _, href in getattr(element, "default_css", [])]
            js += [src for _, src in getattr(element, "default_js", [])]
        todo[:0] = list(getattr(element, "_children", {}).values())
    return tuple(dict.fromkeys(css)), tuple(dict.fromkeys(js))


def _bounds(m: folium.Map) -> dict[str, dict[str, float | None]]:
    try:
        (south, west), (north, east) = m.get_bounds()
    except AttributeError:
        south = west = north = east = None
    return {
        "_southWest": {"lat": south, "lng": west},
        "_northEast": {"lat": north, "lng": east},
    }


@st.cache_resource(max_entries=32, show_spinner=False)
def _rendered(name: str, _drawn: folium.Map) -> Rendered:
    loading.step(loading.SENDING)
    m = copy.deepcopy(_drawn)
    m.get_root().render()
    m.render()
    html, header, script = _get_html(m), _get_header(m), _get_map_string(m)
    css, js = _links(m)
    return Rendered(
        script=script,
        header=header,
        html=html,
        id=get_full_id(m),
        bounds=_bounds(m),
        zoom=m.options.get("zoom"),
        css_links=css,
        js_links=js,
        digest=generate_js_hash(script, None, False),
    )


def rendered(drawn: folium.Map) -> Rendered:
    """``drawn`` written as the component's arguments (cached by the map's own name: a map
    cached by :mod:`pages.state.maps` is written once for every session)."""
    return _rendered(drawn.get_name(), drawn)


def show_rendered(
    drawn: Rendered, *, key: str, height: int, returned_objects: list[str]
) -> dict[str, Any] | None:
    """Show ``drawn`` across the page's width as ``st_folium`` would show its map (the same
    component and arguments); what the user did on it (``returned_objects``)."""
    component_key = hashlib.sha256(f"{drawn.digest}|{key}".encode()).hexdigest()
    defaults = {
        name: value
        for name, value in {
            "last_clicked": None,
            "last_object_clicked": None,
            "last_object_clicked_count": None,
            "last_object_clicked_tooltip": None,
            "last_object_clicked_popup": None,
            "all_drawings": None,
            "last_active_drawing": None,
            "bounds": drawn.bounds,
            "zoom": drawn.zoom,
            "last_circle_radius": None,
            "last_circle_polygon": None,
            "selected_layers": None,
            "selected_tags": None,
            "last_geocoder_result": None,
        }.items()
        if name in returned_objects
    }

    def changed() -> None:
        # As st_folium does: the caller's key holds what the component returned.
        session.keep_map_value(key, component_key)

    return streamlit_folium._component_func(  # type: ignore[no-any-return]
        script=drawn.script,
        header=drawn.header,
        html=drawn.html,
        id=drawn.id,
        key=component_key,
        height=height,
        width=None,
        returned_objects=returned_objects,
        default=defaults,
        zoom=None,
        center=None,
        feature_group=None,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=list(drawn.css_links),
        js_links=list(drawn.js_links),
        on_change=changed,
        wrap_longitude=False,
    )
