"""A cluster's headline figures (atlas/summaries/figures.py), on a hand-made clusters table."""

from __future__ import annotations

import pandas as pd
import pytest

import atlas
from atlas.summaries import cluster_figures

CAPE_TOWN = atlas.load_standard("cape-town")

CLUSTERS = pd.DataFrame(
    {
        "cluster": ["Ilanga", "Kgotso"],
        "settlements": [2, 1],
        "households": [1234.0, None],
        "water_working": [3, 0],
        "water_needed": [50.0, None],
        "water_gap": [47.0, None],
        "sanitation_working": [10, 2],
        "sanitation_needed": [247.0, None],
        "sanitation_gap": [237.0, None],
    }
)


def test_the_figures_of_a_cluster_name_the_points_of_the_standard() -> None:
    assert cluster_figures(CLUSTERS, "Ilanga", CAPE_TOWN, "water") == [
        ("Households", "1 234"),
        ("Working taps", "3"),
        ("Taps needed", "50"),
        ("Taps missing", "47"),
    ]
    assert cluster_figures(CLUSTERS, "Ilanga", CAPE_TOWN, "sanitation")[1:] == [
        ("Working toilets", "10"),
        ("Toilets needed", "247"),
        ("Toilets missing", "237"),
    ]


def test_missing_figures_read_unknown_never_zero() -> None:
    assert cluster_figures(CLUSTERS, "Kgotso", CAPE_TOWN, "water") == [
        ("Households", "unknown"),
        ("Working taps", "0"),
        ("Taps needed", "unknown"),
        ("Taps missing", "unknown"),
    ]


def test_an_unknown_cluster_is_refused() -> None:
    with pytest.raises(atlas.SchemaError, match="no cluster named 'Nowhere'"):
        cluster_figures(CLUSTERS, "Nowhere", CAPE_TOWN, "water")


def test_the_figures_of_the_sample_match_its_gap_result() -> None:
    result = atlas.compute_gaps(atlas.load_sample(), CAPE_TOWN)
    row = result.clusters.set_index("cluster").loc["Ilanga East Cluster"]
    figures = dict(cluster_figures(result.clusters, "Ilanga East Cluster", CAPE_TOWN, "water"))
    assert figures["Taps missing"] == atlas.i18n.shown_number(row["water_gap"])
    assert figures["Working taps"] == atlas.i18n.shown_number(row["water_working"])
