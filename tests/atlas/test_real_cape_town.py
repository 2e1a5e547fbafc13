"""The atlas on the Cape Town informal settlements and 2011 wards (../shared/real §1, §2).

Expected numbers come from SOURCES.md or from counts on the raw files (read with pyogrio or
geopandas, never through the atlas): 326 features, 4 invalid (Appelboord, Joe Slovo Langa,
Garden City Mfuleni, Goliath), HHs 197,907, Popn 581,854; ``Total_Area`` in km² matches UTM 34S;
representative points joined to the 2011 wards agree with ``Ward_Geo`` for 321 of 326. The
wards have no .prj, so EPSG:4326 must be assumed and said.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from atlas.load.columns import Constant
from atlas.load.dataset import Dataset, load_dataset
from atlas.measure.pipeline import GapResult, compute_gaps
from atlas.measure.standards import load_standard
from tests.atlas.real_common import (
    CPT_WARDS,
    INFORMAL,
)
from tests.atlas.real_common import problem as _problem
from tests.atlas.real_common import run as _run
from tests.conftest import real_path

CPT_MAPPING: dict[str, dict[str, str | Constant]] = {
    "settlements": {"settlement_id": "Inf_Sttlmn", "name": "InformalSe"},
    "wards": {"ward_id": "WARDNO"},
}
CPT_MAP_ARGS = [
    "--map",
    "settlements.settlement_id=Inf_Sttlmn",
    "--map",
    "settlements.name=InformalSe",
    "--map",
    "wards.ward_id=WARDNO",
]

#: The settlement the test taps and toilets are put in: "4 in 1", 230 households (SOURCES §1).
TAPPED = "NORFOU001"
TAPPED_HOUSEHOLDS = 230


def _point_feature(service_id: str, category: str, status: str, point: shapely.Point) -> dict:
    return {
        "type": "Feature",
        "properties": {"service_id": service_id, "category": category, "status": status},
        "geometry": {"type": "Point", "coordinates": [point.x, point.y]},
    }


# --------------------------------------------------------------------------------------------
# Cape Town: informal settlements + 2011 wards (SOURCES §1, §2)


@pytest.fixture(scope="module")
def informal_raw() -> gpd.GeoDataFrame:
    """The settlements file as read by pyogrio, in its own CRS (EPSG:3857)."""
    return gpd.read_file(real_path(*INFORMAL))


@pytest.fixture(scope="module")
def cape_town_services(
    tmp_path_factory: pytest.TempPathFactory, informal_raw: gpd.GeoDataFrame
) -> Path:
    """Two water points (one working, one broken) and one working toilet inside "4 in 1"."""
    tapped = informal_raw.loc[informal_raw["Inf_Sttlmn"] == TAPPED].to_crs(4326)
    assert len(tapped) == 1
    assert int(tapped["HHs"].iloc[0]) == TAPPED_HOUSEHOLDS
    inside = tapped.geometry.iloc[0].representative_point()
    features = [
        _point_feature("tap-1", "water", "working", inside),
        _point_feature("tap-2", "water", "broken", inside),
        _point_feature("toilet-1", "sanitation", "working", inside),
    ]
    path = tmp_path_factory.mktemp("cape_town") / "services.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


@pytest.fixture(scope="module")
def cape_town(cape_town_services: Path) -> tuple[Dataset, GapResult]:
    dataset = load_dataset(
        real_path(*INFORMAL),
        cape_town_services,
        real_path(*CPT_WARDS),
        mapping=CPT_MAPPING,
    )
    return dataset, compute_gaps(dataset, load_standard("cape-town"))


@pytest.mark.real
def test_cape_town_settlements_loaded_whole(
    cape_town: tuple[Dataset, GapResult], informal_raw: gpd.GeoDataFrame
) -> None:
    dataset, result = cape_town
    assert len(informal_raw) == 326
    assert len(dataset.settlements) == 326
    assert len(result.settlements) == 326
    assert dataset.settlements.crs.to_epsg() == 4326
    assert list(dataset.settlements["settlement_id"]) == list(informal_raw["Inf_Sttlmn"])
    assert list(dataset.settlements["name"]) == list(informal_raw["InformalSe"])
    assert all(r.ok for r in dataset.reports)


@pytest.mark.real
def test_cape_town_invalid_settlements_repaired_and_kept(
    cape_town: tuple[Dataset, GapResult], informal_raw: gpd.GeoDataFrame
) -> None:
    dataset, _ = cape_town
    invalid = ~informal_raw.geometry.is_valid
    assert sorted(informal_raw.loc[invalid, "InformalSe"]) == sorted(
        ["Appelboord", "Joe Slovo Langa", "Garden City Mfuleni", "Goliath"]
    )
    expected_rows = tuple(int(i) + 1 for i in informal_raw.index[invalid])
    settlements_report = next(r for r in dataset.reports if r.layer == "settlements")
    problem = _problem(settlements_report, "warning", "invalid", "repaired")
    assert problem.rows == expected_rows
    # Named by settlement and id (rows kept too), located in longitude/latitude in Cape Town.
    assert problem.values == tuple(
        f"{n} ({i})"
        for n, i in zip(
            informal_raw.loc[invalid, "InformalSe"],
            informal_raw.loc[invalid, "Inf_Sttlmn"],
            strict=True,
        )
    )
    assert "Appelboord (TYGAPP001) at 18.6" in problem.message
    assert problem.message.count(": Self-intersection") == 4 and "-33.9" in problem.message
    kept = dataset.settlements.set_index("settlement_id").loc[
        list(informal_raw.loc[invalid, "Inf_Sttlmn"])
    ]
    assert kept.geometry.is_valid.all()
    assert set(kept.geometry.geom_type) <= {"Polygon", "MultiPolygon"}
    # The repair keeps (nearly) the whole area of each self-intersecting outline.
    before = informal_raw.loc[invalid].to_crs(32734).area.to_numpy()
    after = kept.to_crs(32734).area.to_numpy()
    assert after == pytest.approx(before, rel=0.05)


@pytest.mark.real
def test_cape_town_wards_crs_assumed_and_reported(cape_town: tuple[Dataset, GapResult]) -> None:
    dataset, _ = cape_town
    wards_report = next(r for r in dataset.reports if r.layer == "wards")
    assert wards_report.ok
    problem = _problem(wards_report, "warning", "no CRS", "EPSG:4326")
    assert "assumed" in problem.message
    assert dataset.wards is not None
    assert len(dataset.wards) == 111
    assert dataset.wards.crs.to_epsg() == 4326
    assert sorted(dataset.wards["ward_id"], key=int) == [str(n) for n in range(1, 112)]
    # The wards lie where Cape Town is: the assumption put them on the map correctly.
    minx, miny, maxx, maxy = dataset.wards.total_bounds
    assert 18.3 < minx < maxx < 19.1
    assert -34.4 < miny < maxy < -33.4


@pytest.mark.real
def test_cape_town_wards_have_no_party_as_councillor(
    cape_town: tuple[Dataset, GapResult],
) -> None:
    # WARDWINNER holds the winning party ("DEMOCRATIC ALLIANCE/…"), not a person: it is never
    # read as the councillor, and rides along under its own name.
    dataset, _ = cape_town
    assert dataset.wards is not None
    assert dataset.wards["councillor"].isna().all()
    assert "WARDWINNER" in dataset.wards.columns
    report = next(r for r in dataset.reports if r.layer == "wards")
    assert not any(p.message.startswith("councillor <-") for p in report.problems)
    # CAT_B is the municipality's code ("CPT"): a display name is given for titles.
    assert set(dataset.wards["municipality"]) == {"CPT"}
    assert dataset.municipality_name is None


@pytest.mark.real
def test_cape_town_metric_crs_is_utm_34s(cape_town: tuple[Dataset, GapResult]) -> None:
    dataset, _ = cape_town
    assert dataset.metric_crs.to_epsg() == 32734


@pytest.mark.real
def test_cape_town_primary_ward_agrees_with_ward_geo(
    cape_town: tuple[Dataset, GapResult], informal_raw: gpd.GeoDataFrame
) -> None:
    _, result = cape_town
    ward_geo = informal_raw.set_index("Inf_Sttlmn")["Ward_Geo"].astype(str).str.strip()
    primary = result.settlements.set_index("settlement_id")["ward_id"]
    assert primary.notna().all(), "every settlement lies in a 2011 ward"
    agree = int((primary == ward_geo.reindex(primary.index)).sum())
    assert agree >= 321
    # A settlement's ward list starts with its primary ward; the shares add up to (nearly) 1.
    for ward_id, ward_ids, shares in zip(
        result.settlements["ward_id"],
        result.settlements["ward_ids"],
        result.settlements["ward_shares"],
        strict=True,
    ):
        assert ward_ids[0] == ward_id
        assert list(shares) == sorted(shares, reverse=True)
        assert 0.95 <= sum(shares) <= 1.0 + 1e-3


@pytest.mark.real
def test_cape_town_households_and_population_totals(
    cape_town: tuple[Dataset, GapResult],
) -> None:
    dataset, result = cape_town
    assert result.settlements["households"].sum() == 197_907
    assert result.settlements["population"].sum() == 581_854
    # 110 settlements carry HHs = 0 and Popn = 0 (SOURCES §1): not counted, so unknown demand.
    missing = result.settlements["demand_missing"]
    assert int(missing.sum()) == 110
    assert result.settlements.loc[missing, "water_gap"].isna().all()
    assert result.settlements.loc[missing, "water_needed"].isna().all()
    (zeros,) = [p for p in dataset.reports[0].warnings if p.code == "demand.zeros"]
    assert len(zeros.values) == 110 and zeros.params == {"count": 110}
    assert set(zeros.values) == set(result.settlements.loc[missing, "settlement_id"])
    assert not result.settlements["demand_estimated"].any()


@pytest.mark.real
def test_cape_town_area_in_metric_crs_matches_total_area(
    cape_town: tuple[Dataset, GapResult], informal_raw: gpd.GeoDataFrame
) -> None:
    dataset, _ = cape_town
    measured_km2 = dataset.settlements.to_crs(dataset.metric_crs).area.sum() / 1e6
    documented_km2 = informal_raw["Total_Area"].sum()
    assert documented_km2 == pytest.approx(31.93, abs=0.01)
    assert measured_km2 == pytest.approx(documented_km2, rel=0.01)
    # Web Mercator would have inflated it by about 1.46 at this latitude.
    mercator_km2 = informal_raw.area.sum() / 1e6
    assert mercator_km2 / measured_km2 == pytest.approx(1.46, abs=0.02)


@pytest.mark.real
def test_cape_town_gaps_of_the_tapped_settlement(cape_town: tuple[Dataset, GapResult]) -> None:
    _, result = cape_town
    row = result.settlements.set_index("settlement_id").loc[TAPPED]
    assert row["name"] == "4 in 1"
    assert row["households"] == TAPPED_HOUSEHOLDS
    # Water: 1 tap per 25 households -> ceil(230 / 25) = 10 needed; 1 working -> gap 9.
    assert (row["water_working"], row["water_broken"], row["water_unknown"]) == (1, 1, 0)
    assert row["water_needed"] == math.ceil(TAPPED_HOUSEHOLDS / 25) == 10
    assert row["water_gap"] == 9
    assert row["water_ratio"] == pytest.approx(230.0)
    assert row["water_working_share"] == pytest.approx(0.5)
    # Sanitation: 1 toilet per 5 households -> 46 needed; 1 working -> gap 45.
    assert row["sanitation_needed"] == 46
    assert row["sanitation_gap"] == 45
    # Nobody else has a point; each point counts once.
    assert result.settlements["water_working"].sum() == 1
    assert result.settlements["water_broken"].sum() == 1
    assert result.settlements["sanitation_working"].sum() == 1
    assert (result.services["settlement_id"] == TAPPED).all()
    assert (result.services["distance_m"] == 0).all()
    # Everyone else with counted households needs ceil(households / 25) taps and has none;
    # the 110 not counted (0 households, 0 people) have no gap at all, never a gap of 0.
    others = result.settlements[result.settlements["settlement_id"] != TAPPED]
    counted = others[others["households"].notna()]
    expected = (counted["households"] / 25).apply(lambda h: math.ceil(h - 1e-9))
    assert len(counted) == 326 - 1 - 110
    assert (counted["water_gap"].astype(int) == expected.astype(int)).all()
    assert others.loc[others["households"].isna(), "water_gap"].isna().all()


# --------------------------------------------------------------------------------------------
# The same through the command line


@pytest.mark.real
def test_cli_gaps_cape_town_json(
    cape_town_services: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "gaps.json"
    status, _, err = _run(
        [
            "gaps",
            "--settlements",
            str(real_path(*INFORMAL)),
            "--services",
            str(cape_town_services),
            "--wards",
            str(real_path(*CPT_WARDS)),
            *CPT_MAP_ARGS,
            "--format",
            "json",
            "--output",
            str(output),
        ],
        capsys,
    )
    assert status == 0, err
    assert "EPSG:4326" in err and "repaired" in err  # the warnings are shown as progress
    records = json.loads(output.read_text("utf-8"))
    assert len(records) == 326
    documented = {
        "settlement_id", "name", "cluster", "ward_id", "ward_ids", "households", "population",
        "demand_estimated", "water_working", "water_gap", "water_ratio", "water_coverage",
        "sanitation_needed", "sanitation_gap",
    }  # fmt: skip
    for record in records:
        assert documented <= set(record), documented - set(record)
        assert "geometry" not in record
    assert sum(r["households"] or 0 for r in records) == 197_907
    unknown = [r for r in records if r["demand_missing"]]
    assert len(unknown) == 110  # 0 households and 0 people: not counted, null in the data
    assert all(r["households"] is None and r["water_gap"] is None for r in unknown)
    assert "110 settlements have 0 households and 0 people" in err
    assert "--zeros-are-counts" in err
    assert len({r["settlement_id"] for r in records}) == 326
    tapped = next(r for r in records if r["settlement_id"] == TAPPED)
    assert tapped["name"] == "4 in 1"
    assert tapped["ward_id"] == "6"
    assert tapped["water_working"] == 1
    assert tapped["water_gap"] == 9
    assert tapped["water_ratio"] == 230
    assert tapped["sanitation_needed"] == 46
    assert 0 < tapped["water_coverage"] <= 1
