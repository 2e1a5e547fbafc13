"""Numbers are exact in data, rounded only for display (DESIGN §2 rule 10): the JSON and CSV of
``atlas gaps``, ``atlas schedule`` and ``atlas zonal`` carry the computed values, worked out by
hand here; integers stay integers; the tables and records for people still round."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from atlas.cli import main
from atlas.exports.records import exact_records, to_csv, to_json, to_records
from atlas.raster import zonal_population
from atlas.schedules import compliance_table
from tests.atlas.test_raster import VALUES, settlements, write_raster


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main([*argv, "--quiet"]) == 0
    return capsys.readouterr().out


# -- atlas schedule -------------------------------------------------------------------------------


@pytest.fixture
def delivery_files(tmp_path: Path) -> list[str]:
    """Settlement S1 (1 000 people) was to get 810 l on each of 3 days; 2 came on time."""
    homes = gpd.GeoDataFrame(
        {"settlement_id": ["S1"], "population": [1000]},
        geometry=[box(28.0, -26.0, 28.001, -25.999)],
        crs=4326,
    )
    homes.to_file(tmp_path / "s.geojson")
    (tmp_path / "schedule.csv").write_text(
        "settlement_id,date,start,end,litres\n"
        "S1,2026-08-03,08:00,10:00,810\n"
        "S1,2026-08-04,08:00,10:00,810\n"
        "S1,2026-08-05,08:00,10:00,810\n",
        encoding="utf-8",
    )
    (tmp_path / "deliveries.csv").write_text(
        "settlement_id,arrived_at,litres\nS1,2026-08-03 09:00,810\nS1,2026-08-04 09:30,810\n",
        encoding="utf-8",
    )
    return [
        "schedule",
        "--settlements",
        str(tmp_path / "s.geojson"),
        "--schedule",
        str(tmp_path / "schedule.csv"),
        "--deliveries",
        str(tmp_path / "deliveries.csv"),
        "--from",
        "2026-08-03",
        "--to",
        "2026-08-05",
        "--level",
        "settlement",
    ]


def test_schedule_json_has_exact_compliance_and_litres(
    delivery_files: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    (record,) = json.loads(run(delivery_files, capsys))
    litres = (810 + 810) / 1000 / 3  # 0.54 l per person per day, not 0.5
    assert record["litres_per_person_day"] == litres == 0.54
    assert record["compliance"] == 2 / 3  # not 0.6667
    assert (record["scheduled"], record["delivered"], record["missed"]) == (3, 2, 1)
    assert all(isinstance(record[c], int) for c in ("scheduled", "delivered", "missed"))


def test_schedule_csv_has_exact_compliance_and_litres(
    delivery_files: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    (row,) = csv.DictReader(io.StringIO(run([*delivery_files, "--format", "csv"], capsys)))
    assert row["litres_per_person_day"] == "0.54"
    assert row["compliance"] == repr(2 / 3) == "0.6666666666666666"
    assert (row["scheduled"], row["delivered"]) == ("3", "2")


def test_the_readable_table_rounds_the_same_numbers() -> None:
    rollup = pd.DataFrame(
        {
            "provider": ["P1"],
            **{key: [3] for key in ("scheduled", "delivered", "late", "short", "missed")},
            "unscheduled": [0],
            "compliance": [2 / 3],
            "litres_per_person_day": [0.54],
        }
    )
    shown = compliance_table(rollup, "provider").iloc[0]
    assert shown["Compliance"] == 0.6667 and shown["Litres per person per day"] == 0.5
    assert rollup["compliance"].iloc[0] == 2 / 3  # the input is untouched


# -- atlas gaps -----------------------------------------------------------------------------------


@pytest.fixture
def gap_files(tmp_path: Path) -> list[str]:
    """A: 70 households and 3 working taps inside; B: households unknown, no taps."""
    homes = gpd.GeoDataFrame(
        {"settlement_id": ["A", "B"], "households": [70, None]},
        geometry=[box(28.0, -26.0, 28.001, -25.999), box(28.01, -26.0, 28.011, -25.999)],
        crs=4326,
    )
    taps = gpd.GeoDataFrame(
        {"service_id": ["t1", "t2", "t3"], "category": ["water"] * 3, "status": ["working"] * 3},
        geometry=[Point(28.0005, -25.9995)] * 3,
        crs=4326,
    )
    homes.to_file(tmp_path / "s.geojson")
    taps.to_file(tmp_path / "p.geojson")
    return [
        "gaps",
        "--settlements",
        str(tmp_path / "s.geojson"),
        "--services",
        str(tmp_path / "p.geojson"),
    ]


def test_gaps_json_is_exact_and_counts_stay_integers(
    gap_files: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = json.loads(run(gap_files, capsys))
    assert a["water_ratio"] == 70 / 3 == 23.333333333333332  # 1 tap : 23.33 households, exactly
    assert a["households"] == 70 and isinstance(a["households"], int)
    assert a["water_needed"] == math.ceil(70 / 25) == 3 and isinstance(a["water_needed"], int)
    assert a["water_gap"] == 0 and a["water_working"] == 3
    assert b["households"] is None and b["water_ratio"] is None


def test_gaps_csv_is_exact_and_counts_stay_integers(
    gap_files: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = csv.DictReader(io.StringIO(run([*gap_files, "--format", "csv"], capsys)))
    # 70, not 70.0, though B's households are missing (the column is float in the table).
    assert a["households"] == "70" and b["households"] == ""
    assert a["water_ratio"] == "23.333333333333332" and b["water_ratio"] == ""
    assert a["water_needed"] == "3" and a["water_working"] == "3"


def test_gaps_geojson_is_exact(gap_files: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    collection = json.loads(run([*gap_files, "--format", "geojson"], capsys))
    a = collection["features"][0]["properties"]
    assert a["water_ratio"] == 70 / 3 and a["households"] == 70
    assert isinstance(a["ward_ids"], list)


# -- atlas zonal ----------------------------------------------------------------------------------


def test_zonal_json_carries_the_estimate_unrounded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raster = write_raster(tmp_path / "counts.tif", VALUES)
    frame = settlements(box(10, 10, 30, 30), box(0, 0, 100, 100))
    path = tmp_path / "s.geojson"
    frame.to_file(path)
    argv = ["zonal", "--raster", str(raster), "--settlements", str(path)]
    records = json.loads(run(argv, capsys))
    computed = zonal_population(raster, gpd.read_file(path))
    # 20 × 20 m of the 100 m cell holding 13 people: 13 × 0.04 = 0.52, as computed from the
    # reprojected square (a hair off), not rounded to 2 places.
    assert [r["population_estimate"] for r in records] == computed.tolist()
    assert records[0]["population_estimate"] == pytest.approx(0.52, abs=1e-6)
    assert records[1]["population_estimate"] == pytest.approx(13.0, abs=1e-6)


# -- the records themselves -----------------------------------------------------------------------


def test_exact_records_round_nothing_and_keep_counts_whole() -> None:
    table = pd.DataFrame(
        {
            "settlement_id": ["A", "B"],
            "households": [571.0, None],
            "population": [33.333333333333336, 12.0],
            "water_gap": pd.array([2, None], dtype="Int64"),
            "water_ratio": [30.0, 1 / 7],
            "water_coverage": [0.123456789, 1.0],
        }
    )
    a, b = exact_records(table)
    assert a["households"] == 571 and isinstance(a["households"], int)
    # An estimate is not a whole number: the column stays float, to the last digit.
    assert a["population"] == 33.333333333333336 and isinstance(b["population"], float)
    assert isinstance(a["water_ratio"], float) and b["water_ratio"] == 1 / 7
    assert a["water_coverage"] == 0.123456789 and b["water_gap"] is None
    assert json.loads(to_json(table))[1]["water_ratio"] == 1 / 7
    lines = to_csv(table).splitlines()
    assert lines[1] == "A,571,33.333333333333336,2,30.0,0.123456789"
    assert lines[2] == f"B,,12.0,,{1 / 7!r},1.0"
    # For people to read, records still round.
    assert to_records(table)[1]["water_ratio"] == 0.14
