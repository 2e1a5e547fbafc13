"""Layers that do not meet (issue #19): the atlas says so with the likely cause and refuses to
present the gaps as facts unless told to go on (``allow_apart=True``, ``--allow-apart``, the
app's “Show the gaps anyway”).

Every hostile file is the embedded sample with one layer moved: the sample's 800 service points
lie in or near its 30 settlements (28.27°E to 28.41°E, 26.16°S to 26.03°S) and its 25 wards
cover them all, so each answer is known by hand: a moved layer meets nothing.
"""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from pyproj import CRS
from streamlit.testing.v1 import AppTest

import atlas
from atlas.cli import EXIT_DATA, build_parser, main
from atlas.cli.inputs import apart_notes
from atlas.cli.wording import CLI
from atlas.errors import LayersApartError, ValidationError
from atlas.i18n import format_number, round_half_up
from atlas.measure.overlap import layers_apart
from atlas.measure.standards import parse_standard
from atlas.registry import sample_files
from pages.state import keys
from pages.state.choices import Source
from pages.state.messages import error_text
from pages.state.uploads import check_layer, files_source, store_upload
from pages.state.wording import APP, SHOW_APART
from tests.app.test_app import APP as APP_FILE
from tests.conftest import real_path

STANDARD = atlas.load_standard("cape-town")
SAMPLE = sample_files()
#: A degree of longitude at the sample's latitude, in km (for the distances said).
KM_PER_DEGREE = 111.32 * math.cos(math.radians(26.1))


def moved(path: Path | str, tmp_path: Path, name: str, how: str, *args: float) -> Path:
    """The sample layer at ``path`` with its geometries moved (``swap`` or ``translate``)."""
    frame = gpd.read_file(path)
    geoms = frame.geometry.to_numpy()
    if how == "swap":
        frame = frame.set_geometry(shapely.transform(geoms, lambda xy: xy[:, ::-1]), crs=4326)
    else:
        frame = frame.set_geometry(frame.geometry.translate(*args))
    out = tmp_path / name
    frame.to_file(out, driver="GeoJSON")
    return out


@pytest.fixture
def swapped(tmp_path: Path) -> Path:
    """The sample's service points with longitude and latitude swapped in every row."""
    return moved(SAMPLE.services, tmp_path, "swapped.geojson", "swap")


@pytest.fixture
def far_services(tmp_path: Path) -> Path:
    """The sample's service points 5° (about 500 km) east."""
    return moved(SAMPLE.services, tmp_path, "far.geojson", "translate", 5.0, 0.0)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err


def data(settlements: Path | str, services: Path | str, wards: Path | str | None = None) -> list:
    files = ["--settlements", str(settlements), "--services", str(services)]
    return files + (["--wards", str(wards)] if wards else [])


# -- the library ------------------------------------------------------------------------------


@pytest.mark.error_case
def test_swapped_service_points_are_refused_with_the_swap_named(swapped: Path) -> None:
    dataset = atlas.load_dataset(SAMPLE.settlements, swapped, SAMPLE.wards)
    # Every row swapped: the layer is consistent with itself, so loading keeps it whole.
    assert len(dataset.services) == 800
    with pytest.raises(LayersApartError) as raised:
        atlas.compute_gaps(dataset, STANDARD)
    (problem,) = raised.value.problems
    assert isinstance(raised.value, ValueError)
    assert problem.code == "layers.swapped"
    assert problem.params["apart"] == "services" and problem.params["near"] == 0
    assert "None of the 800 service points lie within 200 m of a settlement" in problem.message
    assert "longitude and latitude are swapped" in problem.message
    # Both extents named: the points sit where their latitudes would be longitudes.
    assert "26.16°W to 26.02°W, 28.26°N to 28.41°N" in problem.message
    assert "28.27°E to 28.41°E, 26.16°S to 26.03°S" in problem.message
    assert "allow_apart=True" in str(raised.value)


@pytest.mark.error_case
def test_swapped_settlements_are_refused_with_the_swap_named(tmp_path: Path) -> None:
    swapped = moved(SAMPLE.settlements, tmp_path, "homes.geojson", "swap")
    dataset = atlas.load_dataset(swapped, SAMPLE.services)
    (apart,) = layers_apart(dataset, STANDARD)
    assert (apart.layer, apart.cause, apart.near) == ("services", "swapped", 0)
    message = apart.problem().message
    assert "one of the two files has its coordinates the wrong way round" in message
    assert "the settlements within 26.16°W to 26.03°W, 28.27°N to 28.41°N" in message


@pytest.mark.error_case
def test_service_points_500_km_away_name_the_distance_and_both_extents(
    far_services: Path,
) -> None:
    dataset = atlas.load_dataset(SAMPLE.settlements, far_services)
    (apart,) = layers_apart(dataset, STANDARD)
    assert (apart.layer, apart.cause, apart.near, apart.total) == ("services", "file", 0, 800)
    # The extents' nearest sides: 28.405°E (settlements) and 28.257 + 5 = 33.257°E (points).
    by_hand = (33.257156 - 28.40518) * KM_PER_DEGREE
    assert apart.distance_km == pytest.approx(by_hand, rel=0.01)
    problem = apart.problem()
    assert problem.code == "layers.apart"
    assert f"about {format_number(round_half_up(apart.distance_km))} km apart" in problem.message
    assert "33.26°E to 33.41°E, 26.16°S to 26.02°S" in problem.message
    assert "of another place" in problem.message


@pytest.mark.error_case
def test_settlements_in_the_ocean_miss_the_points_and_the_wards(tmp_path: Path) -> None:
    ocean = moved(SAMPLE.settlements, tmp_path, "ocean.geojson", "translate", -20.0, -10.0)
    dataset = atlas.load_dataset(ocean, SAMPLE.services, SAMPLE.wards)
    with pytest.raises(LayersApartError) as raised:
        atlas.compute_gaps(dataset, STANDARD)
    codes = [(p.code, p.params["apart"]) for p in raised.value.problems]
    assert codes == [("layers.apart", "services"), ("layers.apart", "wards")]
    services, wards = raised.value.problems
    assert "8.27°E to 8.41°E, 36.16°S to 36.03°S" in services.message  # the settlements
    assert "None of the 30 settlements lie in one of the wards" in wards.message
    assert int(services.params["distance_km"]) > 1500


@pytest.mark.error_case
def test_wards_of_another_municipality_are_refused(tmp_path: Path) -> None:
    elsewhere = moved(SAMPLE.wards, tmp_path, "wards.geojson", "translate", 1.5, 0.5)
    dataset = atlas.load_dataset(SAMPLE.settlements, SAMPLE.services, elsewhere)
    (apart,) = layers_apart(dataset, STANDARD)
    assert (apart.layer, apart.near, apart.total, apart.cause) == ("wards", 0, 30, "file")
    assert 100 < apart.distance_km < 200  # 1.5° east, 0.5° north of the settlements
    assert "the wards and the settlements do not meet" in apart.problem().message


@pytest.mark.error_case
@pytest.mark.parametrize(
    ("written", "declared"),
    [
        (32735, 32734),  # UTM 35S numbers in a file that says 34S (a neighbour's .prj)
        (2053, 32735),  # South African Lo29 numbers (Hartebeesthoek94) said to be UTM 35S
        (4326, 32735),  # degrees said to be metres
    ],
    ids=["utm-zone", "lo29", "degrees-as-metres"],
)
def test_a_wrong_crs_names_the_crs_the_numbers_fit(
    written: int, declared: int, tmp_path: Path
) -> None:
    frame = gpd.read_file(SAMPLE.services).to_crs(written).set_crs(declared, allow_override=True)
    path = tmp_path / "taps.gpkg"
    frame.to_file(path)
    dataset = atlas.load_dataset(SAMPLE.settlements, path)
    with pytest.raises(LayersApartError) as raised:
        atlas.compute_gaps(dataset, STANDARD)
    (problem,) = raised.value.problems
    fits = f"EPSG:{written}"
    assert problem.code == "layers.other_crs"
    assert problem.params["layer"] == "services" and problem.params["crs"] == fits
    name = CRS.from_epsg(written).name
    assert f"read in {fits} ({name}) instead of EPSG:{declared}" in problem.message
    assert f"crs={{'services': '{fits}'}}" in problem.fix
    assert "--crs services=EPSG:XXXX" in problem.fix_in(CLI)


@pytest.mark.error_case
def test_points_in_metres_declared_as_degrees_are_refused_when_read(tmp_path: Path) -> None:
    """Metres read as longitude/latitude are impossible coordinates: the loader refuses the
    layer (``crs.wrong``) before any gap is measured."""
    metres = gpd.read_file(SAMPLE.services).to_crs(32735)
    table = metres.drop(columns="geometry").assign(lon=metres.geometry.x, lat=metres.geometry.y)
    path = tmp_path / "taps_metres.csv"
    table.to_csv(path, index=False)
    with pytest.raises(ValidationError) as raised:
        atlas.load_dataset(SAMPLE.settlements, path)
    assert "crs.wrong" in [p.code for p in raised.value.problems]
    assert "impossible for the layer's CRS (EPSG:4326)" in str(raised.value)


@pytest.mark.accepted_case
def test_the_sample_meets() -> None:
    """The sample's layers meet: no finding, no refusal, nothing in the result."""
    dataset = atlas.load_sample()
    assert layers_apart(dataset, STANDARD) == ()
    result = atlas.compute_gaps(dataset, STANDARD)
    assert result.apart == ()
    assert not [p for p in result.problems if p.code.startswith("layers.")]


@pytest.mark.real
@pytest.mark.accepted_case
def test_cape_towns_real_settlements_and_wards_meet(tmp_path: Path) -> None:
    """The real Cape Town settlements (326) and wards, with one tap: no false alarm."""
    informal = real_path("capetown_informal_settlements_iandurbach", "informal.shp")
    wards = real_path("capetown_wards2011_code4sa", "wards.shp")
    raw = gpd.read_file(informal).to_crs(4326)
    tap = gpd.GeoDataFrame(
        {"service_id": ["t1"], "category": ["water"], "status": ["working"]},
        geometry=[raw.geometry.iloc[0].representative_point()],
        crs=4326,
    )
    tap.to_file(tmp_path / "tap.geojson")
    dataset = atlas.load_dataset(
        informal,
        tmp_path / "tap.geojson",
        wards,
        mapping={"settlements": {"settlement_id": "Inf_Sttlmn", "name": "InformalSe"}},
    )
    assert layers_apart(dataset, STANDARD) == ()
    assert atlas.compute_gaps(dataset, STANDARD).apart == ()


@pytest.mark.real
@pytest.mark.accepted_case
def test_the_countrys_clinics_with_cape_towns_settlements_meet() -> None:
    """South Africa's 2,653 located clinics and Cape Town's settlements: almost every clinic
    is far from these settlements, but the settlements lie among the clinics (a province's or
    a country's points are not the wrong file)."""
    informal = real_path("capetown_informal_settlements_iandurbach", "informal.shp")
    clinics = real_path("za_clinics_code4sa_hospitalreporter", "clinics_za_2014_nopersonal.csv")
    health = parse_standard(
        {
            "name": "Clinic access (test)",
            "source": "hand-made",
            "household_size": 3.3,
            "categories": {"health": {"unit": "people", "max_distance_m": 5000}},
        },
        "health.toml",
    )
    dataset = atlas.load_dataset(
        informal,
        clinics,
        mapping={
            "settlements": {"settlement_id": "Inf_Sttlmn", "name": "InformalSe"},
            "services": {
                "category": atlas.Constant("health"),
                "status": atlas.Constant("working"),
            },
        },
        categories=list(health.categories),
    )
    assert len(dataset.services) == 2653
    assert layers_apart(dataset, health) == ()


# -- the command line -------------------------------------------------------------------------


@pytest.mark.error_case
def test_cli_gaps_refuses_swapped_points_and_names_the_flag(
    swapped: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = cli(capsys, "gaps", *data(SAMPLE.settlements, swapped), "--quiet")
    assert status == EXIT_DATA == 1
    assert out == ""  # no table
    assert "atlas: error: None of the 800 service points lie within 200 m" in err
    assert "longitude and latitude are swapped" in err
    assert "Swap the two coordinate columns" in err
    assert "If these are the right files, run again with --allow-apart." in err
    assert "allow_apart=True" not in err


@pytest.mark.warning_case
def test_cli_allow_apart_goes_on_with_a_warning(
    swapped: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    status, out, err = cli(
        capsys, "gaps", *data(SAMPLE.settlements, swapped), "--quiet", "--allow-apart"
    )
    assert status == 0
    records = json.loads(out)
    assert len(records) == 30
    # What the gaps are when nothing meets: no point counted anywhere, so the gap is the need.
    assert all(r["water_working"] == 0 for r in records)
    assert all(r["water_gap"] == r["water_needed"] for r in records)
    assert "gaps: warning: The service points and the settlements do not meet" in err
    assert "0 of the 800 service points lie within 200 m of a settlement" in err
    assert "refuse them without --allow-apart" in err


@pytest.mark.warning_case
def test_an_export_measured_anyway_says_so_in_its_metadata(
    swapped: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The GeoJSON's metadata record carries the sentence saying the layers do not meet, so a
    researcher opening it in QGIS later learns what the exit-0 run printed."""
    import json

    from atlas.exports.provenance import METADATA_KEY

    out = tmp_path / "out" / "gaps.geojson"
    args = ["export", *data(SAMPLE.settlements, swapped), "--format", "geojson"]
    status, _, _ = cli(capsys, *args, "--output", str(out), "--allow-apart")
    assert status == 0
    settlements = out.with_name("gaps_settlements.geojson")
    record = json.loads(settlements.read_text(encoding="utf-8"))[METADATA_KEY]
    assert len(record["layers_apart"]) == 1
    assert record["layers_apart"][0].startswith("None of the 800 service points lie within 200 m")


@pytest.mark.error_case
@pytest.mark.parametrize(
    "command",
    [
        ["export", "--format", "geojson", "--output", "OUT/x.geojson"],
        ["report", "--cluster", "Kgotso South Cluster", "--output", "OUT/r.pdf"],
        ["poster", "--cluster", "Kgotso South Cluster", "--output", "OUT/p.pdf"],
        [
            "pack",
            "--cluster",
            "Kgotso South Cluster",
            "--to",
            "idp_office",
            "--output",
            "OUT/k.pdf",
        ],
    ],
    ids=lambda c: c[0],
)
def test_every_command_that_presents_gaps_refuses(
    command: list[str], far_services: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [a.replace("OUT", str(tmp_path)) for a in command]
    status, _, err = cli(capsys, *argv, *data(SAMPLE.settlements, far_services), "--quiet")
    assert status == EXIT_DATA
    assert "do not meet" in err and "km apart" in err
    assert "run again with --allow-apart" in err
    assert not list(tmp_path.glob("[xrpk].*"))  # nothing written


@pytest.mark.accepted_case
def test_every_command_that_presents_gaps_has_the_flag() -> None:
    """``--allow-apart`` is an option of each command that measures and presents gaps."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in ("gaps", "export", "report", "poster", "pack", "history"):
        options = {o for a in sub.choices[name]._actions for o in a.option_strings}
        assert "--allow-apart" in options, name


@pytest.mark.warning_case
def test_printed_pages_say_the_layers_do_not_meet(swapped: Path) -> None:
    """A report, wall map or pack made with --allow-apart carries the note in its sources."""
    dataset = atlas.load_dataset(SAMPLE.settlements, swapped)
    result = atlas.compute_gaps(dataset, STANDARD, allow_apart=True)
    assert [p.code for p in result.apart] == ["layers.swapped"]
    (note,) = apart_notes(result)
    assert note == (
        "The service points and the settlements do not meet (0 of the 800 service points lie "
        "within 200 m of a settlement): these gaps were measured anyway and are not facts "
        "until the files are checked."
    )
    assert apart_notes(atlas.compute_gaps(atlas.load_sample(), STANDARD)) == []


# -- the app ----------------------------------------------------------------------------------


def uploaded_source(settlements: Path | str, services: Path) -> Source:
    """The files as the Data page stores, checks and combines them."""
    from pages.state.uploads import LayerUpload

    uploads = []
    for layer, path in (("settlements", settlements), ("services", services)):
        name = Path(path).name
        kept = str(store_upload(Path(path).read_bytes(), name))
        report = check_layer(kept, layer, (), "cape-town")
        uploads.append(LayerUpload(layer, name, kept, (), report=report))
    source = files_source(uploads, zeros_are_counts=False, municipality_name="")
    assert source is not None
    return source


def page(path: str, source: Source) -> AppTest:
    at = AppTest.from_file(APP_FILE, default_timeout=60)
    at.session_state["source"] = source
    at.session_state["uploaded"] = source
    at.switch_page(path)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.error_case
def test_the_app_refuses_the_gaps_and_offers_to_show_them_anyway(swapped: Path) -> None:
    source = uploaded_source(SAMPLE.settlements, swapped)
    at = page("pages/clusters.py", source)
    (error,) = at.error
    assert "The gaps are not shown: the layers do not meet." in error.value
    assert "longitude and latitude are swapped" in error.value
    assert f"tick “{SHOW_APART}”" in error.value
    assert "--allow-apart" not in error.value and "allow_apart" not in error.value
    assert [c.label for c in at.checkbox] == [SHOW_APART]
    assert not at.dataframe  # no gap table
    at.checkbox(key=keys.SHOW_APART).check().run()
    assert not at.exception and not at.error
    assert any("do not meet" in w.value and SHOW_APART in w.value for w in at.warning)
    settlements = at.dataframe[1].value
    assert len(settlements) == 30


@pytest.mark.error_case
@pytest.mark.parametrize("path", ["pages/map.py", "pages/settlement.py"])
def test_the_map_and_the_profile_refuse_too(path: str, far_services: Path) -> None:
    at = page(path, uploaded_source(SAMPLE.settlements, far_services))
    assert any("km apart" in e.value for e in at.error)
    assert [c.label for c in at.checkbox] == [SHOW_APART]


@pytest.mark.error_case
def test_the_app_words_the_refusal_for_the_browser(far_services: Path) -> None:
    dataset = atlas.load_dataset(SAMPLE.settlements, far_services)
    with pytest.raises(LayersApartError) as raised:
        atlas.compute_gaps(dataset, STANDARD)
    text = error_text(raised.value)
    assert "Check on the Data page that the files are of the same place." in text
    assert SHOW_APART in text and "--" not in text
    assert raised.value.problems[0].fix_in(APP) == APP["layers.apart"]
