"""Water delivery compliance joined onto the exported settlements and clusters."""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

from atlas.errors import SchemaError
from atlas.exports import DELIVERY_FIELDS, export_layers, write_export
from atlas.load.dataset import Dataset
from atlas.measure.pipeline import GapResult
from tests.atlas.exports_common import CLUSTER_1, CLUSTER_2, COMPLIANCE, DATA_FORMATS


def test_compliance_joins_the_settlements_and_clusters(
    result: GapResult, ds: Dataset, tmp_path: Path
) -> None:
    layers = export_layers(result, ds, compliance=COMPLIANCE)
    settlements = layers["settlements"].set_index("settlement_id")
    assert list(layers["settlements"].columns[-4:]) == [*DELIVERY_FIELDS, "geometry"]
    assert settlements["delivery_scheduled"].to_dict() == {"A": 12, "B": 8, "C": 0, "D ; <i>": 5}
    assert settlements["delivery_on_time_in_full"].to_dict() == {
        "A": 4,
        "B": 8,
        "C": 0,
        "D ; <i>": 0,
    }
    share = settlements["delivery_compliance"]
    # Exact shares (4 of 12), never cut to 4 places.
    assert share["A"] == 4 / 12 and share["B"] == 1.0 and share["D ; <i>"] == 0.0
    assert math.isnan(share["C"])  # nothing scheduled: empty, not 0
    assert str(settlements["delivery_scheduled"].dtype) == "int64"
    assert str(share.dtype) == "float64"
    clusters = layers["clusters"].set_index("cluster")
    assert clusters.loc[CLUSTER_1, "delivery_scheduled"] == 20
    assert clusters.loc[CLUSTER_1, "delivery_on_time_in_full"] == 12
    assert clusters.loc[CLUSTER_1, "delivery_compliance"] == 12 / 20
    assert clusters.loc[CLUSTER_2, "delivery_scheduled"] == 0
    assert math.isnan(clusters.loc[CLUSTER_2, "delivery_compliance"])
    # Without a compliance table the layers are as before.
    plain = export_layers(result, ds)
    assert not set(DELIVERY_FIELDS) & set(plain["settlements"].columns)
    assert not set(DELIVERY_FIELDS) & set(plain["clusters"].columns)


@pytest.mark.parametrize("fmt", DATA_FORMATS)
def test_compliance_reaches_every_file(
    fmt: str, result: GapResult, ds: Dataset, tmp_path: Path
) -> None:
    files = write_export(result, ds, fmt, tmp_path, compliance=COMPLIANCE, clusters=[CLUSTER_1])
    if fmt == "gpkg":
        settlements = pyogrio.read_dataframe(files[0], layer="settlements")
        clusters = pyogrio.read_dataframe(files[0], layer="clusters")
    elif fmt == "csv":
        settlements = pd.read_csv(tmp_path / "settlements.csv")
        clusters = pd.read_csv(tmp_path / "clusters.csv")
    elif fmt == "parquet":
        settlements = gpd.read_parquet(tmp_path / "settlements.parquet")
        clusters = pd.read_parquet(tmp_path / "clusters.parquet")
    else:
        settlements = pyogrio.read_dataframe(tmp_path / "settlements.geojson")
        clusters = pd.DataFrame(json.loads((tmp_path / "clusters.json").read_text("utf-8")))
    rows = settlements.set_index("settlement_id")
    assert rows["delivery_scheduled"].to_dict() == {"A": 12, "B": 8}
    assert rows["delivery_compliance"].to_dict() == {"A": 4 / 12, "B": 1.0}  # exact
    assert clusters["delivery_on_time_in_full"].tolist() == [12]


def test_compliance_without_counts_is_refused(result: GapResult, ds: Dataset) -> None:
    with pytest.raises(SchemaError, match="scheduled"):
        export_layers(result, ds, compliance=COMPLIANCE.drop(columns="scheduled"))
