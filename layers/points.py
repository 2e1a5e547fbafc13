"""Service points: coloured by status, one layer per category, counted per cell when zoomed out.

A metro has hundreds of thousands of service points: a marker each would be hundreds of
megabytes of page and minutes of drawing. Each category is one layer drawn on a canvas by the
map's script (``layers/atlas_map.js``) from compact data (:mod:`layers.encoding`, about 5 bytes a
point). Below :data:`INDIVIDUAL_ZOOM` the points are summed per screen cell of :data:`CELL_PX`
pixels and each cell is a small pie of working, broken and unknown with its count; from that
zoom on (or always, for a category of at most ``cluster_threshold`` points) every point in view
is drawn as a circle. Tooltips (kind, status, provider) are escaped by
:func:`layers.text.safe_text`.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd

from atlas.i18n import _
from atlas.i18n.words import status_word
from atlas.load.schema import CATEGORIES
from atlas.measure.standards import Standard
from layers.display import STATUSES, DisplayLayers, prepare_display, shown_tip
from layers.script import ScriptLayer
from layers.style import STATUS_COLOURS
from layers.text import category_rule, noun, safe_text

__all__ = ["CELL_PX", "INDIVIDUAL_ZOOM", "service_layer_name", "service_layers"]

#: From this zoom on every point is drawn (about 4 m per pixel: a settlement is 20-150 px).
INDIVIDUAL_ZOOM = 15
#: Size of the screen cells points are counted in below :data:`INDIVIDUAL_ZOOM`, in pixels.
CELL_PX = 64


def service_layer_name(category: str) -> str:
    """The layer-control name of a category's service points (escaped)."""
    return _("Service points: {category}", category=safe_text(category))


def service_layers(
    services: gpd.GeoDataFrame,
    *,
    shown: str = "water",
    categories: Sequence[str] | None = None,
    cluster_threshold: int = 200,
    standard: Standard | None = None,
    display: DisplayLayers | None = None,
) -> list[ScriptLayer]:
    """One layer per service category, coloured by status.

    Parameters
    ----------
    services
        Service points (:attr:`atlas.GapResult.services`).
    shown
        The category whose layer is switched on; the others start hidden.
    categories
        The categories to draw (default: every category present).
    cluster_threshold
        A category with more points than this is counted per cell below
        :data:`INDIVIDUAL_ZOOM`; one with fewer is always drawn point by point.
    standard
        The standard (for the words: "12 taps").
    display
        The prepared layers of the dataset these services are (computed here when None or
        when they are not).

    Returns
    -------
    list of ScriptLayer
        Named with :func:`service_layer_name`; each draws its points on a canvas.
    """
    if display is None or not display.fits_services(services):
        display = prepare_display(services.iloc[:0], services, None)
    found = list(display.points)
    order = [c for c in CATEGORIES if c in found] + sorted(set(found) - set(CATEGORIES))
    chosen = order if categories is None else [c for c in categories if c in found]
    layers = []
    for category in chosen:
        points = display.points[category]
        label = category_rule(category, standard).point_label
        data = {
            "data": points.data,
            # The tooltips and the words the script writes, in the session's language.
            "codes": [[status, shown_tip(status, tip)] for status, tip in points.codes],
            "counts": list(points.counts),
            "colours": [STATUS_COLOURS[s] for s in STATUSES],
            "statuses": list(STATUSES),
            "noun": [safe_text(noun(label, 1)), safe_text(noun(label, 2))],
            "words": {
                "statuses": [safe_text(status_word(s)) for s in STATUSES],
                "zoom": safe_text(_("zoom in to see each")),
            },
            "threshold": int(cluster_threshold),
            "individualZoom": INDIVIDUAL_ZOOM,
            "cellPx": CELL_PX,
        }
        layers.append(
            ScriptLayer(
                "points",
                data,
                display.grid.to_json(),
                name=service_layer_name(category),
                show=category == shown,
                var_name="AtlasPoints",
            )
        )
    return layers
