"""Broken geometry (issue #19): unclosed rings, polygons of one or two positions, NaN, infinite
and huge coordinates, empty geometries, a bow-tie, points with NaN. Each is repaired with a
warning naming the feature, or left out with a warning naming it, or (when nothing is left)
refused; never an exception from shapely, GEOS or pyogrio. Run through the library
(``atlas.load_layer``), the command line (``atlas gaps --settlements``) and the app's upload
path (``store_upload``, ``check_layer``).
"""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path
from typing import Any

import pytest
import shapely

import atlas
from atlas.cli import main
from layers.text import markdown_text as md
from pages.state.messages import report_text
from pages.state.uploads import check_layer, store_upload

#: Alpha, the good settlement every file starts with: a 0.01° square.
ALPHA = [[28.0, -26.0], [28.01, -26.0], [28.01, -25.99], [28.0, -25.99], [28.0, -26.0]]
#: Beta's square, closed.
BETA = [[28.1, -26.0], [28.11, -26.0], [28.11, -25.99], [28.1, -25.99], [28.1, -26.0]]
NAN, INF = float("nan"), float("inf")

#: Beta's geometry as each hostile GeoJSON writes it (Python's json writes NaN and Infinity).
BROKEN: dict[str, Any] = {
    "unclosed": {"type": "Polygon", "coordinates": [BETA[:-1]]},
    "one_vertex": {"type": "Polygon", "coordinates": [[[28.1, -26.0]]]},
    "two_vertices": {"type": "Polygon", "coordinates": [[[28.1, -26.0], [28.11, -26.0]]]},
    "nan": {"type": "Polygon", "coordinates": [[BETA[0], [NAN, -26.0], BETA[2], BETA[0]]]},
    "infinity": {"type": "Polygon", "coordinates": [[BETA[0], [INF, -26.0], BETA[2], BETA[0]]]},
    "huge": {"type": "Polygon", "coordinates": [[BETA[0], [1e308, -26.0], BETA[2], BETA[0]]]},
    "empty": {"type": "Polygon", "coordinates": []},
    "bow_tie": {
        "type": "Polygon",
        "coordinates": [[[28.1, -26.0], [28.11, -25.99], [28.11, -26.0], [28.1, -25.99], BETA[0]]],
    },
    "collinear": {
        "type": "Polygon",
        "coordinates": [[[28.1, -26.0], [28.105, -26.0], [28.11, -26.0], [28.1, -26.0]]],
    },
}


def geojson(path: Path, beta: Any, *, layer: str = "settlements") -> Path:
    """Alpha and Beta (Beta's geometry given), each with its own count of taps."""
    features = [
        {
            "type": "Feature",
            "properties": {"id": fid, "name": name, "households": 10, "water_working": 1},
            "geometry": geometry,
        }
        for fid, name, geometry in (
            ("A", "Alpha", {"type": "Polygon", "coordinates": [ALPHA]}),
            ("B", "Beta", beta),
        )
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def wkt_csv(path: Path, beta: str) -> Path:
    alpha = "POLYGON ((28 -26, 28.01 -26, 28.01 -25.99, 28 -25.99, 28 -26))"
    path.write_text(
        f'id,name,households,water_working,wkt\nA,Alpha,10,1,"{alpha}"\nB,Beta,10,1,"{beta}"\n'
    )
    return path


def warning_about(report: atlas.Report, words: str) -> atlas.Problem:
    (found,) = [p for p in report.warnings if words in p.message]
    return found


def kept_ids(frame: Any) -> list[str]:
    return frame["settlement_id"].tolist()


# -- repaired and kept ------------------------------------------------------------------------


@pytest.mark.warning_case
@pytest.mark.parametrize("kind", ["geojson", "wkt"])
def test_an_unclosed_ring_is_closed_and_said(tmp_path: Path, kind: str) -> None:
    path = (
        geojson(tmp_path / "s.geojson", BROKEN["unclosed"])
        if kind == "geojson"
        else wkt_csv(
            tmp_path / "s.csv", "POLYGON ((28.1 -26, 28.11 -26, 28.11 -25.99, 28.1 -25.99))"
        )
    )
    frame, report = atlas.load_layer(path, "settlements")
    assert report.ok and kept_ids(frame) == ["A", "B"]
    # Closed by repeating its first position: Beta's whole square, 0.0001 square degrees.
    assert frame.geometry.iloc[1].equals(shapely.Polygon(BETA))
    assert frame.geometry.iloc[1].area == pytest.approx(1e-4)
    assert bool(frame["geometry_repaired"].iloc[1]) and not frame["geometry_repaired"].iloc[0]
    warning = warning_about(report, "not closed")
    assert warning.rows == (2,) and warning.values == ("Beta (B)",)
    assert "closed by repeating the first position" in warning.message
    # GDAL's advice (a configuration option) never reaches the user.
    assert not any("OGR_GEOMETRY" in p.message for p in report.problems)


@pytest.mark.warning_case
def test_an_unclosed_ring_in_geoparquet_is_closed_and_said(tmp_path: Path) -> None:
    """GeoParquet holds WKB, which can spell a ring GEOS refuses to build."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def polygon_wkb(ring: list[list[float]]) -> bytes:
        head = struct.pack("<BII", 1, 3, 1) + struct.pack("<I", len(ring))
        return head + b"".join(struct.pack("<dd", x, y) for x, y in ring)

    geo = {
        "version": "1.0.0",
        "primary_column": "geometry",
        "columns": {"geometry": {"encoding": "WKB", "geometry_types": ["Polygon"]}},
    }
    table = pa.table(
        {
            "id": ["A", "B"],
            "name": ["Alpha", "Beta"],
            "geometry": [polygon_wkb(ALPHA), polygon_wkb(BETA[:-1])],
        }
    ).replace_schema_metadata({"geo": json.dumps(geo)})
    pq.write_table(table, tmp_path / "s.parquet")
    frame, report = atlas.load_layer(tmp_path / "s.parquet", "settlements")
    assert report.ok and kept_ids(frame) == ["A", "B"] and frame.crs.to_epsg() == 4326
    assert frame.geometry.iloc[1].equals(shapely.Polygon(BETA))
    assert warning_about(report, "not closed").values == ("Beta (B)",)


@pytest.mark.warning_case
def test_a_bow_tie_is_repaired_into_its_two_triangles(tmp_path: Path) -> None:
    frame, report = atlas.load_layer(
        geojson(tmp_path / "s.geojson", BROKEN["bow_tie"]), "settlements"
    )
    assert report.ok and kept_ids(frame) == ["A", "B"]
    beta = frame.geometry.iloc[1]
    # Two triangles of base 0.01 and height 0.005: 2 × 0.000025.
    assert beta.geom_type == "MultiPolygon" and len(beta.geoms) == 2
    assert beta.area == pytest.approx(5e-5)
    warning = warning_about(report, "repaired with make_valid")
    assert warning.values == ("Beta (B)",) and "Self-intersection" in warning.message
    assert "28.10500, -25.99500" in warning.message  # where the lines cross


# -- left out, by name -------------------------------------------------------------------------


@pytest.mark.warning_case
@pytest.mark.parametrize(
    ("beta", "why"),
    [
        ("one_vertex", "a ring has a single position; no geometry could be built"),
        ("two_vertices", "no area is left"),
        ("collinear", "no area is left"),
        ("nan", "coordinates that are not numbers (NaN) or infinite"),
        ("infinity", "coordinates that are not numbers (NaN) or infinite"),
    ],
)
def test_a_polygon_that_cannot_be_a_place_is_left_out_by_name(
    tmp_path: Path, beta: str, why: str
) -> None:
    frame, report = atlas.load_layer(geojson(tmp_path / "s.geojson", BROKEN[beta]), "settlements")
    assert report.ok and kept_ids(frame) == ["A"]
    warning = warning_about(report, "left out of the analysis")
    assert warning.rows == (2,) and warning.values == ("Beta (B)",)
    assert "left out of the analysis: Beta (B): " in warning.message and why in warning.message
    # shapely's own complaints are not passed on as if they were the file's.
    assert not any("invalid value encountered" in p.message for p in report.problems)


@pytest.mark.warning_case
@pytest.mark.parametrize(
    ("wkt", "why"),
    [
        ("POLYGON ((28.1 -26))", "a ring has a single position"),
        ("POLYGON ((28.1 -26, 28.11 -26, 28.1 -26))", "no area is left"),
        ("POLYGON ((28.1 -26, nan -26, 28.11 -25.99, 28.1 -26))", "not numbers (NaN) or infinite"),
        ("POLYGON ((28.1 -26, 28", "its text is not a WKT geometry"),
    ],
)
def test_a_wkt_polygon_that_cannot_be_a_place_is_left_out_by_name(
    tmp_path: Path, wkt: str, why: str
) -> None:
    frame, report = atlas.load_layer(wkt_csv(tmp_path / "s.csv", wkt), "settlements")
    assert report.ok and kept_ids(frame) == ["A"]
    warning = warning_about(report, "left out of the analysis")
    assert warning.rows == (2,) and warning.values == ("Beta (B)",) and why in warning.message


@pytest.mark.warning_case
def test_huge_coordinates_are_out_of_range_and_left_out(tmp_path: Path) -> None:
    frame, report = atlas.load_layer(geojson(tmp_path / "s.geojson", BROKEN["huge"]), "settlements")
    assert report.ok and kept_ids(frame) == ["A"]
    warning = warning_about(report, "outside longitude/latitude range")
    assert warning.rows == (2,)


@pytest.mark.warning_case
def test_an_empty_geometry_is_left_out_by_row_and_name(tmp_path: Path) -> None:
    frame, report = atlas.load_layer(
        geojson(tmp_path / "s.geojson", BROKEN["empty"]), "settlements"
    )
    assert report.ok and kept_ids(frame) == ["A"]
    warning = warning_about(report, "Rows without a geometry")
    assert warning.rows == (2,) and warning.values == ("Beta (B)",)


@pytest.mark.warning_case
def test_service_points_with_nan_or_infinite_coordinates_are_left_out(tmp_path: Path) -> None:
    features = [
        {
            "type": "Feature",
            "properties": {"id": fid, "category": "water", "status": "working"},
            "geometry": {"type": "Point", "coordinates": xy},
        }
        for fid, xy in (("T1", [28.005, -25.995]), ("T2", [NAN, -25.995]), ("T3", [INF, -INF]))
    ]
    path = tmp_path / "taps.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    frame, report = atlas.load_layer(path, "services")
    assert report.ok and frame["service_id"].tolist() == ["T1"]
    warning = warning_about(report, "left out of the analysis")
    assert warning.rows == (2, 3) and warning.values == ("T2", "T3")


# -- nothing left: refused ------------------------------------------------------------------------


@pytest.mark.error_case
def test_settlements_with_no_usable_geometry_are_refused(tmp_path: Path) -> None:
    features = [
        {
            "type": "Feature",
            "properties": {"id": fid, "households": 1},
            "geometry": BROKEN[kind],
        }
        for fid, kind in (("A", "one_vertex"), ("B", "nan"), ("C", "two_vertices"))
    ]
    path = tmp_path / "s.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    _frame, report = atlas.load_layer(path, "settlements")
    assert not report.ok
    assert [p.message for p in report.errors] == ["No settlement has a usable geometry."]
    left_out = [w for w in report.warnings if "left out" in w.message]
    assert sorted(r for w in left_out for r in w.rows) == [1, 2, 3]


# -- the command line -------------------------------------------------------------------------


@pytest.mark.warning_case
@pytest.mark.parametrize(
    ("beta", "said"),
    [
        ("unclosed", "its ring is not closed"),
        ("one_vertex", "a ring has a single position"),
        ("nan", "not numbers (NaN) or infinite"),
        ("infinity", "not numbers (NaN) or infinite"),
    ],
)
def test_the_command_line_says_what_it_did_and_computes_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], beta: str, said: str
) -> None:
    path = geojson(tmp_path / "s.geojson", BROKEN[beta])
    code = main(["gaps", "--settlements", str(path), "--format", "csv"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Traceback" not in err and said in err and "Beta (B)" in err
    rows = out.strip().splitlines()
    ids = [line.split(",")[0] for line in rows[1:]]
    assert ids == (["A", "B"] if beta == "unclosed" else ["A"])


@pytest.mark.error_case
def test_the_command_line_refuses_settlements_with_no_usable_geometry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = geojson(tmp_path / "s.geojson", BROKEN["two_vertices"])
    data = json.loads(path.read_text())
    data["features"][0]["geometry"] = BROKEN["one_vertex"]  # Alpha too: nothing is left
    path.write_text(json.dumps(data))
    code = main(["gaps", "--settlements", str(path)])
    _, err = capsys.readouterr()
    assert code != 0 and "Traceback" not in err
    assert "No settlement has a usable geometry" in err and "Alpha (A)" in err


# -- the app's upload path ---------------------------------------------------------------------


@pytest.mark.warning_case
@pytest.mark.parametrize(
    ("beta", "said", "kept"),
    [
        ("unclosed", "its ring is not closed", 2),
        ("one_vertex", "a ring has a single position", 1),
        ("nan", "not numbers (NaN) or infinite", 1),
        ("infinity", "not numbers (NaN) or infinite", 1),
    ],
)
def test_the_data_page_checks_a_broken_upload_and_names_the_feature(
    tmp_path: Path, beta: str, said: str, kept: int
) -> None:
    written = geojson(tmp_path / "homes.geojson", BROKEN[beta])
    path = str(store_upload(written.read_bytes(), "homes.geojson"))
    report = check_layer(path, "settlements", (), "cape-town")
    assert report.ok
    text = report_text(report)  # escaped for Markdown
    assert md(said) in text and md("Beta (B)") in text and md("homes.geojson") in text
    frame, _ = atlas.load_layer(path, "settlements")
    assert len(frame) == kept
    assert all(math.isfinite(v) for v in frame.total_bounds)
