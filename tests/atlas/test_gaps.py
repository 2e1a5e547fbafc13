"""DESIGN §4, rule by rule, on tiny layers whose answers are worked out by hand.

Layout (metres, see conftest): settlement A is the square 0..100 × 0..100 (60 households),
B the square 300..400 × 0..100 (households missing, 100 people → 50 households at 2 people per
household), C the square 0..100 × 300..400 (both missing). The test standard asks 1 tap per 25
households within 50 m, 1 toilet per 10 households within 20 m, lights within 150 m, no ratio.
"""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
import pytest
from pyproj import CRS
from shapely.geometry import MultiPolygon, box

from atlas.errors import CRSError
from atlas.load.dataset import Dataset
from atlas.measure.attribution import attribute_services
from atlas.measure.coverage import coverage_of
from atlas.measure.gaps import cluster_gaps
from atlas.measure.pipeline import compute_gaps
from atlas.measure.standards import load_standard, parse_standard
from tests.conftest import (
    METRIC,
    hand_made_standard,
    services_frame,
    settlements_frame,
    wards_frame,
)

STANDARD = hand_made_standard(household_size=2)


def layers() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    settlements = settlements_frame(
        [
            {
                "settlement_id": "A",
                "name": "Alpha",
                "households": 60,
                "population": None,
                "cluster": "K1",
                "geometry": box(0, 0, 100, 100),
            },
            {
                "settlement_id": "B",
                "name": "Beta",
                "households": None,
                "population": 100,
                "cluster": "K1",
                "geometry": box(300, 0, 400, 100),
            },
            {
                "settlement_id": "C",
                "name": "Gamma",
                "households": None,
                "population": None,
                "cluster": "K2",
                "geometry": box(0, 300, 100, 400),
            },
        ]
    )
    services = services_frame(
        [
            ("w1", "water", "working", 50, 50),  # inside A
            ("w2", "water", "working", 120, 50),  # 20 m from A, 180 m from B -> A
            ("w7", "water", "working", 140, 50),  # 40 m from A -> A
            ("w3", "water", "working", 200, 50),  # 100 m from A and B: beyond 50 m -> nobody
            ("w4", "water", "broken", 290, 50),  # 10 m from B -> B, broken
            ("w5", "water", "unknown", 350, 50),  # inside B, unknown status
            ("w6", "water", "working", 50, 350),  # inside C
            ("e1", "electricity", "working", 200, 50),  # 100 m from A and B, within 150: tie -> A
            ("s1", "sanitation", "working", 125, 50),  # 25 m from A: beyond 20 m -> nobody
            ("s2", "sanitation", "working", 110, 50),  # 10 m from A -> A
        ]
    )
    return settlements, services


def dataset(
    settlements: gpd.GeoDataFrame, services: gpd.GeoDataFrame, wards: gpd.GeoDataFrame | None = None
) -> Dataset:
    return Dataset(settlements, services, wards, CRS(METRIC))


@pytest.fixture
def result():
    settlements, services = layers()
    wards = wards_frame([("W1", box(-1000, -1000, 60, 1000)), ("W2", box(60, -1000, 1000, 1000))])
    return compute_gaps(dataset(settlements, services, wards), STANDARD)


def row(result, sid: str) -> pd.Series:
    gaps = result.settlements
    return gaps[gaps["settlement_id"] == sid].iloc[0]


def test_attribution_inside_within_distance_beyond_and_tie(result) -> None:
    attributed = dict(
        zip(result.services["service_id"], result.services["settlement_id"], strict=True)
    )
    assert attributed == {
        "w1": "A",
        "w2": "A",
        "w7": "A",
        "w3": None,
        "w4": "B",
        "w5": "B",
        "w6": "C",
        "e1": "A",
        "s1": None,
        "s2": "A",
    }
    distance = dict(zip(result.services["service_id"], result.services["distance_m"], strict=True))
    assert distance["w1"] == 0
    assert distance["w2"] == pytest.approx(20, abs=1e-3)
    assert distance["e1"] == pytest.approx(100, abs=1e-3)
    assert math.isnan(distance["w3"])


def test_each_point_counts_once(result) -> None:
    gaps = result.settlements
    attributed = result.services["settlement_id"].notna().sum()
    counted = sum(
        gaps[f"{c}_{s}"].sum()
        for c in STANDARD.categories
        for s in ("working", "broken", "unknown")
    )
    assert counted == attributed == 8


def test_known_demand(result) -> None:
    a = row(result, "A")
    assert (a["water_working"], a["water_broken"], a["water_unknown"]) == (3, 0, 0)
    assert a["water_needed"] == 3  # ceil(60 / 25)
    assert a["water_gap"] == 0
    assert a["water_ratio"] == pytest.approx(20.0)  # 60 households / 3 taps
    assert a["sanitation_needed"] == 6 and a["sanitation_gap"] == 5  # ceil(60/10) - 1
    assert not a["demand_estimated"] and not a["demand_missing"]
    assert a["population"] == pytest.approx(120)  # 60 households x 2


def test_households_from_population_and_broken_points_do_not_serve(result) -> None:
    b = row(result, "B")
    assert b["households"] == pytest.approx(50)  # 100 people / 2
    assert bool(b["demand_estimated"])
    assert (b["water_working"], b["water_broken"], b["water_unknown"]) == (0, 1, 1)
    assert b["water_needed"] == 2 and b["water_gap"] == 2
    assert pd.isna(b["water_ratio"])  # no working tap: no ratio
    assert b["water_working_share"] == pytest.approx(0.0)


def test_unknown_demand_is_empty_and_flagged_not_zero(result) -> None:
    c = row(result, "C")
    assert bool(c["demand_missing"])
    assert c["water_working"] == 1
    assert pd.isna(c["water_needed"]) and pd.isna(c["water_gap"]) and pd.isna(c["water_ratio"])
    assert pd.isna(c["households"])


def test_category_without_ratio_reports_counts_share_and_coverage(result) -> None:
    a = row(result, "A")
    assert a["electricity_working"] == 1 and a["electricity_working_share"] == 1.0
    assert pd.isna(a["electricity_needed"]) and pd.isna(a["electricity_gap"])
    assert a["electricity_coverage"] > 0
    # waste is not in the test standard's file: counts only, no distance, so no coverage.
    assert pd.isna(a["waste_coverage"]) and pd.isna(a["waste_needed"])


def test_straddling_settlement_has_primary_ward_and_shares(result) -> None:
    a = row(result, "A")
    assert a["ward_id"] == "W1"
    assert a["ward_ids"] == ["W1", "W2"]
    assert a["ward_shares"] == pytest.approx([0.6, 0.4], abs=1e-4)
    b = row(result, "B")
    assert b["ward_ids"] == ["W2"] and b["ward_shares"] == [1.0]
    overlaps = result.ward_overlaps
    assert overlaps[overlaps.settlement_id == "A"]["area_m2"].sum() == pytest.approx(
        10_000, rel=1e-6
    )


def test_cluster_roll_up(result) -> None:
    clusters = result.clusters.set_index("cluster")
    k1 = clusters.loc["K1"]
    assert k1["settlements"] == 2
    assert k1["households"] == pytest.approx(110)  # 60 + 50 estimated
    assert k1["water_working"] == 3 and k1["water_broken"] == 1 and k1["water_unknown"] == 1
    assert k1["water_needed"] == 5 and k1["water_gap"] == 2
    assert k1["water_ratio"] == pytest.approx(110 / 3)
    a, b = row(result, "A"), row(result, "B")
    weighted = (a["water_coverage"] * 60 + b["water_coverage"] * 50) / 110
    assert k1["water_coverage"] == pytest.approx(weighted)
    k2 = clusters.loc["K2"]
    assert k2["demand_missing"] == 1 and pd.isna(k2["water_needed"]) and pd.isna(k2["water_ratio"])


def test_settlements_without_cluster_roll_up_into_one_row_last(result) -> None:
    gaps = result.settlements.copy()
    gaps.loc[gaps.settlement_id == "C", "cluster"] = None
    clusters = cluster_gaps(gaps, STANDARD)
    assert list(clusters["cluster"]) == ["K1", None]
    unclustered = clusters.iloc[1]
    # C alone: its demand is unknown (both counts missing), one working tap inside it.
    assert unclustered["settlements"] == 1 and unclustered["demand_missing"] == 1
    assert unclustered["water_working"] == 1 and pd.isna(unclustered["water_gap"])
    assert clusters["settlements"].sum() == len(gaps)  # no settlement disappears
    assert unclustered["water_source"] == "points"


def test_no_cluster_at_all_is_one_row_and_a_warning() -> None:
    settlements, services = layers()
    settlements["cluster"] = None
    result = compute_gaps(dataset(settlements, services), STANDARD)
    assert list(result.clusters["cluster"]) == [None]
    assert result.clusters.iloc[0]["settlements"] == 3
    # A: 3 working taps (w1, w2, w7); C: 1 (w6); B none working (w4 broken, w5 unknown).
    assert result.clusters.iloc[0]["water_working"] == 4
    assert [p.code for p in result.problems] == ["clusters.unmapped"]


def with_own_counts(**columns: list[object]) -> gpd.GeoDataFrame:
    settlements, _ = layers()
    for name, values in columns.items():
        settlements[name] = values
    return settlements


def test_an_own_count_is_used_instead_of_the_points_and_says_so() -> None:
    # A counts 7 working and 2 broken toilets itself (its points say 1 working toilet: s2);
    # B and C count none: their points are used.
    settlements = with_own_counts(
        sanitation_working=[7, None, None], sanitation_broken=[2, None, None]
    )
    _, services = layers()
    result = compute_gaps(dataset(settlements, services), STANDARD)
    a, b = row(result, "A"), row(result, "B")
    assert a["sanitation_source"] == "attribute" and b["sanitation_source"] == "points"
    assert (a["sanitation_working"], a["sanitation_broken"]) == (7, 2)
    assert pd.isna(a["sanitation_unknown"])  # an own count has no points of unknown status
    # 60 households, 1 toilet per 10: 6 needed, 7 working -> no gap; ratio 60 / 7.
    assert (a["sanitation_needed"], a["sanitation_gap"]) == (6, 0)
    assert a["sanitation_ratio"] == pytest.approx(60 / 7)
    assert a["sanitation_working_share"] == pytest.approx(7 / 9)
    # A count says nothing about distance: no coverage, never 0.
    assert pd.isna(a["sanitation_coverage"])
    assert not pd.isna(b["sanitation_coverage"])
    # Water is counted from the points everywhere.
    assert a["water_source"] == "points" and a["water_working"] == 3
    # Both exist and differ: one warning names the settlement and both numbers.
    (differ,) = [p for p in result.problems if p.code == "counts.differ"]
    assert differ.params == {"category": "sanitation"}
    assert differ.values == ("Alpha (A): own count 7, points 1",)
    k1 = result.clusters[result.clusters["cluster"] == "K1"].iloc[0]
    assert k1["sanitation_source"] == "mixed"
    assert k1["sanitation_working"] == 7  # A's own 7 + B's 0 points


def test_an_own_count_equal_to_the_points_raises_no_warning() -> None:
    settlements = with_own_counts(sanitation_working=[1, None, None])
    _, services = layers()
    result = compute_gaps(dataset(settlements, services), STANDARD)
    assert row(result, "A")["sanitation_working"] == 1
    assert not [p for p in result.problems if p.code == "counts.differ"]


def test_without_service_points_only_own_counts_count() -> None:
    settlements = with_own_counts(water_working=[2, 0, None], water_broken=[1, None, None])
    _, services = layers()
    ds = Dataset(settlements, services.iloc[:0], None, CRS(METRIC), has_services=False)
    result = compute_gaps(ds, STANDARD)
    a, b, c = row(result, "A"), row(result, "B"), row(result, "C")
    assert (a["water_source"], b["water_source"], c["water_source"]) == (
        "attribute",
        "attribute",
        None,
    )
    # A: 60 households, 1 tap per 25 -> 3 needed, 2 working -> gap 1.
    assert (a["water_needed"], a["water_working"], a["water_gap"]) == (3, 2, 1)
    # B: 50 households (from 100 people) -> 2 needed, 0 working -> gap 2; no ratio.
    assert (b["water_needed"], b["water_working"], b["water_gap"]) == (2, 0, 2)
    assert pd.isna(b["water_ratio"]) and pd.isna(b["water_broken"])
    # C: nothing counts it, and its demand is unknown: every field empty, never 0.
    assert pd.isna(c["water_working"]) and pd.isna(c["water_gap"])
    # Sanitation: nothing counts it anywhere -> unknown, with a warning per category.
    assert result.settlements["sanitation_working"].isna().all()
    assert result.settlements["sanitation_source"].isna().all()
    codes = {(p.code, p.params.get("category")) for p in result.problems}
    assert ("counts.none", "sanitation") in codes and ("counts.none", "water") not in codes


def test_point_between_two_settlements_goes_to_nearest() -> None:
    settlements, _ = layers()
    services = services_frame([("p", "water", "working", 270, 50)])  # 170 m from A, 30 m from B
    wide = parse_standard(
        {
            "name": "w",
            "source": "t",
            "household_size": 2,
            "categories": {"water": {"max_per_point": 25, "max_distance_m": 500}},
        },
        "w",
    )
    assert attribute_services(services, settlements, wide, CRS(METRIC))[
        "settlement_id"
    ].tolist() == ["B"]


def test_point_in_overlapping_settlements_counts_once_for_smallest_id() -> None:
    settlements = settlements_frame(
        [
            {"settlement_id": "Z", "geometry": box(0, 0, 100, 100), "households": 10},
            {"settlement_id": "M", "geometry": box(50, 0, 150, 100), "households": 10},
        ]
    )
    services = services_frame([("p", "water", "working", 75, 50)])
    attributed = attribute_services(services, settlements, STANDARD, CRS(METRIC))
    assert attributed["settlement_id"].tolist() == ["M"]


def test_multipolygon_settlement_collects_points_in_every_part() -> None:
    settlements = settlements_frame(
        [
            {
                "settlement_id": "MP",
                "households": 30,
                "geometry": MultiPolygon([box(0, 0, 50, 50), box(500, 0, 550, 50)]),
            }
        ]
    )
    services = services_frame(
        [("a", "water", "working", 25, 25), ("b", "water", "working", 525, 25)]
    )
    gaps = compute_gaps(dataset(settlements, services), STANDARD).settlements
    assert gaps["water_working"].tolist() == [2]
    assert gaps["water_needed"].tolist() == [2]  # ceil(30 / 25)


def test_empty_service_layer_means_everything_is_needed() -> None:
    settlements, services = layers()
    gaps = compute_gaps(dataset(settlements, services.iloc[:0]), STANDARD).settlements
    assert gaps["water_working"].tolist() == [0, 0, 0]
    assert gaps["water_gap"].tolist()[:2] == [3, 2]
    assert gaps["water_coverage"].tolist() == [0.0, 0.0, 0.0]


def test_services_in_another_crs_give_the_same_answer(result) -> None:
    settlements, services = layers()
    other = compute_gaps(dataset(settlements, services.to_crs(3857)), STANDARD).settlements
    assert other["water_working"].tolist() == result.settlements["water_working"].tolist()


def test_coverage_is_the_share_within_walking_distance() -> None:
    from atlas.load.crs import to_metric

    strip = to_metric(
        settlements_frame([{"settlement_id": "s", "geometry": box(0, 0, 100, 1)}]).geometry, METRIC
    )
    points = to_metric(services_frame([("p", "water", "working", -30, 0.5)]).geometry, METRIC)
    # A disc of 80 m centred 30 m left of the strip reaches x = 50: half the strip.
    assert coverage_of(strip.to_numpy(), points.to_numpy(), 80)[0] == pytest.approx(0.5, abs=1e-3)
    assert coverage_of(strip.to_numpy(), points.to_numpy(), 200)[0] == 1.0
    assert coverage_of(strip.to_numpy(), points.to_numpy(), 20)[0] == 0.0


def test_coverage_counts_working_points_attributed_elsewhere() -> None:
    settlements = settlements_frame(
        [
            {"settlement_id": "A", "geometry": box(0, 0, 100, 100), "households": 10},
            {"settlement_id": "B", "geometry": box(110, 0, 210, 100), "households": 10},
        ]
    )
    services = services_frame(
        [("p", "water", "working", 105, 50), ("q", "water", "broken", 50, 50)]
    )
    gaps = compute_gaps(dataset(settlements, services), STANDARD).settlements.set_index(
        "settlement_id"
    )
    assert gaps.loc["A", "water_working"] + gaps.loc["B", "water_working"] == 1
    assert gaps.loc["A", "water_coverage"] > 0.3 and gaps.loc["B", "water_coverage"] > 0.3


def test_measuring_in_a_geographic_crs_raises() -> None:
    settlements, services = layers()
    with pytest.raises(CRSError, match="geographic"):
        compute_gaps(Dataset(settlements, services, None, CRS(4326)), STANDARD)


def test_inputs_are_not_mutated() -> None:
    settlements, services = layers()
    before = (settlements.copy(), services.copy())
    compute_gaps(dataset(settlements, services), STANDARD)
    pd.testing.assert_frame_equal(settlements, before[0])
    pd.testing.assert_frame_equal(services, before[1])


@pytest.mark.parametrize(
    ("preset", "water_needed", "sanitation_needed"),
    [
        ("cape-town", 4, 20),  # 100 households: ceil(100/25), ceil(100/5)
        ("municipal-minimum", 2, 10),  # ceil(100/50), ceil(100/10)
        ("sphere-2018", 4, 50),  # 1000 people: ceil(1000/250), ceil(1000/20)
    ],
)
def test_each_standard_preset(preset: str, water_needed: int, sanitation_needed: int) -> None:
    settlements = settlements_frame(
        [
            {
                "settlement_id": "S",
                "households": 100,
                "population": 1000,
                "geometry": box(0, 0, 100, 100),
            }
        ]
    )
    services = services_frame([("t", "water", "working", 50, 50)])
    gaps = compute_gaps(dataset(settlements, services), load_standard(preset)).settlements.iloc[0]
    assert gaps["water_needed"] == water_needed
    assert gaps["water_gap"] == water_needed - 1
    assert gaps["sanitation_needed"] == sanitation_needed
    unit_demand = 1000 if preset == "sphere-2018" else 100
    assert gaps["water_ratio"] == pytest.approx(unit_demand)


def test_a_clusters_source_is_the_one_its_members_share() -> None:
    settlements = with_own_counts(
        sanitation_working=[7, None, None], sanitation_broken=[2, None, None]
    )
    _, services = layers()
    gaps = compute_gaps(dataset(settlements, services), STANDARD).settlements
    # Four clusters of the same three rows' gaps: two sources, one, none, and no cluster.
    table = pd.concat([gaps] * 4, ignore_index=True)
    table["cluster"] = ["Mixed", "Mixed", "Mixed", "Points", "Points", "Points",
                        "Unknown", "Unknown", "Unknown", None, None, None]  # fmt: skip
    table.loc[[3], "sanitation_source"] = "points"
    table.loc[6:8, "sanitation_source"] = None
    table.loc[9:11, "sanitation_source"] = ["attribute", None, "attribute"]
    clusters = cluster_gaps(table, STANDARD).set_index("cluster", drop=False)
    by_name = dict(zip(clusters["cluster"], clusters["sanitation_source"], strict=True))
    assert by_name == {"Mixed": "mixed", "Points": "points", "Unknown": None, None: "attribute"}
    assert clusters["cluster"].tolist()[-1] is None  # the settlements in no cluster, last
