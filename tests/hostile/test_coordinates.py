"""Coordinates in CSV columns as people type them (issue #19).

Decimal-comma ('28,1') and degrees-minutes-seconds (``26°10'30"S``, ``28 10 30 E``,
``S26°10.5'``) coordinates used to become empty geometries, every point dropped behind one
generic warning. Now they are read, with a warning per column saying exactly what was read and
in which rows; a coordinate that cannot be read (``28.1.2``, ``nan``, ``inf``, a latitude's
hemisphere in the longitude column) leaves its row out, named with the value and why.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

import atlas
from atlas.cli import main
from pages.state.messages import report_text
from pages.state.uploads import check_layer, store_upload

#: 26°10'30"S, 28°10'30"E in decimal degrees, by hand: 26 + 10/60 + 30/3600 = 26.175.
LON, LAT = 28.175, -26.175
MAPPING = {"service_id": "id"}


def services_csv(path: Path, rows: list[tuple[str, str]], header: str = "lon,lat") -> Path:
    """Working taps T1, T2… at the coordinates ``rows`` (written as typed, quoted)."""
    lines = [f"id,category,status,{header}"]
    lines += [f"T{i + 1},water,working,{quoted(x)},{quoted(y)}" for i, (x, y) in enumerate(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def settlement_at(tmp_path: Path) -> Path:
    """One settlement, a 0.01° square around (28.175, -26.175)."""
    path = tmp_path / "homes.geojson"
    gpd.GeoDataFrame(
        {"settlement_id": ["S1"], "households": [100]},
        geometry=[box(LON - 0.005, LAT - 0.005, LON + 0.005, LAT + 0.005)],
        crs=4326,
    ).to_file(path, driver="GeoJSON")
    return path


def notes(report: atlas.Report) -> list[atlas.Problem]:
    return [p for p in report.problems if p.code == "coordinates.convention"]


def gaps(
    settlements: Path, services: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[dict[str, object], str]:
    """``atlas gaps --format json``: the settlement's record and stderr (exit 0, no traceback)."""
    args = ["gaps", "--settlements", str(settlements), "--services", str(services)]
    assert main([*args, "--map", "services.service_id=id", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    (record,) = json.loads(captured.out)
    return record, captured.err


@pytest.mark.warning_case
@pytest.mark.parametrize(
    ("x", "y", "shown"),
    [
        ("28,175", "-26,175", "with a decimal comma ('28,175' = 28.175)"),
        ("28°10'30\"E", "26°10'30\"S", "as degrees, minutes and seconds ('28°10'30\"E' = 28.175"),
        ("28 10 30 E", "26 10 30 S", "as degrees, minutes and seconds ('28 10 30 E' = 28.175"),
        ("E28°10.5'", "S26°10.5'", "as degrees, minutes and seconds ('E28°10.5'' = 28.175"),
        ("28°10′30″E", "26°10′30″S", "as degrees, minutes and seconds"),
        ("28.175E", "26.175S", "as degrees, minutes and seconds ('28.175E' = 28.175"),
    ],
)
def test_typed_coordinates_are_read_and_said_on_every_surface(
    x: str, y: str, shown: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both taps land at (28.175, -26.175), the hemisphere letter giving the sign; one warning
    per column names it, the convention and the rows; the tap counts in the gaps."""
    path = services_csv(tmp_path / "taps.csv", [(x, y), ("28.175", "-26.175")])
    frame, report = atlas.load_layer(path, "services", mapping=MAPPING)
    assert report.ok and len(frame) == 2
    assert frame.geometry.x.round(9).tolist() == [LON, LON]
    assert frame.geometry.y.round(9).tolist() == [LAT, LAT]
    lon_note, lat_note = notes(report)
    assert (lon_note.column, lat_note.column) == ("lon", "lat")
    assert lon_note.severity == "warning" and lon_note.rows == (1,) and lat_note.rows == (1,)
    assert lon_note.message.startswith(f"Coordinates in lon read {shown}")
    record, err = gaps(settlement_at(tmp_path), path, capsys)
    assert record["water_working"] == 2
    assert "Coordinates in lon read" in err and "run atlas again" in err
    app = check_layer(
        str(store_upload(path.read_bytes(), "taps.csv")),
        "services",
        ("services.service_id=id",),
        "cape-town",
    )
    assert app.ok and "Coordinates in lat read" in report_text(app)
    assert "upload it again on the Data page" in report_text(app)


@pytest.mark.warning_case
@pytest.mark.parametrize(
    ("x", "y", "why"),
    [
        ("nan", "-26.175", "its longitude 'nan' is not a finite number"),
        ("28.175", "inf", "its latitude 'inf' is not a finite number"),
        (
            "-inf",
            "NaN",
            "its longitude '-inf' is not a finite number and its latitude 'NaN' is not",
        ),
        ("28.1.2", "-26.175", "its longitude '28.1.2' is not a coordinate"),
        ("28°10'30\"E", "26°70'S", "its latitude '26°70'S' has minutes or seconds of 60 or more"),
        ("26°10'30\"S", "28°10'30\"E", "its longitude '26°10'30\"S' has the latitude hemisphere"),
    ],
)
def test_a_coordinate_that_cannot_be_read_leaves_its_row_out_by_name(
    x: str, y: str, why: str, tmp_path: Path
) -> None:
    """The row is left out, named with its id, its value and why; the other rows are kept."""
    path = services_csv(tmp_path / "taps.csv", [("28.175", "-26.175"), (x, y)])
    frame, report = atlas.load_layer(path, "services", mapping=MAPPING)
    assert report.ok and frame["service_id"].tolist() == ["T1"]
    (left_out,) = [p for p in report.warnings if "left out" in p.message]
    assert left_out.rows == (2,)
    assert "T2" in left_out.message and why in left_out.message
    assert "no geometry could be built" in left_out.message


@pytest.mark.warning_case
def test_a_column_of_decimal_commas_no_longer_drops_every_point(tmp_path: Path) -> None:
    """Was: every point dropped, one generic warning. Now all kept, one warning per column
    naming every row."""
    rows = [(f"28,{100 + i}", f"-26,{100 + i}") for i in range(12)]
    path = services_csv(tmp_path / "taps.csv", rows)
    frame, report = atlas.load_layer(path, "services", mapping=MAPPING)
    assert report.ok and len(frame) == 12
    assert frame.geometry.x.round(9).tolist() == [float(f"28.{100 + i}") for i in range(12)]
    lon_note, lat_note = notes(report)
    assert lon_note.rows == tuple(range(1, 13)) and lat_note.rows == tuple(range(1, 13))
    assert "(and 4 more)" in lon_note.format()


@pytest.mark.warning_case
def test_projected_x_y_columns_follow_one_number_convention(tmp_path: Path) -> None:
    """x/y may be metres: '585 500' is 585500 (a space as thousands separator), said."""
    path = services_csv(
        tmp_path / "taps.csv", [("585 500", "7 110 500"), ("585600", "7110600")], header="x,y"
    )
    frame, report = atlas.load_layer(path, "services", mapping=MAPPING, crs="EPSG:32735")
    assert report.ok and len(frame) == 2
    x_note, y_note = notes(report)
    assert x_note.message == (
        "Coordinates in x read with a space as thousands separator ('585 500' = 585500)."
    )
    assert x_note.rows == (1,) and y_note.rows == (1,)
    assert 27.8 < frame.geometry.x.iloc[0] < 27.9 and -26.2 < frame.geometry.y.iloc[0] < -26.0


@pytest.mark.accepted_case
def test_plain_decimal_degrees_need_no_note(tmp_path: Path) -> None:
    """Decimal degrees with a point are read as written: nothing to say about them."""
    path = services_csv(tmp_path / "taps.csv", [("28.175", "-26.175"), ("28.1", "-26")])
    frame, report = atlas.load_layer(path, "services", mapping=MAPPING)
    assert report.ok and len(frame) == 2 and notes(report) == []
