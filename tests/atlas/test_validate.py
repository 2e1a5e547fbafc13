"""Mapping and validation: every problem reported at once, with rows, columns, values and fixes."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import MultiPoint, Point, Polygon, box

from atlas.cli.wording import CLI
from atlas.errors import MappingError, ValidationError
from atlas.load.columns import Constant, apply_mapping, parse_mapping
from atlas.load.dataset import load_dataset, load_layer
from atlas.load.validate import validate_layer
from atlas.problems import Problem
from pages.state.wording import APP


def settlements(**columns: object) -> gpd.GeoDataFrame:
    base: dict[str, object] = {
        "settlement_id": ["A", "B", "C"],
        "name": ["Alpha", "Beta", "Gamma"],
        "households": [10, 20, 30],
        "population": [None, None, None],
        "cluster": ["K", "K", None],
    }
    base.update(columns)
    geometry = base.pop(
        "geometry", [box(28.0 + i / 100, -26.0, 28.005 + i / 100, -25.995) for i in range(3)]
    )
    return gpd.GeoDataFrame(base, geometry=geometry, crs=4326)


def messages(problems: tuple[Problem, ...] | list[Problem], severity: str) -> list[str]:
    return [p.message for p in problems if p.severity == severity]


# -- mapping -------------------------------------------------------------------------------------


def test_parse_mapping_columns_and_constants() -> None:
    parsed = parse_mapping(
        ["settlements.name=InformalSe", "services.status='working'", 'wards.ward_id="WARD NO"']
    )
    assert parsed == {
        "settlements": {"name": "InformalSe"},
        "services": {"status": Constant("working")},
        "wards": {"ward_id": "WARD NO"},
    }


@pytest.mark.parametrize(
    ("item", "match"),
    [
        ("settlements.name", "Cannot read the mapping"),
        ("name=InformalSe", "Cannot read the mapping"),
        ("parcels.name=x", "unknown layer 'parcels'"),
        ("settlements.colour=x", "unknown settlements field 'colour'"),
    ],
)
def test_parse_mapping_errors(item: str, match: str) -> None:
    with pytest.raises(MappingError, match=match):
        parse_mapping([item])


def test_aliases_are_recognised_and_reported() -> None:
    raw = gpd.GeoDataFrame(
        {"Inf_Sttlmn": ["X1"], "InformalSe": ["4 in 1"], "HHs": [230], "Popn": [631]},
        geometry=[box(0, 0, 1, 1)],
        crs=4326,
    )
    mapped, problems = apply_mapping(raw, "settlements")
    assert mapped.loc[0, ["settlement_id", "name", "households", "population"]].tolist() == [
        "X1",
        "4 in 1",
        230,
        631,
    ]
    notes = " ".join(p.message for p in problems)
    assert "settlement_id <- column 'Inf_Sttlmn' (recognised alias)" in notes
    assert "households <- column 'HHs' (recognised alias)" in notes
    assert mapped["cluster"].isna().all()


def test_explicit_mapping_wins_and_several_candidates_are_reported() -> None:
    raw = gpd.GeoDataFrame(
        {"WardID": ["79700001"], "WardNumber": ["1"]}, geometry=[box(0, 0, 1, 1)], crs=4326
    )
    mapped, problems = apply_mapping(raw, "wards")
    assert mapped.loc[0, "ward_id"] == "79700001"
    assert any("Other columns also looked like ward_id: WardNumber" in p.message for p in problems)
    mapped, _ = apply_mapping(raw, "wards", {"ward_id": "WardNumber"})
    assert mapped.loc[0, "ward_id"] == "1"
    assert mapped.loc[0, "WardID"] == "79700001"  # unmapped columns are kept


def test_missing_required_field_and_missing_mapped_column() -> None:
    raw = gpd.GeoDataFrame({"facility": ["x"]}, geometry=[Point(28, -26)], crs=4326)
    _, problems = apply_mapping(raw, "services", {"kind": "nope"})
    errors = messages(problems, "error")
    assert any("names a column the file does not have" in m for m in errors)
    assert any("Required field 'category' is missing" in m for m in errors)
    assert any("Required field 'status' is missing" in m for m in errors)
    fixes = " ".join(p.fix_in(CLI) for p in problems)
    assert "--map \"services.status='VALUE'\"" in fixes
    # The same problem, worded for Python (the argument) and for the app (the control).
    status = next(p for p in problems if p.code == "mapping.missing" and p.column == "status")
    assert "mapping={'services': {'status': Constant('VALUE')}}" in status.fix
    assert "“status (required)” box" in status.fix_in(APP) and "--" not in status.fix_in(APP)


def test_constant_mapping_fills_every_row() -> None:
    raw = gpd.GeoDataFrame(
        {"id": ["1", "2"]}, geometry=[Point(28, -26), Point(28.1, -26)], crs=4326
    )
    mapped, _ = apply_mapping(
        raw, "services", {"category": Constant("water"), "status": Constant("working")}
    )
    assert mapped["category"].tolist() == ["water", "water"]


# -- validation ----------------------------------------------------------------------------------


def test_all_problems_are_collected_at_once() -> None:
    frame = settlements(
        settlement_id=["A", "A", None],
        households=[10, -5, "many"],
    )
    _, report = validate_layer(frame, "settlements")
    assert not report.ok
    by_message = {p.message: p for p in report.errors}
    dup = by_message["Duplicate settlement_id: ids must be unique."]
    assert dup.rows == (1, 2) and dup.values == ("A", "A")
    assert by_message["Empty settlement_id: every feature needs an id."].rows == (3,)
    assert by_message["households cannot be negative."].values == ("-5",)
    assert by_message["households must be a number."].values == ("many",)
    text = report.format()
    assert text.startswith("settlements: 4 error(s)")
    assert "Fix:" in text


def test_invalid_geometry_is_repaired_kept_and_reported() -> None:
    bowtie = Polygon([(28.0, -26.0), (28.01, -25.99), (28.01, -26.0), (28.0, -25.99)])
    frame = settlements(
        geometry=[bowtie, box(28.02, -26, 28.03, -25.99), box(28.04, -26, 28.05, -25.99)]
    )
    out, report = validate_layer(frame, "settlements")
    assert report.ok
    assert len(out) == 3 and out.geometry.is_valid.all()
    assert out.geometry.iloc[0].geom_type == "MultiPolygon"
    (warning,) = report.warnings
    assert warning.rows == (1,) and "Self-intersection" in warning.values[0]


def test_null_geometry_rows_are_excluded_and_reported() -> None:
    frame = settlements(geometry=[None, box(28.02, -26, 28.03, -25.99), Polygon()])
    out, report = validate_layer(frame, "settlements")
    assert report.ok
    assert out["settlement_id"].tolist() == ["B"]
    assert report.warnings[0].rows == (1, 3)


def test_wrong_geometry_type_is_an_error_with_a_hint() -> None:
    frame = settlements(geometry=[Point(28, -26), Point(28.1, -26), Point(28.2, -26)])
    _, report = validate_layer(frame, "settlements")
    assert not report.ok
    assert "Did you pass the service points as settlements?" in report.errors[0].message


def test_single_part_multipoints_become_points() -> None:
    frame = gpd.GeoDataFrame(
        {"service_id": ["s"], "category": ["water"], "status": ["working"]},
        geometry=[MultiPoint([(28, -26)])],
        crs=4326,
    )
    out, report = validate_layer(frame, "services")
    assert report.ok and out.geometry.iloc[0].geom_type == "Point"


def test_unknown_category_and_status_list_the_accepted_values() -> None:
    frame = gpd.GeoDataFrame(
        {
            "service_id": ["1", "2", "3", "4", "5"],
            "category": ["Water", "gas", "sanitation", "waste", "water"],
            "status": ["Operational", "non_operational", None, "exploded", "working"],
        },
        geometry=[Point(28 + i / 100, -26) for i in range(5)],
        crs=4326,
    )
    out, report = validate_layer(frame, "services")
    errors = {p.message: p for p in report.errors}
    cat = errors["Unknown category values. Accepted: water, sanitation, electricity, waste."]
    assert cat.rows == (2,) and cat.values == ("gas",)
    status = errors["Unknown status values. Accepted: working, broken, unknown."]
    assert status.rows == (4,) and status.values == ("exploded",)
    assert any("operational -> working" in p.message for p in report.problems)
    assert out["status"].tolist()[:3] == ["working", "broken", "unknown"]
    assert out["category"].tolist()[0] == "water"


def test_no_crs_is_assumed_wgs84_only_when_coordinates_fit() -> None:
    frame = settlements().set_crs(None, allow_override=True)
    out, report = validate_layer(frame, "settlements")
    assert report.ok and out.crs.to_epsg() == 4326
    assert "EPSG:4326 (WGS84) is assumed" in report.warnings[0].message
    projected = settlements().to_crs(32735).set_crs(None, allow_override=True)
    _, report = validate_layer(projected, "settlements")
    assert not report.ok
    assert "--crs settlements=EPSG:XXXX" in report.errors[0].fix_in(CLI)
    assert "crs={'settlements': 'EPSG:XXXX'}" in report.errors[0].fix
    assert "--crs" not in report.errors[0].fix and "--crs" not in report.errors[0].fix_in(APP)


def test_declared_crs_is_used_for_a_file_without_one() -> None:
    projected = settlements().to_crs(32735).set_crs(None, allow_override=True)
    from pyproj import CRS

    out, report = validate_layer(projected, "settlements", crs=CRS(32735))
    assert report.ok
    assert out.crs.to_epsg() == 4326
    assert out.geometry.iloc[0].bounds[0] == pytest.approx(28.0)


def test_projected_coordinates_labelled_wgs84_are_refused() -> None:
    wrong = settlements().to_crs(32735).set_crs(4326, allow_override=True)
    _, report = validate_layer(wrong, "settlements")
    assert not report.ok
    assert any("CRS is probably wrong" in m for m in messages(report.problems, "error"))


def test_zero_swapped_flipped_and_out_of_range_points_are_excluded() -> None:
    good = [Point(28 + i / 50, -26 - i / 50) for i in range(20)]
    bad = [Point(0, 0), Point(-26.1, 28.1), Point(28.1, 26.1), Point(304837, 302000)]
    frame = gpd.GeoDataFrame(
        {"service_id": [str(i) for i in range(24)], "category": "water", "status": "working"},
        geometry=good + bad,
        crs=4326,
    )
    out, report = validate_layer(frame, "services")
    assert report.ok and len(out) == 20
    rows = {p.message.split(" ")[0] + p.message.split(" ")[-3]: p.rows for p in report.warnings}
    found = {p.rows: p.message for p in report.warnings}
    assert "outside longitude/latitude range" in found[(24,)]
    assert "exactly 0" in found[(21,)]
    assert "swapped" in found[(22,)]
    assert "flipped sign" in found[(23,)]
    assert rows  # every exclusion is a reported warning


def test_empty_settlement_layer_is_an_error() -> None:
    _, report = validate_layer(settlements().iloc[:0], "settlements")
    assert any("empty" in m for m in messages(report.errors, "error"))


def test_load_dataset_raises_once_with_every_bad_layer(tmp_path: Path) -> None:
    frame = settlements(settlement_id=["A", "A", "B"])
    frame.to_file(tmp_path / "s.geojson")
    gpd.GeoDataFrame({"x": [1]}, geometry=[Point(28, -26)], crs=4326).to_file(
        tmp_path / "p.geojson"
    )
    with pytest.raises(ValidationError) as info:
        load_dataset(tmp_path / "s.geojson", tmp_path / "p.geojson")
    text = str(info.value)
    assert "Duplicate settlement_id" in text and "Required field 'service_id' is missing" in text
    assert isinstance(info.value, ValueError)
    assert info.value.report.layer == "settlements"


def test_membership_table_sets_clusters(tmp_path: Path) -> None:
    settlements().to_file(tmp_path / "s.geojson")
    gpd.GeoDataFrame(
        {"service_id": ["p"], "category": ["water"], "status": ["working"]},
        geometry=[Point(28, -26)],
        crs=4326,
    ).to_file(tmp_path / "p.geojson")
    (tmp_path / "c.csv").write_text(
        "cluster,settlement_id\nNorth,A\nNorth,C\nSouth,Z\n", encoding="utf-8"
    )
    ds = load_dataset(tmp_path / "s.geojson", tmp_path / "p.geojson", clusters=tmp_path / "c.csv")
    assert ds.settlements["cluster"].tolist() == ["North", None, "North"]
    clusters_report = ds.reports[-1]
    assert any(p.values == ("Z",) for p in clusters_report.warnings)
    (tmp_path / "bad.csv").write_text("cluster,settlement_id\nNorth,A\nSouth,A\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="more than one cluster"):
        load_dataset(tmp_path / "s.geojson", tmp_path / "p.geojson", clusters=tmp_path / "bad.csv")


def test_load_layer_reports_csv_geometry_source(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("id,category,status,lon,lat\n1,water,working,28.1,-26.1\n", encoding="utf-8")
    frame, report = load_layer(path, "services")
    assert report.ok and len(frame) == 1
    assert any("lon/lat" in p.message for p in report.problems if p.severity == "info")
