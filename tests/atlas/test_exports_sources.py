"""What a researcher finds in the export files: the source files' own columns (with colliding
names prefixed), list fields as lists or as text by format, numeric fields typed numeric even
when every value is empty; hand-built files, answers worked out by hand.

Layout: settlements A (60 households) and B (no demand) are two small squares in one ward W1;
the service points are two broken taps, one in each, so water has no working point anywhere:
``water_ratio`` is empty in every row and ``water_gap`` is 3 for A (ceil(60 / 25)) and empty
for B. The settlements file has, besides what is mapped: ``Ward_Geo`` (text), ``Tlt_Total``
(counts), ``WATER_GAP`` and ``ward_ids`` (atlas field names: ``src_WATER_GAP``,
``src_ward_ids``), ``Fid`` (GeoPackage's feature id: ``src_Fid``) and ``name`` (mapped from
``Naam``, so the loader already calls it ``src_name``). The services file has its own
``settlement_id`` (``src_settlement_id``: the atlas's is the attribution) and ``Installed``; the
wards file its ``WARD_ID`` beside ``WARDNO`` (mapped as ``ward_id``: ``src_WARD_ID``).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import pyogrio
import pytest
from shapely.geometry import Point, box

import atlas
from atlas.cli import main
from atlas.exports import export_layers, write_export
from atlas.exports.fields import joined_lists
from atlas.exports.sources import source_names
from atlas.load.dataset import Dataset, load_dataset
from atlas.measure.pipeline import GapResult, compute_gaps

MAPPING: dict[str, dict[str, Any]] = {
    "settlements": {"settlement_id": "code", "name": "Naam"},
    "services": {"category": "type"},
    "wards": {"ward_id": "WARDNO"},
}
MAP_ARGS = [
    "--map",
    "settlements.settlement_id=code",
    "--map",
    "settlements.name=Naam",
    "--map",
    "services.category=type",
    "--map",
    "wards.ward_id=WARDNO",
]
#: The settlements' source columns as the exports name them, in file order.
SETTLEMENT_SOURCES = [
    "src_name",
    "Ward_Geo",
    "Tlt_Total",
    "src_WATER_GAP",
    "src_ward_ids",
    "src_Fid",
]


def write_files(folder: Path) -> dict[str, Path]:
    """The three files of the module notes, as GeoJSON."""
    settlements = gpd.GeoDataFrame(
        {
            "code": ["A", "B"],
            "Naam": ["Alpha", "Beta"],
            "name": ["old name A", None],
            "HHs": [60, None],
            "Ward_Geo": ["6", None],
            "Tlt_Total": [32, 0],
            "WATER_GAP": [7, 9],
            "ward_ids": ["x;y", "z"],
            "Fid": [101, 102],
        },
        geometry=[box(28.0, -26.0, 28.001, -25.999), box(28.01, -26.0, 28.011, -25.999)],
        crs=4326,
    )
    services = gpd.GeoDataFrame(
        {
            "id": ["t1", "t2"],
            "type": ["water", "water"],
            "status": ["broken", "broken"],
            "settlement_id": ["their-A", "their-B"],
            "Installed": [2019, 2021],
        },
        geometry=[Point(28.0005, -25.9995), Point(28.0105, -25.9995)],
        crs=4326,
    )
    wards = gpd.GeoDataFrame(
        {"WARDNO": [1], "WARD_ID": ["19100001"]},
        geometry=[box(27.9, -26.1, 28.1, -25.9)],
        crs=4326,
    )
    paths = {name: folder / f"{name}.geojson" for name in ("settlements", "services", "wards")}
    settlements.to_file(paths["settlements"])
    services.to_file(paths["services"])
    wards.to_file(paths["wards"])
    return paths


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_files(tmp_path_factory.mktemp("sources"))


@pytest.fixture(scope="module")
def loaded(files: dict[str, Path]) -> tuple[Dataset, GapResult]:
    dataset = load_dataset(files["settlements"], files["services"], files["wards"], mapping=MAPPING)
    return dataset, compute_gaps(dataset, atlas.load_standard("cape-town"))


def test_source_columns_follow_the_atlas_fields_under_their_own_names(
    loaded: tuple[Dataset, GapResult],
) -> None:
    dataset, result = loaded
    layers = export_layers(result, dataset)
    settlements = layers["settlements"]
    atlas_fields = list(export_layers(result, dataset, source_columns=False)["settlements"].columns)
    # Atlas fields first (geometry last), then the file's own columns in file order.
    assert list(settlements.columns) == [*atlas_fields[:-1], *SETTLEMENT_SOURCES, "geometry"]
    rows = settlements.set_index("settlement_id")
    assert str(rows["Ward_Geo"].dtype) == "string"
    assert rows.loc["A", "Ward_Geo"] == "6" and pd.isna(rows.loc["B", "Ward_Geo"])
    assert rows["Tlt_Total"].tolist() == [32, 0]
    assert pd.api.types.is_integer_dtype(rows["Tlt_Total"])
    # A name the atlas uses for its own field is the file's with a src_ prefix; the atlas's own
    # field keeps its value.
    assert rows["src_WATER_GAP"].tolist() == [7, 9] and rows.loc["A", "water_gap"] == 3
    assert rows["src_ward_ids"].tolist() == ["x;y", "z"] and rows.loc["A", "ward_ids"] == ["1"]
    assert rows["src_Fid"].tolist() == [101, 102]
    assert rows.loc["A", "src_name"] == "old name A" and rows.loc["A", "name"] == "Alpha"
    services = layers["services"].set_index("service_id")
    assert list(layers["services"].columns[-3:]) == ["src_settlement_id", "Installed", "geometry"]
    assert services["src_settlement_id"].tolist() == ["their-A", "their-B"]
    assert services["settlement_id"].tolist() == ["A", "B"]  # the attribution
    assert services["Installed"].tolist() == [2019, 2021]
    wards = layers["wards"]
    assert list(wards.columns) == [
        "ward_id",
        "name",
        "municipality",
        "councillor",
        "src_WARD_ID",
        "geometry",
    ]
    assert wards["ward_id"].tolist() == ["1"] and wards["src_WARD_ID"].tolist() == ["19100001"]
    assert "Tlt_Total" not in layers["clusters"]


def test_no_source_columns_leaves_them_out(loaded: tuple[Dataset, GapResult]) -> None:
    dataset, result = loaded
    layers = export_layers(result, dataset, source_columns=False)
    assert not set(SETTLEMENT_SOURCES) & set(layers["settlements"].columns)
    assert "Installed" not in layers["services"] and "src_WARD_ID" not in layers["wards"]


def test_source_names_skip_what_the_atlas_added(loaded: tuple[Dataset, GapResult]) -> None:
    dataset, _ = loaded
    assert "geometry_repaired" in dataset.settlements  # a validation flag, not the file's
    assert source_names(dataset.settlements, "settlements") == [
        "src_name",
        "Ward_Geo",
        "Tlt_Total",
        "WATER_GAP",
        "ward_ids",
        "Fid",
    ]
    assert source_names(dataset.wards, "wards") == ["WARD_ID"]


def read_settlements(fmt: str, files: list[Path]) -> pd.DataFrame:
    if fmt == "gpkg":
        return pyogrio.read_dataframe(files[0], layer="settlements")
    if fmt == "csv":
        return pd.read_csv(files[0], dtype={"Ward_Geo": str, "ward_ids": str, "src_ward_ids": str})
    if fmt == "parquet":
        return gpd.read_parquet(files[0])
    return pyogrio.read_dataframe(files[0])


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv", "parquet"])
def test_every_format_carries_the_source_columns(
    fmt: str, loaded: tuple[Dataset, GapResult], tmp_path: Path
) -> None:
    dataset, result = loaded
    table = read_settlements(fmt, write_export(result, dataset, fmt, tmp_path))
    columns = list(table.columns)
    geometry = ["wkt"] if fmt == "csv" else ["geometry"]
    assert columns[-len(SETTLEMENT_SOURCES) - 1 :] == [*SETTLEMENT_SOURCES, *geometry]
    rows = table.set_index("settlement_id")
    assert rows["Tlt_Total"].tolist() == [32, 0]
    assert rows["src_WATER_GAP"].tolist() == [7, 9]
    assert rows.loc["A", "Ward_Geo"] == "6"
    bare = read_settlements(
        fmt, write_export(result, dataset, fmt, tmp_path / "bare", source_columns=False)
    )
    assert not set(SETTLEMENT_SOURCES) & set(bare.columns)


def test_lists_are_lists_in_geojson_and_geoparquet(
    loaded: tuple[Dataset, GapResult], tmp_path: Path
) -> None:
    dataset, result = loaded
    geojson = write_export(result, dataset, "geojson", tmp_path / "g")
    features = json.loads(geojson[0].read_text(encoding="utf-8"))["features"]
    props = {f["properties"]["settlement_id"]: f["properties"] for f in features}
    # Each square lies wholly in ward 1: one ward, all of the area.
    assert props["A"]["ward_ids"] == ["1"] and props["A"]["ward_shares"] == [1.0]
    assert isinstance(props["A"]["ward_shares"][0], float)
    parquet = write_export(result, dataset, "parquet", tmp_path / "p")
    schema = pq.read_schema(parquet[0])
    assert str(schema.field("ward_ids").type) == "list<element: string>"
    assert str(schema.field("ward_shares").type) == "list<element: double>"
    rows = pq.read_table(parquet[0]).to_pylist()
    assert [r["ward_ids"] for r in rows] == [["1"], ["1"]]
    assert [r["ward_shares"] for r in rows] == [[1.0], [1.0]]


def test_lists_are_text_in_csv_and_geopackage(
    result: GapResult, ds: Dataset, tmp_path: Path
) -> None:
    # The hostile dataset (exports_common): A straddles W1 and W2 at x = 60, 60 % and 40 %.
    (gpkg,) = write_export(result, ds, "gpkg", tmp_path / "a.gpkg")
    with sqlite3.connect(gpkg) as db:
        declared = {row[1]: row[2] for row in db.execute('PRAGMA table_info("settlements")')}
        a = db.execute(
            "SELECT ward_ids, ward_shares FROM settlements WHERE settlement_id = 'A'"
        ).fetchone()
    assert declared["ward_ids"] == "TEXT" and declared["ward_shares"] == "TEXT"
    assert a[0] == "W1;W2"
    assert [float(s) for s in a[1].split(";")] == pytest.approx([0.6, 0.4], abs=1e-9)
    files = write_export(result, ds, "csv", tmp_path / "csv")
    table = pd.read_csv(files[0], dtype=str, keep_default_na=False).set_index("settlement_id")
    assert table.loc["A", "ward_ids"] == "W1;W2"
    shares = [float(s) for s in table.loc["A", "ward_shares"].split(";")]
    assert shares == pytest.approx([0.6, 0.4], abs=1e-9)


def test_joined_lists_keep_every_digit() -> None:
    frame = pd.DataFrame(
        {"ward_ids": [["1", "2"], []], "ward_shares": [[2 / 3, 1 / 3], []], "other": [1, 2]}
    )
    joined = joined_lists(frame)
    assert joined["ward_shares"].tolist()[0] == "0.6666666666666666;0.3333333333333333"
    assert joined["ward_ids"].tolist()[0] == "1;2"
    assert joined[["ward_ids", "ward_shares"]].iloc[1].isna().all()  # no wards: empty
    assert frame["ward_ids"].tolist() == [["1", "2"], []]  # the input is untouched


def test_an_all_empty_numeric_field_stays_numeric(
    loaded: tuple[Dataset, GapResult], tmp_path: Path
) -> None:
    dataset, result = loaded
    # No working tap anywhere: no ratio in any row; B's demand is unknown: no gap.
    assert result.settlements["water_ratio"].isna().all()
    (gpkg,) = write_export(result, dataset, "gpkg", tmp_path / "a.gpkg")
    info = pyogrio.read_info(gpkg, layer="settlements")
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert types["water_ratio"] == "float64" and types["electricity_gap"] == "int64"
    with sqlite3.connect(gpkg) as db:
        declared = {row[1]: row[2] for row in db.execute('PRAGMA table_info("settlements")')}
        clusters = {row[1]: row[2] for row in db.execute('PRAGMA table_info("clusters")')}
    assert declared["water_ratio"] == "REAL" and declared["electricity_gap"] == "INTEGER"
    assert clusters["water_ratio"] == "REAL" and clusters["water_source"] == "TEXT"
    back = pyogrio.read_dataframe(gpkg, layer="settlements")
    assert back["water_ratio"].isna().all() and back["water_ratio"].dtype == "float64"
    parquet = write_export(result, dataset, "parquet", tmp_path / "p")
    for path in (parquet[0], parquet[-1]):  # settlements, clusters
        schema = pq.read_schema(path)
        assert str(schema.field("water_ratio").type) == "double", path.name
        assert str(schema.field("electricity_gap").type) == "int64", path.name
    geojson = write_export(result, dataset, "geojson", tmp_path / "g")
    features = json.loads(geojson[0].read_text(encoding="utf-8"))["features"]
    assert [f["properties"]["water_ratio"] for f in features] == [None, None]
    assert [f["properties"]["water_gap"] for f in features] == [3, None]


def test_export_command_no_source_columns(files: dict[str, Path], tmp_path: Path) -> None:
    data = [
        "--settlements",
        str(files["settlements"]),
        "--services",
        str(files["services"]),
        "--wards",
        str(files["wards"]),
        *MAP_ARGS,
        "--format",
        "csv",
        "--quiet",
    ]
    assert main(["export", *data, "--output", str(tmp_path / "with") + "/"]) == 0
    header = (tmp_path / "with" / "settlements.csv").read_text("utf-8").splitlines()[0]
    assert header.endswith(",".join([*SETTLEMENT_SOURCES, "wkt"]))
    assert main(["export", *data, "--no-source-columns", "--output", str(tmp_path / "bare")]) == 0
    bare = (tmp_path / "bare" / "settlements.csv").read_text("utf-8").splitlines()[0].split(",")
    assert not set(SETTLEMENT_SOURCES) & set(bare) and bare[-1] == "wkt"
    record = json.loads((tmp_path / "bare" / "settlements.metadata.json").read_text("utf-8"))
    assert record["source_columns"] is False
