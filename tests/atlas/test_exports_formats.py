"""Every data format read back and compared with the atlas result; GeoJSON checked against
RFC 7946."""

from __future__ import annotations

import copy
import json
import sqlite3
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyarrow.csv
import pyarrow.parquet as pq
import pyogrio
import pytest

from atlas.exports import export_layers, write_export
from atlas.load.dataset import Dataset
from atlas.measure.pipeline import GapResult, compute_gaps
from tests.atlas.exports_common import (
    DATA_FORMATS,
    GEOJSON_FILES,
    PARQUET_FILES,
    STANDARD,
    TEXT,
    assert_same_geometry,
    check_layer,
    cluster_columns,
    rfc7946_problems,
    sample_result,
    without_wards,
)


def test_the_rfc7946_checker_catches_what_it_should() -> None:
    good: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]],
                        [[0.2, 0.2], [0.2, 0.8], [0.8, 0.8], [0.8, 0.2], [0.2, 0.2]],
                    ],
                },
            }
        ],
    }
    assert rfc7946_problems(json.dumps(good)) == []
    bad = copy.deepcopy(good)
    bad["crs"] = {"type": "name", "properties": {"name": "EPSG:32735"}}
    rings = bad["features"][0]["geometry"]["coordinates"]
    rings[0].reverse()
    rings[1].reverse()
    rings[0][2] = [1.000000001, 1]
    bad["features"].append(
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [1, 95]}}
    )
    problems = "\n".join(rfc7946_problems(json.dumps(bad)))
    for words in ("crs member", "not counter-clockwise", "not clockwise", "decimals", "95"):
        assert words in problems


def test_geojson_follows_rfc7946_and_reads_back(
    result: GapResult, ds: Dataset, tmp_path: Path
) -> None:
    files = write_export(result, ds, "geojson", tmp_path / "out")
    assert [f.name for f in files] == GEOJSON_FILES
    for path in files[:3]:
        text = path.read_text(encoding="utf-8")
        assert rfc7946_problems(text, max_decimals=6) == [], path.name
        table = pyogrio.read_dataframe(path)
        assert table.crs == "EPSG:4326"
        check_layer(path.stem, table, result, ds, lists=True)
    # Integers stay integers, flags booleans, missing values null.
    feature = json.loads(files[0].read_text(encoding="utf-8"))["features"][1]["properties"]
    assert feature["households"] == 33 and isinstance(feature["households"], int)
    assert feature["water_ratio"] is None and feature["demand_estimated"] is True
    clusters = pd.DataFrame(json.loads(files[3].read_text(encoding="utf-8")))
    check_layer("clusters", clusters, result, ds)
    # The hole of B was drawn the wrong way round: exterior CCW and hole CW now, none lost.
    b = json.loads(files[0].read_text(encoding="utf-8"))["features"][1]["geometry"]
    assert b["type"] == "Polygon" and len(b["coordinates"]) == 2


def test_geopackage_layers_and_field_types(result: GapResult, ds: Dataset, tmp_path: Path) -> None:
    (path,) = write_export(result, ds, "gpkg", tmp_path / "atlas.gpkg")
    layers = dict(pyogrio.list_layers(path))
    assert layers == {
        "settlements": "MultiPolygon",
        "services": "Point",
        "wards": "Polygon",
        "clusters": None,
    }
    info = pyogrio.read_info(path, layer="settlements")
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert types["households"] == "int64" and types["water_gap"] == "int64"
    assert types["water_ratio"] == "float64" and types["name"] == "object"
    assert info["crs"] == "EPSG:4326"
    with sqlite3.connect(path) as db:
        declared = {
            table: {row[1]: row[2] for row in db.execute(f'PRAGMA table_info("{table}")')}
            for table in ("settlements", "services", "clusters")
        }
        kinds = dict(db.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall())
    assert declared["settlements"]["households"] == "INTEGER"
    assert declared["settlements"]["water_ratio"] == "REAL"
    assert declared["settlements"]["name"] == "TEXT"
    assert declared["settlements"]["demand_missing"] == "BOOLEAN"
    assert declared["services"]["distance_m"] == "REAL"
    assert declared["clusters"]["settlements"] == "INTEGER"
    assert declared["clusters"]["water_coverage"] == "REAL"
    assert kinds["clusters"] == "attributes" and kinds["settlements"] == "features"
    for name in layers:
        check_layer(name, pyogrio.read_dataframe(path, layer=name), result, ds)


def test_geopackage_replaces_an_old_file(result: GapResult, ds: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "atlas.gpkg"
    write_export(result, ds, "gpkg", path)
    bare = without_wards(ds)
    write_export(compute_gaps(bare, STANDARD), bare, "gpkg", path)
    assert "wards" not in dict(pyogrio.list_layers(path))


def test_csv_reads_back_with_wkt_geometry(result: GapResult, ds: Dataset, tmp_path: Path) -> None:
    files = write_export(result, ds, "csv", tmp_path / "gaps.csv")
    assert [f.name for f in files] == [
        "gaps_settlements.csv",
        "gaps_settlements.metadata.json",
        "gaps_clusters.csv",
        "gaps_clusters.metadata.json",
    ]

    def read(path: Path) -> pd.DataFrame:
        header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        options = pyarrow.csv.ConvertOptions(
            column_types={c: pyarrow.string() for c in header if c in TEXT or c == "wkt"},
            strings_can_be_null=True,
        )
        return pyarrow.csv.read_csv(path, convert_options=options).to_pandas()

    settlements = read(files[0])
    assert settlements.columns[-1] == "wkt"
    assert pd.api.types.is_integer_dtype(settlements["water_working"])
    assert pd.api.types.is_bool_dtype(settlements["demand_missing"])
    table = gpd.GeoDataFrame(
        settlements, geometry=gpd.GeoSeries.from_wkt(settlements["wkt"]), crs=4326
    )
    check_layer("settlements", table, result, ds)
    check_layer("clusters", read(files[2]), result, ds)
    # GDAL (QGIS) takes the wkt column for the geometry.
    gdal = pyogrio.read_dataframe(files[0])
    assert len(gdal) == 4 and gdal.geometry.notna().all()


def test_geoparquet_reads_back(result: GapResult, ds: Dataset, tmp_path: Path) -> None:
    files = write_export(result, ds, "parquet", tmp_path / "pq")
    assert [f.name for f in files] == PARQUET_FILES
    for path in files[:3]:
        assert b"geo" in pq.read_schema(path).metadata
        table = gpd.read_parquet(path)
        assert table.crs == "EPSG:4326"
        check_layer(path.stem, table, result, ds, lists=True)
    settlements = gpd.read_parquet(files[0])
    assert str(settlements["households"].dtype) == "Int64"
    assert str(settlements["water_ratio"].dtype) == "float64"
    clusters = pd.read_parquet(files[3])
    check_layer("clusters", clusters, result, ds)


@pytest.mark.parametrize("fmt", DATA_FORMATS)
def test_no_services_and_no_clusters_still_export(fmt: str, ds: Dataset, tmp_path: Path) -> None:
    settlements = ds.settlements.assign(cluster=None)
    bare = Dataset(settlements, ds.services.iloc[:0], ds.wards, ds.metric_crs)
    result = compute_gaps(bare, STANDARD)
    layers = export_layers(result, bare)
    assert str(layers["settlements"]["cluster"].dtype) == "string"
    # No cluster at all: no named cluster row (settlements in no cluster may have one row of
    # their own, with the cluster empty).
    assert len(layers["services"]) == 0 and layers["clusters"]["cluster"].isna().all()
    assert list(layers["clusters"].columns) == cluster_columns(result)
    files = write_export(result, bare, fmt, tmp_path)
    assert all(f.exists() for f in files)
    if fmt == "gpkg":
        assert dict(pyogrio.list_layers(files[0]))["services"] == "Point"
        clusters_back = pyogrio.read_dataframe(files[0], layer="clusters")
        assert len(clusters_back) == len(layers["clusters"])
        settlements_back = pyogrio.read_dataframe(files[0], layer="settlements")
    elif fmt == "parquet":
        assert len(gpd.read_parquet(files[1])) == 0
        settlements_back = gpd.read_parquet(files[0])
    elif fmt == "geojson":
        assert json.loads(files[1].read_text(encoding="utf-8"))["features"] == []
        settlements_back = pyogrio.read_dataframe(files[0])
    else:
        assert files[2].read_text(encoding="utf-8").startswith("cluster,settlements,")
        settlements_back = pd.read_csv(files[0])
    assert settlements_back["water_working"].sum() == 0
    assert len(settlements_back) == 4


def test_sample_geojson_passes_rfc7946(tmp_path: Path) -> None:
    sample, full = sample_result()
    files = write_export(full, sample, "geojson", tmp_path)
    for path in files[:3]:
        assert rfc7946_problems(path.read_text(encoding="utf-8"), max_decimals=6) == []
    back = pyogrio.read_dataframe(files[0])
    assert (back.geom_type == "MultiPolygon").sum() == (
        full.settlements.geom_type == "MultiPolygon"
    ).sum()
    assert_same_geometry(back.geometry, full.settlements.geometry.reset_index(drop=True))


def test_sample_cluster_export_round_trips(tmp_path: Path) -> None:
    sample, full = sample_result()
    cluster = str(full.clusters["cluster"].iloc[0])
    (path,) = write_export(full, sample, "gpkg", tmp_path / "s.gpkg", clusters=[cluster])
    members = full.settlements[full.settlements["cluster"] == cluster]
    read = pyogrio.read_dataframe(path, layer="settlements")
    assert sorted(read["settlement_id"]) == sorted(members["settlement_id"])
    services = pyogrio.read_dataframe(path, layer="services")
    assert set(services["settlement_id"]) <= set(members["settlement_id"])
    assert len(services) == int(full.services["settlement_id"].isin(members["settlement_id"]).sum())
    clusters = pyogrio.read_dataframe(path, layer="clusters")
    assert list(clusters["cluster"]) == [cluster]
    assert int(clusters["water_gap"].iloc[0]) == int(members["water_gap"].sum())
