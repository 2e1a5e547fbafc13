"""Shared by the export tests: a tiny dataset with hostile names everywhere, and what the files
must hold, worked out from the atlas result (not from ``export_layers``).

Layout (metres, see tests/conftest.py): settlement A is the square 0..100 × 0..100 (60
households, cluster K1), B the square 300..400 × 0..100 with a square hole, drawn clockwise
(households missing, 100 people → 33.3 households at 3 people per household, cluster K1), C
two squares far apart (cluster Ṱhohoyandou), D with no demand and no cluster. Wards W1 and W2
split the plane at x = 60; W3 lies far away and touches no settlement.

The fixtures ``ds`` (this dataset) and ``result`` (its gaps) are in tests/atlas/conftest.py.
"""

from __future__ import annotations

import itertools
import json
import math
from decimal import Decimal
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from shapely.geometry import MultiPolygon, Polygon, box

import atlas
from atlas.exports import CLUSTER_FIELDS, SERVICE_FIELDS, SETTLEMENT_FIELDS
from atlas.exports.fields import LIST_FIELDS, TEXT_FIELDS
from atlas.load.dataset import Dataset
from atlas.measure.gaps import category_columns
from atlas.measure.pipeline import GapResult, compute_gaps
from tests.conftest import (
    ARABIC,
    LONG,
    MARKUP,
    METRIC,
    hand_made_standard,
    services_frame,
    settlements_frame,
    wards_frame,
)

ZULU = "uMgungundlovu Ṱhohoyandou KwaDukuza ëé"
QUOTES = "Phola \"Park\", Ext 7; Zone '2' ${x} \\ `tick`"
CLUSTER_1 = "K1 <b>Cluster</b>"
CLUSTER_2 = "Ṱhohoyandou"
#: The settlement names.
NAMES = {MARKUP, LONG, ZULU, ARABIC}

STANDARD = hand_made_standard(household_size=3)

#: The formats that write data files (html draws a map).
DATA_FORMATS = ["geojson", "gpkg", "csv", "parquet"]
#: The files of a folder export, settlements first.
GEOJSON_FILES = ["settlements.geojson", "services.geojson", "wards.geojson", "clusters.json"]
PARQUET_FILES = ["settlements.parquet", "services.parquet", "wards.parquet", "clusters.parquet"]


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


def without_wards(ds: Dataset) -> Dataset:
    """``ds`` with no wards layer."""
    return Dataset(ds.settlements, ds.services, None, ds.metric_crs)


def sample_result() -> tuple[Dataset, GapResult]:
    """The embedded sample and its gaps under the Cape Town standard."""
    sample = atlas.load_sample()
    return sample, compute_gaps(sample, atlas.load_standard("cape-town"))


# -- what the files must hold ---------------------------------------------------------------------

#: Fields read back as text from CSV and GeoPackage (where lists are text joined with ``;``).
TEXT = TEXT_FIELDS | set(LIST_FIELDS)


def settlement_columns(result: GapResult) -> list[str]:
    return [*SETTLEMENT_FIELDS, *category_columns(result.standard)]


def cluster_columns(result: GapResult) -> list[str]:
    return [*CLUSTER_FIELDS, *category_columns(result.standard)]


def plain(value: Any) -> Any:
    """A comparable Python value: None when missing, float for every number, a list of them
    for a list (a JSON array, a list column)."""
    if isinstance(value, list | tuple | np.ndarray):
        return [plain(v) for v in value]
    if value is None or value is pd.NA:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return None if math.isnan(value) else float(value)
    return str(value)


def expected(
    table: pd.DataFrame, columns: list[str], key: str, *, lists: bool = False
) -> dict[str, dict[str, Any]]:
    """Rows keyed by ``key``, as the exports must hold them: the list fields as lists
    (``lists``: GeoJSON, GeoParquet) or as text joined with ``;`` (CSV, GeoPackage)."""
    rows = {}
    for record in table.to_dict("records"):
        row = {}
        for c in columns:
            v: Any = record.get(c)
            if c in LIST_FIELDS and lists:
                v = list(v)
            elif c in LIST_FIELDS:
                v = ";".join(repr(x) if isinstance(x, float) else str(x) for x in v) or None
            elif c in ("households", "population") and plain(v) is not None:
                v = math.floor(v + 0.5)
            row[c] = plain(v)
        rows[key_of(record[key])] = row
    return rows


def key_of(value: Any) -> str:
    """A row's key as text; empty when missing (the clusters row of settlements in none)."""
    found = plain(value)
    return "" if found is None or found == "" else str(value)


def read_rows(table: pd.DataFrame, columns: list[str], key: str) -> dict[str, dict[str, Any]]:
    rows = {}
    for record in table.to_dict("records"):
        rows[key_of(record[key])] = {c: plain(record[c]) for c in columns}
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


def check_layer(
    name: str, table: pd.DataFrame, result: GapResult, ds: Dataset, *, lists: bool = False
) -> None:
    """``table`` (a layer read back) holds the atlas's fields first, with the atlas's values;
    ``lists``: read from a format that holds lists (GeoJSON, GeoParquet)."""
    frame, columns, key = expected_layers(result, ds)[name]
    assert list(table.columns[: len(columns)]) == columns
    assert_same_rows(read_rows(table, columns, key), expected(frame, columns, key, lists=lists))
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


# -- water delivery compliance --------------------------------------------------------------------

COMPLIANCE = pd.DataFrame(
    {
        "settlement_id": ["A", "B", "C", "D ; <i>", "elsewhere"],
        "scheduled": [12, 8, 0, 5, 3],
        "delivered": [4, 8, 0, 0, 1],
        "compliance": [4 / 12, 1.0, np.nan, 0.0, 1 / 3],
    }
)
