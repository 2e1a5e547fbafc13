"""Display layers prepared once per dataset: pixel-tied tolerance, encoding, reuse, page size."""

from __future__ import annotations

import dataclasses
import json
import math

import geopandas as gpd
import numpy as np
import pytest
from geopandas.testing import assert_geodataframe_equal
from shapely.geometry import Point, Polygon

import atlas
from benchmarks.metro_data import SMALL, load_dataset
from layers.assets import asset_paths, missing_assets
from layers.display import prepare_display
from layers.encoding import METRES_PER_DEGREE, Grid, decode_ints, encode_ints, morton_order
from layers.geometry import STREET_ZOOM, metres_per_pixel, pixel_tolerance
from layers.maps import build_map
from layers.script import compact_json

#: The app's Map page at mid size (300 settlements, 30,000 points, 50 wards): page plus Leaflet.
#: Measured 0.31 MB; a naive folium map of the same is about 8 MB.
PAYLOAD_BOUND = 400_000


@dataclasses.dataclass(frozen=True)
class Mid:
    dataset: atlas.Dataset
    result: atlas.GapResult


@pytest.fixture(scope="module")
def mid() -> Mid:
    dataset = load_dataset(SMALL)
    return Mid(dataset, atlas.compute_gaps(dataset, atlas.load_standard("cape-town")))


# --- tolerance tied to the pixel ------------------------------------------------------------


def test_metres_per_pixel_halves_with_each_zoom_and_shrinks_with_latitude() -> None:
    assert metres_per_pixel(0, 0) == pytest.approx(156_543.034, abs=1e-3)
    assert metres_per_pixel(0, 17) == pytest.approx(156_543.034 / 2**17)
    assert metres_per_pixel(60, 1) == pytest.approx(156_543.034 / 2 / 2, rel=1e-9)


def test_tolerance_is_a_street_zoom_pixel_where_pixels_are_smallest() -> None:
    near = gpd.GeoDataFrame(geometry=[Point(28.0, -26.0)], crs=4326)
    far = gpd.GeoDataFrame(geometry=[Point(18.4, -34.0)], crs=4326)
    assert pixel_tolerance(near) == pytest.approx(
        156_543.034 * math.cos(math.radians(26.0)) / 2**STREET_ZOOM, rel=1e-6
    )
    # A national layer: the pixel where it covers the least ground (farthest from the equator).
    assert pixel_tolerance(near, far, None) == pytest.approx(metres_per_pixel(34.0, STREET_ZOOM))
    assert pixel_tolerance(near, zoom=16) == pytest.approx(2 * pixel_tolerance(near))
    assert pixel_tolerance() == pytest.approx(metres_per_pixel(0, STREET_ZOOM))


def test_prepared_layers_use_the_pixel_tolerance_and_half_of_it_as_grid(mid: Mid) -> None:
    ds = mid.dataset
    display = prepare_display(ds.settlements, ds.services, ds.wards)
    expected = pixel_tolerance(ds.settlements, ds.services, ds.wards)
    assert display.tolerance_m == pytest.approx(expected)
    assert 1.0 < display.tolerance_m < 1.1  # about 1 m at 26° south
    assert display.grid.quantum * METRES_PER_DEGREE == pytest.approx(expected / 2)
    assert prepare_display(ds.settlements, tolerance_m=5.0).grid.quantum == pytest.approx(
        2.5 / METRES_PER_DEGREE
    )
    with pytest.raises(ValueError, match="more than 0"):
        prepare_display(ds.settlements, tolerance_m=0)


def test_preparing_and_drawing_never_touch_the_measured_layers(mid: Mid) -> None:
    r, wards = mid.result, mid.dataset.wards
    before = [r.settlements.copy(deep=True), r.services.copy(deep=True), wards.copy(deep=True)]
    display = prepare_display(r.settlements, r.services, wards)
    build_map(r.settlements, r.services, wards, standard=r.standard, display=display)
    for frame, copy in zip((r.settlements, r.services, wards), before, strict=True):
        assert_geodataframe_equal(frame, copy)


# --- encoding --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values", [[], [0], [1, -1, 63, -64, 64, -65, 8191, -8192], [2**40, -(2**40), 123_456_789]]
)
def test_ints_round_trip(values: list[int]) -> None:
    assert decode_ints(encode_ints(values)).tolist() == values


def test_small_differences_take_one_byte() -> None:
    # 63 and -64 are the largest single-byte zigzag values; base64 is 4 characters per 3 bytes.
    assert len(encode_ints([63, -64, 0])) == 4
    assert len(encode_ints([64, 0])) == 4  # 64 takes two bytes


def test_grid_snaps_to_its_step_from_a_south_west_origin() -> None:
    grid = Grid.for_bounds([28.0003, -26.0004, 28.1, -25.9], step_m=0.5)
    assert grid.x0 <= 28.0003 and grid.y0 <= -26.0004
    snapped = grid.snap(np.array([[28.0003, -26.0004], [28.0003 + grid.quantum, -26.0004]]))
    assert (snapped >= 0).all() and snapped[1, 0] - snapped[0, 0] == 1
    with pytest.raises(ValueError, match="more than 0 metres"):
        Grid.for_bounds([0, 0], step_m=0)


def test_morton_order_keeps_neighbours_together() -> None:
    points = np.array([[0, 0], [1000, 1000], [1, 0], [1001, 1000], [0, 1]])
    order = morton_order(points)
    assert set(order[:3]) == {0, 2, 4} and set(order[3:]) == {1, 3}


def test_compact_json_is_safe_in_a_script_and_in_a_jinja_template() -> None:
    value = {"names": ["</script><b>", "{{ 7*7 }}", "{% if %}", "{# x", "a\u2028b", "it's & <"]}
    text = compact_json(value)
    assert json.loads(text) == value
    for raw in ("</", "<b>", "{{", "{%", "{#", "\u2028", "'", "&"):
        assert raw not in text


def test_a_name_with_template_syntax_is_drawn_as_text(mid: Mid) -> None:
    r = mid.result
    settlements = r.settlements.copy()
    settlements.loc[settlements.index[0], "name"] = "{{ 7*7 }} {# not a comment"
    page = build_map(settlements, None, None, standard=r.standard).get_root().render()
    assert "{{ 7*7 }}" not in page and "{\\u007b 7*7 }}" in page


# --- reuse and size ---------------------------------------------------------------------------


def test_a_filter_change_reuses_the_prepared_layers(mid: Mid) -> None:
    r, wards = mid.result, mid.dataset.wards
    display = prepare_display(r.settlements, r.services, wards)
    fresh = build_map(r.settlements, r.services, wards, standard=r.standard)
    reused = build_map(r.settlements, r.services, wards, standard=r.standard, display=display)
    assert _layer_data(fresh) == _layer_data(reused)
    # A row selection (one cluster) is drawn from the same prepared shapes.
    cluster = r.settlements["cluster"].dropna().iloc[0]
    some = r.settlements[r.settlements["cluster"] == cluster]
    part = build_map(some, r.services, wards, standard=r.standard, display=display)
    assert _layer_data(part)["Settlements"]["ids"] == list(some["settlement_id"])
    # Frames the display was not prepared from are prepared afresh, never mismatched.
    other = r.settlements.iloc[::-1].reset_index(drop=True)
    redrawn = build_map(other, None, None, standard=r.standard, display=display)
    assert _layer_data(redrawn)["Settlements"]["ids"] == list(other["settlement_id"])
    assert (
        _layer_data(redrawn)["Settlements"]["shapes"]
        == _layer_data(build_map(other, None, None, standard=r.standard))["Settlements"]["shapes"]
    )


def _layer_data(m: object) -> dict[str, dict[str, object]]:
    return {
        c.layer_name: c.data
        for c in m._children.values()  # type: ignore[attr-defined]
        if hasattr(c, "data") and hasattr(c, "layer_name")
    }


@pytest.mark.skipif(bool(missing_assets()), reason="map assets missing: python -m layers.assets")
def test_the_mid_size_map_stays_small(mid: Mid) -> None:
    """What the browser downloads for the Map page of 300 settlements and 30,000 points."""
    r = mid.result
    m = build_map(
        r.settlements,
        r.services,
        mid.dataset.wards,
        standard=r.standard,
        service_categories=["water"],
    )
    page = m.get_root().render().encode("utf-8")
    linked = sum(asset_paths()[name].stat().st_size for name in ("leaflet.js", "leaflet.css"))
    assert len(page) + linked < PAYLOAD_BOUND, len(page) + linked
    # Every settlement is in it, with its full-detail shape.
    assert len(_layer_data(m)["Settlements"]["shapes"]) == len(r.settlements)


def test_settlements_without_geometry_are_left_out() -> None:
    frame = gpd.GeoDataFrame(
        {"settlement_id": ["a", "b"], "water_gap": [1, 2]},
        geometry=[Polygon([(28, -26), (28.01, -26), (28.01, -25.99)]), None],
        crs=4326,
    )
    display = prepare_display(frame)
    assert display.settlements.texts[1] is None and display.settlements.texts[0]
    m = build_map(frame, None, None)
    assert _layer_data(m)["Settlements"]["ids"] == ["a"]
