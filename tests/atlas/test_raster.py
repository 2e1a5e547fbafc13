"""Zonal statistics on tiny rasters whose answers are worked out by hand.

Layout (metres in UTM 35S, see conftest): the 4×4 raster has 100 m cells covering local
0..400 × 0..400; row 0 is the top (y 300..400), column 0 the left (x 0..100). Cell (r, c) of the
count raster holds ``VALUES[r, c] = 4r + c + 1``. Polygons are drawn in local metres, so each
covers an exact, hand-computed fraction of some cells; the settlements arrive in EPSG:4326 and are
reprojected to the raster's CRS (the raster is never reprojected).
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from affine import Affine
from shapely.geometry import Polygon, box

from atlas.cli import zonal as cli_raster
from atlas.errors import CRSError, DataFileError, SchemaError
from atlas.load.columns import parse_mapping
from atlas.load.dataset import load_layer
from atlas.raster import (
    hazard_exposure,
    load_raster,
    population_estimate,
    zonal_population,
)
from tests.conftest import METRIC, X0, Y0, real_path, settlements_frame

VALUES = np.arange(1, 17, dtype="float64").reshape(4, 4)
#: Authalic radius of WGS84, the sphere exactextract measures geographic cells on.
R_AUTHALIC = 6_371_007.180918475


def origin(left: float, top: float, dx: float, dy: float) -> Affine:
    """A north-up transform (rasterio's from_origin warns under affine 3)."""
    return Affine(dx, 0.0, left, 0.0, -dy, top)


def write_raster(
    path: Path,
    data: np.ndarray,
    *,
    crs: str | None = METRIC,
    transform: object = None,
    nodata: float | None = None,
) -> Path:
    """Write ``data`` (2-D, or 3-D for several bands) as a GeoTIFF."""
    bands = data if data.ndim == 3 else data[np.newaxis]
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=bands.shape[2],
        height=bands.shape[1],
        count=bands.shape[0],
        dtype=bands.dtype,
        crs=crs,
        transform=transform or origin(X0, Y0 + 400, 100, 100),
        nodata=nodata,
    ) as ds:
        ds.write(bands)
    return path


def settlements(*geoms: object, population: list[float | None] | None = None) -> gpd.GeoDataFrame:
    rows = [
        {
            "settlement_id": f"S{i}",
            "geometry": g,
            "population": None if population is None else population[i],
        }
        for i, g in enumerate(geoms)
    ]
    return settlements_frame(rows)


@pytest.fixture
def counts(tmp_path: Path) -> Path:
    return write_raster(tmp_path / "counts.tif", VALUES)


# --- loading ---------------------------------------------------------------------------------


def test_load_raster_describes_the_file(counts: Path) -> None:
    raster = load_raster(counts)
    assert (raster.width, raster.height, raster.nodata, raster.dtype) == (4, 4, None, "float64")
    assert raster.crs.to_epsg() == 32735
    assert raster.bounds == pytest.approx((X0, Y0, X0 + 400, Y0 + 400))


def test_missing_raster_says_so(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="not found"):
        load_raster(tmp_path / "nope.tif")


def test_broken_raster_says_so(tmp_path: Path) -> None:
    path = tmp_path / "broken.tif"
    path.write_text("not a raster", encoding="utf-8")
    with pytest.raises(DataFileError, match="not a TIFF image"):
        load_raster(path)


def test_multiband_raster_is_refused(tmp_path: Path) -> None:
    path = write_raster(tmp_path / "rgb.tif", np.stack([VALUES, VALUES]))
    with pytest.raises(SchemaError, match="2 bands"):
        load_raster(path)


def test_raster_without_crs_needs_one_declared(tmp_path: Path) -> None:
    path = write_raster(tmp_path / "nocrs.tif", VALUES, crs=None)
    with pytest.raises(CRSError, match="no CRS"):
        load_raster(path)
    assert load_raster(path, crs="EPSG:32735").crs.to_epsg() == 32735


# --- counts: fractional coverage -------------------------------------------------------------

CASES = [
    # a quarter of cell (0,0) and a quarter of cell (0,1)
    (box(50, 350, 150, 400), 0.25 * 1 + 0.25 * 2),
    # 20 m × 20 m inside cell (3,0): 4 % of it, not zero and not the whole cell
    (box(10, 10, 30, 30), 0.04 * 13),
    # a triangle: half of cell (2,1)
    (Polygon([(100, 100), (200, 100), (200, 200)]), 0.5 * 10),
    # half outside the raster: only cell (3,0) counts
    (box(-100, 0, 100, 100), 13.0),
    # the whole raster
    (box(0, 0, 400, 400), float(VALUES.sum())),
    # entirely outside: unknown, not 0 people (issue #19)
    (box(1000, 1000, 1100, 1100), math.nan),
]


@pytest.mark.parametrize(("geom", "expected"), CASES)
def test_count_sums_value_times_covered_fraction(
    counts: Path, geom: Polygon, expected: float
) -> None:
    got = zonal_population(counts, settlements(geom))
    assert got.iloc[0] == pytest.approx(expected, rel=1e-6, abs=1e-6, nan_ok=True)


@pytest.mark.parametrize(("tile", "max_cells"), [(1, 64 * 2**20), (2, 1)])
def test_grouping_and_reading_strategy_do_not_change_results(
    counts: Path, monkeypatch: pytest.MonkeyPatch, tile: int, max_cells: int
) -> None:
    # Tiles of 1 or 2 cells split the polygons into many groups; a 1-cell window cap makes every
    # group fall back to reading polygon by polygon. The numbers must stay the same.
    import atlas.raster.zonal

    monkeypatch.setattr(atlas.raster.zonal, "TILE", tile)
    monkeypatch.setattr(atlas.raster.zonal, "MAX_WINDOW_CELLS", max_cells)
    got = zonal_population(counts, settlements(*(g for g, _ in CASES)))
    assert got.to_list() == pytest.approx([e for _, e in CASES], rel=1e-6, abs=1e-6, nan_ok=True)


def test_result_is_indexed_like_input_with_nan_for_null_geometry(counts: Path) -> None:
    frame = settlements(box(0, 0, 100, 100), box(0, 300, 100, 400))
    frame.index = pd.Index([7, 3])
    frame.loc[3, "geometry"] = None
    got = zonal_population(counts, frame)
    assert list(got.index) == [7, 3]
    assert got.name == "population_estimate"
    assert got[7] == pytest.approx(13.0)
    assert math.isnan(got[3])


def test_raster_in_another_crs_than_the_polygons(tmp_path: Path) -> None:
    # Raster in Web Mercator, polygons in UTM: the polygons go to the raster's CRS.
    from pyproj import Transformer

    to_merc = Transformer.from_crs(METRIC, "EPSG:3857", always_xy=True)
    left, top = to_merc.transform(X0, Y0 + 400)
    path = write_raster(
        tmp_path / "merc.tif",
        np.full((4, 4), 10.0),
        crs="EPSG:3857",
        transform=origin(left, top, 100, 100),
    )
    # Build the polygon from the Mercator cell (1,1) itself, reprojected to 4326 for input.
    cell = box(left + 100, top - 200, left + 200, top - 100)
    frame = gpd.GeoDataFrame(
        {"settlement_id": ["S0"]}, geometry=[cell.buffer(-25, join_style="mitre")], crs=3857
    ).to_crs(4326)
    got = zonal_population(path, frame)
    # 50 × 50 Mercator metres in a 100 × 100 cell: a quarter of 10 people.
    assert got.iloc[0] == pytest.approx(2.5, rel=1e-5)


# --- nodata ----------------------------------------------------------------------------------


def test_nodata_cells_count_nothing(tmp_path: Path) -> None:
    data = VALUES.copy()
    data[0, 0] = -1
    path = write_raster(tmp_path / "nd.tif", data, nodata=-1)
    got = zonal_population(path, settlements(box(0, 0, 400, 400), box(0, 300, 100, 400)))
    assert got.iloc[0] == pytest.approx(VALUES.sum() - 1)
    assert math.isnan(got.iloc[1])  # only over nodata: unknown, never 0 people (issue #19)


def test_without_nodata_negative_cells_are_no_data(tmp_path: Path) -> None:
    # People are never negative: a fill value in a file that declares no nodata is no data.
    data = VALUES.copy()
    data[0, 0] = -1
    path = write_raster(tmp_path / "no_nd.tif", data)
    got = zonal_population(path, settlements(box(0, 0, 400, 400)))
    assert got.iloc[0] == pytest.approx(VALUES.sum() - 1)
    assert any("negative values such as -1" in p.message for p in got.attrs["problems"])


def test_without_nodata_nan_cells_are_skipped(tmp_path: Path) -> None:
    data = VALUES.copy()
    data[0, 0] = np.nan
    path = write_raster(tmp_path / "nan.tif", data)
    got = zonal_population(path, settlements(box(0, 0, 400, 400)))
    assert got.iloc[0] == pytest.approx(VALUES.sum() - 1)


def test_integer_raster_with_nodata(tmp_path: Path) -> None:
    data = np.full((4, 4), 5, dtype="uint16")
    data[3, 0] = 65535
    path = write_raster(tmp_path / "int.tif", data, nodata=65535)
    got = zonal_population(path, settlements(box(0, 0, 200, 100)))
    assert got.iloc[0] == pytest.approx(5.0)


# --- density ---------------------------------------------------------------------------------


def test_density_is_multiplied_by_area_in_km2(tmp_path: Path, counts: Path) -> None:
    # 1,000 people per km² over a 100 m cell (0.01 km²) is 10 people, as a count raster of 10.
    density = write_raster(tmp_path / "density.tif", np.full((4, 4), 1000.0))
    count = write_raster(tmp_path / "ten.tif", np.full((4, 4), 10.0))
    frame = settlements(box(0, 0, 100, 100), box(50, 50, 250, 150), box(10, 10, 30, 30))
    by_density = zonal_population(density, frame, kind="density")
    by_count = zonal_population(count, frame, kind="count")
    assert by_density.to_list() == pytest.approx([10.0, 20.0, 0.4], rel=1e-6)
    assert by_count.to_list() == pytest.approx(by_density.to_list(), rel=1e-6)
    # The same density read as counts would be 100 times too many.
    assert zonal_population(density, frame).iloc[0] == pytest.approx(1000.0, rel=1e-6)


def test_density_on_a_geographic_raster_uses_true_cell_areas(tmp_path: Path) -> None:
    # 0.01° cells at 60° S: the cell area is measured on the WGS84 ellipsoid, here by pyproj's
    # geodesic area of the cell with its parallels densified (so they follow the parallel).
    from pyproj import Geod

    step = 0.01
    path = write_raster(
        tmp_path / "geo.tif",
        np.full((2, 2), 100.0),
        crs="EPSG:4326",
        transform=origin(30.0, -60.0, step, step),
    )
    cell = box(30.0, -60.01, 30.01, -60.0)
    frame = gpd.GeoDataFrame({"settlement_id": ["S0", "S1"]}, geometry=[cell, cell], crs=4326)
    frame.loc[1, "geometry"] = box(30.0, -60.01, 30.005, -60.0)  # the west half of the cell
    lons = np.linspace(30.0, 30.01, 101)
    ring_lon = [*lons, *lons[::-1]]
    ring_lat = [-60.0] * 101 + [-60.01] * 101
    km2 = abs(Geod(ellps="WGS84").polygon_area_perimeter(ring_lon, ring_lat)[0]) / 1e6
    got = zonal_population(path, frame, kind="density")
    assert got.to_list() == pytest.approx([100.0 * km2, 50.0 * km2], rel=1e-7)
    # About 1.114 km × 0.558 km, half the 1.23 km² of a 0.01° cell at the equator.
    assert km2 == pytest.approx(0.6216, rel=1e-3)


def test_unknown_kind_is_refused(counts: Path) -> None:
    with pytest.raises(SchemaError, match="count or density"):
        zonal_population(counts, settlements(box(0, 0, 1, 1)), kind="sum")  # type: ignore[arg-type]


# --- hazard ----------------------------------------------------------------------------------


@pytest.fixture
def hazard(tmp_path: Path) -> Path:
    # Row 0 (y 300..400) is level 3, row 1 (y 200..300) level 2, the rest 0; cell (3,3) nodata.
    data = np.zeros((4, 4), dtype="float32")
    data[0, :] = 3
    data[1, :] = 2
    data[3, 3] = -9999
    return write_raster(tmp_path / "hazard.tif", data, nodata=-9999)


def test_hazard_share_with_a_threshold(hazard: Path) -> None:
    frame = settlements(
        box(0, 250, 100, 400),  # all of it at level ≥ 2
        box(0, 150, 100, 250),  # y 200..250 of 150..250: half
        box(0, 0, 100, 100),  # none
        box(1000, 1000, 1100, 1100),  # outside the raster: none
    )
    got = hazard_exposure(hazard, frame, threshold=2)
    assert got["hazard_area_share"].to_list() == pytest.approx([1.0, 0.5, 0.0, 0.0], abs=1e-6)
    assert got["hazard_population"].isna().all()


def test_hazard_share_with_classes(hazard: Path) -> None:
    frame = settlements(box(0, 250, 100, 400), box(50, 150, 150, 350))
    got = hazard_exposure(hazard, frame, classes=[3])
    # class 3 is y 300..400: 100 of 150 m, and 50 of 200 m.
    assert got["hazard_area_share"].to_list() == pytest.approx([2 / 3, 0.25], abs=1e-6)


def test_nodata_is_not_hazard_even_below_a_negative_threshold(hazard: Path) -> None:
    got = hazard_exposure(hazard, settlements(box(300, 0, 400, 100)), threshold=-1e9)
    assert got["hazard_area_share"].iloc[0] == pytest.approx(0.0)


def test_hazard_population_from_settlement_counts(hazard: Path) -> None:
    frame = settlements(box(0, 150, 100, 250), box(0, 0, 100, 100), population=[200.0, None])
    got = hazard_exposure(hazard, frame, threshold=2)
    assert got["hazard_population"].iloc[0] == pytest.approx(100.0)
    assert got["hazard_population"].iloc[1] != got["hazard_population"].iloc[1]  # NaN


def test_hazard_population_from_a_population_raster(hazard: Path, counts: Path) -> None:
    frame = settlements(box(0, 150, 100, 250), box(50, 250, 150, 400))
    got = hazard_exposure(hazard, frame, threshold=2, population=counts)
    # S0: the hazard part is y 200..250 of cell (1,0) = half of 5 people.
    # S1: x 50..150, y 250..400, all hazard: halves of (0,0),(0,1) and quarters of (1,0),(1,1).
    expected_s1 = 0.5 * 1 + 0.5 * 2 + 0.25 * 5 + 0.25 * 6
    assert got["hazard_population"].to_list() == pytest.approx([2.5, expected_s1], rel=1e-6)


def test_hazard_needs_exactly_one_rule(hazard: Path) -> None:
    with pytest.raises(SchemaError, match="threshold"):
        hazard_exposure(hazard, settlements(box(0, 0, 1, 1)))
    with pytest.raises(SchemaError, match="threshold"):
        hazard_exposure(hazard, settlements(box(0, 0, 1, 1)), threshold=1, classes=[1])


# --- filling demand --------------------------------------------------------------------------


def test_population_estimate_fills_only_unknown_demand(counts: Path) -> None:
    frame = settlements_frame(
        [
            {"settlement_id": "A", "households": 5, "population": None, "geometry": box(0, 0, 100, 100)},
            {"settlement_id": "B", "households": None, "population": 40, "geometry": box(100, 0, 200, 100)},
            {"settlement_id": "C", "households": None, "population": None, "geometry": box(200, 0, 300, 100)},
        ]
    )  # fmt: skip
    before = frame.copy()
    out = population_estimate(frame, counts)
    assert out["population_estimate"].to_list() == pytest.approx([13.0, 14.0, 15.0])
    assert out["population"].to_list()[1:] == pytest.approx([40.0, 15.0])
    assert math.isnan(out["population"].iloc[0])
    assert out["demand_estimated"].to_list() == [False, False, True]
    pd.testing.assert_frame_equal(frame, before)  # the argument is not mutated


# --- command line ----------------------------------------------------------------------------


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="atlas")
    cli_raster.add_parser(parser.add_subparsers(dest="command"))
    return cli_raster.run(parser.parse_args(argv))


def test_cli_zonal_counts_json(
    tmp_path: Path, counts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.geojson"
    settlements(box(0, 0, 100, 100), box(10, 10, 30, 30)).to_file(path)
    assert run_cli(["zonal", "--raster", str(counts), "--settlements", str(path)]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["settlement_id"] for r in records] == ["S0", "S1"]
    assert [r["population_estimate"] for r in records] == pytest.approx([13.0, 0.52])


def test_cli_zonal_hazard_csv(
    tmp_path: Path, hazard: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.geojson"
    settlements(box(0, 150, 100, 250), population=[200.0]).to_file(path)
    argv = ["zonal", "--raster", str(hazard), "--settlements", str(path), "--kind", "hazard"]
    assert run_cli([*argv, "--threshold", "2", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "settlement_id,hazard_area_share,hazard_population"
    settlement_id, share, people = lines[1].split(",")
    # y 200..250 of 150..250 is at level ≥ 2: half the area, so half of 200 people. The file
    # carries the value as computed (the reprojected square is a hair off half), unrounded.
    computed = hazard_exposure(hazard, load_layer(path, "settlements")[0], threshold=2).iloc[0]
    assert settlement_id == "S0"
    assert float(share) == computed["hazard_area_share"] == pytest.approx(0.5, abs=1e-9)
    assert float(people) == computed["hazard_population"] == pytest.approx(100.0, abs=1e-7)
    with pytest.raises(SchemaError, match="needs --threshold"):
        run_cli(argv)
    with pytest.raises(SchemaError, match="hazard class"):
        run_cli([*argv, "--classes", "2,x"])


# --- real data -------------------------------------------------------------------------------


@pytest.mark.real
def test_nairobi_ward_estimates_sum_to_the_city() -> None:
    raster = real_path("nairobi_pop_raster_gtfs4ev", "Nairobi_popraster_cropped.tif")
    wards_file = real_path("nairobi_wards_geraldkombo", "nairobi_wards.geojson")
    mapping = parse_mapping(["settlements.settlement_id=ward_code", "settlements.name=ward_name"])
    wards, report = load_layer(wards_file, "settlements", mapping=mapping["settlements"])
    assert report.ok
    out = population_estimate(wards, raster, kind="count")
    assert len(out) == 84
    assert out["population_estimate"].sum() == pytest.approx(4.95e6, rel=0.01)
    assert (out["population_estimate"] > 0).all()
    assert out["demand_estimated"].all()  # the ward file has no counts
