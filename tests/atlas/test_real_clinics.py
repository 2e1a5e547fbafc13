"""The atlas on the South African clinics and the Ekurhuleni wards (../shared/real §3, §5).

Counted on the raw CSV: 2,671 rows, ids 1..2671 in file order; 11 with a zero coordinate, 5 out
of longitude/latitude range, 2 with a positive (flipped) latitude. Ekurhuleni: 101 wards; 92
clinics inside them, in 73 wards.
"""

from __future__ import annotations

import csv
import json
import tomllib
from pathlib import Path

import geopandas as gpd
import pytest

from atlas.cli.wording import CLI
from atlas.load.columns import Constant
from atlas.load.dataset import load_layer
from atlas.measure.standards import load_standard, parse_standard
from atlas.problems import Report
from tests.atlas.real_common import (
    CLINICS,
    EKU_WARDS,
)
from tests.atlas.real_common import problem as _problem
from tests.atlas.real_common import run as _run
from tests.conftest import real_path

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
    assert "--map wards.ward_id=COLUMN" in chosen.fix_in(CLI)
    assert "mapping={'wards': {'ward_id': 'COLUMN'}}" in chosen.fix
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
