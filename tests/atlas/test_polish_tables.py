"""Tables as a page shows them (issue #20): every cell text, numbers written as the sentences
write them, every empty cell worded, plain headings, the column a person came for first.

Hand-built layout (metres, see conftest), standard: 1 tap per 25 households, 1 toilet per 10,
lights with no ratio. Nothing counts toilets or lights (no services layer, no own count):

* Alpha, 60 households, counts 3 taps of its own, in ward W1 and cluster K1: 3 needed, 0 missing;
* Beta, 1 234 households, 2 taps, W1, K1: 50 needed (1 234 / 25 = 49.4), 48 missing;
* Gamma, households and population unknown, 1 tap, W1, in no cluster: needs not known;
* Delta, 30 households, no count of taps, in no ward (far east), K2: 2 taps needed, missing not
  counted.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import CRS
from shapely.geometry import box

import atlas
from atlas.i18n import format_percent, shown_count, shown_number, shown_text
from atlas.load.dataset import Dataset
from atlas.measure.pipeline import GapResult, compute_gaps
from atlas.raster import estimate_dataset
from atlas.registry import sample_rasters
from atlas.summaries.exposure import shown_estimates, shown_exposure, shown_hazard_clusters
from atlas.summaries.phrases import (
    NOT_IN_A_CLUSTER,
    cluster_label,
    gap_table,
    standard_table,
)
from atlas.summaries.profile import (
    point_table,
    primary_ward,
    service_table,
    settlement_profile,
    ward_table,
)
from tests.conftest import METRIC, hand_made_standard, settlements_frame, wards_frame

STANDARD = hand_made_standard(household_size=2)
ALL = ("water", "sanitation", "electricity")
#: What no cell on screen may say: a browser writes None for an empty cell.
EMPTY = re.compile(r"\b(None|nan|NaN|NaT)\b|<NA>")


def layers() -> Dataset:
    settlements = settlements_frame(
        [
            {"settlement_id": "A", "name": "Alpha", "households": 60, "cluster": "K1",
             "water_working": 3, "geometry": box(0, 0, 100, 100)},
            {"settlement_id": "B", "name": "Beta", "households": 1234, "cluster": "K1",
             "water_working": 2, "geometry": box(300, 0, 400, 100)},
            {"settlement_id": "C", "name": "Gamma", "households": None, "cluster": None,
             "water_working": 1, "geometry": box(0, 300, 100, 400)},
            {"settlement_id": "D", "name": "Delta", "households": 30, "cluster": "K2",
             "water_working": None, "geometry": box(5000, 0, 5100, 100)},
        ]
    )  # fmt: skip
    services = gpd.GeoDataFrame(
        {"service_id": [], "category": [], "status": [], "kind": [], "provider": []},
        geometry=[],
        crs=4326,
    )
    wards = wards_frame([("W1", box(-1000, -1000, 1000, 1000))])
    return Dataset(settlements, services, wards, CRS(METRIC), has_services=False)


@pytest.fixture(scope="module")
def result() -> GapResult:
    return compute_gaps(layers(), STANDARD)


def cells(table: pd.DataFrame) -> list[object]:
    return [*table.columns, *table.to_numpy().ravel().tolist()]


def assert_all_words(table: pd.DataFrame) -> None:
    """Every heading and cell is non-empty text and none reads None or nan."""
    for value in cells(table):
        assert isinstance(value, str), (value, type(value))
        assert not EMPTY.search(value), value
    for heading in table.columns:
        assert "_" not in heading, f"a field name as a heading: {heading}"


# -- numbers and words -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [(6287, "6 287"), (6287.4, "6 287"), (228.5, "229"), (0, "0"), (1_234_567, "1 234 567")],
)
def test_counts_are_written_as_the_sentences_write_them(value: float, shown: str) -> None:
    assert shown_count(value) == shown
    assert atlas.i18n.plural(value, "household").split(" household")[0] == shown


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, pd.NaT])
def test_every_kind_of_missing_value_is_worded(missing: object) -> None:
    assert shown_count(missing) == "not known"
    assert shown_count(missing, "not counted") == "not counted"
    assert shown_number(missing, "not set") == "not set"
    assert shown_text(missing, "no ward") == "no ward"
    assert cluster_label(missing) == NOT_IN_A_CLUSTER


def test_a_blank_cluster_name_is_no_cluster() -> None:
    assert cluster_label("") == cluster_label("   ") == NOT_IN_A_CLUSTER
    assert cluster_label("K1") == "K1"


@pytest.mark.parametrize(
    ("share", "shown"),
    [(0.0, "0 %"), (0.004, "less than 1 %"), (0.005, "1 %"), (0.5, "50 %"), (0.996, "more than 99 %"),
     (1.0, "100 %")],
)  # fmt: skip
def test_shares_never_round_to_a_misleading_zero_or_whole(share: float, shown: str) -> None:
    assert format_percent(share) == shown


# -- the gap table ------------------------------------------------------------------------------


def test_gap_table_as_text_puts_the_name_then_the_missing_points_first(result: GapResult) -> None:
    table = gap_table(result.settlements, STANDARD, categories=ALL, text=True)
    assert list(table.columns) == [
        "Settlement",
        "Taps missing",
        "Toilets missing",
        "Lights missing",
        "Ward",
        "Cluster",
        "Households",
        "Working taps",
        "Taps needed",
        "Tap ratio",
        "Working toilets",
        "Toilets needed",
        "Toilet ratio",
        "Working lights",
        "Lights needed",
        "Light ratio",
    ]
    assert_all_words(table)


def test_gap_table_words_each_empty_cell_by_its_reason(result: GapResult) -> None:
    table = gap_table(result.settlements, STANDARD, categories=ALL, text=True)
    rows = table.set_index("Settlement")
    # Worst water gap first, by number (48 before 0), the unknown ones last in file order.
    assert list(rows.index) == ["Beta", "Alpha", "Gamma", "Delta"]
    assert rows.loc["Beta", ["Households", "Taps needed", "Taps missing"]].tolist() == [
        "1 234",
        "50",
        "48",
    ]
    assert rows.loc["Alpha", ["Working taps", "Taps needed", "Taps missing"]].tolist() == [
        "3",
        "3",
        "0",
    ]
    # Households unknown: the needs are not known, the taps it counts are still shown.
    gamma = rows.loc["Gamma"]
    assert gamma[["Households", "Taps needed", "Taps missing"]].tolist() == ["not known"] * 3
    assert gamma["Working taps"] == "1" and gamma["Cluster"] == NOT_IN_A_CLUSTER
    assert gamma["Toilets missing"] == "not known"  # unknown households come first
    # Nothing counts Delta's taps: needed is known, missing is not counted; no ward.
    delta = rows.loc["Delta"]
    assert delta[["Working taps", "Taps needed", "Taps missing"]].tolist() == [
        "not counted",
        "2",
        "not counted",
    ]
    assert delta["Ward"] == "no ward" and rows.loc["Alpha", "Ward"] == "W1"
    # Nothing counts toilets; the standard sets no ratio for lights.
    assert rows.loc["Alpha", ["Working toilets", "Toilets missing"]].tolist() == ["not counted"] * 2
    assert set(rows["Lights needed"]) == set(rows["Lights missing"]) == {"no standard"}
    assert rows.loc["Alpha", "Light ratio"] == "lights not counted"


def test_gap_table_of_clusters_as_text(result: GapResult) -> None:
    table = gap_table(result.clusters, STANDARD, key="cluster", categories=ALL, text=True)
    assert list(table.columns[:5]) == [
        "Cluster",
        "Taps missing",
        "Toilets missing",
        "Lights missing",
        "Settlements",
    ]
    assert_all_words(table)
    rows = table.set_index("Cluster")
    assert rows.loc["K1", ["Settlements", "Households", "Taps missing"]].tolist() == [
        "2",
        "1 294",
        "48",
    ]
    assert rows.loc[NOT_IN_A_CLUSTER, "Taps missing"] == "not known"
    assert rows.loc["K2", "Taps missing"] == "not counted"


def test_gap_table_of_numbers_keeps_the_printed_reports_order(result: GapResult) -> None:
    """The numbers (charts, the PDF, which writes them itself) are unchanged: numeric columns,
    empty where unknown, in the report's order."""
    table = gap_table(result.settlements, STANDARD)
    assert list(table.columns[:5]) == [
        "Settlement",
        "Ward",
        "Cluster",
        "Households",
        "Working taps",
    ]
    assert table["Taps missing"].tolist()[:2] == [48, 0]
    assert table["Taps missing"].isna().sum() == 2
    assert pd.api.types.is_numeric_dtype(table["Households"])


def test_the_text_and_the_numbers_list_the_rows_in_the_same_order() -> None:
    """A page shows the text and charts the numbers, matching rows by position."""
    result = atlas.compute_gaps(atlas.load_sample(), atlas.load_standard("cape-town"))
    for key, frame in (("settlement", result.settlements), ("cluster", result.clusters)):
        for categories in (("water", "sanitation"), ("electricity", "water"), ("sanitation",)):
            words = gap_table(frame, result.standard, key=key, categories=categories, text=True)
            numbers = gap_table(frame, result.standard, key=key, categories=categories)
            assert list(words.index) == list(numbers.index) == list(range(len(frame)))
            name = "Cluster" if key == "cluster" else "Settlement"
            assert words[name].tolist() == [cluster_label(n) for n in numbers[name]]
            missing = f"{result.standard.rule(categories[0]).point_label.capitalize()}s missing"
            known = numbers[missing].notna().to_numpy()
            assert words[missing][known].tolist() == [
                shown_count(g) for g in numbers[missing][known]
            ]


def test_gap_table_with_a_population_estimate() -> None:
    dataset = estimate_dataset(atlas.load_sample(), sample_rasters().population)
    result = atlas.compute_gaps(dataset, atlas.load_standard("cape-town"))
    table = gap_table(result.settlements, result.standard, text=True)
    assert {"People", "People (raster estimate)"} <= set(table.columns)
    assert_all_words(table)


def test_the_samples_tables_have_no_empty_cell() -> None:
    result = atlas.compute_gaps(atlas.load_sample(), atlas.load_standard("cape-town"))
    for key, frame in (("settlement", result.settlements), ("cluster", result.clusters)):
        assert_all_words(gap_table(frame, result.standard, key=key, categories=ALL, text=True))


# -- the profile -------------------------------------------------------------------------------


def test_service_table_words_every_gap(result: GapResult) -> None:
    table = service_table(settlement_profile(result, layers(), "D")).set_index("Service")
    assert_all_words(table.reset_index())
    assert table.loc["water"].to_dict() == {
        "Counted from": "nothing counts it",
        "Working": "not counted",
        "Broken": "not counted",
        "Unknown": "not counted",
        "Needed": "2",
        "Missing": "not counted",
        "Ratio": "taps not counted",
        "Within walking distance": "not measured",
    }
    assert table.loc["electricity", ["Needed", "Missing"]].tolist() == ["no standard"] * 2
    alpha = service_table(settlement_profile(result, layers(), "A")).set_index("Service")
    assert alpha.loc["water", ["Counted from", "Working", "Unknown"]].tolist() == [
        "the settlement's own count",
        "3",
        "not counted",
    ]


def test_the_profile_names_its_ward_or_why_it_has_none(result: GapResult) -> None:
    alpha = settlement_profile(result, layers(), "A")
    assert primary_ward(alpha) == "W1"
    assert ward_table(alpha).to_dict("list") == {"Ward": ["W1"], "Share of area": ["100 %"]}
    delta = settlement_profile(result, layers(), "D")
    assert primary_ward(delta) == "no ward"
    assert any("lies in no ward" in f for f in delta.flags)
    # Without a wards layer the ward is not known, and no flag blames the wards layer.
    bare = layers()
    bare = Dataset(bare.settlements, bare.services, None, bare.metric_crs, has_services=False)
    unwarded = settlement_profile(compute_gaps(bare, STANDARD), bare, "D")
    assert primary_ward(unwarded) == "not known"
    assert not any("ward" in f for f in unwarded.flags)


def test_the_service_points_table_has_plain_headings_and_spaced_numbers() -> None:
    dataset = atlas.load_sample()
    result = atlas.compute_gaps(dataset, atlas.load_standard("cape-town"))
    profile = settlement_profile(result, dataset, "SET-001")
    table = point_table(profile)
    assert list(table.columns) == [
        "Service point",
        "Service",
        "Kind",
        "Status",
        "Provider",
        "Distance (m)",
    ]
    assert_all_words(table)
    expected = [shown_number(d) for d in profile.services["distance_m"]]
    assert table["Distance (m)"].tolist() == expected
    assert table["Service point"].tolist() == profile.services["service_id"].tolist()
    assert_all_words(service_table(profile))
    assert_all_words(ward_table(profile))


def test_service_points_without_kind_or_provider_say_not_known() -> None:
    profile = atlas.summaries.SettlementProfile(
        record={},
        ratios={},
        wards=pd.DataFrame({"ward_id": [], "share": []}),
        services=pd.DataFrame(
            {
                "service_id": ["t1"],
                "category": ["water"],
                "kind": [None],
                "status": ["working"],
                "provider": [np.nan],
                "distance_m": [12_345.6],
            }
        ),
        flags=(),
        sentences=(),
    )
    assert point_table(profile).iloc[0].tolist() == [
        "t1",
        "water",
        "not known",
        "working",
        "not known",
        "12 346",
    ]


# -- the standard and the rasters' tables ------------------------------------------------------


def test_standard_table_says_where_the_standard_sets_nothing() -> None:
    table = standard_table(STANDARD).set_index("Service")
    assert_all_words(table.reset_index())
    assert table.loc[
        "electricity", ["Most served by one point", "Walking distance (m)"]
    ].tolist() == [
        "no ratio set",
        "150",
    ]
    assert table.loc["water", "Most served by one point"] == "25"


def test_population_and_hazard_tables_as_a_page_shows_them() -> None:
    estimates = pd.DataFrame(
        {
            "name": ["Alpha", "Beta"],
            "cluster": ["K1", None],
            "households": [1234.4, np.nan],
            "population": [3000.0, np.nan],
            "population_estimate": [3210.7, np.nan],
            "population_from_raster": [False, True],
        }
    )
    shown = shown_estimates(estimates)
    assert_all_words(shown)
    assert shown.to_dict("list") == {
        "Settlement": ["Alpha", "Beta"],
        "People (raster estimate)": ["3 211", "not known"],
        "People": ["3 000", "not known"],
        "Households": ["1 234", "not known"],
        "Demand from the raster": ["no", "yes"],
        "Cluster": ["K1", NOT_IN_A_CLUSTER],
    }
    per_cluster = pd.DataFrame(
        {
            "cluster": ["K1", "K2"],
            "settlements": [10, 2],
            "settlements_exposed": [5, 0],
            "settlements_mostly_exposed": [3, 0],
            "hazard_area_share": [0.55, np.nan],
            "hazard_population": [8653.8, np.nan],
        }
    )
    clusters = shown_hazard_clusters(per_cluster)
    assert_all_words(clusters)
    assert list(clusters.columns) == [
        "Cluster",
        "People in it",
        "More than half in it",
        "With some area in it",
        "Settlements",
        "Share of area in it",
    ]
    assert clusters.iloc[0].tolist() == ["K1", "8 654", "3", "5", "10", "55 %"]
    assert clusters.iloc[1].tolist() == ["K2", "not known", "0", "0", "2", "no boundary"]
    exposure = pd.DataFrame(
        {
            "settlement_id": ["A", "B"],
            "name": ["Alpha", "Beta"],
            "cluster": [None, "K1"],
            "hazard_area_share": [0.001, np.nan],
            "hazard_population": [np.nan, 12.0],
        }
    )
    settlements = shown_exposure(exposure)
    assert_all_words(settlements)
    assert list(settlements.columns) == [
        "Settlement",
        "Share of area in it",
        "People in it",
        "Cluster",
        "Id",
    ]
    assert settlements.iloc[0].tolist() == [
        "Alpha",
        "less than 1 %",
        "not known",
        NOT_IN_A_CLUSTER,
        "A",
    ]


# -- the real data -----------------------------------------------------------------------------


def cape_town_services(folder: Path) -> Path:
    """A services file for the Cape Town settlements (../shared/real): one working tap and one
    broken toilet in "4 in 1"; every other settlement counts none. Skips when the data is absent.
    """
    from tests.atlas.real_common import INFORMAL
    from tests.atlas.test_real_cape_town import TAPPED, _point_feature
    from tests.conftest import real_path

    tapped = gpd.read_file(real_path(*INFORMAL)).to_crs(4326).set_index("Inf_Sttlmn").loc[TAPPED]
    inside = tapped.geometry.representative_point()
    features = [
        _point_feature("tap-1", "water", "working", inside),
        _point_feature("toilet-1", "sanitation", "broken", inside),
    ]
    path = folder / "services.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


@pytest.fixture(scope="module")
def cape_town(tmp_path_factory: pytest.TempPathFactory) -> tuple[Dataset, GapResult]:
    from tests.atlas.real_common import CPT_WARDS, INFORMAL
    from tests.atlas.test_real_cape_town import CPT_MAPPING
    from tests.conftest import real_path

    services = cape_town_services(tmp_path_factory.mktemp("cape_town"))
    dataset = atlas.load_dataset(
        real_path(*INFORMAL), services, real_path(*CPT_WARDS), mapping=CPT_MAPPING
    )
    return dataset, atlas.compute_gaps(dataset, atlas.load_standard("cape-town"))


@pytest.mark.real
def test_the_cape_town_tables_have_no_empty_cell(cape_town: tuple[Dataset, GapResult]) -> None:
    dataset, result = cape_town
    for key, frame in (("settlement", result.settlements), ("cluster", result.clusters)):
        table = gap_table(frame, result.standard, key=key, categories=ALL, text=True)
        assert len(table) == len(frame)
        assert_all_words(table)
    # 326 settlements in no cluster: one row; settlements with no households recorded.
    clusters = gap_table(result.clusters, result.standard, key="cluster", text=True)
    assert clusters["Cluster"].tolist() == [NOT_IN_A_CLUSTER]
    assert clusters["Settlements"].tolist() == ["326"]
    for sid in result.settlements["settlement_id"]:
        profile = settlement_profile(result, dataset, sid)
        for table in (service_table(profile), ward_table(profile), point_table(profile)):
            assert_all_words(table)
