"""Reading every supported format, and clear errors for files that cannot be read."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from atlas.errors import DataFileError
from atlas.load.files import read_layer

SETTLEMENTS = gpd.GeoDataFrame(
    {"sid": ["A", "B"], "name": ["Alpha", "uMlazi Ext 7"], "households": [10, 20]},
    geometry=[box(28.0, -26.0, 28.01, -25.99), box(28.02, -26.0, 28.03, -25.99)],
    crs=4326,
)


def write(frame: gpd.GeoDataFrame, path: Path, **kwargs: object) -> Path:
    frame.to_file(path, **kwargs)
    return path


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("layer.geojson", {}),
        ("layer.gpkg", {"layer": "settlements"}),
        ("layer.shp", {}),
        ("layer.kml", {"driver": "KML"}),
    ],
)
def test_gdal_formats_round_trip(tmp_path: Path, name: str, options: dict[str, object]) -> None:
    path = write(SETTLEMENTS, tmp_path / name, **options)
    raw = read_layer(path)
    assert len(raw.frame) == 2
    assert raw.frame.crs.to_epsg() == 4326
    assert raw.frame.geometry.to_crs(32735).area.sum() == pytest.approx(
        SETTLEMENTS.to_crs(32735).area.sum(), rel=1e-6
    )


def test_zipped_shapefile(tmp_path: Path) -> None:
    write(SETTLEMENTS, tmp_path / "s.shp")
    archive = tmp_path / "s.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in tmp_path.glob("s.*"):
            if part.suffix != ".zip":
                z.write(part, part.name)
    raw = read_layer(archive)
    assert sorted(raw.frame["sid"]) == ["A", "B"]


def test_geoparquet(tmp_path: Path) -> None:
    path = tmp_path / "s.parquet"
    SETTLEMENTS.to_parquet(path)
    raw = read_layer(path)
    assert list(raw.frame["name"]) == ["Alpha", "uMlazi Ext 7"]


def test_csv_with_lon_lat_keeps_ids_as_text(tmp_path: Path) -> None:
    path = tmp_path / "points.csv"
    path.write_text("id,lng,lat\n007,28.1,-26.2\n008,,\n009,abc,-26.0\n", encoding="utf-8")
    raw = read_layer(path)
    assert list(raw.frame["id"]) == ["007", "008", "009"]
    assert raw.frame.geometry.iloc[0].equals(Point(28.1, -26.2))
    assert raw.frame.geometry.iloc[1] is None and raw.frame.geometry.iloc[2] is None
    assert raw.frame.attrs["geometry_from"] == "columns lng/lat"


def test_csv_with_wkt(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text('id,wkt\nA,"POLYGON ((0 0, 1 0, 1 1, 0 0))"\nB,not wkt\n', encoding="utf-8")
    raw = read_layer(path)
    assert raw.frame.geometry.iloc[0].area == pytest.approx(0.5)
    assert raw.frame.geometry.iloc[1] is None


def test_multi_layer_file_needs_a_layer_name(tmp_path: Path) -> None:
    path = tmp_path / "two.gpkg"
    SETTLEMENTS.to_file(path, layer="one")
    SETTLEMENTS.to_file(path, layer="two")
    with pytest.raises(DataFileError, match=r"holds 2 layers: one, two"):
        read_layer(path)
    assert len(read_layer(path, layer="two").frame) == 2
    with pytest.raises(DataFileError, match="no layer 'three'"):
        read_layer(path, layer="three")


@pytest.mark.parametrize(
    ("content", "name", "match"),
    [
        (b"{not json", "broken.geojson", "Could not open"),
        (b"\x00\x01garbage", "broken.gpkg", "Could not open"),
        (b"a,b\n1,2\n", "nogeom.csv", "has no geometry"),
        (b"whatever", "notes.docx", "not a layer format"),
    ],
)
def test_broken_files_give_clear_errors(
    tmp_path: Path, content: bytes, name: str, match: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataFileError, match=match):
        read_layer(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="File not found") as info:
        read_layer(tmp_path / "nope.geojson")
    assert isinstance(info.value, OSError)  # also a builtin OSError


def test_shapefile_missing_its_shx(tmp_path: Path) -> None:
    write(SETTLEMENTS, tmp_path / "s.shp")
    (tmp_path / "s.shx").unlink()
    with pytest.raises(DataFileError, match=r"\.shp, \.shx and \.dbf"):
        read_layer(tmp_path / "s.shp")


def test_a_csv_with_unquoted_wkt_is_refused_with_how_to_fix(tmp_path: Path) -> None:
    path = tmp_path / "wards.csv"
    path.write_text("WARD,wkt\n1,POLYGON ((0 0, 1 0, 1 1, 0 0))\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="must be in double quotes"):
        read_layer(path)
