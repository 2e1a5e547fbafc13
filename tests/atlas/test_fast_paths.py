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
from atlas.load.validate import PYTHON_SPACE, as_text, validate_layer
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
    n = 4000
    frame = gpd.GeoDataFrame(
        {
            "service_id": [f"p{i}" for i in range(n)],
            "category": ["Water", "water", "WATER ", "sanitation"] * (n // 4),
            "status": ["Working", "working", None, "Working"] * (n // 4),
        },
        geometry=shapely.points(np.full(n, 28.1), np.full(n, -26.2)),
        crs="EPSG:4326",
    ).astype({"service_id": "str", "category": "str", "status": "str"})
    out, report = validate_layer(frame, "services")
    assert report.ok
    assert out["status"].tolist()[:4] == ["working", "working", "unknown", "working"]
    assert out["category"].tolist()[:4] == ["water", "water", "water", "sanitation"]
    # 4,000 rows, one string per distinct value read (not one per row): "Working" and
    # "working" lowered, and "unknown" for the empty ones.
    assert len({id(v) for v in out["status"]}) == 3
    assert len({id(v) for v in out["category"]}) <= 4
    assert out["service_id"].tolist() == [f"p{i}" for i in range(n)]
    empty = [p for p in report.problems if "Empty status" in p.message]
    assert len(empty) == 1 and empty[0].rows == tuple(range(3, n + 1, 4))


def test_arrow_text_reads_as_python_strips() -> None:
    spaces = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
    assert spaces == PYTHON_SPACE
    texts = ["a", " a", "a\u3000", "\x1cb\x1f", "\u200bc", "", "  ", None, "ü ", "x y", "a"]
    arrow = pd.Series(texts, dtype="str")
    python = pd.Series(texts, dtype=object)
    assert as_text(arrow).tolist() == as_text(python).tolist()
    assert as_text(arrow).tolist()[:6] == ["a", "a", "a", "b", "\u200bc", None]


def test_unique_ids_in_arrow_are_not_duplicates_and_stripped_ones_are(tmp_path: Path) -> None:
    ids = pd.Series([f"id{i}" for i in range(1000)] + [" id7", "id8\t", None, ""], dtype="str")
    frame = gpd.GeoDataFrame(
        {"service_id": ids, "category": "water", "status": "working"},
        geometry=shapely.points(np.full(len(ids), 28.1), np.full(len(ids), -26.2)),
        crs="EPSG:4326",
    )
    _, report = validate_layer(frame, "services")
    dup = [p for p in report.problems if "Duplicate" in p.message]
    empty = [p for p in report.problems if "Empty service_id" in p.message]
    assert len(dup) == 1 and dup[0].rows == (8, 9, 1001, 1002)
    assert len(empty) == 1 and empty[0].rows == (1003, 1004)


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


def test_atlas_gaps_ends_without_freeing_and_writes_all_its_output(tmp_path: Path) -> None:
    # The process ends with os._exit once the output is written: standard output flushed,
    # the file whole, the exit status kept.
    out = subprocess.run(
        [sys.executable, "-m", "atlas.cli", "gaps", "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    records = json.loads(out.stdout)
    assert len(records) == len(atlas.load_sample().settlements)
    wrong = subprocess.run(
        [
            sys.executable,
            "-m",
            "atlas.cli",
            "gaps",
            "--quiet",
            "--level",
            "cluster",
            "--format",
            "geojson",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert wrong.returncode != 0 and "Clusters have no geometry" in wrong.stderr


def test_in_process_commands_leave_nothing_behind(capsys: pytest.CaptureFixture[str]) -> None:
    from atlas.cli import main
    from atlas.cli.console import left_to_exit

    assert main(["gaps", "--quiet"]) == 0
    assert json.loads(capsys.readouterr().out)
    assert left_to_exit() is True  # the sample's data, kept for the exit
    assert main(["standards"]) == 0  # the next command starts clean
    assert left_to_exit() is False


def test_the_collector_pauses_while_many_objects_are_made_and_runs_again_after() -> None:
    import gc
    import threading

    from atlas.bulk import many_objects

    assert gc.isenabled()
    inside = threading.Event()
    leave = threading.Event()
    seen: list[bool] = []

    def other_thread() -> None:
        with many_objects():
            inside.set()
            leave.wait(10)
            seen.append(gc.isenabled())

    worker = threading.Thread(target=other_thread)
    worker.start()
    inside.wait(10)
    with many_objects():  # nested with the other thread's
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread is still inside
    leave.set()
    worker.join()
    assert seen == [False]
    assert gc.isenabled()  # the last one out turns it on again
    gc.disable()
    try:
        with many_objects():
            pass
        assert not gc.isenabled()  # off before, left off
    finally:
        gc.enable()


def test_loading_and_measuring_leave_the_collector_running() -> None:
    import gc

    ds = atlas.load_sample()
    atlas.compute_gaps(ds, atlas.load_standard("cape-town"))
    assert gc.isenabled()
    with pytest.raises(atlas.AtlasError):
        atlas.load_dataset("/nonexistent/settlements.geojson")
    assert gc.isenabled()


def test_the_utm_zones_are_those_of_the_proj_database() -> None:
    from pyproj.database import query_utm_crs_info

    from atlas.load._utm import ZONES

    known = {
        int(info.code): tuple(float(b) for b in info.area_of_use.bounds)
        for info in query_utm_crs_info(datum_name="WGS 84")
        if info.area_of_use is not None
    }
    assert known == {int(row[0]): tuple(row[1:]) for row in ZONES}


@pytest.mark.parametrize(
    ("lon", "lat"),
    [
        (28.1, -26.1),  # Johannesburg: 35S
        (18.42, -33.92),  # Cape Town: 34S
        (-12.005, 10.0),  # zone 29N's area of use reaches past its zone: two zones hold it
        (6.0, 10.0),  # on the edge of 31N and 32N
        (10.0, 0.0),  # on the equator
        (3.0, 84.005),  # beyond 84N and east of 29N's wider area of use: in no zone
        (-8.0, 84.005),  # beyond 84N but in 29N's wider area of use
        (3.0, 85.0),  # in no zone
        (-180.0, 5.0),
        (179.9999999, -79.9999999),
        (-0.0, -45.0),
    ],
)
def test_the_plain_utm_zone_is_the_one_geopandas_estimates(lon: float, lat: float) -> None:
    from atlas.errors import CRSError
    from atlas.load.crs import choose_metric_crs

    series = gpd.GeoSeries([shapely.Point(lon - 0.01, lat), shapely.Point(lon + 0.01, lat)])
    series = series.set_crs("EPSG:4326")
    try:
        expected = series.estimate_utm_crs(datum_name="WGS 84")
    except RuntimeError:
        with pytest.raises(CRSError):
            choose_metric_crs(series)
        return
    assert choose_metric_crs(series) == expected


def test_random_places_get_the_zone_geopandas_estimates() -> None:
    from atlas.load._utm import plain_utm_code

    rng = np.random.default_rng(18)
    for lon, lat in rng.uniform([-180.0, -80.0], [180.0, 84.0], (12, 2)):
        series = gpd.GeoSeries([shapely.Point(lon, lat)], crs="EPSG:4326")
        assert plain_utm_code(lon, lat) == series.estimate_utm_crs(datum_name="WGS 84").to_epsg()
