"""The headline figures of a cluster: a few labelled numbers, large and plain, for the top of
its page ("Households 6 287", "Taps missing 213")."""

from __future__ import annotations

import pandas as pd

from atlas.errors import SchemaError
from atlas.i18n import _, noun, shown_number
from atlas.measure.standards import Standard

__all__ = ["cluster_figures"]

#: The columns of the category's figures after the households, in reading order.
_FIGURES = ("working", "needed", "gap")


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
        raise SchemaError(_("There is no cluster named '{cluster}'.", cluster=cluster))
    totals = rows.iloc[0]
    points = noun(standard.rule(category).point_label, 2)
    labels = [
        _("Households"),
        _("Working {points}", points=points),
        _("{points} needed", points=points),
        _("{points} missing", points=points),
    ]
    numbers = [totals["households"], *(totals[f"{category}_{k}"] for k in _FIGURES)]
    return [(_capitalised(t), shown_number(n)) for t, n in zip(labels, numbers, strict=True)]


def _capitalised(text: str) -> str:
    """``text`` with its first letter a capital (a label may start with its point's word)."""
    return text[:1].upper() + text[1:]
