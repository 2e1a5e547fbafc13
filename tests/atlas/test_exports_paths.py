"""Export formats and file names."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas.errors import SchemaError
from atlas.exports import FORMATS, output_paths
from tests.atlas.exports_common import GEOJSON_FILES, PARQUET_FILES


@pytest.mark.parametrize(
    ("fmt", "output", "names"),
    [
        ("geojson", "out/", GEOJSON_FILES),
        ("geojson", "out", GEOJSON_FILES),
        (
            "geojson",
            "out/joburg.geojson",
            ["joburg_settlements.geojson", "joburg_services.geojson", "joburg_wards.geojson", "joburg_clusters.json"],
        ),
        ("gpkg", "out", ["atlas.gpkg"]),
        ("gpkg", "out/joburg.gpkg", ["joburg.gpkg"]),
        ("csv", "out", ["settlements.csv", "clusters.csv"]),
        ("csv", "out/gaps.csv", ["gaps_settlements.csv", "gaps_clusters.csv"]),
        ("parquet", "out", PARQUET_FILES),
        ("html", "out/map.html", ["map.html"]),
        ("html", "out", ["atlas.html"]),
    ],
)  # fmt: skip
def test_output_paths(fmt: str, output: str, names: list[str], tmp_path: Path) -> None:
    paths = output_paths(
        fmt, tmp_path / output if not output.endswith("/") else f"{tmp_path}/{output}"
    )
    assert [p.name for p in dict.fromkeys(paths.values())] == names
    assert all(p.parent == tmp_path / "out" for p in paths.values())


def test_an_existing_folder_with_a_dot_is_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "exports.v2"
    folder.mkdir()
    assert output_paths("gpkg", folder)["settlements"] == folder / "atlas.gpkg"


@pytest.mark.parametrize(("fmt", "name"), [("gpkg", "x.geojson"), ("csv", "x.txt"), ("bogus", "x")])
def test_a_wrong_suffix_or_format_is_refused(fmt: str, name: str, tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match=r"format|suit"):
        output_paths(fmt, tmp_path / name)


def test_every_format_is_offered() -> None:
    assert FORMATS == ("geojson", "gpkg", "csv", "parquet", "html")
