"""Exports: every format read back and compared with the atlas result, hostile names intact.

Layout (metres, see tests/conftest.py): settlement A is the square 0..100 × 0..100 (60
households, cluster K1), B the square 300..400 × 0..100 with a square hole, drawn clockwise
(households missing, 100 people → 33.3 households at 3 people per household, cluster K1), C
two squares far apart (cluster Ṱhohoyandou), D with no demand and no cluster. Wards W1 and W2
split the plane at x = 60; W3 lies far away and touches no settlement.
"""

from __future__ import annotations

import copy
import html
import io
import itertools
import json
import math
import re
import sqlite3
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.csv
import pyarrow.parquet as pq
import pyogrio
import pytest
import shapely
from pyproj import CRS
from shapely.geometry import MultiPolygon, Polygon, box

import atlas
from atlas.analysis import GapResult, compute_gaps
from atlas.dataset import Dataset
from atlas.errors import SchemaError
from atlas.exports import (
    CLUSTER_FIELDS,
    DELIVERY_FIELDS,
    FORMATS,
    SERVICE_FIELDS,
    SETTLEMENT_FIELDS,
    export_layers,
    export_zip,
    filter_clusters,
    output_paths,
    to_download,
    write_export,
)
from atlas.gaps import category_columns
from atlas.standards import parse_standard
from layers.assets import missing_assets
from tests.conftest import METRIC, services_frame, settlements_frame, wards_frame

MARKUP = "<img src=x onerror=alert(1)>"
LONG = ("Ext 7 uMgungundlovu Ṱhohoyandou " * 12)[:300]
ZULU = "uMgungundlovu Ṱhohoyandou KwaDukuza ëé"
ARABIC = "حي السلام"
QUOTES = "Phola \"Park\", Ext 7; Zone '2' ${x} \\ `tick`"
CLUSTER_1 = "K1 <b>Cluster</b>"
CLUSTER_2 = "Ṱhohoyandou"

STANDARD = parse_standard(
    {
        "name": "test",
        "source": "hand-made for tests",
        "household_size": 3,
        "categories": {
            "water": {"unit": "households", "max_per_point": 25, "max_distance_m": 50},
            "sanitation": {"unit": "households", "max_per_point": 10, "max_distance_m": 20},
            "electricity": {"unit": "households", "max_distance_m": 150},
        },
    },
    "test",
)


def hostile_dataset() -> Dataset:
    """The tiny dataset of the module notes, with hostile names everywhere."""
    clockwise = Polygon(
        [(300, 0), (300, 100), (400, 100), (400, 0)],
        holes=[[(340, 40), (360, 40), (360, 60), (340, 60)]],  # counter-clockwise hole
    )
    settlements = settlements_frame(
        [
            {
                "settlement_id": "A",
                "name": MARKUP,
                "households": 60,
                "cluster": CLUSTER_1,
                "geometry": box(0, 0, 100, 100),
            },
            {
                "settlement_id": "B",
                "name": LONG,
                "population": 100,
                "cluster": CLUSTER_1,
                "geometry": clockwise,
            },
            {
                "settlement_id": "C",
                "name": ZULU,
                "households": 40,
                "population": 130,
                "cluster": CLUSTER_2,
                "geometry": MultiPolygon([box(0, 300, 100, 400), box(600, 300, 700, 400)]),
            },
            {
                "settlement_id": "D ; <i>",
                "name": ARABIC,
                "geometry": box(0, 600, 100, 700),
            },
        ]
    )
    services = services_frame(
        [
            ("w1", "water", "working", 50, 50),  # inside A
            ("w2", "water", "working", 120, 50),  # 20 m from A
            ("w4", "water", "broken", 290, 50),  # 10 m from B
            ("w5", "water", "unknown", 320, 50),  # inside B
            ("w6", "water", "working", 50, 350),  # inside C
            ("w3", "water", "working", 200, 50),  # 100 m from A and B: nobody's
            ("e1", "electricity", "working", 650, 350),  # inside C's second part
            ("s2", "sanitation", "working", 110, 50),  # 10 m from A
        ]
    )
    services["kind"] = [MARKUP, ZULU, "tank", ARABIC, "standpipe", LONG, "high-mast light", QUOTES]
    services["provider"] = [None, "municipality", ARABIC, "NGO", MARKUP, None, "Eskom", "informal"]
    wards = wards_frame(
        [
            ("W1", box(-1000, -1000, 60, 1000)),
            ("W2", box(60, -1000, 1000, 1000)),
            ("W3", box(5000, 5000, 6000, 6000)),
        ]
    )
    wards["name"] = [QUOTES, ARABIC, MARKUP]
    wards["municipality"] = [ZULU, ZULU, None]
    wards["councillor"] = ["Ms <b>Dlamini</b>", None, LONG]
    return Dataset(settlements, services, wards, CRS(METRIC), name="hostile")


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return hostile_dataset()


@pytest.fixture(scope="module")
def result(ds: Dataset) -> GapResult:
    return compute_gaps(ds, STANDARD)


# -- what the files must hold, worked out from the atlas result, not from export_layers ---------

TEXT = {
    "settlement_id",
    "name",
    "cluster",
    "ward_id",
    "ward_ids",
    "ward_shares",
    "service_id",
    "category",
    "kind",
    "status",
    "provider",
    "municipality",
    "councillor",
}
BOOLS = {"demand_estimated", "demand_missing"}


def settlement_columns(result: GapResult) -> list[str]:
    return [*SETTLEMENT_FIELDS, *category_columns(result.standard)]


def cluster_columns(result: GapResult) -> list[str]:
    return [*CLUSTER_FIELDS, *category_columns(result.standard)]


def plain(value: Any) -> Any:
    """A comparable Python value: None when missing, float for every number."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return None if math.isnan(value) else float(value)
    return str(value)


def expected(table: pd.DataFrame, columns: list[str], key: str) -> dict[str, dict[str, Any]]:
    """Rows keyed by ``key``, as the exports must hold them."""
    rows = {}
    for record in table.to_dict("records"):
        row = {}
        for c in columns:
            v: Any = record.get(c)
            if c in ("ward_ids", "ward_shares"):
                v = ";".join(str(x) for x in v) or None
            elif c in ("households", "population") and plain(v) is not None:
                v = math.floor(v + 0.5)
            row[c] = plain(v)
        rows[str(record[key])] = row
    return rows


def read_rows(table: pd.DataFrame, columns: list[str], key: str) -> dict[str, dict[str, Any]]:
    rows = {}
    for record in table.to_dict("records"):
        rows[str(record[key])] = {c: plain(record[c]) for c in columns}
    return rows


def assert_same_rows(got: dict[str, dict[str, Any]], want: dict[str, dict[str, Any]]) -> None:
    assert sorted(got) == sorted(want)
    for key, row in want.items():
        for column, value in row.items():
            found = got[key][column]
            if isinstance(value, float) and isinstance(found, float):
                assert math.isclose(found, value, rel_tol=1e-12), (key, column, found, value)
            else:
                assert found == value, (key, column, found, value)


def assert_same_geometry(got: gpd.GeoSeries, want: gpd.GeoSeries) -> None:
    """Same shapes within 1e-6 degrees (orientation, start vertex and multi-part type aside)."""
    assert len(got) == len(want)
    distance = shapely.hausdorff_distance(got.to_numpy(), want.to_numpy())
    assert np.all(distance < 1e-6), distance
    assert np.allclose(shapely.area(got.to_numpy()), shapely.area(want.to_numpy()), rtol=1e-4)


def expected_layers(
    result: GapResult, ds: Dataset
) -> dict[str, tuple[pd.DataFrame, list[str], str]]:
    """Per layer: the atlas frame, its exported columns and its key."""
    assert ds.wards is not None
    return {
        "settlements": (result.settlements, settlement_columns(result), "settlement_id"),
        "services": (result.services, list(SERVICE_FIELDS), "service_id"),
        "wards": (ds.wards, ["ward_id", "name", "municipality", "councillor"], "ward_id"),
        "clusters": (result.clusters, cluster_columns(result), "cluster"),
    }


def check_layer(name: str, table: pd.DataFrame, result: GapResult, ds: Dataset) -> None:
    frame, columns, key = expected_layers(result, ds)[name]
    assert list(table.columns[: len(columns)]) == columns
    assert_same_rows(read_rows(table, columns, key), expected(frame, columns, key))
    if name != "clusters" and "geometry" in table:
        got = table.set_index(table[key].astype(str)).geometry
        want = frame.set_index(frame[key].astype(str)).geometry
        assert_same_geometry(got.loc[want.index], want)


# -- RFC 7946 -------------------------------------------------------------------------------------


def _signed_area(ring: list[list[Decimal]]) -> float:
    """Shoelace: positive for a counter-clockwise ring (x east, y north)."""
    xy = [(float(p[0]), float(p[1])) for p in ring]
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(xy))


def _positions(coordinates: Any) -> list[list[Any]]:
    if coordinates and not isinstance(coordinates[0], list):
        return [coordinates]
    return [p for part in coordinates for p in _positions(part)]


def rfc7946_problems(text: str, max_decimals: int = 7) -> list[str]:
    """What in a GeoJSON text breaks RFC 7946 (or our precision rule); empty when it passes."""

    def no_constants(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    doc = json.loads(text, parse_float=Decimal, parse_constant=no_constants)
    problems = []
    if doc.get("type") != "FeatureCollection":
        problems.append("not a FeatureCollection")
    if "crs" in doc:
        problems.append("has a crs member (RFC 7946 §4: WGS84 only, no crs)")
    for i, feature in enumerate(doc.get("features", [])):
        if feature.get("type") != "Feature" or "properties" not in feature:
            problems.append(f"feature {i} is not a Feature with properties")
        if "crs" in feature:
            problems.append(f"feature {i} has a crs member")
        geometry = feature.get("geometry")
        if geometry is None:
            continue
        if "crs" in geometry:
            problems.append(f"feature {i} geometry has a crs member")
        for position in _positions(geometry["coordinates"]):
            lon, lat = position[0], position[1]
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                problems.append(f"feature {i}: {lon}, {lat} is not longitude/latitude")
            for v in position:
                exponent = v.as_tuple().exponent if isinstance(v, Decimal) else 0
                if isinstance(exponent, int) and -exponent > max_decimals:
                    problems.append(f"feature {i}: {v} has more than {max_decimals} decimals")
        polygons = {"Polygon": [geometry["coordinates"]], "MultiPolygon": geometry["coordinates"]}
        for rings in polygons.get(geometry["type"], []):
            for r, ring in enumerate(rings):
                if len(ring) < 4 or ring[0] != ring[-1]:
                    problems.append(f"feature {i}: ring {r} is not a closed linear ring")
                area = _signed_area(ring)
                if r == 0 and area <= 0:
                    problems.append(f"feature {i}: exterior ring is not counter-clockwise")
                if r > 0 and area >= 0:
                    problems.append(f"feature {i}: hole {r} is not clockwise")
    return problems


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


# -- the layers -----------------------------------------------------------------------------------


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
    assert all(dtypes[c] == "string" for c in ("settlement_id", "name", "cluster", "ward_ids"))
    assert all(dtypes[c] == "Int64" for c in ("households", "population", "water_gap"))
    assert dtypes["water_working"] == "int64" and dtypes["water_ratio"] == "float64"
    assert dtypes["demand_missing"] == "bool"
    assert layers["services"].dtypes["distance_m"] == "float64"
    assert pd.api.types.is_integer_dtype(layers["clusters"]["settlements"])
    assert "geometry" not in layers["clusters"]
    for name, table in layers.items():
        check_layer(name, table, result, ds)
    row = settlements.set_index("settlement_id").loc["B"]
    assert row["households"] == 33 and row["demand_estimated"]  # 100 people / 3, rounded
    assert settlements.set_index("settlement_id").loc["A", "ward_ids"] == "W1;W2"
    assert settlements.set_index("settlement_id").loc["A", "ward_shares"] == "0.6;0.4"
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
    bare = Dataset(ds.settlements, ds.services, None, ds.metric_crs)
    assert list(export_layers(compute_gaps(bare, STANDARD), bare)) == [
        "settlements",
        "services",
        "clusters",
    ]


# -- file names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "output", "names"),
    [
        (
            "geojson",
            "out/",
            ["settlements.geojson", "services.geojson", "wards.geojson", "clusters.json"],
        ),
        ("geojson", "out", ["settlements.geojson", "services.geojson", "wards.geojson", "clusters.json"]),
        (
            "geojson",
            "out/joburg.geojson",
            ["joburg_settlements.geojson", "joburg_services.geojson", "joburg_wards.geojson", "joburg_clusters.json"],
        ),
        ("gpkg", "out", ["atlas.gpkg"]),
        ("gpkg", "out/joburg.gpkg", ["joburg.gpkg"]),
        ("csv", "out", ["settlements.csv", "clusters.csv"]),
        ("csv", "out/gaps.csv", ["gaps_settlements.csv", "gaps_clusters.csv"]),
        ("parquet", "out", ["settlements.parquet", "services.parquet", "wards.parquet", "clusters.parquet"]),
        ("html", "out/map.html", ["map.html"]),
        ("html", "out", ["atlas.html"]),
    ],
)  # fmt: skip
def test_output_paths(fmt: str, output: str, names: list[str], tmp_path: Path) -> None:
    paths = output_paths(
        fmt, tmp_path / output if not output.endswith("/") else f"{tmp_path}/{output}"
    )
    assert [p.name for p in dict.fromkeys(paths.values())] == names
    assert all(p.parent == tmp_path / "out" for p in paths.values())


def test_an_existing_folder_with_a_dot_is_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "exports.v2"
    folder.mkdir()
    assert output_paths("gpkg", folder)["settlements"] == folder / "atlas.gpkg"


@pytest.mark.parametrize(("fmt", "name"), [("gpkg", "x.geojson"), ("csv", "x.txt"), ("bogus", "x")])
def test_a_wrong_suffix_or_format_is_refused(fmt: str, name: str, tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match=r"format|suit"):
        output_paths(fmt, tmp_path / name)


# -- every format read back -----------------------------------------------------------------------


def test_geojson_follows_rfc7946_and_reads_back(
    result: GapResult, ds: Dataset, tmp_path: Path
) -> None:
    files = write_export(result, ds, "geojson", tmp_path / "out")
    assert [f.name for f in files] == [
        "settlements.geojson",
        "services.geojson",
        "wards.geojson",
        "clusters.json",
    ]
    for path in files[:3]:
        text = path.read_text(encoding="utf-8")
        assert rfc7946_problems(text, max_decimals=6) == [], path.name
        table = pyogrio.read_dataframe(path)
        assert table.crs == "EPSG:4326"
        check_layer(path.stem, table, result, ds)
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
    bare = Dataset(ds.settlements, ds.services, None, ds.metric_crs)
    write_export(compute_gaps(bare, STANDARD), bare, "gpkg", path)
    assert "wards" not in dict(pyogrio.list_layers(path))


def test_csv_reads_back_with_wkt_geometry(result: GapResult, ds: Dataset, tmp_path: Path) -> None:
    files = write_export(result, ds, "csv", tmp_path / "gaps.csv")
    assert [f.name for f in files] == ["gaps_settlements.csv", "gaps_clusters.csv"]

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
    check_layer("clusters", read(files[1]), result, ds)
    # GDAL (QGIS) takes the wkt column for the geometry.
    gdal = pyogrio.read_dataframe(files[0])
    assert len(gdal) == 4 and gdal.geometry.notna().all()


def test_geoparquet_reads_back(result: GapResult, ds: Dataset, tmp_path: Path) -> None:
    files = write_export(result, ds, "parquet", tmp_path / "pq")
    assert [f.name for f in files] == [
        "settlements.parquet",
        "services.parquet",
        "wards.parquet",
        "clusters.parquet",
    ]
    for path in files[:3]:
        assert b"geo" in pq.read_schema(path).metadata
        table = gpd.read_parquet(path)
        assert table.crs == "EPSG:4326"
        check_layer(path.stem, table, result, ds)
    settlements = gpd.read_parquet(files[0])
    assert str(settlements["households"].dtype) == "Int64"
    assert str(settlements["water_ratio"].dtype) == "float64"
    clusters = pd.read_parquet(files[3])
    check_layer("clusters", clusters, result, ds)


@pytest.mark.skipif(bool(missing_assets()), reason="map assets missing: python -m layers.assets")
def test_standalone_html_inlines_everything_and_escapes_names(
    result: GapResult, ds: Dataset, tmp_path: Path
) -> None:
    (path,) = write_export(result, ds, "html", tmp_path / "map.html")
    page = path.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=", page)
    assert MARKUP not in page  # escaped, never live markup
    assert "<title>Settlement Atlas: hostile (test)</title>" in page
    # The tooltips' names, as the browser shows them (JSON string, then HTML text).
    start = page.index("atlasMap.settlements(") + len("atlasMap.settlements(")
    data, _ = json.JSONDecoder().raw_decode(page[start:].lstrip())
    shown = {html.unescape(name) for name in data["names"]}
    assert {MARKUP, LONG, ZULU, ARABIC} <= shown


# -- hostile names, every format ------------------------------------------------------------------

NAMES = {MARKUP, LONG, ZULU, ARABIC}


def read_names(fmt: str, files: list[Path]) -> dict[str, set[str]]:
    """Settlement, cluster, kind and ward names as read back from the files."""
    by_stem: dict[str, pd.DataFrame] = {}
    for path in files:
        stem = path.stem.split("_", 1)[-1] if "_" in path.stem else path.stem
        if fmt == "gpkg":
            for layer, _ in pyogrio.list_layers(path):
                by_stem[layer] = pyogrio.read_dataframe(path, layer=layer)
        elif fmt == "geojson":
            by_stem[stem] = (
                pyogrio.read_dataframe(path)
                if path.suffix == ".geojson"
                else pd.DataFrame(json.loads(path.read_text(encoding="utf-8")))
            )
        elif fmt == "csv":
            by_stem[stem] = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        else:
            by_stem[stem] = pd.read_parquet(path)
    names = {"settlements": set(by_stem["settlements"]["name"])}
    names["clusters"] = set(by_stem["clusters"]["cluster"])
    if "services" in by_stem:
        names["kinds"] = set(by_stem["services"]["kind"]) | set(
            by_stem["services"]["provider"].dropna()
        )
        names["wards"] = set(by_stem["wards"]["name"]) | set(
            by_stem["wards"]["councillor"].dropna()
        )
    return names


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv", "parquet"])
def test_hostile_names_survive(fmt: str, result: GapResult, ds: Dataset, tmp_path: Path) -> None:
    names = read_names(fmt, write_export(result, ds, fmt, tmp_path))
    assert names["settlements"] == NAMES
    assert names["clusters"] == {CLUSTER_1, CLUSTER_2}
    assert len(LONG) == 300
    if "kinds" in names:
        assert {MARKUP, ZULU, ARABIC, LONG, QUOTES} <= names["kinds"]
        assert {QUOTES, ARABIC, MARKUP, LONG, "Ms <b>Dlamini</b>"} <= names["wards"]


# -- zips and downloads ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv", "parquet"])
def test_export_zip_holds_the_same_files(fmt: str, result: GapResult, ds: Dataset) -> None:
    data = export_zip(result, ds, fmt, clusters=[CLUSTER_1])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert archive.testzip() is None
        expected_names = [p.name for p in dict.fromkeys(output_paths(fmt, "x").values())]
        assert names == expected_names
        if fmt == "geojson":
            settlements = json.loads(archive.read("settlements.geojson"))
            assert [f["properties"]["settlement_id"] for f in settlements["features"]] == [
                "A",
                "B",
            ]
    if fmt != "gpkg":  # a GeoPackage records when each table was last changed
        assert export_zip(result, ds, fmt, clusters=[CLUSTER_1]) == data  # reproducible bytes


def test_to_download_gives_single_files_as_they_are(result: GapResult, ds: Dataset) -> None:
    gpkg = to_download(result, ds, "gpkg", stem="k1")
    assert gpkg.file_name == "k1.gpkg" and gpkg.data.startswith(b"SQLite format 3\x00")
    csv = to_download(result, ds, "csv")
    assert csv.file_name == "atlas-csv.zip" and csv.mime == "application/zip"


def test_every_format_is_offered() -> None:
    assert FORMATS == ("geojson", "gpkg", "csv", "parquet", "html")


# -- the embedded sample --------------------------------------------------------------------------


def test_sample_cluster_export_round_trips(tmp_path: Path) -> None:
    sample = atlas.load_sample()
    full = compute_gaps(sample, atlas.load_standard("cape-town"))
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


@pytest.mark.skipif(bool(missing_assets()), reason="map assets missing: python -m layers.assets")
def test_html_title_names_the_chosen_clusters_escaped(
    result: GapResult, ds: Dataset, tmp_path: Path
) -> None:
    (path,) = write_export(result, ds, "html", tmp_path, clusters=[CLUSTER_1])
    page = path.read_text(encoding="utf-8")
    assert "<title>Settlement Atlas: K1 &lt;b&gt;Cluster&lt;/b&gt; (test)</title>" in page
    assert path.name == "atlas.html"


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv", "parquet"])
def test_no_services_and_no_clusters_still_export(fmt: str, ds: Dataset, tmp_path: Path) -> None:
    settlements = ds.settlements.assign(cluster=None)
    bare = Dataset(settlements, ds.services.iloc[:0], ds.wards, ds.metric_crs)
    result = compute_gaps(bare, STANDARD)
    layers = export_layers(result, bare)
    assert str(layers["settlements"]["cluster"].dtype) == "string"
    assert len(layers["services"]) == 0 and len(layers["clusters"]) == 0
    assert list(layers["clusters"].columns) == cluster_columns(result)
    files = write_export(result, bare, fmt, tmp_path)
    assert all(f.exists() for f in files)
    if fmt == "gpkg":
        assert dict(pyogrio.list_layers(files[0]))["services"] == "Point"
        assert pyogrio.read_info(files[0], layer="clusters")["features"] == 0
        settlements_back = pyogrio.read_dataframe(files[0], layer="settlements")
    elif fmt == "parquet":
        assert len(gpd.read_parquet(files[1])) == 0
        settlements_back = gpd.read_parquet(files[0])
    elif fmt == "geojson":
        assert json.loads(files[1].read_text(encoding="utf-8"))["features"] == []
        settlements_back = pyogrio.read_dataframe(files[0])
    else:
        assert files[1].read_text(encoding="utf-8").startswith("cluster,settlements,")
        settlements_back = pd.read_csv(files[0])
    assert settlements_back["water_working"].sum() == 0
    assert len(settlements_back) == 4


def test_sample_geojson_passes_rfc7946(tmp_path: Path) -> None:
    sample = atlas.load_sample()
    full = compute_gaps(sample, atlas.load_standard("cape-town"))
    files = write_export(full, sample, "geojson", tmp_path)
    for path in files[:3]:
        assert rfc7946_problems(path.read_text(encoding="utf-8"), max_decimals=6) == []
    back = pyogrio.read_dataframe(files[0])
    assert (back.geom_type == "MultiPolygon").sum() == (
        full.settlements.geom_type == "MultiPolygon"
    ).sum()
    assert_same_geometry(back.geometry, full.settlements.geometry.reset_index(drop=True))


# -- water delivery compliance joined onto the settlements and clusters -------------------------

COMPLIANCE = pd.DataFrame(
    {
        "settlement_id": ["A", "B", "C", "D ; <i>", "elsewhere"],
        "scheduled": [12, 8, 0, 5, 3],
        "delivered": [4, 8, 0, 0, 1],
        "compliance": [4 / 12, 1.0, np.nan, 0.0, 1 / 3],
    }
)


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
    assert share["A"] == pytest.approx(0.3333) and share["B"] == 1.0 and share["D ; <i>"] == 0.0
    assert math.isnan(share["C"])  # nothing scheduled: empty, not 0
    assert str(settlements["delivery_scheduled"].dtype) == "int64"
    assert str(share.dtype) == "float64"
    clusters = layers["clusters"].set_index("cluster")
    assert clusters.loc[CLUSTER_1, "delivery_scheduled"] == 20
    assert clusters.loc[CLUSTER_1, "delivery_on_time_in_full"] == 12
    assert clusters.loc[CLUSTER_1, "delivery_compliance"] == pytest.approx(0.6)
    assert clusters.loc[CLUSTER_2, "delivery_scheduled"] == 0
    assert math.isnan(clusters.loc[CLUSTER_2, "delivery_compliance"])
    # Without a compliance table the layers are as before.
    plain = export_layers(result, ds)
    assert not set(DELIVERY_FIELDS) & set(plain["settlements"].columns)
    assert not set(DELIVERY_FIELDS) & set(plain["clusters"].columns)


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv", "parquet"])
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
    assert rows["delivery_compliance"].round(4).to_dict() == {"A": 0.3333, "B": 1.0}
    assert clusters["delivery_on_time_in_full"].tolist() == [12]


def test_compliance_without_counts_is_refused(result: GapResult, ds: Dataset) -> None:
    with pytest.raises(SchemaError, match="scheduled"):
        export_layers(result, ds, compliance=COMPLIANCE.drop(columns="scheduled"))


def test_to_download_carries_compliance(result: GapResult, ds: Dataset, tmp_path: Path) -> None:
    download = to_download(result, ds, "gpkg", compliance=COMPLIANCE)
    path = tmp_path / download.file_name
    path.write_bytes(download.data)
    read = pyogrio.read_dataframe(path, layer="settlements")
    assert read.set_index("settlement_id")["delivery_scheduled"]["A"] == 12
    zipped = to_download(result, ds, "csv", compliance=COMPLIANCE)
    with zipfile.ZipFile(io.BytesIO(zipped.data)) as archive:
        text = archive.read("settlements.csv").decode("utf-8")
    assert "delivery_compliance" in text.splitlines()[0]
