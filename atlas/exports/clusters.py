"""Exporting some clusters only: the part of a gap result that concerns them."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from atlas.errors import SchemaError
from atlas.i18n import _
from atlas.measure.pipeline import GapResult

__all__ = ["chosen_clusters", "filter_clusters"]


def chosen_clusters(clusters: Sequence[str] | str | None) -> list[str]:
    """The cluster names asked for, once each, in order (none for None)."""
    if clusters is None:
        return []
    # A lone name is a Sequence[str] too: do not read "K1" as the clusters "K" and "1".
    return [clusters] if isinstance(clusters, str) else list(dict.fromkeys(clusters))


def filter_clusters(result: GapResult, clusters: Sequence[str] | str | None) -> GapResult:
    """The part of ``result`` that concerns the chosen clusters.

    Parameters
    ----------
    result
        A gap result (:func:`atlas.compute_gaps`); not modified.
    clusters
        Cluster names; None or an empty sequence keeps everything (``result`` itself is
        returned). A single string is one cluster name.

    Returns
    -------
    GapResult
        The chosen clusters' settlements, the service points attributed to them, their ward
        overlaps and the chosen rows of the cluster summary (each frame indexed as before).

    Raises
    ------
    SchemaError
        A name is not a cluster of ``result``; the message lists the clusters there are.
    """
    chosen = chosen_clusters(clusters)
    if not chosen:
        return result
    known = sorted(str(c) for c in result.settlements["cluster"].dropna().unique())
    unknown = [c for c in chosen if c not in known]
    if unknown:
        names = ", ".join(repr(c) for c in unknown)
        raise SchemaError(
            _(
                "No cluster called {names} in this dataset; the clusters are: {known}.",
                names=names,
                known=", ".join(repr(c) for c in known),
            )
            if known
            else _(
                "No cluster called {names} in this dataset; the clusters are: none (no "
                "settlement has a cluster).",
                names=names,
            )
        )
    settlements = result.settlements[result.settlements["cluster"].isin(chosen).to_numpy(bool)]
    ids = settlements["settlement_id"]
    return dataclasses.replace(
        result,
        settlements=settlements.copy(),
        services=result.services[result.services["settlement_id"].isin(ids).to_numpy(bool)].copy(),
        ward_overlaps=result.ward_overlaps[
            result.ward_overlaps["settlement_id"].isin(ids).to_numpy(bool)
        ].copy(),
        clusters=result.clusters[result.clusters["cluster"].isin(chosen).to_numpy(bool)].copy(),
    )
