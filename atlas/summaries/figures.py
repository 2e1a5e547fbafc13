"""The headline figures of a cluster: a few labelled numbers, large and plain, for the top of
its page ("Households 6 287", "Taps missing 213")."""

from __future__ import annotations

import pandas as pd

from atlas.errors import SchemaError
from atlas.i18n import shown_number
from atlas.measure.standards import Standard

__all__ = ["cluster_figures"]


def cluster_figures(
    clusters: pd.DataFrame, cluster: str, standard: Standard, category: str
) -> list[tuple[str, str]]:
    """A cluster's households and its working, needed and missing points of one category.

    Parameters
    ----------
    clusters
        ``GapResult.clusters``: one row per cluster.
    cluster
        The cluster's name.
    standard
        The standard in force (it names the points: taps, toilets…).
    category
        The service category, e.g. ``water``.

    Returns
    -------
    list of (str, str)
        ``(label, number)`` pairs in reading order, numbers shown with spaced thousands
        (``unknown`` where missing).

    Raises
    ------
    SchemaError
        When ``clusters`` has no row for ``cluster``.

    Examples
    --------
    >>> import atlas
    >>> result = atlas.compute_gaps(atlas.load_sample(), atlas.load_standard("cape-town"))
    >>> [label for label, _ in cluster_figures(
    ...     result.clusters, "Ilanga East Cluster", result.standard, "water")]
    ['Households', 'Working taps', 'Taps needed', 'Taps missing']
    """
    rows = clusters[clusters["cluster"] == cluster]
    if rows.empty:
        raise SchemaError(f"There is no cluster named '{cluster}'.")
    totals = rows.iloc[0]
    label = standard.rule(category).point_label
    return [
        ("Households", shown_number(totals["households"])),
        (f"Working {label}s", shown_number(totals[f"{category}_working"])),
        (f"{label.capitalize()}s needed", shown_number(totals[f"{category}_needed"])),
        (f"{label.capitalize()}s missing", shown_number(totals[f"{category}_gap"])),
    ]
