"""Text encodings: never a silent change to a name (issue #19).

A Shapefile's names are read with its ``.cpg``, else its DBF's language driver, else a checked
guess (UTF-8 when its text is valid UTF-8, else Windows-1252 with a warning); a CSV with its
byte-order mark, UTF-16 told by its zero bytes, UTF-8, else Windows-1252 with the warning.
``--encoding LAYER=NAME``, ``encoding=`` and the app's “Encoding” box choose another.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import Point, box

import atlas
from atlas.cli import main
from atlas.cli.wording import CLI
from atlas.load.encodings import check_encoding, cpg_encoding, dbf_text, text_encoding
from pages.state.messages import error_text
from pages.state.sources import dataset_of
from pages.state.uploads import LayerUpload, check_layer, files_source, store_upload
from pages.state.wording import APP, ENCODING_BOX

NAME = "Ntšhaba"  # š is 0x9A in cp1252, two bytes in UTF-8, undefined in ISO-8859-1


def settlements(name: str = NAME) -> gpd.GeoDataFrame:
    """Two settlements, one with a name no ASCII file can hold."""
    return gpd.GeoDataFrame(
        {"code": ["A", "B"], "name": [name, "Ilanga"], "HHs": [10, 20]},
        geometry=[box(28.0, -26.0, 28.01, -25.99), box(28.02, -26.0, 28.03, -25.99)],
        crs=4326,
    )


def shapefile(
    folder: Path, encoding: str, *, ldid: int = 0, cpg: bool = False, name: str = NAME
) -> Path:
    """The settlements as a Shapefile whose DBF text is in ``encoding``, with language driver
    ``ldid`` and with or without its ``.cpg``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "settlements.shp"
    pyogrio.write_dataframe(settlements(name), path, encoding=encoding)
    if not cpg:
        path.with_suffix(".cpg").unlink()
    dbf = bytearray(path.with_suffix(".dbf").read_bytes())
    dbf[29] = ldid
    path.with_suffix(".dbf").write_bytes(bytes(dbf))
    return path


def zipped(shp: Path, target: Path, folder: str = "") -> Path:
    """The Shapefile's parts zipped, at the top or in ``folder`` (as "Compress folder" does)."""
    with zipfile.ZipFile(target, "w") as archive:
        for part in shp.parent.glob(f"{shp.stem}.*"):
            archive.write(part, f"{folder}{part.name}")
    return target


def services(tmp_path: Path) -> Path:
    path = tmp_path / "taps.geojson"
    gpd.GeoDataFrame(
        {"service_id": ["T1"], "category": ["water"], "status": ["working"]},
        geometry=[Point(28.005, -25.995)],
        crs=4326,
    ).to_file(path)
    return path


def names(raw: atlas.RawLayer) -> list[str]:
    return list(raw.frame["name"])


def guessed(notes: tuple[atlas.Problem, ...] | list[atlas.Problem]) -> list[atlas.Problem]:
    return [p for p in notes if p.code == "encoding.guessed"]


# -- Shapefiles --------------------------------------------------------------------------------


@pytest.mark.warning_case
@pytest.mark.parametrize("where", ["plain", "zip", "zip folder"])
def test_a_cp1252_shapefile_without_cpg_is_read_right_with_a_warning(
    tmp_path: Path, where: str
) -> None:
    shp = shapefile(tmp_path / "shp", "cp1252")
    path = {
        "plain": lambda: shp,
        "zip": lambda: zipped(shp, tmp_path / "s.zip"),
        "zip folder": lambda: zipped(shp, tmp_path / "s.zip", "settlements/"),
    }[where]()
    raw = atlas.read_layer(path, role="settlements")
    assert names(raw) == [NAME, "Ilanga"]  # not "Nt\x9ahaba"
    (warning,) = guessed(raw.notes)
    assert warning.severity == "warning" and "read as cp1252" in warning.message
    assert NAME in warning.message  # an example of what it made of a name
    assert "encoding={'settlements': 'NAME'}" in warning.fix
    assert "--encoding settlements=NAME" in warning.fix_in(CLI)
    assert f"“{ENCODING_BOX}” box under the settlements upload" in warning.fix_in(APP)


@pytest.mark.accepted_case
def test_a_utf8_shapefile_without_cpg_is_read_as_utf8(tmp_path: Path) -> None:
    """Text that is valid UTF-8 (and not ASCII) is UTF-8 beyond reasonable doubt: read as it,
    with a note saying so, no warning (was "NtÅ¡haba")."""
    raw = atlas.read_layer(shapefile(tmp_path, "utf-8"))
    assert names(raw) == [NAME, "Ilanga"]
    assert not guessed(raw.notes)
    assert any("read as utf-8 (from its text)" in p.message for p in raw.notes)


@pytest.mark.accepted_case
@pytest.mark.parametrize(
    ("encoding", "ldid", "name"),
    [
        ("cp1252", 0x57, NAME),
        ("cp1252", 0x03, NAME),
        ("cp437", 0x01, "Mfuléni"),
        ("cp850", 0x02, "Mfuléni"),
    ],
)
def test_the_dbf_language_driver_is_used(
    tmp_path: Path, encoding: str, ldid: int, name: str
) -> None:
    """The DBF declares its code page (ArcGIS writes 0x57 for Windows text): no guess, no
    warning; 0x57 is read as cp1252 (GDAL's ISO-8859-1 made "š" a control character)."""
    raw = atlas.read_layer(shapefile(tmp_path, encoding, ldid=ldid, name=name))
    assert names(raw) == [name, "Ilanga"]
    assert not guessed(raw.notes)
    assert any("language driver" in p.message for p in raw.notes)


@pytest.mark.accepted_case
def test_the_cpg_comes_before_the_language_driver(tmp_path: Path) -> None:
    """A .cpg naming UTF-8 beside a DBF whose language driver says "ANSI": the .cpg wins."""
    raw = atlas.read_layer(shapefile(tmp_path, "utf-8", ldid=0x57, cpg=True))
    assert names(raw) == [NAME, "Ilanga"] and not guessed(raw.notes)


@pytest.mark.accepted_case
def test_an_encoding_given_is_used_as_told(tmp_path: Path) -> None:
    """The user's choice wins over the file's: no note, no warning."""
    path = shapefile(tmp_path, "cp1252")
    raw = atlas.read_layer(path, encoding="cp1252")
    assert names(raw) == [NAME, "Ilanga"] and not guessed(raw.notes)
    frame, report = atlas.load_layer(path, "settlements", encoding="windows-1252")
    assert list(frame["name"]) == [NAME, "Ilanga"] and not guessed(report.problems)


@pytest.mark.accepted_case
def test_the_encoding_helpers() -> None:
    """The pieces: .cpg names, codec names, byte-order marks and zero bytes, an empty DBF."""
    assert cpg_encoding("UTF-8") == "utf-8" and cpg_encoding("ANSI 1252") == "cp1252"
    assert cpg_encoding("nonsense") is None
    assert check_encoding("LATIN-1") == "iso8859-1"
    assert text_encoding(b"plain ascii").encoding == "utf-8"
    assert text_encoding(NAME.encode("utf-16-be")).encoding == "utf-16-be"
    assert dbf_text(b"") == (0, b"")


# -- CSV ---------------------------------------------------------------------------------------


def csv_bytes() -> str:
    return f"settlement_id,name,households,lon,lat\nA,{NAME},10,28.005,-25.995\n"


@pytest.mark.warning_case
def test_a_cp1252_csv_is_read_right_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(csv_bytes().encode("cp1252"))
    raw = atlas.read_layer(path, role="settlements")
    assert names(raw) == [NAME]
    (warning,) = guessed(raw.notes)
    assert "read as cp1252" in warning.message and ".cpg" not in warning.fix


@pytest.mark.accepted_case
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_utf_csvs_are_read_with_their_columns(tmp_path: Path, encoding: str) -> None:
    """UTF-8 and UTF-16 (with a byte-order mark, or without: told by its zero bytes) are read
    as what they are: the columns right (was "ÿþs e r v i c e…"), no warning."""
    path = tmp_path / "s.csv"
    path.write_bytes(csv_bytes().encode(encoding))
    raw = atlas.read_layer(path)
    assert list(raw.frame.columns) == [
        "settlement_id",
        "name",
        "households",
        "lon",
        "lat",
        "geometry",
    ]
    assert names(raw) == [NAME] and not guessed(raw.notes)


# -- the choice on each surface ----------------------------------------------------------------


@pytest.mark.warning_case
def test_the_command_line_warns_and_then_reads_as_told(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shp, taps = shapefile(tmp_path / "shp", "cp1252"), services(tmp_path)
    command = ["gaps", "--settlements", str(shp), "--services", str(taps)]
    assert main(command) == 0
    out = capsys.readouterr()
    assert [r["name"] for r in json.loads(out.out)] == [NAME, "Ilanga"]
    assert "read as cp1252" in out.err and "--encoding settlements=NAME" in out.err
    assert main([*command, "--encoding", "settlements=cp1252"]) == 0
    out = capsys.readouterr()
    assert [r["name"] for r in json.loads(out.out)] == [NAME, "Ilanga"]
    assert "read as cp1252" not in out.err and "Traceback" not in out.err


@pytest.mark.error_case
@pytest.mark.parametrize(
    ("item", "said"),
    [
        ("settlements=klingon", "--encoding settlements=cp1252"),
        ("cp1252", "write --encoding LAYER=VALUE, e.g. --encoding settlements=cp1252"),
        ("towns=cp1252", "write --encoding LAYER=VALUE"),
    ],
)
def test_a_bad_encoding_option_is_refused_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], item: str, said: str
) -> None:
    shp = shapefile(tmp_path, "cp1252")
    assert main(["gaps", "--settlements", str(shp), "--quiet", "--encoding", item]) == 1
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err


@pytest.mark.error_case
def test_the_library_refuses_an_unknown_encoding_or_layer(tmp_path: Path) -> None:
    shp = shapefile(tmp_path, "cp1252")
    with pytest.raises(atlas.SchemaError) as info:
        atlas.load_dataset(shp, encoding={"settlements": "klingon"})
    (problem,) = info.value.problems
    assert problem.code == "encoding.unknown" and problem.params == {"layer": "settlements"}
    assert "'klingon' is not a text encoding" in str(info.value)
    assert "encoding={'settlements': 'cp1252'}" in str(info.value)
    with pytest.raises(atlas.SchemaError, match="'towns'"):
        atlas.load_dataset(shp, encoding={"towns": "cp1252"})


@pytest.mark.warning_case
def test_the_app_names_its_encoding_box_and_carries_the_choice(tmp_path: Path) -> None:
    shp, taps = shapefile(tmp_path / "shp", "cp1252"), services(tmp_path)
    path = str(store_upload(zipped(shp, tmp_path / "s.zip").read_bytes(), "s.zip"))
    taps_path = str(store_upload(taps.read_bytes(), "taps.geojson"))
    detected = check_layer(path, "settlements", (), "cape-town")
    (warning,) = guessed(detected.problems)
    assert "“Encoding” box under the settlements upload" in warning.fix_in(APP)
    assert "--" not in warning.fix_in(APP)
    chosen = check_layer(path, "settlements", (), "cape-town", None, False, "cp1252")
    assert not guessed(chosen.problems)
    upload = LayerUpload("settlements", "s.zip", path, report=chosen, encoding="cp1252")
    points = LayerUpload(
        "services",
        "taps.geojson",
        taps_path,
        report=check_layer(taps_path, "services", (), "cape-town"),
    )
    source = files_source([upload, points], zeros_are_counts=False, municipality_name="")
    assert source is not None and source.encoding == (("settlements", "cp1252"),)
    dataset = dataset_of(source, "cape-town")
    assert list(dataset.settlements["name"]) == [NAME, "Ilanga"]
    assert not guessed([p for r in dataset.reports for p in r.problems])


@pytest.mark.error_case
def test_a_wrong_encoding_chosen_in_the_app_is_told_in_its_words(tmp_path: Path) -> None:
    """UTF-8 forced on a cp1252 CSV cannot decode it: a clear error, no traceback."""
    csv = tmp_path / "s.csv"
    csv.write_bytes((csv_bytes() + "B,X,1,28,-26\n").encode("cp1252"))
    path = str(store_upload(csv.read_bytes(), "s.csv"))
    with pytest.raises(atlas.DataFileError) as info:
        atlas.read_layer(path, encoding="utf-8", role="settlements")
    text = error_text(info.value, "s.csv")
    assert "is not utf-8 text" in text and "/tmp" not in text


@pytest.mark.error_case
@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("utf-8", "Could not read the names in 'settlements.shp' as utf-8 (byte 0x9A"),
        ("utf-16", "a Shapefile's DBF is never utf-16"),
    ],
)
def test_an_encoding_that_cannot_be_the_shapefiles_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], given: str, said: str
) -> None:
    """A choice that cannot decode the DBF, or that no DBF is ever in: said, never a garbled
    table (UTF-16 made every column name unreadable) nor "the file may be corrupt"."""
    shp = shapefile(tmp_path, "cp1252")
    with pytest.raises(atlas.DataFileError) as info:
        atlas.read_layer(shp, encoding=given)
    assert said in str(info.value) and "corrupt" not in str(info.value)
    command = ["gaps", "--settlements", str(shp), "--quiet", "--encoding", f"settlements={given}"]
    assert main(command) == 1
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err


@pytest.mark.accepted_case
def test_an_encoding_given_for_a_geojson_is_said_to_be_unused(tmp_path: Path) -> None:
    """GeoJSON is UTF-8 by definition: the names are read right, and a note says the choice
    was not used (rather than ignoring it silently)."""
    path = tmp_path / "s.geojson"
    settlements().to_file(path)
    raw = atlas.read_layer(path, encoding="cp1252")
    assert names(raw) == [NAME, "Ilanga"]
    assert any("The encoding given (cp1252) is not used" in p.message for p in raw.notes)


@pytest.mark.accepted_case
def test_atlas_serve_hands_the_app_the_encoding_and_the_layer_it_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``atlas serve --encoding … --file-layer …`` checks the files so, and the app then reads
    them the same way (it used to read them without either: a wrong name, or no layer)."""
    from atlas.registry import SERVE_ENV
    from pages.state.sources import served_source

    shp = shapefile(tmp_path / "shp", "cp437", name="Mé")  # cp1252 (the guess) reads "M‚"
    taps = gpd.read_file(services(tmp_path))
    gpkg = tmp_path / "taps.gpkg"
    taps.to_file(gpkg, layer="old")
    taps.to_file(gpkg, layer="taps_2024")
    started: dict[str, str] = {}

    class Started(BaseException):  # not caught by the command's own boundary
        """Where the command would have become the Streamlit server."""

    def execve(_: str, __: list[str], env: dict[str, str]) -> None:
        started.update(env)
        raise Started

    monkeypatch.setattr("os.execve", execve)
    monkeypatch.chdir(tmp_path)  # serve moves to the app's folder before it becomes the server
    args = ["serve", "--settlements", str(shp), "--services", str(gpkg)]
    args += ["--map", "settlements.settlement_id=code", "--map", "settlements.households=HHs"]
    args += ["--encoding", "settlements=cp437", "--file-layer", "services=taps_2024"]
    args += ["--db", f"sqlite:///{tmp_path / 'atlas.sqlite'}"]
    with pytest.raises(Started):
        main(args)
    monkeypatch.setenv(SERVE_ENV, started[SERVE_ENV])
    source = served_source()
    assert source is not None
    assert source.encoding == (("settlements", "cp437"),)
    assert source.layers == (("services", "taps_2024"),)
    dataset = dataset_of(source, "cape-town")
    assert sorted(dataset.settlements["name"]) == ["Ilanga", "Mé"]
    assert list(dataset.services["service_id"]) == ["T1"]


@pytest.mark.warning_case
def test_atlas_validate_guesses_and_takes_encoding_in_either_form(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``atlas validate`` names the guess, and takes ``--encoding NAME`` or the other
    commands' ``--encoding LAYER=NAME`` (a layer that is not the one validated is refused)."""
    shp = shapefile(tmp_path / "shp", "cp437", name="Mé")
    base = ["validate", str(shp), "--layer", "settlements"]
    base += ["--map", "settlements.settlement_id=code", "--map", "settlements.households=HHs"]
    assert main(base) == 0
    guessed_out = capsys.readouterr().out
    assert "cp1252" in guessed_out and "--encoding settlements=" in guessed_out
    for given in ("cp437", "settlements=cp437"):
        assert main([*base, "--encoding", given]) == 0
        assert "cp1252" not in capsys.readouterr().out
    assert main([*base, "--encoding", "wards=cp437"]) != 0
    err = capsys.readouterr().err
    assert "names the layer 'wards', but this is the settlements layer" in err
    assert "Traceback" not in err
