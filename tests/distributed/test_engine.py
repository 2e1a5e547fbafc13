"""The Dask engine against the default engine, field by field, on a real local cluster
(``conftest.scheduler``: a ``dask scheduler`` and two ``dask worker`` processes).

Small partitions (a few points each) and small coverage groups make every case cross
partition boundaries: settlements whose reach spans many partitions, points whose nearest
settlements lie in another partition's area.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely
from pyproj import CRS
from shapely.geometry import Point, box

import atlas
from atlas.distributed import compute_gaps_dask, load_dataset_dask
from atlas.load import Dataset, load_dataset
from atlas.load.validate import validate_layer
from atlas.measure import compute_gaps, load_standard
from tests.conftest import METRIC, X0, Y0, real_path
from tests.distributed.common import assert_same, both_refusals

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import metro_data

STANDARD = load_standard("cape-town")


def test_sample_identical(client: Any) -> None:
    dataset = atlas.load_sample()
    result = compute_gaps_dask(dataset, STANDARD, client, partition_rows=60, settlements_per_task=7)
    assert_same(result, compute_gaps(dataset, STANDARD))


def _at(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.affinity.translate(geom, X0, Y0)


@pytest.fixture(scope="module")
def ties() -> Dataset:
    """Hand-built, in metres (UTM 35S): B-east and A-west 200 m apart with a point halfway
    (100 m from each: a tie, to the smaller id, A-west); a 3 km strip with a working tap every
    100 m, 50 m north of it (its reach spans many partitions); two overlapping settlements
    with a point in both (to the smaller id, D-over)."""
    settlements = gpd.GeoDataFrame(
        {
            "settlement_id": ["B-east", "A-west", "C-strip", "E-over", "D-over"],
            "name": ["B", "A", "C", "E", "D"],
            "households": [50, 60, 400, 30, 30],
            "population": [150, 180, 1200, 90, 90],
            "cluster": ["One", "One", "Two", None, None],
        },
        geometry=[
            _at(box(300, 0, 400, 100)),
            _at(box(0, 0, 100, 100)),
            _at(box(0, 1000, 3000, 1100)),
            _at(box(5000, 0, 5100, 100)),
            _at(box(5050, 0, 5150, 100)),
        ],
        crs=METRIC,
    )
    taps = [Point(x, 1150) for x in range(0, 3001, 100)]
    points = [Point(200, 50), Point(5075, 50), *taps, Point(9000, 9000)]
    services = gpd.GeoDataFrame(
        {
            "service_id": [f"P{i:03d}" for i in range(len(points))],
            "category": ["water"] * len(points),
            "status": ["working"] * len(points),
        },
        geometry=[_at(p) for p in points],
        crs=METRIC,
    )
    settlements, s_report = validate_layer(settlements, "settlements")
    services, p_report = validate_layer(services, "services")
    assert s_report.ok and p_report.ok
    return Dataset(settlements, services, None, CRS(METRIC))


def test_ties_by_hand_and_identical(ties: Dataset, client: Any) -> None:
    default = compute_gaps(ties, STANDARD)
    result = compute_gaps_dask(ties, STANDARD, client, partition_rows=2, settlements_per_task=1)
    assert_same(result, default)
    by_id = result.services.set_index("service_id")
    assert by_id.loc["P000", "settlement_id"] == "A-west"
    assert by_id.loc["P000", "distance_m"] == pytest.approx(100, abs=0.01)
    assert by_id.loc["P001", "settlement_id"] == "D-over"
    assert by_id.loc["P001", "distance_m"] == 0
    taps = by_id.loc[[f"P{i:03d}" for i in range(2, 33)]]
    assert (taps["settlement_id"] == "C-strip").all()
    assert taps["distance_m"].to_numpy() == pytest.approx(50, abs=0.01)
    assert by_id.loc["P033", "settlement_id"] is None
    gaps = result.settlements.set_index("settlement_id")
    # Every point of the strip lies within 158 m of a tap (< 200 m): fully covered.
    assert gaps.loc["C-strip", "water_coverage"] == 1.0
    assert gaps.loc["C-strip", "water_working"] == 31
    assert gaps.loc["A-west", "water_working"] == 1
    assert gaps.loc["B-east", "water_working"] == 0


@pytest.fixture(scope="module")
def metro_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The SMALL metro set as raw GeoParquet files (services in row groups of 2,000)."""
    folder = tmp_path_factory.mktemp("metro")
    layers = metro_data.generate(metro_data.SMALL, metro_data.SEED)
    paths = {}
    for name, frame in zip(("settlements", "services", "wards"), layers, strict=True):
        paths[name] = folder / f"{name}.parquet"
        frame.to_parquet(paths[name], row_group_size=2000)
    return paths


def test_metro_small_identical(metro_files: dict[str, Path], client: Any) -> None:
    files = metro_files
    default_ds = load_dataset(files["settlements"], files["services"], files["wards"])
    dataset, points = load_dataset_dask(
        files["settlements"], files["services"], client, files["wards"]
    )
    assert points.report == default_ds.reports[1]
    assert dataset.reports == default_ds.reports
    assert len(points.parts) == 15
    result = compute_gaps_dask(
        dataset, STANDARD, client, services=points, partition_rows=4000, settlements_per_task=40
    )
    assert_same(result, compute_gaps(default_ds, STANDARD))


def test_problems_worded_as_the_default_reader(tmp_path: Path, client: Any) -> None:
    """A bad status in one partition and an id repeated across two: the same report."""

    def spoil(services: gpd.GeoDataFrame) -> None:
        services.loc[5, "status"] = "leaking"
        services.loc[550, "service_id"] = services.loc[10, "service_id"]

    default, dask = both_refusals(tmp_path, client, spoil)
    assert dask.reports == default.reports
    codes = {p.message.split(" ")[0] for p in dask.report.errors}
    assert codes == {"Duplicate", "Unknown"}


@pytest.mark.real
def test_real_cape_town_identical(tmp_path: Path, client: Any) -> None:
    """Cape Town's 326 informal settlements and 111 wards (../shared/real §1, §2), with a
    working tap at each settlement's representative point and one 60 m east of it."""
    from tests.atlas.real_common import CPT_WARDS, INFORMAL
    from tests.atlas.test_real_cape_town import CPT_MAPPING

    settlements, wards = real_path(*INFORMAL), real_path(*CPT_WARDS)
    raw = gpd.read_file(settlements).to_crs(32734)
    inside = raw.geometry.representative_point()
    points = gpd.GeoDataFrame(
        {
            "service_id": [f"T{i}" for i in range(2 * len(raw))],
            "category": ["water", "sanitation"] * len(raw),
            "status": ["working", "broken"] * len(raw),
        },
        geometry=[g for p in inside for g in (p, shapely.affinity.translate(p, 60, 0))],
        crs=32734,
    ).to_crs(4326)
    path = tmp_path / "taps.parquet"
    points.to_parquet(path, row_group_size=64)
    default_ds = load_dataset(settlements, path, wards, mapping=CPT_MAPPING)
    dataset, parts = load_dataset_dask(settlements, path, client, wards, mapping=CPT_MAPPING)
    assert dataset.reports == default_ds.reports
    result = compute_gaps_dask(
        dataset, STANDARD, client, services=parts, partition_rows=80, settlements_per_task=50
    )
    assert_same(result, compute_gaps(default_ds, STANDARD))
