"""The standalone HTML map: one page that opens from disk with no internet; and every export.

A cluster takes this map to a meeting with no internet. It is a drawing, so it lives here rather
than in :mod:`atlas.exports` (data only): :func:`write_output` and :func:`output_download` are
the one entry point for every format, the drawn map here and the data formats through
:func:`atlas.exports.write_export`. The command line and the app both use them.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import pandas as pd
from branca.element import Figure

from atlas.exports import Download, export_layers, filter_clusters, to_download, write_export
from atlas.exports.clusters import chosen_clusters
from atlas.exports.paths import FORMATS, check_format, output_paths
from atlas.i18n import _
from atlas.load import Dataset
from atlas.measure import GapResult
from atlas.writing import make_parents, write_file
from layers.maps import build_map, standalone_html

__all__ = ["FORMATS", "output_download", "write_html", "write_output"]


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
    chosen = filter_clusters(result, clusters)
    what = ", ".join(chosen_clusters(clusters)) or dataset.name or _("all settlements")
    title = _("Settlement Atlas: {what} ({standard})", what=what, standard=result.standard.name)
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
    write_file(path, standalone_html(m))


def write_output(
    result: GapResult,
    dataset: Dataset,
    fmt: str,
    output: str | Path,
    *,
    clusters: Sequence[str] | str | None = None,
    category: str | None = None,
    metric: str = "gap",
    compliance: pd.DataFrame | None = None,
    source_columns: bool = True,
) -> list[Path]:
    """Write the joined result in any of :data:`FORMATS`: the HTML map drawn here, the data
    formats by :func:`atlas.exports.write_export` (same arguments, same paths; with
    ``source_columns=False`` the data files leave out the source files' own columns).

    Returns
    -------
    list of Path
        The files written, settlements first.

    Raises
    ------
    atlas.SchemaError
        Unknown format or cluster, or an output name that does not suit the format.
    layers.assets.AssetError
        ``html`` when the map assets are not installed (``python -m layers.assets``).

    Examples
    --------
    >>> import tempfile, atlas
    >>> ds = atlas.load_sample()
    >>> result = atlas.compute_gaps(ds, atlas.load_standard("cape-town"))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     [p.name for p in write_output(result, ds, "html", folder)]
    ['atlas.html']
    """
    check_format(fmt)
    if fmt != "html":
        return write_export(
            result,
            dataset,
            fmt,
            output,
            clusters=clusters,
            category=category,
            metric=metric,
            compliance=compliance,
            source_columns=source_columns,
        )
    layers = export_layers(
        result, dataset, clusters=clusters, compliance=compliance, source_columns=False
    )
    path = output_paths(fmt, output, [name for name in layers if name != "clusters"])["settlements"]
    make_parents(path)
    write_html(result, dataset, layers, path, clusters=clusters, category=category, metric=metric)
    return [path]


def output_download(
    result: GapResult,
    dataset: Dataset,
    fmt: str,
    *,
    clusters: Sequence[str] | str | None = None,
    category: str | None = None,
    metric: str = "gap",
    compliance: pd.DataFrame | None = None,
    source_columns: bool = True,
    on: date | None = None,
    subject: str | None = None,
) -> Download:
    """One file to offer for download in any of :data:`FORMATS` (see
    :func:`atlas.exports.to_download`): the map or GeoPackage as it is, else a zip (CSV files
    with their records), named by ``subject`` (default: the one cluster chosen, else the
    dataset), the standard, the date ``on`` (default today) and the format
    (:func:`atlas.exports.download_names.data_download_name`).

    Examples
    --------
    >>> import atlas
    >>> from datetime import date
    >>> ds = atlas.load_sample()
    >>> result = atlas.compute_gaps(ds, atlas.load_standard("cape-town"))
    >>> output_download(result, ds, "html", clusters="Ilanga East Cluster", on=date(2026, 12, 1)
    ...     ).file_name
    'ilanga-east-cluster_cape-town_2026-12-01_map.html'
    """
    return to_download(
        result,
        dataset,
        fmt,
        clusters=clusters,
        category=category,
        metric=metric,
        compliance=compliance,
        source_columns=source_columns,
        write=write_output,
        on=on,
        subject=subject,
    )
