"""The ``atlas`` command: records, formats, exit statuses and one-paragraph errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

import atlas
from atlas.cli import main

CATEGORY_KEYS = {
    f"{c}_{f}"
    for c in atlas.CATEGORIES
    for f in ("working", "broken", "unknown", "needed", "gap", "ratio", "coverage")
}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    s = gpd.GeoDataFrame(
        {
            "Code": ["A", "B"],
            "Naam": ["Alpha", "<b>Beta</b>"],
            "HHs": [60, None],
            "Popn": [None, None],
        },
        geometry=[box(28.0, -26.0, 28.001, -25.999), box(28.01, -26.0, 28.011, -25.999)],
        crs=4326,
    )
    p = gpd.GeoDataFrame(
        {
            "id": ["1", "2", "3"],
            "type": ["water", "water", "sanitation"],
            "state": ["working", "working", "broken"],
        },
        geometry=[Point(28.0005, -25.9995), Point(28.0006, -25.9995), Point(28.0105, -25.9995)],
        crs=4326,
    )
    w = gpd.GeoDataFrame({"ward_id": ["W1"]}, geometry=[box(27.9, -26.1, 28.1, -25.9)], crs=4326)
    out = {
        "settlements": tmp_path / "s.gpkg",
        "services": tmp_path / "p.geojson",
        "wards": tmp_path / "w.shp",
    }
    s.to_file(out["settlements"], layer="s")
    p.to_file(out["services"])
    w.to_file(out["wards"])
    return out


def args(files: dict[str, Path], *extra: str) -> list[str]:
    return [
        "gaps",
        "--settlements",
        str(files["settlements"]),
        "--services",
        str(files["services"]),
        "--wards",
        str(files["wards"]),
        "--map",
        "settlements.settlement_id=Code",
        "--map",
        "settlements.name=Naam",
        "--map",
        "services.category=type",
        "--quiet",
        *extra,
    ]


def test_gaps_json_records(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args(files)) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["settlement_id"] for r in records] == ["A", "B"]
    a, b = records
    assert {
        "settlement_id",
        "name",
        "cluster",
        "ward_id",
        "ward_ids",
        "households",
        "population",
        "demand_estimated",
    } <= set(a)
    assert set(a) >= CATEGORY_KEYS
    assert a["ward_id"] == "W1" and a["ward_ids"] == ["W1"]
    assert (
        a["water_working"] == 2 and a["water_needed"] == 3 and a["water_gap"] == 1
    )  # ceil(60/25)=3
    assert a["water_ratio"] == 30 and a["households"] == 60
    assert b["name"] == "<b>Beta</b>"  # text stays text
    assert b["households"] is None and b["water_gap"] is None and b["water_ratio"] is None
    assert b["sanitation_broken"] == 1 and b["cluster"] is None


def test_gaps_cluster_csv_and_output_file(files: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / "clusters.csv"
    code = main(
        [
            *args(files, "--level", "cluster", "--format", "csv", "--output", str(target)),
            "--map",
            "settlements.cluster='North'",
        ]
    )
    assert code == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = dict(zip(header, lines[1].split(","), strict=True))
    assert row["cluster"] == "North" and row["settlements"] == "2"
    assert row["water_working"] == "2" and row["water_needed"] == "3"


def test_gaps_geojson_is_wgs84_without_crs_member(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args(files, "--format", "geojson")) == 0
    collection = json.loads(capsys.readouterr().out)
    assert "crs" not in collection and len(collection["features"]) == 2
    ring = collection["features"][0]["geometry"]["coordinates"][0]
    assert ring[0][0] == pytest.approx(28.0, abs=1e-6)


def test_sample_is_used_when_no_files_are_given(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gaps", "--level", "cluster", "--quiet"]) == 0
    records = json.loads(capsys.readouterr().out)
    expected = atlas.compute_gaps(atlas.load_sample(), atlas.load_standard("cape-town")).clusters
    assert [r["cluster"] for r in records] == expected["cluster"].tolist()
    assert [r["water_gap"] for r in records] == expected["water_gap"].tolist()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--standard", "mars"], "Unknown standard 'mars'"),
        (["--map", "settlements.colour=x"], "unknown settlements field 'colour'"),
        (["--crs", "wards"], "write --crs LAYER=VALUE"),
        (["--crs", "wards=EPSG:99999999"], "Cannot understand the wards CRS"),
        (["--metric-crs", "EPSG:4326"], "geographic"),
        (["--level", "cluster", "--format", "geojson"], "Clusters have no geometry"),
    ],
)
def test_bad_options_give_one_paragraph_errors(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    assert main(args(files, *extra)) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_validation_errors_list_every_problem(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "gaps",
                "--settlements",
                str(files["services"]),
                "--services",
                str(files["services"]),
                "--quiet",
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert "the input has problems" in err
    assert "Did you pass the service points as settlements?" in err


def test_validate_command_exit_status(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "validate",
                str(files["services"]),
                "--layer",
                "services",
                "--map",
                "services.category=type",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "category <- column 'type' (mapping)" in out and out.strip().endswith("usable")
    assert main(["validate", str(files["services"]), "--layer", "services"]) == 1
    out = capsys.readouterr().out
    assert "Required field 'category' is missing" in out
    assert (
        main(
            [
                "validate",
                str(files["services"]),
                "--layer",
                "services",
                "--format",
                "json",
                "--map",
                "services.category=type",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["ok"] is True


def test_standards_command_lists_presets(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["standards"]) == 0
    out = capsys.readouterr().out
    assert "water: 1 tap per 25 households, within 200 m" in out
    assert "sanitation: 1 toilet per 20 people, within 50 m" in out


def test_installed_command_never_shows_a_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "atlas.cli",
            "gaps",
            "--settlements",
            str(broken),
            "--services",
            str(broken),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "Could not open 'broken.geojson'" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) <= 3


def test_serve_checks_the_files_before_starting(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "serve",
            "--settlements",
            str(files["services"]),
            "--services",
            str(files["services"]),
            "--no-browser",
        ]
    )
    assert code == 1
    assert "Did you pass the service points as settlements?" in capsys.readouterr().err
    assert main(["serve", "--settlements", str(files["settlements"]), "--no-browser"]) == 1
    err = capsys.readouterr().err
    assert "There are no service points, and the settlements carry no counts" in err
    assert "--services PATH" in err and "--map settlements.sanitation_working=" in err
    assert main(["gaps", "--services", str(files["services"])]) == 1
    assert "Give --settlements with --services" in capsys.readouterr().err


def test_report_command_writes_a_pdf(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    assert (
        main(["report", "--cluster", "Kgotso South Cluster", "--output", str(target), "--quiet"])
        == 0
    )
    assert target.read_bytes().startswith(b"%PDF")


def test_export_command_writes_every_layer(tmp_path: Path) -> None:
    assert main(["export", "--format", "geojson", "--output", str(tmp_path) + "/", "--quiet"]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["clusters.json", "services.geojson", "settlements.geojson", "wards.geojson"]
    records = json.loads((tmp_path / "clusters.json").read_text(encoding="utf-8"))
    expected = atlas.compute_gaps(atlas.load_sample(), atlas.load_standard("cape-town")).clusters
    assert [r["water_gap"] for r in records] == expected["water_gap"].tolist()


def test_export_joins_delivery_compliance(tmp_path: Path) -> None:
    from atlas.registry import SAMPLE_DELIVERIES, SAMPLE_SCHEDULE
    from atlas.schedules import compare_files, compliance

    code = main(
        [
            "export",
            "--format",
            "geojson",
            "--output",
            str(tmp_path) + "/",
            "--schedule",
            str(SAMPLE_SCHEDULE),
            "--deliveries",
            str(SAMPLE_DELIVERIES),
            "--quiet",
        ]
    )
    assert code == 0
    sample = atlas.load_sample()
    result = compare_files(
        SAMPLE_SCHEDULE, SAMPLE_DELIVERIES, list(sample.settlements["settlement_id"])
    )
    per = compliance(result.outcomes, "settlement", settlements=sample.settlements)
    clusters = compliance(result.outcomes, "cluster", settlements=sample.settlements)
    features = json.loads((tmp_path / "settlements.geojson").read_text(encoding="utf-8"))
    props = {f["properties"]["settlement_id"]: f["properties"] for f in features["features"]}
    for row in per.to_dict("records"):
        got = props[row["settlement_id"]]
        assert got["delivery_scheduled"] == row["scheduled"]
        assert got["delivery_on_time_in_full"] == row["delivered"]
        if row["scheduled"]:
            assert got["delivery_compliance"] == row["delivered"] / row["scheduled"]  # exact
    unscheduled = set(props) - set(per.loc[per["scheduled"] > 0, "settlement_id"])
    assert unscheduled and all(props[s]["delivery_compliance"] is None for s in unscheduled)
    records = json.loads((tmp_path / "clusters.json").read_text(encoding="utf-8"))
    by_cluster = {r["cluster"]: r for r in records}
    for row in clusters.to_dict("records"):
        assert by_cluster[row["cluster"]]["delivery_scheduled"] == row["scheduled"]
        assert by_cluster[row["cluster"]]["delivery_on_time_in_full"] == row["delivered"]


def test_report_with_deliveries_writes_a_pdf(tmp_path: Path) -> None:
    from atlas.registry import SAMPLE_DELIVERIES, SAMPLE_SCHEDULE

    target = tmp_path / "report.pdf"
    options = ["--schedule", str(SAMPLE_SCHEDULE), "--deliveries", str(SAMPLE_DELIVERIES)]
    command = ["report", "--cluster", "Kgotso South Cluster", "--output", str(target)]
    assert main([*command, *options, "--quiet"]) == 0
    assert target.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("command", ["export", "report"])
def test_schedule_without_deliveries_is_one_paragraph(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from atlas.registry import SAMPLE_SCHEDULE

    extra = ["--format", "csv"] if command == "export" else ["--cluster", "Kgotso South Cluster"]
    argv = [
        command,
        *extra,
        "--output",
        str(tmp_path / "out.pdf" if command == "report" else tmp_path),
    ]
    assert main([*argv, "--schedule", str(SAMPLE_SCHEDULE), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "Give both --schedule and --deliveries" in err and "Traceback" not in err


def test_missing_deliveries_file_is_one_paragraph(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from atlas.registry import SAMPLE_SCHEDULE

    argv = ["export", "--format", "csv", "--output", str(tmp_path), "--quiet"]
    missing = str(tmp_path / "nope.csv")
    assert main([*argv, "--schedule", str(SAMPLE_SCHEDULE), "--deliveries", missing]) == 1
    err = capsys.readouterr().err
    assert "nope.csv" in err and "Traceback" not in err
