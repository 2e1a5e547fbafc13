"""The atlas on the real public datasets of ../shared/real (skipped when the folder is absent).

Every expected number comes from ../shared/real/SOURCES.md or from a count anyone can repeat on
the raw file (the raw files are read here with pandas/pyogrio/geopandas, never through the atlas,
to get the expected values):

* Cape Town informal settlements (§1): 326 features, 4 invalid (Appelboord, Joe Slovo Langa,
  Garden City Mfuleni, Goliath), HHs 197,907, Popn 581,854; ``Total_Area`` in km² matches UTM 34S;
  representative points joined to the 2011 wards agree with ``Ward_Geo`` for 321 of 326.
* Cape Town wards 2011 (§2): no .prj, so EPSG:4326 must be assumed and said.
* South African clinics (§5): 2,671 rows, ids 1..2671 in file order; 11 with a zero coordinate,
  5 out of longitude/latitude range, 2 with a positive (flipped) latitude.
* Ekurhuleni wards (§3): 101 wards; 92 clinics inside them, in 73 wards.
* Khayelitsha 2019 FileGDB (§6): 106 MultiPolygons with M values, 1 invalid, EPSG:2898, no id
  column (OBJECTID is the FileGDB's feature id).
* Kibera/Mathare water points (§8): 792 points; operational_status operational 719,
  non_operational 62, empty 11.
"""

from __future__ import annotations

import csv
import json
import math
import tomllib
import warnings
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely

from atlas.analysis import GapResult, compute_gaps
from atlas.cli import main
from atlas.dataset import Dataset, load_dataset, load_layer
from atlas.errors import ValidationError
from atlas.mapping import Constant
from atlas.report import Problem, Report
from atlas.standards import load_standard, parse_standard
from tests.conftest import real_path

INFORMAL = ("capetown_informal_settlements_iandurbach", "informal.shp")
CPT_WARDS = ("capetown_wards2011_code4sa", "wards.shp")
EKU_WARDS = ("gauteng_wards2011_rsanderson", "Ekurhuleni_shp.json")
CLINICS = ("za_clinics_code4sa_hospitalreporter", "clinics_za_2014_nopersonal.csv")
KHAYELITSHA = ("khayelitsha_informal_sjc", "Informal_settlements_in_2019.gdb.zip")
KHAYELITSHA_LAYER = "informal_settlements_2019"
KIBERA = ("kibera_mathare_waterpoints_mapkibera", "features-osm.geojson")

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

HEALTH_TOML = """\
name = "Clinic access (test)"
source = "hand-made for the real-data tests"
household_size = 3.3

[categories.health]
unit = "people"
max_distance_m = 5000
point_label = "clinic"
"""
HEALTH = parse_standard(tomllib.loads(HEALTH_TOML), "health-test.toml")
HEALTH_MAPPING: dict[str, str | Constant] = {
    "category": Constant("health"),
    "status": Constant("working"),
}

#: Clinic ids (= 1-based rows) with a bad location, by kind (counted on the raw CSV).
CLINICS_ROWS = 2671
CLINICS_ZERO = (94, 310, 994, 1074, 1158, 1396, 1613, 1697, 1892, 1940, 1983)
CLINICS_ZERO_BOTH = (94, 310, 1074, 1158, 1396, 1697, 1892, 1940, 1983)
CLINICS_OUT_OF_RANGE = (265, 540, 883, 1091, 1752)
CLINICS_FLIPPED = (406, 1376)


def _problem(report: Report, severity: str, *words: str) -> Problem:
    """The one problem of ``severity`` whose message contains every word (case-insensitive)."""
    found = [
        p
        for p in report.problems
        if p.severity == severity and all(w.lower() in p.message.lower() for w in words)
    ]
    assert len(found) == 1, f"expected one {severity} about {words}, got:\n{report.format()}"
    return found[0]


def _point_feature(service_id: str, category: str, status: str, point: shapely.Point) -> dict:
    return {
        "type": "Feature",
        "properties": {"service_id": service_id, "category": category, "status": status},
        "geometry": {"type": "Point", "coordinates": [point.x, point.y]},
    }


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


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
    assert all("Self-intersection" in v for v in problem.values)
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
    _, result = cape_town
    assert result.settlements["households"].sum() == 197_907
    assert result.settlements["population"].sum() == 581_854
    assert not result.settlements["demand_missing"].any()
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
    # Everyone else needs ceil(households / 25) taps and has none.
    others = result.settlements[result.settlements["settlement_id"] != TAPPED]
    expected = (others["households"] / 25).apply(lambda h: math.ceil(h - 1e-9))
    assert (others["water_gap"].astype(int) == expected.astype(int)).all()


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
    assert sum(r["households"] for r in records) == 197_907
    assert len({r["settlement_id"] for r in records}) == 326
    tapped = next(r for r in records if r["settlement_id"] == TAPPED)
    assert tapped["name"] == "4 in 1"
    assert tapped["ward_id"] == "6"
    assert tapped["water_working"] == 1
    assert tapped["water_gap"] == 9
    assert tapped["water_ratio"] == 230
    assert tapped["sanitation_needed"] == 46
    assert 0 < tapped["water_coverage"] <= 1


# --------------------------------------------------------------------------------------------
# South African clinics (SOURCES §5)


@pytest.fixture(scope="module")
def clinics_ids() -> list[int]:
    with real_path(*CLINICS).open(encoding="utf-8", newline="") as handle:
        return [int(row["id"]) for row in csv.DictReader(handle)]


@pytest.fixture(scope="module")
def clinics() -> tuple[gpd.GeoDataFrame, Report]:
    return load_layer(
        real_path(*CLINICS),
        "services",
        mapping=HEALTH_MAPPING,
        categories=list(HEALTH.categories),
    )


@pytest.mark.real
def test_health_standard_has_its_own_distance() -> None:
    assert "health" in HEALTH.categories
    rule = HEALTH.rule("health")
    assert (rule.unit, rule.max_distance_m, rule.max_per_point) == ("people", 5000, None)
    assert set(HEALTH.categories) == {"water", "sanitation", "electricity", "waste", "health"}


@pytest.mark.real
def test_clinic_ids_are_file_rows(clinics_ids: list[int]) -> None:
    # This is what lets the report's 1-based rows be read as clinic ids below.
    assert clinics_ids == list(range(1, CLINICS_ROWS + 1))


@pytest.mark.real
def test_clinics_usable_with_constant_mappings(clinics: tuple[gpd.GeoDataFrame, Report]) -> None:
    frame, report = clinics
    assert report.ok, report.format()
    excluded = len(CLINICS_ZERO) + len(CLINICS_OUT_OF_RANGE) + len(CLINICS_FLIPPED)
    assert excluded == 18
    assert len(frame) == CLINICS_ROWS - excluded == 2653
    assert set(frame["category"]) == {"health"}
    assert set(frame["status"]) == {"working"}
    assert frame.crs.to_epsg() == 4326
    assert (frame.geometry.geom_type == "Point").all()
    _problem(report, "info", "category", "health")
    _problem(report, "info", "status", "working")
    _problem(report, "info", "service_id", "'id'")
    # Every usable clinic is in South Africa (with Lesotho/Eswatini inside its box).
    minx, miny, maxx, maxy = frame.total_bounds
    assert 16.0 < minx < maxx < 33.0
    assert -35.0 < miny < maxy < -22.0


@pytest.mark.real
def test_clinics_bad_rows_reported_not_crashed_on(
    clinics: tuple[gpd.GeoDataFrame, Report], clinics_ids: list[int]
) -> None:
    frame, report = clinics
    zero = _problem(report, "warning", "exactly 0")
    out_of_range = _problem(report, "warning", "outside", "range")
    flipped = _problem(report, "warning", "flipped")
    assert zero.rows == CLINICS_ZERO
    assert out_of_range.rows == CLINICS_OUT_OF_RANGE
    assert flipped.rows == CLINICS_FLIPPED
    # Rows are 1-based positions in the file, and here the ids are the rows.
    assert tuple(clinics_ids[r - 1] for r in zero.rows) == CLINICS_ZERO
    # 9 clinics at (0, 0); two (994, 1613) with only the longitude 0.
    both = tuple(r for r, v in zip(zero.rows, zero.values, strict=True) if v == "0, 0")
    assert both == CLINICS_ZERO_BOTH
    lng_only = dict(zip(zero.rows, zero.values, strict=True))
    assert lng_only[994].startswith("0, -29.59")
    assert lng_only[1613].startswith("0, -29.04")
    # Flipped: positive latitude, values written "lng, lat".
    flipped_values = dict(zip(flipped.rows, flipped.values, strict=True))
    assert flipped_values[406] == "30.2721, 29.6466"
    assert flipped_values[1376] == "23.5866, 28.5549"
    # None of them is in the layer; everything else is.
    bad = set(CLINICS_ZERO) | set(CLINICS_OUT_OF_RANGE) | set(CLINICS_FLIPPED)
    assert set(frame["service_id"]) == {str(i) for i in clinics_ids} - {str(i) for i in bad}
    assert not report.errors


@pytest.fixture
def health_toml(tmp_path: Path) -> Path:
    path = tmp_path / "health.toml"
    path.write_text(HEALTH_TOML, encoding="utf-8")
    assert load_standard(path).rule("health") == HEALTH.rule("health")
    return path


def _validate_clinics(standard: Path) -> list[str]:
    """`atlas validate` arguments for the clinics as health services, with constants."""
    return [
        "validate",
        str(real_path(*CLINICS)),
        "--layer",
        "services",
        "--map",
        "services.category='health'",
        "--map",
        "services.status='working'",
        "--standard",
        str(standard),
    ]


@pytest.mark.real
def test_cli_validate_clinics_with_constants(
    health_toml: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _run(
        [
            *_validate_clinics(health_toml),
        ],
        capsys,
    )
    assert status == 0, out + err
    assert "0 error(s), 3 warning(s)" in out
    assert "outside longitude/latitude range" in out
    assert "exactly 0" in out
    assert "flipped sign" in out
    assert "rows 406, 1376" in out
    assert "rows 265, 540, 883, 1091, 1752" in out
    assert out.rstrip().endswith("usable")


@pytest.mark.real
def test_cli_validate_clinics_json_lists_every_row(
    health_toml: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = _run(
        [
            *_validate_clinics(health_toml),
            "--format",
            "json",
        ],
        capsys,
    )
    assert status == 0
    record = json.loads(out)
    assert record["ok"] is True
    rows = sorted(r for p in record["problems"] if p["severity"] == "warning" for r in p["rows"])
    assert rows == sorted(CLINICS_ZERO + CLINICS_OUT_OF_RANGE + CLINICS_FLIPPED)


@pytest.mark.real
def test_cli_validate_clinics_without_constants_says_how_to_map(
    health_toml: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _run(
        [
            "validate",
            str(real_path(*CLINICS)),
            "--layer",
            "services",
            "--standard",
            str(health_toml),
        ],
        capsys,
    )
    text = out + err
    assert status == 1
    assert "Traceback" not in text
    assert "Required field 'category' is missing" in text
    assert "Required field 'status' is missing" in text
    assert "--map \"services.category='VALUE'\"" in text
    assert "--map \"services.status='VALUE'\"" in text
    assert "NOT usable" in text


# --------------------------------------------------------------------------------------------
# Ekurhuleni wards + clinics (SOURCES §3, §5)


@pytest.mark.real
def test_ekurhuleni_wards_alias_detection_and_clinics_inside(
    clinics: tuple[gpd.GeoDataFrame, Report],
) -> None:
    wards, report = load_layer(real_path(*EKU_WARDS), "wards")
    assert report.ok, report.format()
    assert len(wards) == 101
    chosen = _problem(report, "info", "ward_id <-")
    assert "'WardID'" in chosen.message and "recognised alias" in chosen.message
    assert "WardNumber" in chosen.message  # the other candidate is named, with how to choose
    assert "--map wards.ward_id=COLUMN" in chosen.message
    assert wards["ward_id"].is_unique
    assert wards["ward_id"].str.fullmatch(r"797\d{5}").all()  # MDB codes of Ekurhuleni (797)
    assert set(wards["municipality"]) == {"EKU"}

    health, _ = clinics
    inside = gpd.sjoin(health, wards[["ward_id", "geometry"]], predicate="within")
    assert inside.index.is_unique  # no clinic on a shared boundary counted twice
    assert len(inside) == 92
    assert inside["ward_id"].nunique() == 73
    # The spatial join and the free-text overview agree clinic for clinic.
    by_text = health.loc[health["overview"].str.contains("Ekurhuleni", na=False), "service_id"]
    assert set(inside["service_id"]) == set(by_text)


# --------------------------------------------------------------------------------------------
# Khayelitsha 2019 zipped FileGDB (SOURCES §6)


@pytest.fixture(scope="module")
def khayelitsha_info() -> dict:
    """The layer's metadata, read by pyogrio itself (which warns about the M values)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Measured", category=UserWarning)
        return pyogrio.read_info(real_path(*KHAYELITSHA), layer=KHAYELITSHA_LAYER)


@pytest.fixture(scope="module")
def khayelitsha_raw() -> gpd.GeoDataFrame:
    """The layer read by pyogrio, feature ids (OBJECTID) as the index, in EPSG:2898."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Measured", category=UserWarning)
        return pyogrio.read_dataframe(
            real_path(*KHAYELITSHA), layer=KHAYELITSHA_LAYER, fid_as_index=True
        )


@pytest.mark.real
def test_khayelitsha_file_facts(khayelitsha_info: dict, khayelitsha_raw: gpd.GeoDataFrame) -> None:
    assert khayelitsha_info["features"] == 106
    assert khayelitsha_info["crs"] == "EPSG:2898"
    assert khayelitsha_info["geometry_type"] == "MultiPolygon"
    assert list(khayelitsha_info["fields"]) == ["Area", "Shape_Length", "Shape_Area", "AREA_SQKM"]
    # No id among the fields: the only id is the FileGDB's own feature id, unique, with gaps
    # (1..110 with 9, 12, 104 and 105 deleted); OBJECTID 92 is the invalid outline.
    assert khayelitsha_info["fid_column"] == "OBJECTID"
    fids = sorted(khayelitsha_raw.index)
    assert fids == sorted(set(range(1, 111)) - {9, 12, 104, 105})
    assert list(khayelitsha_raw.index[~khayelitsha_raw.geometry.is_valid]) == [92]


@pytest.mark.real
def test_khayelitsha_without_mapping_fails_on_settlement_id(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # GDAL's M warning must not escape as a Python warning
        _, report = load_layer(real_path(*KHAYELITSHA), "settlements", file_layer=KHAYELITSHA_LAYER)
    assert not report.ok
    error = _problem(report, "error", "settlement_id")
    assert error.column == "settlement_id"
    assert "--map settlements.settlement_id=COLUMN" in error.fix
    # The M-value warning of GDAL became a report entry.
    assert any("Measured" in p.message for p in report.warnings)

    services = tmp_path / "services.geojson"
    services.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    with pytest.raises(ValidationError, match="settlement_id") as caught:
        load_dataset(real_path(*KHAYELITSHA), services, layers={"settlements": KHAYELITSHA_LAYER})
    assert caught.value.report.layer == "settlements"


@pytest.mark.real
def test_khayelitsha_loads_with_objectid_as_settlement_id(
    khayelitsha_info: dict, khayelitsha_raw: gpd.GeoDataFrame
) -> None:
    id_column = khayelitsha_info["fid_column"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame, report = load_layer(
            real_path(*KHAYELITSHA),
            "settlements",
            mapping={"settlement_id": id_column},
            file_layer=KHAYELITSHA_LAYER,
        )
    assert report.ok, report.format()
    assert len(frame) == 106
    assert list(frame["settlement_id"]) == [str(i) for i in khayelitsha_raw.index]
    repaired = _problem(report, "warning", "invalid", "repaired")
    position = list(khayelitsha_raw.index).index(92)
    assert repaired.rows == (position + 1,)
    assert frame.loc[frame["settlement_id"] == "92"].geometry.is_valid.all()
    assert frame.geometry.is_valid.all()
    assert any("Measured" in p.message for p in report.warnings)
    assert frame.crs.to_epsg() == 4326
    minx, miny, maxx, maxy = frame.total_bounds
    assert 18.6 < minx < maxx < 18.75
    assert -34.1 < miny < maxy < -33.99


@pytest.mark.real
def test_khayelitsha_m_warning_reported_once() -> None:
    _, report = load_layer(real_path(*KHAYELITSHA), "settlements", file_layer=KHAYELITSHA_LAYER)
    measured = [p for p in report.problems if "Measured" in p.message]
    assert len(measured) == 1, report.format()
    assert measured[0].severity == "warning"


# --------------------------------------------------------------------------------------------
# Kibera/Mathare water points (SOURCES §8)


@pytest.mark.real
@pytest.mark.parametrize(
    "mapping",
    [
        pytest.param({"category": Constant("water")}, id="status-detected"),
        pytest.param(
            {"category": Constant("water"), "status": "operational_status"},
            id="status-mapped",
        ),
    ],
)
def test_kibera_operational_status_translated(mapping: dict[str, str | Constant]) -> None:
    frame, report = load_layer(real_path(*KIBERA), "services", mapping=mapping)
    assert report.ok, report.format()
    assert len(frame) == 792
    assert set(frame["category"]) == {"water"}
    status_source = _problem(report, "info", "status <-")
    assert "'operational_status'" in status_source.message
    translated = _problem(report, "info", "translated")
    assert "operational -> working" in translated.message
    assert "non_operational -> broken" in translated.message
    counts = frame["status"].value_counts().to_dict()
    assert counts == {"working": 719, "broken": 62, "unknown": 11}
    empty = _problem(report, "warning", "empty status")
    assert len(empty.rows) == 11
