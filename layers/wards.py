"""Ward outlines (no fill) with their names as labels."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from atlas.i18n import _
from layers.display import DisplayLayers, shapes_of
from layers.script import ScriptLayer
from layers.text import safe_text

__all__ = ["WARD_STYLE", "ward_layer"]

#: Leaflet path options of the outlines. Labels are text (class ``atlas-ward-label``) that takes
#: no clicks, so the settlements under them keep their tooltips.
WARD_STYLE = {"fill": False, "color": "#3d3d3d", "weight": 1.5, "dashArray": "5 4"}


def ward_layer(wards: gpd.GeoDataFrame, *, display: DisplayLayers | None = None) -> ScriptLayer:
    """Ward outlines (no fill) with their names at a point inside each, as "Wards".

    Parameters
    ----------
    wards
        Wards (``ward_id``, optional ``name``).
    display
        The prepared layers of the dataset these wards are rows of (computed here when None
        or when they are not).

    Returns
    -------
    ScriptLayer
        Drawn as a feature group of an outline ``L.GeoJSON`` and label markers.
    """
    shapes, rows, grid = shapes_of(
        wards,
        "ward_id",
        None if display is None else display.wards,
        None if display is None else display.grid,
    )
    names = wards["name"] if "name" in wards else pd.Series(None, index=wards.index)
    label = names.where(names.notna(), wards["ward_id"]).to_numpy(dtype=object)
    texts = shapes.texts[rows]
    keep = np.flatnonzero(pd.notna(texts))
    data = {
        "shapes": texts[keep].tolist(),
        "labels": [safe_text(text) for text in label[keep]],
        "anchors": np.round(shapes.anchors[rows][keep], 6).tolist(),
    }
    return ScriptLayer(
        "wards",
        data,
        grid.to_json(),
        style=WARD_STYLE,
        name=_("Wards"),
        var_name="Wards",  # i18n-ignore: a JavaScript name
    )
