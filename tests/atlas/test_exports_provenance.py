"""Every export records how it was made, and readers get it back: json for GeoJSON and the
CSV's ``.metadata.json``, sqlite3 for the GeoPackage metadata extension, pyarrow for the Parquet
key-value metadata. The SHA-256 of each input file is checked against hashlib's of the file
itself, the standard's values against DESIGN §4 (City of Cape Town target: 1 tap per 25
households within 200 m, 1 toilet per 5 households, 2.94 people per household)."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyarrow.parquet as pq
import pyogrio
import pytest

import atlas
from atlas.exports import export_metadata, metadata_path, to_download, write_export
from atlas.exports.provenance import GPKG_METADATA_URI
from atlas.load.columns import Constant
from atlas.load.dataset import Dataset, load_dataset
from atlas.measure.pipeline import GapResult, compute_gaps
from tests.atlas.exports_common import COMPLIANCE, rfc7946_problems
from tests.atlas.test_exports_sources import write_files

MAPPING: dict[str, dict[str, str | Constant]] = {
    "settlements": {"settlement_id": "code", "name": "Naam"},
    "services": {"category": "type", "status": Constant("broken")},
    "wards": {"ward_id": "WARDNO"},
}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_files(tmp_path_factory.mktemp("provenance"))


@pytest.fixture(scope="module")
def loaded(files: dict[str, Path]) -> tuple[Dataset, GapResult]:
    dataset = load_dataset(
        files["settlements"],
        files["services"],
        files["wards"],
        mapping=MAPPING,
        zeros_are_counts=True,
    )
    return dataset, compute_gaps(dataset, atlas.load_standard("cape-town"))


def check_record(record: dict[str, Any], files: dict[str, Path], start: datetime) -> None:
    """The record of an export of ``files`` made after ``start``."""
    assert record["atlas_version"] == atlas.__version__
    created = datetime.fromisoformat(record["created"])
    assert record["created"].endswith("Z") and created.utcoffset() is not None
    assert start.replace(microsecond=0) <= created <= datetime.now(UTC)
    standard = record["standard"]
    assert (standard["id"], standard["name"]) == ("cape-town", "City of Cape Town target")
    assert standard["source"].startswith("City of Cape Town")
    assert standard["household_size"] == 2.94
    water, sanitation = standard["categories"]["water"], standard["categories"]["sanitation"]
    assert (water["unit"], water["max_per_point"], water["max_distance_m"]) == (
        "households",
        25.0,
        200.0,
    )
    assert (sanitation["unit"], sanitation["max_per_point"]) == ("households", 5.0)
    assert standard["categories"]["electricity"]["max_per_point"] is None
    inputs = {item["layer"]: item for item in record["inputs"]}
    assert list(inputs) == ["settlements", "services", "wards"]
    for layer, path in files.items():
        assert inputs[layer]["name"] == path.name
        assert inputs[layer]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert inputs[layer]["crs"] == "EPSG:4326"
    assert (inputs["settlements"]["features"], inputs["settlements"]["used"]) == (2, 2)
    assert record["mapping"] == {
        "settlements": {"settlement_id": "code", "name": "Naam"},
        "services": {"category": "type", "status": {"constant": "broken"}},
        "wards": {"ward_id": "WARDNO"},
    }
    assert record["zeros_are_counts"] is True
    assert record["metric_crs"] == "EPSG:32735"  # the UTM zone of 28° E
    assert record["source_columns"] is True


def test_the_record(loaded: tuple[Dataset, GapResult], files: dict[str, Path]) -> None:
    dataset, result = loaded
    start = datetime.now(UTC)
    record = export_metadata(result, dataset)
    check_record(record, files, start)
    assert record["clusters"] is None and record["delivery_compliance"] is False
    json.dumps(record, allow_nan=False)  # JSON as it is
    fixed = export_metadata(
        result,
        dataset,
        clusters="K1",
        source_columns=False,
        deliveries=True,
        created=datetime(2026, 8, 3, 11, 12, 13, tzinfo=UTC),
    )
    assert fixed["created"] == "2026-08-03T11:12:13Z"
    assert fixed["clusters"] == ["K1"] and fixed["source_columns"] is False
    assert fixed["delivery_compliance"] is True


def test_geojson_carries_it_as_a_foreign_member(
    loaded: tuple[Dataset, GapResult], files: dict[str, Path], tmp_path: Path
) -> None:
    dataset, result = loaded
    start = datetime.now(UTC)
    written = write_export(result, dataset, "geojson", tmp_path)
    records = []
    for path in written[:3]:
        text = path.read_text(encoding="utf-8")
        collection = json.loads(text)
        assert list(collection) == ["type", "atlas", "features"]
        records.append(collection["atlas"])
        assert rfc7946_problems(text, max_decimals=6) == []
        assert len(pyogrio.read_dataframe(path)) == len(collection["features"])
    check_record(records[0], files, start)
    assert records[1] == records[0] and records[2] == records[0]  # one export, one record


def test_geopackage_carries_it_in_the_metadata_extension(
    loaded: tuple[Dataset, GapResult], files: dict[str, Path], tmp_path: Path
) -> None:
    dataset, result = loaded
    start = datetime.now(UTC)
    (path,) = write_export(result, dataset, "gpkg", tmp_path / "atlas.gpkg")
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT id, md_scope, md_standard_uri, mime_type, metadata FROM gpkg_metadata"
        ).fetchall()
        references = db.execute(
            "SELECT reference_scope, table_name, column_name, row_id_value, md_file_id "
            "FROM gpkg_metadata_reference ORDER BY rowid"
        ).fetchall()
        extensions = db.execute(
            "SELECT table_name, column_name, scope FROM gpkg_extensions "
            "WHERE extension_name = 'gpkg_metadata' ORDER BY table_name"
        ).fetchall()
    ((md_id, scope, uri, mime, text),) = rows
    assert (scope, uri, mime) == ("dataset", GPKG_METADATA_URI, "application/json")
    check_record(json.loads(text), files, start)
    assert references == [
        ("geopackage", None, None, None, md_id),
        ("table", "settlements", None, None, md_id),
        ("table", "services", None, None, md_id),
        ("table", "wards", None, None, md_id),
        ("table", "clusters", None, None, md_id),
    ]
    assert extensions == [
        ("gpkg_metadata", None, "read-write"),
        ("gpkg_metadata_reference", None, "read-write"),
    ]
    # GDAL still reads the file, and shows the record as the dataset's metadata.
    info = pyogrio.read_info(path, layer="settlements")
    assert info["features"] == 2
    assert json.loads(next(iter(info["dataset_metadata"].values())))["standard"]["id"] == (
        "cape-town"
    )


def test_parquet_carries_it_beside_the_geoparquet_metadata(
    loaded: tuple[Dataset, GapResult], files: dict[str, Path], tmp_path: Path
) -> None:
    dataset, result = loaded
    start = datetime.now(UTC)
    written = write_export(result, dataset, "parquet", tmp_path)
    for path in written:
        metadata = pq.read_schema(path).metadata
        check_record(json.loads(metadata[b"atlas"]), files, start)
        if path.stem != "clusters":
            geo = json.loads(metadata[b"geo"])  # GeoParquet's own key, intact
            assert geo["primary_column"] == "geometry"
            assert gpd.read_parquet(path).crs == "EPSG:4326"


def test_csv_has_it_beside_each_file(
    loaded: tuple[Dataset, GapResult], files: dict[str, Path], tmp_path: Path
) -> None:
    dataset, result = loaded
    start = datetime.now(UTC)
    written = write_export(result, dataset, "csv", tmp_path / "cape.csv")
    assert [p.name for p in written] == [
        "cape_settlements.csv",
        "cape_settlements.metadata.json",
        "cape_clusters.csv",
        "cape_clusters.metadata.json",
    ]
    for table in (written[0], written[2]):
        beside = metadata_path(table)
        assert beside in written
        check_record(json.loads(beside.read_text(encoding="utf-8")), files, start)


def test_downloads_carry_it(loaded: tuple[Dataset, GapResult], files: dict[str, Path]) -> None:
    dataset, result = loaded
    start = datetime.now(UTC)
    download = to_download(result, dataset, "csv", compliance=COMPLIANCE.iloc[:0])
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        assert archive.namelist() == [
            "settlements.csv",
            "settlements.metadata.json",
            "clusters.csv",
            "clusters.metadata.json",
        ]
        record = json.loads(archive.read("settlements.metadata.json"))
    check_record(record, files, start)
    assert record["delivery_compliance"] is True
    chosen = to_download(result, dataset, "geojson", source_columns=False)
    with zipfile.ZipFile(io.BytesIO(chosen.data)) as archive:
        member = json.loads(archive.read("settlements.geojson"))["atlas"]
    assert member["source_columns"] is False
