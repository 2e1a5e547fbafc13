"""Raster results for people to read: which settlements' demand the raster filled, the estimate
beside the counts, and the settlements most in the hazard zone first; answers worked out by hand."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from atlas.raster import ESTIMATE_COLUMNS, estimate_table, most_exposed_first
from atlas.summaries.phrases import raster_demand_sentences


def gap_table() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "settlement_id": ["S1", "S2", "S3"],
            "name": ["Enkanini", "Sizwe", "Tšhepong"],
            "cluster": ["North", None, "North"],
            "households": [419.9, 20.0, 3.3],
            "population": [1234.4, 50.0, 9.6],
            "population_estimate": [1234.4, 61.0, 9.6],
            "population_from_raster": [True, False, True],
            "water_gap": [3, 0, 1],
        },
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
        index=[7, 8, 9],
        crs=32735,
    )


def test_a_sentence_for_each_settlement_the_raster_filled() -> None:
    assert raster_demand_sentences(gap_table()) == [
        "Enkanini had neither households nor population: its demand now comes from the raster, "
        "about 1 234 people.",
        "Tšhepong had neither households nor population: its demand now comes from the raster, "
        "about 10 people.",
    ]


def test_no_sentence_when_every_settlement_had_its_own_figures() -> None:
    table = gap_table().assign(population_from_raster=False)
    assert raster_demand_sentences(table) == []


def test_estimate_table_keeps_the_figures_and_the_index() -> None:
    table = gap_table()
    shown = estimate_table(table)
    assert type(shown) is pd.DataFrame
    assert list(shown.columns) == list(ESTIMATE_COLUMNS)
    assert list(shown.index) == [7, 8, 9]
    assert shown.loc[8, "population_estimate"] == 61.0 and shown.loc[8, "population"] == 50.0
    assert "geometry" in table and "water_gap" in table  # the input is untouched


def test_most_exposed_first_ties_keep_their_order_unknown_last() -> None:
    exposure = pd.DataFrame(
        {"settlement_id": ["a", "b", "c", "d"], "hazard_area_share": [0.2, np.nan, 0.8, 0.2]},
        index=[10, 11, 12, 13],
    )
    ordered = most_exposed_first(exposure)
    assert list(ordered["settlement_id"]) == ["c", "a", "d", "b"]
    assert list(ordered.index) == [12, 10, 13, 11]
    assert list(exposure["settlement_id"]) == ["a", "b", "c", "d"]
