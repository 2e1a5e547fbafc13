"""Export layers: field types, the atlas values, some clusters only, no wards."""

from __future__ import annotations

import pandas as pd
import pytest

from atlas.errors import SchemaError
from atlas.exports import export_layers, filter_clusters
from atlas.load.dataset import Dataset
from atlas.measure.pipeline import GapResult, compute_gaps
from tests.atlas.exports_common import CLUSTER_1, CLUSTER_2, STANDARD, check_layer, without_wards


def test_export_layers_have_proper_types_and_the_atlas_values(
    result: GapResult, ds: Dataset
) -> None:
    frames = {
        "settlements": result.settlements,
        "services": result.services,
        "clusters": result.clusters,
        "ward_overlaps": result.ward_overlaps,
        "dataset settlements": ds.settlements,
        "dataset services": ds.services,
        "dataset wards": ds.wards,
    }
    before = {name: frame.copy(deep=True) for name, frame in frames.items()}
    layers = export_layers(result, ds)
    assert list(layers) == ["settlements", "services", "wards", "clusters"]
    settlements = layers["settlements"]
    dtypes = settlements.dtypes.astype(str)
    assert all(dtypes[c] == "string" for c in ("settlement_id", "name", "cluster", "water_source"))
    assert dtypes["ward_ids"] == "object" and dtypes["ward_shares"] == "object"  # lists
    assert all(dtypes[c] == "Int64" for c in ("households", "population", "water_gap"))
    assert pd.api.types.is_integer_dtype(settlements["water_working"])
    assert dtypes["water_ratio"] == "float64"
    assert dtypes["demand_missing"] == "bool"
    assert layers["services"].dtypes["distance_m"] == "float64"
    assert pd.api.types.is_integer_dtype(layers["clusters"]["settlements"])
    assert "geometry" not in layers["clusters"]
    for name, table in layers.items():
        check_layer(name, table, result, ds, lists=True)
    row = settlements.set_index("settlement_id").loc["B"]
    assert row["households"] == 33 and row["demand_estimated"]  # 100 people / 3, rounded
    assert settlements.set_index("settlement_id").loc["A", "ward_ids"] == ["W1", "W2"]
    assert settlements.set_index("settlement_id").loc["A", "ward_shares"] == pytest.approx(
        [0.6, 0.4]
    )
    assert settlements.set_index("settlement_id").loc["A", "water_source"] == "points"
    for name, frame in frames.items():  # nothing was modified
        pd.testing.assert_frame_equal(frame, before[name], obj=name)


def test_filter_clusters_keeps_the_chosen_clusters_rows(result: GapResult) -> None:
    chosen = filter_clusters(result, [CLUSTER_1])
    assert list(chosen.settlements["settlement_id"]) == ["A", "B"]
    assert sorted(chosen.services["service_id"]) == ["s2", "w1", "w2", "w4", "w5"]
    assert set(chosen.ward_overlaps["settlement_id"]) == {"A", "B"}
    assert list(chosen.clusters["cluster"]) == [CLUSTER_1]
    assert chosen.standard is result.standard
    # One name as a plain string is one cluster, not its letters.
    single = filter_clusters(result, CLUSTER_2)
    assert list(single.settlements["settlement_id"]) == ["C"]
    assert sorted(single.services["service_id"]) == ["e1", "w6"]
    both = filter_clusters(result, [CLUSTER_2, CLUSTER_1, CLUSTER_2])
    assert len(both.settlements) == 3 and len(both.clusters) == 2
    assert filter_clusters(result, None) is result
    assert filter_clusters(result, []) is result
    assert len(result.settlements) == 4  # the input is untouched


def test_unknown_cluster_lists_the_clusters(result: GapResult) -> None:
    with pytest.raises(SchemaError, match="Nowhere") as info:
        filter_clusters(result, ["Nowhere", CLUSTER_1])
    assert CLUSTER_1 in str(info.value) and CLUSTER_2 in str(info.value)
    assert isinstance(info.value, ValueError)


def test_a_cluster_export_keeps_only_the_wards_it_touches(result: GapResult, ds: Dataset) -> None:
    layers = export_layers(result, ds, clusters=[CLUSTER_2])
    assert list(layers["settlements"]["settlement_id"]) == ["C"]
    assert sorted(layers["wards"]["ward_id"]) == ["W1", "W2"]
    assert list(layers["clusters"]["cluster"]) == [CLUSTER_2]
    assert sorted(export_layers(result, ds)["wards"]["ward_id"]) == ["W1", "W2", "W3"]


def test_a_dataset_without_wards_exports_no_wards_layer(result: GapResult, ds: Dataset) -> None:
    bare = without_wards(ds)
    assert list(export_layers(compute_gaps(bare, STANDARD), bare)) == [
        "settlements",
        "services",
        "clusters",
    ]
