"""Exports in memory for the app: zip archives and single-file downloads."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pyogrio
import pytest

from atlas.exports import export_zip, metadata_path, output_paths, provenance, to_download
from atlas.load.dataset import Dataset
from atlas.measure.pipeline import GapResult
from tests.atlas.exports_common import CLUSTER_1, COMPLIANCE, DATA_FORMATS


def without_times(data: bytes) -> dict[str, bytes]:
    """The files of a zip archive with the time of the export (``"created"``) blanked out."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: re.sub(rb'"created": ?"[^"]*"', b'"created": ""', archive.read(name))
            for name in archive.namelist()
        }


@pytest.mark.parametrize("fmt", DATA_FORMATS)
def test_export_zip_holds_the_same_files(
    fmt: str, result: GapResult, ds: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both exports made in the same second: GeoParquet also keeps the time base64-encoded
    # (in its Arrow schema), where blanking "created" cannot reach it.
    moment = datetime(2026, 12, 1, 9, 59, 59, tzinfo=UTC)
    monkeypatch.setattr(provenance, "_now", lambda: moment)
    data = export_zip(result, ds, fmt, clusters=[CLUSTER_1])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert archive.testzip() is None
        expected_names = [p.name for p in dict.fromkeys(output_paths(fmt, "x").values())]
        if fmt == "csv":  # each CSV file with its record beside it
            expected_names = [
                name for csv in expected_names for name in (csv, metadata_path(csv).name)
            ]
        assert names == expected_names
        if fmt == "geojson":
            settlements = json.loads(archive.read("settlements.geojson"))
            assert [f["properties"]["settlement_id"] for f in settlements["features"]] == [
                "A",
                "B",
            ]
    if fmt != "gpkg":  # a GeoPackage records when each table was last changed
        # The same bytes each time, but for the time each export was made.
        again = export_zip(result, ds, fmt, clusters=[CLUSTER_1])
        assert without_times(again) == without_times(data)


def test_to_download_gives_single_files_as_they_are(result: GapResult, ds: Dataset) -> None:
    day = date(2026, 12, 1)
    gpkg = to_download(result, ds, "gpkg", clusters=[CLUSTER_1], on=day)
    assert gpkg.data.startswith(b"SQLite format 3\x00")
    assert gpkg.file_name == f"k1-b-cluster-b_{result.standard.id}_2026-12-01_data.gpkg"
    csv = to_download(result, ds, "csv", on=day)
    assert csv.file_name == f"hostile_{result.standard.id}_2026-12-01_csv.zip"
    assert csv.mime == "application/zip"


def test_to_download_carries_compliance(result: GapResult, ds: Dataset, tmp_path: Path) -> None:
    download = to_download(result, ds, "gpkg", compliance=COMPLIANCE)
    path = tmp_path / download.file_name
    path.write_bytes(download.data)
    read = pyogrio.read_dataframe(path, layer="settlements")
    assert read.set_index("settlement_id")["delivery_scheduled"]["A"] == 12
    zipped = to_download(result, ds, "csv", compliance=COMPLIANCE)
    with zipfile.ZipFile(io.BytesIO(zipped.data)) as archive:
        text = archive.read("settlements.csv").decode("utf-8")
    assert "delivery_compliance" in text.splitlines()[0]
