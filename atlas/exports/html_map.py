"""The standalone HTML map export: one page that opens from disk with no internet.

The map is drawn by :mod:`layers.maps`, imported when a page is written, so that
``import atlas`` stays free of folium for the library user. This is the one place where
:mod:`atlas.exports` reaches into ``layers/``.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from atlas.analysis import GapResult
from atlas.dataset import Dataset
from atlas.exports.clusters import chosen_clusters, filter_clusters

__all__ = ["write_html"]


def write_html(
    result: GapResult,
    dataset: Dataset,
    layers: Mapping[str, pd.DataFrame],
    path: Path,
    *,
    clusters: Sequence[str] | str | None,
    category: str | None,
    metric: str,
) -> None:
    """Write the map of the chosen clusters (all settlements when none) to ``path``.

    Parameters
    ----------
    result, dataset
        The gap result and the dataset measured; not modified.
    layers
        The export layers (:func:`~atlas.exports.export_layers`): the map shows their wards.
    path
        The HTML file; replaced when it exists.
    clusters
        The clusters exported, named in the page title.
    category, metric
        What the settlements are coloured by (default category: water, or the first).

    Raises
    ------
    layers.assets.AssetError
        The map assets are not installed (``python -m layers.assets``).
    """
    from branca.element import Figure

    from layers.maps import build_map, standalone_html

    chosen = filter_clusters(result, clusters)
    what = ", ".join(chosen_clusters(clusters)) or dataset.name or "all settlements"
    title = f"Settlement Atlas: {what} ({result.standard.name})"
    categories = list(chosen.standard.categories)
    if category is None:
        category = "water" if "water" in categories else categories[0]
    wards = dataset.wards
    if wards is not None and "wards" in layers:
        wards = wards.loc[layers["wards"].index]
    m = build_map(
        chosen.settlements,
        chosen.services,
        wards,
        metric=metric,
        category=category,
        standard=chosen.standard,
    )
    # The figure's title goes into <title> as it is: escape it, it holds user text.
    root = m.get_root()
    if isinstance(root, Figure):
        root.title = html.escape(title)
    path.write_text(standalone_html(m), encoding="utf-8")
