"""The slides drawn (layers.slides, layers.locator): escaped, offline, one slide per settlement,
and the locator map: the cluster drawn once, each slide's settlement over it."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

import geopandas as gpd
import pytest
from pyproj import CRS
from shapely.geometry import MultiPolygon, Polygon, box

import atlas
from atlas.load.dataset import Dataset
from atlas.summaries.slides import Deck, build_slides
from layers.locator import locator_svg
from layers.slides import (
    ACCENT,
    BACKGROUND,
    MUTED,
    SCRIPT,
    STYLE,
    TEXT,
    contrast_ratio,
    deck_html,
)
from layers.text import safe_text
from tests.conftest import METRIC, hand_made_standard, services_frame, settlements_frame

HOSTILE = "<img src=x onerror=alert(1)> ${alert(1)}"
CLUSTER = "Kgotso <b>South</b> `${x}`"
SVG = "{http://www.w3.org/2000/svg}"


def dataset() -> Dataset:
    """Four settlements of one cluster: a hostile name, a MultiPolygon, a square with a hole, and
    a 10 m square 2 km away (tiny at the cluster's scale); one of another cluster."""
    shapes = {
        "H": box(0, 0, 400, 400),
        "M": MultiPolygon([box(600, 0, 800, 200), box(900, 0, 1000, 100)]),
        "R": Polygon(
            [(0, 600), (400, 600), (400, 1000), (0, 1000)],
            holes=[[(100, 700), (300, 700), (300, 900), (100, 900)]],
        ),
        "T": box(2000, 2000, 2010, 2010),
    }
    names = {"H": HOSTILE, "M": "Multi", "R": "Ring", "T": "Tiny"}
    rows = [
        {"settlement_id": k, "name": names[k], "households": 50 * (i + 1), "cluster": CLUSTER, "geometry": g}
        for i, (k, g) in enumerate(shapes.items())
    ]  # fmt: skip
    rows.append(
        {"settlement_id": "X", "name": "Away", "households": 5, "cluster": "Other", "geometry": box(9000, 9000, 9100, 9100)}
    )  # fmt: skip
    points = services_frame([("h1", "water", "working", 50, 50)])
    return Dataset(settlements_frame(rows), points, None, CRS(METRIC))


@pytest.fixture(scope="module")
def drawn() -> tuple[Deck, str]:
    data = dataset()
    result = atlas.compute_gaps(data, hand_made_standard(household_size=3))
    deck = build_slides(result, data, CLUSTER)
    return deck, deck_html(deck, result.settlements, metric_crs=data.metric_crs)


def decoded(data: str) -> ET.Element:
    return ET.fromstring(base64.b64decode(data))


def base_map(html: str) -> ET.Element:
    """The cluster's whole map, drawn once as the background of every slide's map."""
    (data,) = re.findall(r'url\("data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"\)', html)
    return decoded(data)


def overlays(html: str) -> list[ET.Element]:
    """Each slide's own layer of the map, decoded from its image."""
    found = re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)
    return [decoded(data) for data in found]


def test_user_text_is_escaped_everywhere(drawn: tuple[Deck, str]) -> None:
    _, html = drawn
    assert HOSTILE not in html and "<img src=x" not in html and "${" not in html
    assert "<b>South</b>" not in html
    assert f'<h2 class="atlas-slide-title">{safe_text(HOSTILE)}</h2>' in html
    assert safe_text(CLUSTER) in html


def test_nothing_is_fetched_from_anywhere(drawn: tuple[Deck, str]) -> None:
    _, html = drawn
    assert "http" not in html.lower() and "@import" not in html
    sources = re.findall(r'\bsrc="([^"]*)"', html) + re.findall(r'url\("([^"]*)"\)', html)
    assert len(sources) == 6  # the base map and five slides'
    assert all(s.startswith("data:image/svg+xml;base64,") for s in sources)
    # Inside the images, the SVG namespace is a name, not an address fetched; nothing links.
    for svg in [base_map(html), *overlays(html)]:
        assert not [e for e in svg.iter() if any("href" in a for a in e.attrib)]


def test_one_slide_per_settlement_and_the_summary_first(drawn: tuple[Deck, str]) -> None:
    deck, html = drawn
    sections = re.findall(r'<section class="atlas-slide"[^>]*>', html)
    assert len(sections) == len(deck.member_ids) + 1 == 5
    assert [" hidden" in s for s in sections] == [False, True, True, True, True]
    assert '<span class="atlas-counter" aria-live="polite">1 / 5</span>' in html
    assert html.count('class="atlas-slide-title"') == 5


def test_the_locator_draws_every_member_and_marks_the_one_shown(drawn: tuple[Deck, str]) -> None:
    deck, html = drawn
    base = base_map(html)
    paths = base.findall(f"{SVG}path")
    assert len(paths) == len(deck.member_ids) == 4
    assert {p.get("fill") for p in paths} == {"#4a4a4a"}
    layers = overlays(html)
    assert len(layers) == len(deck.slides)
    for slide, layer in zip(deck.slides, layers, strict=True):
        assert layer.get("viewBox") == base.get("viewBox")  # drawn over it exactly
        shown = layer.findall(f"{SVG}path")
        if slide.settlement_id is None:  # the summary: every member numbered, 1 to 4
            assert shown == []
            assert [t.text for t in layer.findall(f"{SVG}text")] == ["1", "2", "3", "4"]
        else:  # the settlement's own shape, the same as on the base map, in the accent
            (path,) = shown
            position = deck.member_ids.index(slide.settlement_id)
            assert path.get("fill") == ACCENT
            assert path.get("d") == paths[position].get("d")
        # Only the tiny settlement gets a ring, and only on its own slide.
        rings = layer.findall(f"{SVG}circle")
        assert len(rings) == (1 if slide.settlement_id == "T" else 0)


def test_the_deck_carries_each_shape_once_per_slide_that_shows_it(
    drawn: tuple[Deck, str],
) -> None:
    _, html = drawn
    # n + 1 shapes for n settlements (the base map, then one per slide), not n × n.
    assert sum(len(svg.findall(f"{SVG}path")) for svg in [base_map(html), *overlays(html)]) == 8


def test_multipolygons_and_holes_are_subpaths(drawn: tuple[Deck, str]) -> None:
    deck, html = drawn
    paths = base_map(html).findall(f"{SVG}path")
    subpaths = {sid: paths[i].get("d", "").count("M") for i, sid in enumerate(deck.member_ids)}
    assert subpaths == {"H": 1, "M": 2, "R": 2, "T": 1}
    assert {p.get("fill-rule") for p in paths} == {"evenodd"}


def test_north_is_up_and_the_cluster_fills_the_map() -> None:
    squares = gpd.GeoSeries([box(0, 0, 100, 100), box(0, 900, 100, 1000)], crs=METRIC)
    svg = ET.fromstring(locator_svg(squares))
    # 100 m by 1 000 m, padded by 6 % of the larger side (60 m) all round: 220 m by 1 120 m,
    # drawn 1 000 units high.
    assert svg.get("viewBox") == f"0 0 {220 * 1000 / 1120:.0f} 1000" == "0 0 196 1000"
    (south, north) = (
        [float(v) for v in p.get("d", "").strip("MZ").split()] for p in svg.findall(f"{SVG}path")
    )
    assert max(north[1::2]) < min(south[1::2])  # SVG y grows downwards
    # The west edge 60 m from the map's edge, the north edge too.
    assert min(south[0::2]) == pytest.approx(1000 * 60 / 1120, abs=0.1)
    assert min(north[1::2]) == pytest.approx(1000 * 60 / 1120, abs=0.1)


def test_a_settlement_without_a_boundary_is_left_off_the_map(drawn: tuple[Deck, str]) -> None:
    deck, _ = drawn
    data = dataset()
    settlements = atlas.compute_gaps(data, hand_made_standard(household_size=3)).settlements
    settlements.loc[settlements["settlement_id"] == "T", "geometry"] = None
    html = deck_html(deck, settlements)  # in the UTM zone of the rest
    assert len(base_map(html).findall(f"{SVG}path")) == 3
    shown = {
        s.settlement_id: len(layer.findall(f"{SVG}path"))
        for s, layer in zip(deck.slides, overlays(html), strict=True)
    }
    assert shown == {None: 0, "H": 1, "M": 1, "R": 1, "T": 0}
    assert locator_svg(gpd.GeoSeries([None], crs=METRIC)) == ""


def test_no_boundary_at_all_says_so(drawn: tuple[Deck, str]) -> None:
    deck, _ = drawn
    empty = gpd.GeoDataFrame({"settlement_id": ["Z"]}, geometry=[None], crs=4326)
    html = deck_html(deck, empty)
    assert "data:image" not in html
    assert html.count("no boundary to draw.") == len(deck.slides)


def test_the_script_and_style_survive_streamlits_sanitiser(drawn: tuple[Deck, str]) -> None:
    # DOMPurify removes an element whose text has "<" then a letter, "/" or "!" (mXSS).
    assert "<" not in SCRIPT and "<" not in STYLE
    style = drawn[1].split("<style>")[1].split("</style>")[0]
    assert "<" not in style  # with the base map's address
    for key in ("ArrowRight", "ArrowLeft", "PageDown", "PageUp", "Home", "End", '" "'):
        assert key in SCRIPT
    assert "requestFullscreen" in SCRIPT and "isConnected" in SCRIPT
    assert "removeEventListener" in SCRIPT


@pytest.mark.parametrize("colour", [TEXT, ACCENT, MUTED])
def test_every_text_colour_has_at_least_7_to_1_contrast(colour: str) -> None:
    assert contrast_ratio(colour, BACKGROUND) >= 7
    assert contrast_ratio(BACKGROUND, colour) == contrast_ratio(colour, BACKGROUND)


def test_contrast_of_black_on_white_is_21() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
