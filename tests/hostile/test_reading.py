"""Files that cannot be read, or were hard to read, and what each surface says (issue #19).

Each message says what is wrong with the file, in a planner's words (not GDAL's internals,
"'/vsizip/x.zip' does not exist in the file system"), and what to do; a Shapefile zipped in a
folder (what "Compress folder" makes) is read.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

import atlas
from atlas.cli import main
from atlas.cli.wording import CLI
from pages.state.messages import error_text
from pages.state.uploads import check_layer, columns_of, store_upload
from pages.state.wording import APP
from tests.hostile.test_encodings import NAME, services, settlements, shapefile, zipped


def refused(path: Path, *, layer: str = "settlements") -> atlas.DataFileError:
    """The library's error for ``path``."""
    with pytest.raises(atlas.DataFileError) as info:
        atlas.read_layer(path, role=layer)
    return info.value


def cli_error(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    """What ``atlas gaps`` says on stderr for settlements ``path`` (exit 1, no traceback)."""
    assert main(["gaps", "--settlements", str(path), "--quiet", *extra]) == 1
    err = capsys.readouterr().err
    assert err.startswith("atlas: error: ") and "Traceback" not in err
    return err


def app_error(path: Path) -> str:
    """What the Data page shows for ``path`` uploaded as the settlements (whether the upload
    itself or reading it refuses it), never a traceback nor the server's folders."""
    try:
        stored = str(store_upload(path.read_bytes(), path.name))
        columns_of(stored, "settlements")
        check_layer(stored, "settlements", (), "cape-town")
    except atlas.AtlasError as exc:
        text = error_text(exc, path.name)
        assert "/tmp" not in text and "--" not in text
        return text
    raise AssertionError(f"{path.name} was not refused")


def encrypted(target: Path, source: Path) -> Path:
    """A zip whose members say they are encrypted (the flag a password sets)."""
    with zipfile.ZipFile(target, "w") as archive:
        for part in source.parent.glob(f"{source.stem}.*"):
            archive.write(part, part.name)
    data = bytearray(target.read_bytes())
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at >= 0:
            data[at + flag_at] |= 0x1
            at = data.find(signature, at + 4)
    target.write_bytes(bytes(data))
    return target


# -- zips ----------------------------------------------------------------------------------------


@pytest.mark.error_case
def test_a_password_protected_zip_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was "holds no layers"."""
    path = encrypted(tmp_path / "locked.zip", shapefile(tmp_path / "shp", "utf-8"))
    message = str(refused(path))
    assert "protected by a password" in message and "without a password" in message
    assert "password" in cli_error(path, capsys)
    assert "password" in app_error(path)


@pytest.mark.error_case
@pytest.mark.skipif(shutil.which("zip") is None, reason="needs the zip command")
def test_a_zip_made_with_a_real_password_says_so(tmp_path: Path) -> None:
    shp = shapefile(tmp_path / "shp", "utf-8")
    target = tmp_path / "locked.zip"
    parts = sorted(p.name for p in shp.parent.glob("settlements.*"))
    subprocess.run(["zip", "-q", "-P", "secret", str(target), *parts], cwd=shp.parent, check=True)
    assert "protected by a password" in str(refused(target))


@pytest.mark.error_case
@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_a_truncated_zip_says_it_is_incomplete(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cut: float
) -> None:
    """Was "'/vsizip/…' does not exist in the file system"."""
    whole = zipped(shapefile(tmp_path / "shp", "utf-8"), tmp_path / "whole.zip").read_bytes()
    path = tmp_path / "cut.zip"
    path.write_bytes(whole[: int(len(whole) * cut)])
    message = str(refused(path))
    assert "incomplete or damaged" in message and "download or copy it again" in message
    assert "vsizip" not in message and "file system" not in message
    assert "incomplete or damaged" in cli_error(path, capsys)
    assert "again" in app_error(path)


@pytest.mark.accepted_case
def test_a_shapefile_in_a_folder_inside_the_zip_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What "Compress folder" makes (the .shp in ``settlements/`` inside the zip): the
    Shapefile is found and read as it is (was "not recognized")."""
    shp = shapefile(tmp_path / "shp", "utf-8", cpg=True)
    path = zipped(shp, tmp_path / "folder.zip", "Informal settlements 2024/")
    raw = atlas.read_layer(path)
    assert list(raw.frame["name"]) == [NAME, "Ilanga"] and raw.frame.crs.to_epsg() == 4326
    assert main(["gaps", "--settlements", str(path), "--services", str(services(tmp_path))]) == 0
    assert "Traceback" not in capsys.readouterr().err
    stored = str(store_upload(path.read_bytes(), path.name))
    assert columns_of(stored, "settlements") == ["code", "name", "HHs"]


# -- XML -------------------------------------------------------------------------------------------

KML = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE kml [<!ENTITY boom "BOOM BOOM BOOM">]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>&boom;</name>
<Point><coordinates>28.0,-26.0</coordinates></Point></Placemark></Document></kml>
"""


@pytest.mark.error_case
@pytest.mark.parametrize("kind", ["kml", "kmz"])
def test_a_kml_with_a_doctype_is_refused_before_gdal_reads_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    """Was "parsing aborted on line 2"; its entity is never expanded."""
    path = tmp_path / f"places.{kind}"
    if kind == "kml":
        path.write_text(KML, encoding="utf-8")
    else:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("doc.kml", KML)
    message = str(refused(path))
    assert "declares a DOCTYPE" in message and "for safety" in message
    assert "Export the layer again" in message and "BOOM" not in message
    err = cli_error(path, capsys)
    assert "DOCTYPE" in err and "BOOM" not in err
    assert "DOCTYPE" in app_error(path)


# -- several layers ------------------------------------------------------------------------------


@pytest.mark.error_case
def test_a_two_layer_file_names_the_real_option_on_each_surface(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was "command line: --<layer>-layer NAME", an option that does not exist."""
    path = tmp_path / "both.gpkg"
    settlements().to_file(path, layer="informal_2019")
    settlements().to_file(path, layer="informal_2024")
    with pytest.raises(atlas.DataFileError) as info:
        atlas.load_dataset(path)
    (problem,) = info.value.problems
    assert problem.code == "file.layers" and problem.params["layer"] == "settlements"
    assert "holds 2 layers: informal_2019, informal_2024" in problem.message
    assert "layers={'settlements': 'informal_2019'}" in problem.fix
    assert "--<layer>" not in str(info.value)
    err = cli_error(path, capsys)
    assert "Choose one with --file-layer settlements=informal_2019." in err
    assert problem.fix_in(CLI) == "Choose one with --file-layer settlements=informal_2019."
    assert "a file of its own" in problem.fix_in(APP)
    assert "a file of its own" in app_error(path)
    command = ["gaps", "--settlements", str(path), "--services", str(services(tmp_path))]
    assert main([*command, "--quiet", "--file-layer", "settlements=informal_2024"]) == 0


# -- tables ----------------------------------------------------------------------------------------


@pytest.mark.error_case
def test_a_cp1252_csv_with_a_ragged_row_names_the_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One row with more values than the header (an unquoted comma in a name): the line and
    the data row named; in the app an error under the upload, not a crash."""
    path = tmp_path / "ragged.csv"
    text = f"code,name,HHs,lon,lat\nA,{NAME},10,28.0,-26.0\nB,Ilanga, Phase 2,20,28.1,-26.1\n"
    path.write_bytes(text.encode("cp1252"))
    message = str(refused(path))
    assert "line 3 (data row 2) has 6 values, but the header has 5 columns" in message
    assert "double quotes" in message
    assert "line 3 (data row 2)" in cli_error(path, capsys)
    assert "line 3 \\(data row 2\\)" in app_error(path)


@pytest.mark.error_case
@pytest.mark.parametrize("name", ["empty.csv", "empty.geojson", "empty.zip", "empty.gpkg"])
def test_an_empty_file_says_it_is_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    assert "is empty (0 bytes)" in str(refused(path))
    assert "is empty (0 bytes)" in cli_error(path, capsys)


@pytest.mark.error_case
def test_a_csv_of_only_blank_lines_has_no_header(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("\n\n\n", encoding="utf-8")
    assert "has no header line" in str(refused(path))


@pytest.mark.error_case
def test_a_binary_file_named_csv_is_not_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "taps.csv"
    path.write_bytes(bytes(range(256)) * 8)
    assert "is not a text file" in str(refused(path))
    assert "is not a text file" in cli_error(path, capsys)
    assert "is not a text file" in app_error(path)


# -- broken GIS files ------------------------------------------------------------------------------


@pytest.mark.error_case
@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"this is not json {", "it is not GeoJSON, it does not hold JSON text"),
        (b"<html><body>Error 404</body></html>", "it begins with '<html>"),
        (b'{"type": "FeatureCollection", "features": [', "it is not valid GeoJSON"),
    ],
)
def test_a_geojson_that_is_not_json_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, said: str
) -> None:
    path = tmp_path / "homes.geojson"
    path.write_bytes(content)
    message = str(refused(path))
    assert said in message and str(tmp_path) not in message
    assert said in cli_error(path, capsys)


@pytest.mark.error_case
def test_a_cut_off_geojson_says_where(tmp_path: Path) -> None:
    path = tmp_path / "homes.geojson"
    settlements().to_file(path)
    path.write_bytes(path.read_bytes()[:200])
    message = str(refused(path))
    assert "it is not valid GeoJSON" in message and "line" in message and "column" in message


@pytest.mark.error_case
@pytest.mark.parametrize(
    ("cut", "said"),
    [(None, "it is not a GeoPackage (not an SQLite database)"), (0.3, "damaged or incomplete")],
)
def test_a_truncated_or_false_geopackage_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cut: float | None, said: str
) -> None:
    path = tmp_path / "homes.gpkg"
    if cut is None:
        path.write_bytes(b"PK\x03\x04 a zip renamed .gpkg" * 10)
    else:
        whole = tmp_path / "whole.gpkg"
        gpd.GeoDataFrame(
            {"code": [f"S{i}" for i in range(200)]},
            geometry=[Point(28 + i / 1000, -26).buffer(0.001) for i in range(200)],
            crs=4326,
        ).to_file(whole)
        path.write_bytes(whole.read_bytes()[: int(whole.stat().st_size * cut)])
    message = str(refused(path))
    assert said in message or "truncated or corrupt" in message
    assert "sqlite3_prepare" not in message
    assert "Traceback" not in cli_error(path, capsys)


@pytest.mark.accepted_case
def test_a_polygon_layer_read_from_a_folder_zip_keeps_its_geometry(tmp_path: Path) -> None:
    """The folder-in-zip layer is the same as the plain Shapefile, row by row."""
    shp = shapefile(tmp_path / "shp", "utf-8", cpg=True)
    plain = atlas.read_layer(shp).frame
    folded = atlas.read_layer(zipped(shp, tmp_path / "f.zip", "a/b/")).frame
    assert plain.geometry.equals(folded.geometry)
    assert folded.geometry.iloc[0].equals(box(28.0, -26.0, 28.01, -25.99).normalize()) or (
        folded.geometry.iloc[0].symmetric_difference(box(28.0, -26.0, 28.01, -25.99)).area < 1e-12
    )
