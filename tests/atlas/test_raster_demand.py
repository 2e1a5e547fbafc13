"""Raster estimates in the gap numbers, hazard roll-up per cluster, scaled rasters, bad input,
the command line and the sample rasters; answers worked out by hand.

Layout as in ``test_raster`` (4×4 raster of 100 m cells over local 0..400 × 0..400, row 0 on top)
and ``test_gaps`` (settlement A the square 0..100 × 0..100 with 60 households, B the square
300..400 × 0..100 with 100 people, C the square 0..100 × 300..400 with neither). The people
raster holds 12 people in A's cell (3,0), 40 in B's cell (3,3), 90 in C's cell (0,0), 0 elsewhere.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rasterio
from PIL import Image
from pyproj import CRS
from shapely.geometry import box

from atlas.cli import main
from atlas.errors import SchemaError
from atlas.load.dataset import Dataset, load_layer, load_sample
from atlas.measure.pipeline import compute_gaps
from atlas.measure.standards import parse_standard
from atlas.raster import (
    MOSTLY,
    estimate_dataset,
    fill_demand,
    hazard_by_cluster,
    hazard_exposure,
    load_raster,
    population_by_cluster,
    zonal_population,
)
from atlas.registry import sample_rasters
from tests.atlas.test_gaps import STANDARD, layers
from tests.atlas.test_raster import VALUES, origin, run_cli, settlements, write_raster
from tests.conftest import METRIC, settlements_frame

PEOPLE = np.zeros((4, 4))
PEOPLE[3, 0], PEOPLE[3, 3], PEOPLE[0, 0] = 12.0, 40.0, 90.0


@pytest.fixture
def people(tmp_path: Path) -> Path:
    return write_raster(tmp_path / "people.tif", PEOPLE)


def gaps_with_raster(raster: Path, standard=STANDARD):
    settlements, services = layers()
    dataset = Dataset(settlements, services, None, CRS(METRIC))
    return compute_gaps(estimate_dataset(dataset, raster), standard).settlements.set_index(
        "settlement_id"
    )


# --- filling demand --------------------------------------------------------------------------


def test_fill_demand_is_pure_and_fills_only_unknown_demand() -> None:
    frame = settlements_frame(
        [
            {"settlement_id": "A", "households": 5, "population": None, "geometry": box(0, 0, 1, 1)},
            {"settlement_id": "B", "households": None, "population": 40, "geometry": box(2, 0, 3, 1)},
            {"settlement_id": "C", "households": None, "population": None, "geometry": box(4, 0, 5, 1)},
            {"settlement_id": "D", "households": None, "population": None, "geometry": box(6, 0, 7, 1)},
        ]
    )  # fmt: skip
    frame["demand_estimated"] = [True, False, False, False]
    before = frame.copy()
    estimate = pd.Series([13.0, 14.0, 15.0, np.nan], index=frame.index)
    out = fill_demand(frame, estimate)
    pd.testing.assert_frame_equal(frame, before)
    assert out["population_estimate"].tolist()[:3] == [13.0, 14.0, 15.0]
    assert out["population"].tolist()[1:3] == [40.0, 15.0]
    assert out["population"].isna().tolist() == [True, False, False, True]  # D: no estimate
    assert out["population_from_raster"].tolist() == [False, False, True, False]
    # A keeps the flag it had; C gains it.
    assert out["demand_estimated"].tolist() == [True, False, True, False]


def test_estimate_fills_demand_and_the_gap_numbers_use_it(people: Path) -> None:
    gaps = gaps_with_raster(people)
    assert gaps["population_estimate"].to_dict() == pytest.approx({"A": 12, "B": 40, "C": 90})
    c = gaps.loc["C"]
    # 90 people at 2 per household: 45 households; 1 tap per 25 -> 2 needed, 1 working (w6).
    assert c["population"] == pytest.approx(90) and c["households"] == pytest.approx(45)
    assert (c["water_needed"], c["water_working"], c["water_gap"]) == (2, 1, 1)
    assert (c["sanitation_needed"], c["sanitation_gap"]) == (5, 5)
    assert bool(c["demand_estimated"]) and bool(c["population_from_raster"])
    assert not bool(c["demand_missing"])
    # Where counts exist they are kept; the estimate stands beside them.
    assert gaps.loc["A", "households"] == 60 and gaps.loc["B", "population"] == 100
    assert gaps["population_from_raster"].tolist() == [False, False, True]


def test_the_flag_is_kept_when_the_unit_is_people(people: Path) -> None:
    standard = parse_standard(
        {
            "name": "people",
            "source": "hand-made",
            "household_size": 2,
            "categories": {"water": {"unit": "people", "max_per_point": 50}},
        },
        "people",
    )
    gaps = gaps_with_raster(people, standard)
    # C: 90 people -> 2 taps needed. A's people come from its households (estimated too).
    assert gaps.loc["C", "water_needed"] == 2
    assert gaps["demand_estimated"].tolist() == [True, False, True]


def test_cluster_totals_carry_the_estimate(people: Path) -> None:
    settlements, services = layers()
    dataset = estimate_dataset(Dataset(settlements, services, None, CRS(METRIC)), people)
    clusters = compute_gaps(dataset, STANDARD).clusters.set_index("cluster")
    assert clusters["population_estimate"].to_dict() == pytest.approx({"K1": 52, "K2": 90})
    assert clusters.loc["K2", "water_gap"] == 1 and clusters.loc["K2", "demand_missing"] == 0
    without = compute_gaps(Dataset(settlements, services, None, CRS(METRIC)), STANDARD)
    assert "population_estimate" not in without.clusters
    assert "population_estimate" not in without.settlements


def test_population_by_cluster() -> None:
    clusters = pd.Series(["K1", "K1", None, "K2"])
    estimate = pd.Series([1.5, 2.0, 9.0, np.nan])
    out = population_by_cluster(clusters, estimate).set_index("cluster")
    assert out.loc["K1", "population_estimate"] == 3.5 and out.loc["K1", "settlements"] == 2
    assert np.isnan(out.loc["K2", "population_estimate"])


# --- hazard per cluster ----------------------------------------------------------------------


def test_hazard_by_cluster_weights_shares_by_area_and_sums_people() -> None:
    exposure = pd.DataFrame(
        {
            "hazard_area_share": [0.8, 0.1, 0.0, 1.0],
            "hazard_population": [100.0, np.nan, 0.0, 7.0],
            "area_km2": [1.0, 3.0, 2.0, 1.0],
            "hazard_area_km2": [0.8, 0.3, 0.0, 1.0],
        }
    )
    out = hazard_by_cluster(pd.Series(["K1", "K1", "K2", None]), exposure).set_index("cluster")
    k1, k2 = out.loc["K1"], out.loc["K2"]
    # (0.8 + 0.3) / (1 + 3): not the plain mean of 0.8 and 0.1.
    assert k1["hazard_area_share"] == pytest.approx(0.275)
    assert k1["hazard_population"] == 100
    assert (k1["settlements"], k1["settlements_exposed"], k1["settlements_mostly_exposed"]) == (
        2,
        2,
        1,
    )
    assert (k2["hazard_area_share"], k2["settlements_exposed"]) == (0.0, 0)
    assert MOSTLY == 0.5


def test_hazard_exposure_rolled_up_from_the_raster(tmp_path: Path) -> None:
    data = np.zeros((4, 4), dtype="float32")
    data[0, :], data[1, :] = 3, 2
    hazard = write_raster(tmp_path / "hazard.tif", data)
    frame = settlements(box(0, 250, 100, 400), box(0, 150, 100, 250), box(200, 0, 300, 100))
    frame["cluster"] = ["K", "K", "K"]
    exposure = hazard_exposure(hazard, frame, threshold=2)
    assert exposure["area_km2"].tolist() == pytest.approx([0.015, 0.01, 0.01], rel=1e-6)
    assert exposure["hazard_area_km2"].tolist() == pytest.approx([0.015, 0.005, 0], abs=1e-9)
    k = hazard_by_cluster(frame["cluster"], exposure).iloc[0]
    # 15 000 + 5 000 of 35 000 m².
    assert k["hazard_area_share"] == pytest.approx(20 / 35)
    assert (k["settlements_exposed"], k["settlements_mostly_exposed"]) == (2, 1)


# --- scale and offset ------------------------------------------------------------------------


def scaled_raster(path: Path, raw: np.ndarray, scale: float, offset: float, **kw) -> Path:
    write_raster(path, raw, **kw)
    with rasterio.open(path, "r+") as ds:
        ds.scales, ds.offsets = (scale,), (offset,)
    return path


@pytest.mark.parametrize("max_cells", [64 * 2**20, 1])
def test_scale_and_offset_apply_to_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, max_cells: int
) -> None:
    import atlas.raster.zonal

    monkeypatch.setattr(atlas.raster.zonal, "MAX_WINDOW_CELLS", max_cells)
    raw = VALUES.astype("int16")
    raw[3, 3] = -1  # nodata, compared before scaling
    path = scaled_raster(tmp_path / "scaled.tif", raw, 0.5, 1.0, nodata=-1)
    raster = load_raster(path)
    assert (raster.scale, raster.offset, raster.scaled) == (0.5, 1.0, True)
    frame = settlements(box(50, 350, 150, 400), box(300, 0, 400, 100), box(0, 0, 400, 400))
    got = zonal_population(raster, frame)
    # Values are raw × 0.5 + 1: a quarter of 1.5 and a quarter of 2; over the nodata cell only,
    # unknown (never 0 people, issue #19); the whole raster is 0.5 × (136 − 16) + 15 × 1 = 75.
    assert got.tolist() == pytest.approx([0.875, math.nan, 75.0], abs=1e-9, nan_ok=True)


def test_scale_and_offset_apply_to_hazard_levels(tmp_path: Path) -> None:
    raw = np.zeros((4, 4), dtype="uint8")
    raw[0, :], raw[1, :] = 40, 20  # stored in centimetres: 0.4 m and 0.2 m
    path = scaled_raster(tmp_path / "depth.tif", raw, 0.01, 0.0)
    frame = settlements(box(0, 150, 100, 400))
    # Depth ≥ 0.3 m: only row 0 (y 300..400): 100 of 250 m.
    got = hazard_exposure(path, frame, threshold=0.3)
    assert got["hazard_area_share"].iloc[0] == pytest.approx(0.4)


# --- bad rasters -----------------------------------------------------------------------------


def test_an_image_without_georeferencing_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "photo.tif"
    Image.fromarray(np.zeros((4, 4), dtype="uint8")).save(path)
    with pytest.raises(SchemaError, match="without georeferencing"):
        load_raster(path)


def test_a_raster_of_another_place_is_refused(tmp_path: Path, people: Path) -> None:
    far = write_raster(
        tmp_path / "far.tif", PEOPLE, crs="EPSG:4326", transform=origin(36.6, -1.0, 0.01, 0.01)
    )
    settlements_, services = layers()
    dataset = Dataset(settlements_, services, None, CRS(METRIC))
    with pytest.raises(SchemaError, match="does not overlap the settlements"):
        estimate_dataset(dataset, far)


# --- command line ----------------------------------------------------------------------------


def test_cli_zonal_per_cluster_with_a_membership_table(
    tmp_path: Path, people: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.geojson"
    settlements(box(0, 0, 100, 100), box(300, 0, 400, 100), box(0, 300, 100, 400)).to_file(path)
    table = tmp_path / "clusters.csv"
    table.write_text("cluster,settlement_id\nK1,S0\nK1,S1\nK2,S2\n", encoding="utf-8")
    argv = ["zonal", "--raster", str(people), "--settlements", str(path), "--level", "cluster"]
    assert run_cli([*argv, "--clusters", str(table)]) == 0
    records = json.loads(capsys.readouterr().out)
    assert records == [
        {"cluster": "K1", "settlements": 2, "population_estimate": 52.0},
        {"cluster": "K2", "settlements": 1, "population_estimate": 90.0},
    ]


def test_cli_zonal_hazard_per_cluster(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = np.zeros((4, 4), dtype="float32")
    data[0, :] = 1
    hazard = write_raster(tmp_path / "flood.tif", data)
    frame = settlements(box(0, 250, 100, 400), box(0, 0, 100, 100), population=[300.0, 50.0])
    frame["cluster"] = ["K", "K"]
    path = tmp_path / "s.geojson"
    frame.to_file(path)
    argv = ["zonal", "--raster", str(hazard), "--settlements", str(path), "--kind", "hazard"]
    assert run_cli([*argv, "--classes", "1", "--level", "cluster", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == (
        "cluster,settlements,settlements_exposed,settlements_mostly_exposed,"
        "hazard_area_share,hazard_population"
    )
    # S0: 100 of 150 m in class 1 -> 200 of 300 people; S1 none. Share 10 000 / 25 000 m²,
    # written as computed from the reprojected squares (a hair off 0.4), unrounded.
    cluster, *counts, share, people = lines[1].split(",")
    settlements_read = load_layer(path, "settlements")[0]
    exposure = hazard_exposure(hazard, settlements_read, classes=[1.0], keep=["settlement_id"])
    computed = hazard_by_cluster(settlements_read["cluster"], exposure).iloc[0]
    assert cluster == "K" and counts == ["2", "1", "1"]
    assert float(share) == computed["hazard_area_share"] == pytest.approx(0.4, abs=1e-9)
    assert float(people) == computed["hazard_population"] == pytest.approx(200.0, abs=1e-7)


def test_cli_zonal_raster_elsewhere_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    far = write_raster(
        tmp_path / "far.tif", PEOPLE, crs="EPSG:4326", transform=origin(36.6, -1.0, 0.01, 0.01)
    )
    path = tmp_path / "s.geojson"
    settlements(box(0, 0, 100, 100)).to_file(path)
    assert main(["zonal", "--raster", str(far), "--settlements", str(path)]) == 1
    err = capsys.readouterr().err
    assert "does not overlap the settlements" in err and "Traceback" not in err


def test_cli_gaps_with_the_sample_population_raster(capsys: pytest.CaptureFixture[str]) -> None:
    raster = sample_rasters().population
    assert main(["gaps", "--quiet", "--population-raster", str(raster)]) == 0
    records = {r["settlement_id"]: r for r in json.loads(capsys.readouterr().out)}
    filled = [sid for sid, r in records.items() if r["population_from_raster"]]
    assert filled == ["SET-002"]  # the one sample settlement with neither count
    estimate = zonal_population(raster, load_sample().settlements)
    set002 = records["SET-002"]
    assert set002["population"] == pytest.approx(estimate.iloc[1], abs=0.01)  # JSON rounds
    assert set002["population_estimate"] == pytest.approx(estimate.iloc[1], abs=0.01)
    # Cape Town: 2.94 people per household, 1 tap per 25 households.
    assert set002["water_needed"] == int(np.ceil(estimate.iloc[1] / 2.94 / 25))
    assert set002["demand_estimated"] and not set002["demand_missing"]
    assert records["SET-001"]["population"] == 1635  # counts are kept


# --- the sample rasters ----------------------------------------------------------------------


def test_sample_rasters_are_small_and_agree_with_the_counts() -> None:
    rasters = sample_rasters()
    for path in (rasters.population, rasters.flood):
        assert path.stat().st_size < 200_000
    population, flood = load_raster(rasters.population), load_raster(rasters.flood)
    assert (population.crs.to_epsg(), population.nodata, population.transform.a) == (
        4326,
        -99999.0,
        pytest.approx(1 / 1200),
    )
    assert (flood.crs.to_epsg(), flood.nodata, flood.dtype) == (32735, 255.0, "uint8")
    settlements_ = load_sample().settlements
    estimate = zonal_population(population, settlements_)
    counts = settlements_["population"].fillna(settlements_["households"] * 3.3)
    ratio = (estimate / counts).dropna()
    assert len(ratio) == 29 and ratio.between(0.85, 1.2).all()
    exposure = hazard_exposure(flood, settlements_, threshold=1, population=population)
    per_cluster = hazard_by_cluster(settlements_["cluster"], exposure).set_index("cluster")
    assert per_cluster["settlements_mostly_exposed"].to_dict() == {
        "Ilanga East Cluster": 0,
        "Kgotso South Cluster": 3,
        "Northern Ridge Cluster": 2,
    }


# --- plain words -----------------------------------------------------------------------------


def test_hazard_sentences_in_plain_words() -> None:
    from atlas.summaries.phrases import hazard_sentences

    per_cluster = pd.DataFrame(
        {
            "cluster": ["Cluster A", "Cluster B", "Cluster C"],
            "settlements": [8, 3, 1],
            "settlements_exposed": [5, 1, 0],
            "settlements_mostly_exposed": [2, 1, 0],
            "hazard_population": [1243.6, np.nan, 0.0],
        }
    )
    assert hazard_sentences(per_cluster, "the flood zone") == [
        "2 of 8 settlements in Cluster A have more than half their area in the flood zone "
        "(5 have some); about 1 244 people live in it.",
        "1 of 3 settlements in Cluster B has more than half its area in the flood zone "
        "(1 has some); how many people live in it is unknown.",
        "No settlement of Cluster C (1 settlement) lies in the flood zone.",
    ]


def test_settlement_hazard_and_estimate_sentences() -> None:
    from atlas.summaries.phrases import estimate_sentence, settlement_hazard_sentence

    zone = "the flood zone"
    assert settlement_hazard_sentence("Phola", 0.754, 3058.2, zone) == (
        "Phola has 75 % of its area in the flood zone; about 3 058 people live in it."
    )
    assert settlement_hazard_sentence("Phola", 0.001, None, zone) == (
        "Phola has less than 1 % of its area in the flood zone."
    )
    assert (
        settlement_hazard_sentence("Phola", 0.0, 0.0, zone) == "Phola lies outside the flood zone."
    )
    filled = {"population_estimate": 671.5, "population_from_raster": True, "households": 228.4}
    assert estimate_sentence(filled) == (
        "Households and population are unknown: the population raster estimates about 672 "
        "people, and the gaps are measured for 228 households from it."
    )
    counted = {"population_estimate": 1751.1, "population_from_raster": False, "population": 1635}
    assert estimate_sentence(counted) == (
        "The population raster estimates about 1 751 people; the settlement's own figures give "
        "1 635."
    )
    assert estimate_sentence({"population_estimate": None}) is None
