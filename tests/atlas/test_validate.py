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
    # Named by settlement and id, located in longitude/latitude where GEOS found the fault.
    assert warning.rows == (1,) and warning.values == ("Alpha (A)",)
    assert warning.message == (
        "1 invalid geometry was repaired with make_valid and kept: "
        "Alpha (A) at 28.00500, -25.99500: Self-intersection."
    )


def test_an_invalid_geometry_in_metres_is_located_in_longitude_latitude() -> None:
    from pyproj import Transformer

    to_utm = Transformer.from_crs(4326, 32735, always_xy=True)
    corners = [(28.0, -26.0), (28.01, -25.99), (28.01, -26.0), (28.0, -25.99)]
    bowtie = Polygon([to_utm.transform(x, y) for x, y in corners])
    good = box(*to_utm.transform(28.02, -26.0), *to_utm.transform(28.03, -25.99))
    frame = gpd.GeoDataFrame(
        {"settlement_id": ["S1", "S2"], "name": [None, "Beta"], "households": [5, 6]},
        geometry=[bowtie, good],
        crs=32735,
    )
    _, report = validate_layer(frame, "settlements")
    (warning,) = report.warnings
    assert warning.values == ("S1",)  # no name: the id alone
    where = warning.message.split(" at ")[1].split(":")[0]
    lon, lat = (float(v) for v in where.split(", "))
    assert lon == pytest.approx(28.005, abs=1e-4) and lat == pytest.approx(-25.995, abs=1e-4)
    assert where == f"{lon:.5f}, {lat:.5f}"


def test_more_invalid_geometries_than_a_message_lists() -> None:
    bowties = [
        Polygon([(28.0 + i, -26.0), (28.01 + i, -25.99), (28.01 + i, -26.0), (28.0 + i, -25.99)])
        for i in range(10)
    ]
    frame = gpd.GeoDataFrame(
        {"settlement_id": [f"S{i}" for i in range(10)], "name": [f"N{i}" for i in range(10)]},
        geometry=bowties,
        crs=4326,
    )
    _, report = validate_layer(frame, "settlements")
    (warning,) = [w for w in report.warnings if "invalid" in w.message]
    assert warning.message.startswith("10 invalid geometries were repaired")
    assert warning.message.endswith("(and 2 more).") and "N7 (S7) at 35.00500" in warning.message
    assert warning.rows == tuple(range(1, 11)) and len(warning.values) == 10


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


# -- the README's validate example, as written ---------------------------------------------------


def test_the_readme_validate_example_works_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import re
    import shlex
    import shutil

    from atlas.cli import main
    from tests.atlas.real_common import CLINICS
    from tests.conftest import real_path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    toml = re.search(r"cat > health\.toml <<'EOF'\n(.*?)\nEOF\n", readme, re.S)
    command = re.search(r"\.venv/bin/atlas (validate clinics\.csv .*?)\n\n", readme, re.S)
    assert toml and command, "the README no longer shows the validate example"
    assert len(toml.group(1).splitlines()) <= 6
    shutil.copy(real_path(*CLINICS), tmp_path / "clinics.csv")
    (tmp_path / "health.toml").write_text(toml.group(1) + "\n", encoding="utf-8")
    argv = shlex.split(command.group(1).replace("\\\n", " "))
    argv = [str(tmp_path / a) if a in ("clinics.csv", "health.toml") else a for a in argv]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("\nusable")
    assert "services (" in out and "0 error(s)" in out
    # Without the standard the clinics are refused, and the CLI says which flag adds one.
    without = [a for a in argv if a not in ("--standard", str(tmp_path / "health.toml"))]
    assert main(without) == 1
    out = capsys.readouterr().out
    assert "--standard PATH" in out and out.rstrip().endswith("run again")


def test_an_unknown_category_is_an_error_with_a_code_each_surface_words() -> None:
    frame = gpd.GeoDataFrame(
        {
            "service_id": ["a", "b", "c", "d"],
            "category": ["health", "Water", "police", "health"],
            "status": ["working"] * 4,
        },
        geometry=[Point(28.0 + i / 100, -26.0) for i in range(4)],
        crs=4326,
    )
    _, report = validate_layer(frame, "services")
    (problem,) = report.errors
    assert problem.code == "services.unknown_category"
    assert problem.rows == (1, 3, 4) and problem.values == ("health", "police", "health")
    assert problem.params["categories"] == ("health", "police")
    assert problem.params["layer"] == "services" and problem.params["field"] == "category"
    assert "categories=list(standard.categories)" in problem.fix  # Python: the argument
    assert "--standard PATH" in problem.fix_in(CLI)  # CLI: the flag
    assert "Add … to the standard" in problem.fix_in(APP)  # app: its button and form
    _, accepted = validate_layer(
        frame, "services", categories=["water", "sanitation", "health", "police"]
    )
    assert accepted.ok
