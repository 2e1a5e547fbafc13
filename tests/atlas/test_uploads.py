"""Uploads are checked before anything reads them: size, zip members, unpacked size, names."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from atlas.errors import DataFileError
from atlas.load.limits import MB, UploadLimits
from atlas.load.uploads import check_zip, content_hash, save_upload


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def test_a_shapefile_zip_is_accepted(tmp_path: Path) -> None:
    data = zipped({"a.shp": b"x", "a.shx": b"x", "a.dbf": b"x", "a.prj": b"x"})
    path = save_upload(data, "Wards 2011.zip", tmp_path)
    assert path.name == "Wards_2011.zip" and path.read_bytes() == data


@pytest.mark.parametrize(
    ("members", "match"),
    [
        ({"a.shp": b"x", "run.exe": b"MZ"}, "not part of a GIS layer"),
        ({"../../etc/passwd.shp": b"x"}, "unsafe path"),
    ],
)
def test_foreign_or_unsafe_members_are_refused(members: dict[str, bytes], match: str) -> None:
    with pytest.raises(DataFileError, match=match):
        check_zip(zipped(members))


def test_zip_bombs_and_crowded_zips_are_refused() -> None:
    bomb = zipped({"a.geojson": b"0" * 2 * MB})
    assert len(bomb) < 20_000
    with pytest.raises(DataFileError, match="unpacks to 2 MB"):
        check_zip(bomb, limits=UploadLimits(unpacked_mb=1))
    with pytest.raises(DataFileError, match="holds 4 files"):
        check_zip(zipped({f"{i}.csv": b"x" for i in range(4)}), limits=UploadLimits(zip_members=3))


def test_broken_zip_empty_and_oversized_uploads(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="incomplete or damaged"):
        save_upload(b"PK\x03\x04 broken", "layer.zip", tmp_path)
    with pytest.raises(DataFileError, match="is empty"):
        save_upload(b"", "layer.geojson", tmp_path)
    with pytest.raises(DataFileError, match="at most 1 MB"):
        save_upload(b"0" * (MB + 1), "layer.geojson", tmp_path, limits=UploadLimits(upload_mb=1))


def test_hostile_names_are_sanitised(tmp_path: Path) -> None:
    path = save_upload(b"{}", "../<img src=x onerror=alert(1)>.geojson", tmp_path)
    assert path.parent == tmp_path
    assert "<" not in path.name and "/" not in path.name and path.suffix == ".geojson"


def test_content_hash_is_stable() -> None:
    assert content_hash(b"abc") == content_hash(b"abc") != content_hash(b"abd")
