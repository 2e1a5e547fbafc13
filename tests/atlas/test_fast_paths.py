"""The fast paths of #18 give what the slow ones gave: value for value, byte for byte.

Points read from GeoParquet by numpy, text validated per distinct value, the layers-meet check
reusing the join's pairs, JSON written column by column, and ``atlas gaps`` importing neither
the store nor the app.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

import atlas
from atlas.exports.exact import exact_records, json_text
from atlas.load._geometry_parse import read_geoparquet
from atlas.load._wkb_points import read_point_parquet
from atlas.load.crs import to_metric
from atlas.load.validate import as_text, per_distinct
from atlas.measure._nearby import metric_xy, nearby_pairs
from atlas.measure.overlap import Measured, layers_apart
from tests.conftest import real_path

ROOT = Path(__file__).resolve().parents[2]


def _points_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"service_id": ["a", "b", "c", "d"], "status": ["working", None, "broken", "working"]},
        geometry=[
            shapely.Point(28.1, -26.2),
            shapely.Point(),  # POINT EMPTY: WKB's NaN, NaN
            shapely.Point(-0.0, 1e-300),
            shapely.Point(28.123456789012345, -26.987654321098765),
        ],
        index=pd.Index([10, 3, 7, 1], name="fid"),
        crs="EPSG:4326",
    )


def test_points_read_by_numpy_equal_geopandas_reading(tmp_path: Path) -> None:
    path = tmp_path / "points.parquet"
    _points_frame().to_parquet(path)
    fast = read_point_parquet(path)
    assert fast is not None
    slow = gpd.read_parquet(path)
    assert_geodataframe_equal(fast, slow)
    assert fast.crs == slow.crs
    assert list(fast.index) == [10, 3, 7, 1]
    assert (fast.geometry.to_wkb() == slow.geometry.to_wkb()).all()
    assert fast.geometry.iloc[1].is_empty
    assert fast.geometry.iloc[3].x == 28.123456789012345


def test_other_files_are_left_to_geopandas(tmp_path: Path) -> None:
    polygons = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1)], crs="EPSG:4326")
    polygons.to_parquet(tmp_path / "polygons.parquet")
    assert read_point_parquet(tmp_path / "polygons.parquet") is None
    missing = _points_frame()
    missing.loc[1, "geometry"] = None
    missing.to_parquet(tmp_path / "missing.parquet")
    assert read_point_parquet(tmp_path / "missing.parquet") is None
    big_endian = _points_frame().to_wkb()
    big_endian["geometry"] = [shapely.to_wkb(g, byte_order=0) for g in _points_frame().geometry]
    big_endian.to_parquet(tmp_path / "plain.parquet")  # plain Parquet: no geo metadata
    assert read_point_parquet(tmp_path / "plain.parquet") is None
    # The reader the loader uses still reads them all.
    assert len(read_geoparquet(tmp_path / "missing.parquet")) == 4


def test_real_water_points_read_the_same(tmp_path: Path) -> None:
    source = real_path("kibera_mathare_waterpoints_mapkibera", "features-osm.geojson")
    points = gpd.read_file(source)
    points = points[points.geometry.geom_type == "Point"]
    path = tmp_path / "water.parquet"
    points.to_parquet(path)
    fast = read_point_parquet(path)
    assert fast is not None and len(fast) == len(points) > 100
    assert_geodataframe_equal(fast, gpd.read_parquet(path))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (pd.Series([" Tap ", "", None, "Tap", "\x1ctap\x1f"], dtype="str"), ["Tap", None, None, "Tap", "tap"]),
        (pd.Series(["a", " a"], dtype=object), ["a", "a"]),
        (pd.Series([1.0, 2.5, np.nan, -0.0, 2.0**70]), ["1", "2.5", None, "0", str(2**70)]),
        (pd.Series([5, None], dtype="Int64"), ["5", None]),
        (pd.Series([True, "x", 3], dtype=object), ["True", "x", "3"]),
    ],
)  # fmt: skip
def test_text_is_read_as_value_by_value(values: pd.Series, expected: list[object]) -> None:
    # What the one-by-one reading gave: Python's strip, whole floats without ".0".
    text = as_text(values)
    assert text.tolist() == expected
    assert text.dtype == object


def test_rows_share_one_string_per_distinct_value() -> None:
    statuses = pd.Series(["Working", "working", None, "Working"] * 1000, dtype="str")
    lowered = per_distinct(as_text(statuses), str.lower)
    assert lowered.tolist()[:4] == ["working", "working", None, "working"]
    # 3,000 rows, two strings: one per distinct value read ("Working", "working").
    assert len({id(v) for v in lowered if v is not None}) == 2


def test_duplicate_ids_after_stripping_are_still_found(tmp_path: Path) -> None:
    frame = _points_frame().assign(service_id=["a", "a ", "b", "c"], category="water")
    path = tmp_path / "dup.parquet"
    frame.to_parquet(path)
    with pytest.raises(atlas.ValidationError, match="Duplicate service_id"):
        atlas.load_dataset(atlas.registry.sample_files().settlements, path)


def test_the_layers_check_gives_the_same_answer_from_the_join() -> None:
    ds = atlas.load_sample()
    standard = atlas.load_standard("cape-town")
    far = ds.services.set_geometry(ds.services.geometry.translate(5.0, 0.0))
    for services in (ds.services, far):
        moved = atlas.Dataset(ds.settlements, services, ds.wards, ds.metric_crs)
        polygons = to_metric(ds.settlements, ds.metric_crs).geometry.to_numpy()
        wards = to_metric(ds.wards, ds.metric_crs).geometry.to_numpy()
        pairs = nearby_pairs(metric_xy(services, ds.metric_crs), polygons, standard.reach)
        reused = layers_apart(moved, standard, Measured(pairs, polygons, wards))
        assert reused == layers_apart(moved, standard)
    assert reused and reused[0].layer == "services"  # the far points are found apart


def test_json_is_written_as_the_encoder_would() -> None:
    result = atlas.compute_gaps(atlas.load_sample(), atlas.load_standard("cape-town"))
    for table in (result.settlements, result.clusters):
        expected = json.dumps(exact_records(table), ensure_ascii=False, indent=1, allow_nan=False)
        assert json_text(table) == expected
    odd = pd.DataFrame(
        {
            "name": ['Ntšhaba "East"', None],
            "households": pd.array([3, None], dtype="Int64"),
            "water_ratio": [np.inf, 0.1],
            "flag": [True, False],
            "ward_ids": [["1", "2"], []],
        }
    )
    assert json_text(odd) == json.dumps(exact_records(odd), ensure_ascii=False, indent=1)
    assert json.loads(json_text(odd))[0]["water_ratio"] is None
    # Lists are written list by list: of one type, of several, nested, with NaN or numpy
    # values, empty; a column of text with a numpy string among it.
    lists = pd.DataFrame(
        {
            "ward_shares": [
                [0.25, 0.75], [], [1, 2.5], ["a", None], [[1], 2], [True, False], [None],
                [np.float64(0.5), float("nan")], ['quote " and é'], [np.int64(7)],
            ],
            "name": ["a", None, np.str_("b"), "c", "d", "e", "f", "g", "h", "i"],
        }
    )  # fmt: skip
    expected = json.dumps(exact_records(lists), ensure_ascii=False, indent=1, allow_nan=False)
    assert json_text(lists) == expected
    assert json.loads(json_text(lists))[7]["ward_shares"] == [0.5, None]


def test_atlas_gaps_imports_neither_the_store_nor_the_app() -> None:
    probe = (
        "import sys\n"
        "from atlas.cli import build_parser, command_module\n"
        "build_parser(['gaps', '--quiet'])\n"
        "command_module('gaps')\n"
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'argon2', 'streamlit', 'fpdf', "
        "'matplotlib', 'layers', 'rasterio') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
