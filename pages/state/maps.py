"""The Map page's map, cached so that a filter change rebuilds only what changed, and the one
way a page shows a folium map."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import folium
from branca.element import MacroElement
from streamlit_folium import st_folium

from layers.maps import add_overlays, build_map
from layers.raster import raster_overlay
from pages.state import loading
from pages.state.choices import RasterChoice, Source, Timing
from pages.state.language import cache_in_language
from pages.state.prepared import display_layers, prepared_layers
from pages.state.rasters import overlay_title, raster_picture
from pages.state.rendered import rendered, show_rendered
from pages.state.sources import categories_of, load_source
from pages.state.view import gaps, gaps_as_of

__all__ = ["map_for", "show_map"]


# Keyed by the language too: its legend, tooltips and layer names.
# No spinner: the first open's progress bar says it (pages.state.loading).
@cache_in_language(resource=True, max_entries=32, show_spinner=False)
def map_for(
    source: Source,
    standard: str,
    category: str,
    metric: str,
    cluster: str | None,
    online_tiles: bool,
    population: RasterChoice | None = None,
    overlays: tuple[RasterChoice, ...] = (),
    timing: Timing | None = None,
) -> folium.Map:
    """The map of a view in the session's language (cached: a filter change rebuilds only
    what changed; a raster is drawn once per choice, and only its small folium wrapping is made
    per map; a new view reuses the dataset's prepared layers)."""
    categories = categories_of(standard)
    # Started first: the map's layers are prepared while the gaps are measured.
    display_layers(source, categories, timing)
    result = (
        gaps(source, standard, population)
        if timing is None
        else gaps_as_of(source, standard, population, timing)[1]
    )
    display = prepared_layers(source, categories, timing)
    loading.step(loading.DRAWING)
    # The last overlay is on top and shown; earlier ones start hidden (the layer control).
    rasters = [
        raster_overlay(
            raster_picture(choice),
            name=choice.label,
            title=overlay_title(choice),
            show=i == len(overlays) - 1,
        )
        for i, choice in enumerate(overlays)
    ]
    return build_map(
        result.settlements,
        result.services,
        load_source(source, categories).wards,
        metric=metric,
        category=category,
        standard=result.standard,
        selected_cluster=cluster,
        online_tiles=online_tiles,
        service_categories=[category],
        rasters=rasters,
        display=display,
    )


def show_map(
    drawn: folium.Map,
    *,
    key: str,
    height: int,
    returned_objects: list[str],
    overlays: Sequence[MacroElement] = (),
) -> dict[str, Any] | None:
    """Show a (cached) map across the page's width, with this session's own ``overlays``
    (the signed-in user's reports: drawn on this session's copy only, never on the cached map
    every session shares); what the user did on it (``returned_objects``, see
    :func:`streamlit_folium.st_folium`).

    Without overlays the map's page is written once per map (:func:`rendered`) and every
    session is sent that: no copy, no rendering per session."""
    if not overlays:
        return show_rendered(
            rendered(drawn), key=key, height=height, returned_objects=returned_objects
        )
    # st_folium alters the map it renders: hand it a copy of the cached one.
    return st_folium(
        add_overlays(copy.deepcopy(drawn), overlays),
        returned_objects=returned_objects,
        height=height,
        use_container_width=True,
        key=key,
    )
