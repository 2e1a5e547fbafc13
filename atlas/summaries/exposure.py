"""Population and hazard figures as a page shows them: plain headings, every cell text, numbers
written as the sentences write them, and every empty cell worded (DESIGN §2 rule 10: data files
keep the exact values, see :mod:`atlas.raster` and :mod:`atlas.exports`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from atlas.exports.records import to_records
from atlas.i18n import N_, _, shown_count, shown_percent, shown_text
from atlas.summaries.phrases import cluster_label

__all__ = ["NO_BOUNDARY", "shown_estimates", "shown_exposure", "shown_hazard_clusters"]

#: A share of area in a hazard zone where the settlement has no boundary to measure it by.
NO_BOUNDARY = N_("no boundary")


def shown_estimates(estimates: pd.DataFrame) -> pd.DataFrame:
    """:func:`atlas.raster.estimate_table` as a page shows it (headings and words in the
    session's language), the column a person came for
    first: the settlement, the raster's estimate beside its own people and households, whether
    its demand came from the raster, its cluster. Every cell text, ``not known`` where a figure
    is missing, ``Not in a cluster``.

    >>> import pandas as pd
    >>> shown_estimates(pd.DataFrame({"name": ["Enkanini"], "cluster": [None],
    ...     "households": [None], "population": [1234.4], "population_estimate": [1310.6],
    ...     "population_from_raster": [False]})).iloc[0].tolist()
    ['Enkanini', '1 311', '1 234', 'not known', 'no', 'Not in a cluster']
    """
    records = to_records(estimates)
    return pd.DataFrame(
        {
            _("Settlement"): [shown_text(r["name"]) for r in records],
            _("People (raster estimate)"): [shown_count(r["population_estimate"]) for r in records],
            _("People"): [shown_count(r["population"]) for r in records],
            _("Households"): [shown_count(r["households"]) for r in records],
            _("Demand from the raster"): [
                _("yes") if r["population_from_raster"] else _("no") for r in records
            ],
            _("Cluster"): [cluster_label(r["cluster"]) for r in records],
        }
    )


def _shares(records: list[dict[str, Any]]) -> list[str]:
    return [shown_percent(r["hazard_area_share"], NO_BOUNDARY) for r in records]


def shown_hazard_clusters(per_cluster: pd.DataFrame) -> pd.DataFrame:
    """:func:`atlas.raster.hazard_by_cluster` as a page shows it, as its sentence says it: per
    cluster the people in the hazard zone, how many settlements have most or some of their area
    in it, of how many, and the share of the area (``not known``, ``no boundary`` where they
    cannot be measured)."""
    records = to_records(per_cluster)
    return pd.DataFrame(
        {
            _("Cluster"): [cluster_label(r["cluster"]) for r in records],
            _("People in it"): [shown_count(r["hazard_population"]) for r in records],
            _("More than half in it"): [
                shown_count(r["settlements_mostly_exposed"]) for r in records
            ],
            _("With some area in it"): [shown_count(r["settlements_exposed"]) for r in records],
            _("Settlements"): [shown_count(r["settlements"]) for r in records],
            _("Share of area in it"): _shares(records),
        }
    )


def shown_exposure(exposure: pd.DataFrame) -> pd.DataFrame:
    """:func:`atlas.raster.hazard_exposure` (kept ``settlement_id``, ``name``, ``cluster``) as a
    page shows it, in its order (:func:`atlas.raster.most_exposed_first`: the largest share
    first): the settlement, its share of area and the people in the hazard zone, its cluster
    and id."""
    records = to_records(exposure)
    return pd.DataFrame(
        {
            _("Settlement"): [shown_text(r["name"]) for r in records],
            _("Share of area in it"): _shares(records),
            _("People in it"): [shown_count(r["hazard_population"]) for r in records],
            _("Cluster"): [cluster_label(r["cluster"]) for r in records],
            _("Id"): [shown_text(r["settlement_id"]) for r in records],
        }
    )
