"""The atlas map, inspected without a browser: layers, features, legend, URLs, escaping."""

from __future__ import annotations

import dataclasses
import html
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pytest
from branca.element import Element
from geopandas.testing import assert_geodataframe_equal

import atlas
import layers as layers_module
from layers.assets import AssetError, install_assets, missing_assets
from layers.encoding import decode_ints
from layers.geometry import display_geometry
from layers.maps import OSM_TILES, build_map, standalone_html
from layers.points import INDIVIDUAL_ZOOM
from layers.script import ScriptLayer
from layers.style import MAX_CLASSES, NO_DATA, Legend, classify, palette
from layers.text import format_number, ratio_words, safe_text
from layers.wards import WARD_STYLE

HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_TPL = "${alert(1)}`\\"
URL = re.compile(r"https?://[^\s\"'<>)\\]+")


# --- fixtures and helpers --------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Sample:
    dataset: atlas.Dataset
    result: atlas.GapResult
    standard: atlas.Standard


@pytest.fixture(scope="module")
def sample() -> Sample:
    dataset = atlas.load_sample()
    standard = atlas.load_standard("cape-town")
    return Sample(dataset, atlas.compute_gaps(dataset, standard), standard)


@pytest.fixture(scope="module")
def hostile() -> Sample:
    """The sample with hostile names, kinds, providers and ward names."""
    ds = atlas.load_sample()
    settlements = ds.settlements.copy()
    settlements.loc[settlements.index[0], "name"] = HOSTILE_IMG
    settlements.loc[settlements.index[1], "name"] = HOSTILE_TPL
    settlements.loc[settlements.index[2], "settlement_id"] = HOSTILE_IMG
    services = ds.services.copy()
    water = services.index[services["category"] == "water"]
    services.loc[water[:3], "kind"] = HOSTILE_IMG
    services.loc[water[3:6], "provider"] = HOSTILE_TPL
    wards = ds.wards.copy()
    wards.loc[wards.index[0], "name"] = HOSTILE_IMG
    wards.loc[wards.index[1], "name"] = HOSTILE_TPL
    ds = dataclasses.replace(ds, settlements=settlements, services=services, wards=wards)
    standard = atlas.load_standard("cape-town")
    return Sample(ds, atlas.compute_gaps(ds, standard), standard)


def draw(sample: Sample, **options: Any) -> folium.Map:
    r = sample.result
    return build_map(
        r.settlements, r.services, sample.dataset.wards, standard=r.standard, **options
    )


def walk(element: Element) -> Iterator[Element]:
    yield element
    for child in element._children.values():
        yield from walk(child)


def layers(m: folium.Map) -> dict[str, Element]:
    return {
        c.layer_name: c
        for c in m._children.values()
        if isinstance(c, folium.map.Layer) and getattr(c, "control", False)
    }


def settlement_features(m: folium.Map) -> list[dict[str, Any]]:
    """The settlements as the map's script builds them (properties and fill)."""
    d = layers(m)["Settlements"].data
    return [
        {
            "id": str(i),
            "properties": {
                "settlement_id": d["ids"][i],
                "name": d["names"][i],
                "value": d["values"][i],
                "headline": d["texts"][d["headline"][i]],
                "detail": d["texts"][d["detail"][i]],
            },
            "fill": d["noData"] if d["cls"][i] < 0 else d["colours"][d["cls"][i]],
            "heavy": i in d["heavy"],
        }
        for i in range(len(d["shapes"]))
    ]


def point_layers(m: folium.Map) -> dict[str, ScriptLayer]:
    return {n: c for n, c in layers(m).items() if n.startswith("Service points")}


def point_count(layer: ScriptLayer) -> int:
    return len(decode_ints(layer.data["data"])) // 3


def point_tips(m: folium.Map) -> list[str]:
    return [tip for layer in point_layers(m).values() for _, tip in layer.data["codes"]]


def legend(m: folium.Map) -> Legend:
    (found,) = [c for c in m._children.values() if isinstance(c, Legend)]
    return found


def fill_of(m: folium.Map, feature: dict[str, Any]) -> str:
    return str(feature["fill"])


# --- layers and features ---------------------------------------------------------------------


def test_layers_are_named_and_controlled(sample: Sample) -> None:
    m = draw(sample)
    names = set(layers(m))
    assert {"Settlements", "Wards"} <= names
    categories = set(sample.result.services["category"])
    assert {f"Service points: {c}" for c in categories} <= names
    assert any(isinstance(c, folium.LayerControl) for c in m._children.values())
    shown = {n for n, layer in layers(m).items() if layer.show}
    assert "Service points: water" in shown and "Service points: sanitation" not in shown


def test_one_feature_per_settlement_with_only_the_needed_properties(sample: Sample) -> None:
    features = settlement_features(draw(sample))
    assert len(features) == len(sample.result.settlements)
    for f in features:
        assert set(f["properties"]) == {"settlement_id", "name", "value", "headline", "detail"}
    ids = [f["properties"]["settlement_id"] for f in features]
    assert ids == list(sample.result.settlements["settlement_id"])


def test_one_point_per_service_point_by_status(sample: Sample) -> None:
    m = draw(sample)
    services = sample.result.services
    assert sum(point_count(layer) for layer in point_layers(m).values()) == len(services)
    for category, layer in (
        (name.removeprefix("Service points: "), layer) for name, layer in point_layers(m).items()
    ):
        expected = services.loc[services["category"] == category, "status"].value_counts()
        counts = dict(zip(layer.data["statuses"], layer.data["counts"], strict=True))
        assert counts == {s: int(expected.get(s, 0)) for s in ("working", "broken", "unknown")}
        # A status per code, and every code a point uses is in the table.
        codes = decode_ints(layer.data["data"])[2::3]
        assert codes.max() < len(layer.data["codes"])
    # Nothing drawn with awesome-marker icons, which need Font Awesome and Bootstrap from a CDN.
    assert not any(isinstance(e, folium.Icon) for e in walk(m))


def test_many_points_are_counted_per_cell_when_zoomed_out(sample: Sample) -> None:
    counts = sample.result.services["category"].value_counts()
    m = draw(sample, cluster_threshold=int(counts.min()))
    for name, layer in point_layers(m).items():
        assert layer.data["threshold"] == counts.min()
        assert layer.data["individualZoom"] == INDIVIDUAL_ZOOM
        assert name.removeprefix("Service points: ") in set(counts.index)
    assert layers(m)["Service points: water"].data["noun"] == ["tap", "taps"]


def test_service_categories_limits_the_points(sample: Sample) -> None:
    m = draw(sample, service_categories=["water"])
    water = (sample.result.services["category"] == "water").sum()
    assert sum(point_count(layer) for layer in point_layers(m).values()) == water
    assert list(point_layers(m)) == ["Service points: water"]


def test_ward_outlines_have_no_fill_and_a_label_each(sample: Sample) -> None:
    wards = layers(draw(sample))["Wards"]
    assert wards.style == WARD_STYLE and WARD_STYLE["fill"] is False
    assert len(wards.data["shapes"]) == len(sample.dataset.wards)
    assert wards.data["labels"] == list(sample.dataset.wards["name"])


# --- legend, classes and colours -------------------------------------------------------------


def test_legend_lists_the_class_breaks(sample: Sample) -> None:
    m = draw(sample)
    section, points = legend(m).sections
    labels = [label for _, label in section.entries]
    assert 2 <= len(labels) <= MAX_CLASSES + 1
    assert labels[-1] == "no data"  # Ithemba Lethu has unknown demand
    gaps = sample.result.settlements["water_gap"].dropna().astype(int)
    assert labels[0].startswith(f"{gaps.min()} – ") and labels[-2].endswith(f" – {gaps.max()}")
    assert [label for _, label in points.entries] == ["working", "broken", "unknown"]
    page = m.get_root().render()
    assert "atlas-legend" in page and "Water: more taps needed" in page


def test_missing_values_get_the_no_data_colour(sample: Sample) -> None:
    m = draw(sample)
    features = settlement_features(m)
    missing = [f for f in features if f["properties"]["value"] is None]
    assert missing, "the sample has a settlement with unknown demand"
    assert all(fill_of(m, f) == NO_DATA for f in missing)
    assert all(fill_of(m, f) != NO_DATA for f in features if f["properties"]["value"] is not None)
    assert missing[0]["properties"]["headline"] == "households unknown"


def test_gap_palette_is_dark_for_large_gaps_and_coverage_is_reversed(sample: Sample) -> None:
    gap_map = draw(sample, metric="gap")
    cover_map = draw(sample, metric="coverage")
    gap_colours = [c for c, label in legend(gap_map).sections[0].entries if label != "no data"]
    cover_colours = [c for c, label in legend(cover_map).sections[0].entries if label != "no data"]
    assert tuple(gap_colours) == palette(len(gap_colours))
    assert tuple(cover_colours) == palette(len(cover_colours), reverse=True)
    features = settlement_features(cover_map)
    lowest = min(features, key=lambda f: f["properties"]["value"])
    highest = max(features, key=lambda f: f["properties"]["value"])
    assert fill_of(cover_map, lowest) == palette(len(cover_colours))[-1]  # darkest
    assert fill_of(cover_map, highest) == palette(len(cover_colours))[0]  # lightest


@pytest.mark.parametrize(
    ("values", "kind", "labels"),
    [
        ([np.nan, np.nan], "integer", ()),
        ([], "number", ()),
        ([3.0, 3.0, np.nan], "integer", ("3",)),
        ([0.0, 1.0, 1.0, 2.0], "integer", ("0", "1", "2")),
        ([0.0, 0.5, 1.0], "percent", ("0 %", "50 %", "100 %")),
    ],
)
def test_classify_few_or_no_values(values: list[float], kind: str, labels: tuple[str]) -> None:
    classes = classify(values, kind=kind)
    assert classes.labels == labels
    assert len(classes.colours) == len(labels)
    assert classes.missing == int(np.isnan(np.asarray(values, dtype=float)).sum())
    colours = classes.colour_of(values)
    assert [c == NO_DATA for c in colours] == list(np.isnan(np.asarray(values, dtype=float)))


def test_classify_many_values_is_quick_deterministic_and_contiguous() -> None:
    values = np.random.default_rng(1).gamma(2.0, 10.0, 20_000).round()
    start = time.perf_counter()
    first = classify(values, kind="integer")
    assert time.perf_counter() - start < 2
    assert first == classify(values, kind="integer")
    assert len(first.bins) == MAX_CLASSES and first.bins[-1] == values.max()
    for previous, label in zip(first.labels, first.labels[1:], strict=False):
        assert int(label.split(" – ")[0]) == int(previous.split(" – ")[-1]) + 1
    with pytest.raises(ValueError, match="k must be"):
        classify(values, k=MAX_CLASSES + 1)


# --- words -----------------------------------------------------------------------------------


def test_headlines_are_plain_words(sample: Sample) -> None:
    rule = sample.standard.rule("water")
    assert ratio_words(73.2, 4, False, rule) == "1 tap : 73 households"
    assert ratio_words(float("nan"), 0, False, rule) == "no working tap"
    assert ratio_words(float("nan"), 2, True, rule) == "households unknown"
    assert format_number(1234.4) == "1 234"
    features = settlement_features(draw(sample))
    s = sample.result.settlements
    none_working = s.loc[s["water_working"] == 0, "settlement_id"]
    for f in features:
        if f["properties"]["settlement_id"] in set(none_working):
            assert f["properties"]["headline"] == "no working tap"


# --- no remote resources ---------------------------------------------------------------------


def test_default_map_loads_nothing_remote(sample: Sample) -> None:
    m = draw(sample)
    page = m.get_root().render()
    assert URL.findall(page) == []
    # The layers' encoded data (base64) may spell anything: look at the rest of the page.
    for layer in layers(m).values():
        page = page.replace(getattr(layer, "json", ""), "")
    for cdn in ("jquery", "bootstrap", "fontawesome", "awesome-markers", "d3.min.js", "cdn"):
        assert cdn not in page.lower()
    assert 'src="/app/static/vendor/leaflet.js"' in page
    assert 'href="/app/static/vendor/leaflet.css"' in page
    assert "markercluster" not in page.lower()  # points are drawn by the map's own script
    # folium's class-level CDN lists are untouched: maps never share mutable state.
    assert folium.Map.default_js[0][1].startswith("https://")


def test_online_tiles_are_the_only_remote_url(sample: Sample) -> None:
    page = draw(sample, online_tiles=True).get_root().render()
    urls = set(URL.findall(page))
    assert OSM_TILES in urls
    assert {u for u in urls if not u.startswith("https://www.openstreetmap.org/copyright")} == {
        OSM_TILES
    }
    assert "OpenStreetMap (online)" in layers(draw(sample, online_tiles=True))


def test_asset_base_is_configurable(sample: Sample) -> None:
    page = draw(sample, asset_base="/static/vendor").get_root().render()
    assert 'src="/static/vendor/leaflet.js"' in page
    assert 'href="/static/vendor/leaflet.css"' in page


# --- escaping --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [HOSTILE_IMG, HOSTILE_TPL, 'O\'Reilly & "Sons"', "plain"])
def test_safe_text_is_inert_and_reversible(text: str) -> None:
    out = safe_text(text)
    assert not set(out) & set("<>\"'`$\\")
    assert html.unescape(out) == text


def test_hostile_names_are_shown_as_text(hostile: Sample) -> None:
    m = draw(hostile)
    page = m.get_root().render()
    assert "<img src=x onerror" not in page
    assert "${alert(1)}" not in page
    names = {f["properties"]["name"] for f in settlement_features(m)}
    assert {safe_text(HOSTILE_IMG), safe_text(HOSTILE_TPL)} <= names
    tips = " ".join(point_tips(m))
    assert safe_text(HOSTILE_IMG) in tips and safe_text(HOSTILE_TPL) in tips
    ward_labels = set(layers(m)["Wards"].data["labels"])
    assert {safe_text(HOSTILE_IMG), safe_text(HOSTILE_TPL)} <= ward_labels
    # The id stays raw (a clicked feature finds its row by it) and is never shown as HTML: the
    # tooltip shows name, headline and detail only, and in the page the id is HTML-safe JSON
    # (no raw markup, asserted above).
    assert HOSTILE_IMG in {f["properties"]["settlement_id"] for f in settlement_features(m)}
    script = (Path(layers_module.__file__).parent / "atlas_map.js").read_text(encoding="utf-8")
    tooltip = script[script.index("layer.bindTooltip") : script.index("sticky: true")]
    assert "p.name" in tooltip and "settlement_id" not in tooltip
    # Every other string is inert: nothing HTML or a JS template literal would interpret (the
    # point tooltips add their own <b> and <br>, nothing else).
    texts = [
        v
        for f in settlement_features(m)
        for k, v in f["properties"].items()
        if k != "settlement_id"
    ]
    texts += point_tips(m) + layers(m)["Wards"].data["labels"]
    for value in texts:
        if isinstance(value, str):
            rest = value.replace("<b>", "").replace("</b>", "").replace("<br>", "")
            assert not set(rest) & set("<>`$\\"), value


def test_hostile_text_in_folium_tooltips_is_escaped(hostile: Sample) -> None:
    """The one place folium writes our text into a JS template literal: folium.Tooltip."""
    m = folium.Map(tiles=None)
    folium.CircleMarker([0, 0], tooltip=folium.Tooltip(safe_text(HOSTILE_TPL))).add_to(m)
    page = m.get_root().render()
    assert "${alert(1)}" not in page and "&#36;{alert(1)}&#96;&#92;" in page


# --- geometry --------------------------------------------------------------------------------


def test_display_geometry_keeps_areas_and_does_not_mutate(sample: Sample) -> None:
    settlements = sample.result.settlements
    before = settlements.copy(deep=True)
    shown = display_geometry(settlements, tolerance_m=1.0)
    assert_geodataframe_equal(settlements, before)
    assert shown.crs.to_epsg() == 4326 and shown.index.equals(settlements.index)
    metric = atlas.choose_metric_crs(settlements)
    original = settlements.geometry.to_crs(metric).area
    simplified = shown.to_crs(metric).area
    assert (abs(simplified / original - 1) < 0.01).all()
    coords = shown.get_coordinates().to_numpy()
    assert np.array_equal(coords, np.round(coords, 6))


def test_display_geometry_simplifies_in_metres() -> None:
    # A 200 m square whose edges carry a vertex every metre, 0.2 m off the line.
    metric = "EPSG:32735"
    xs = np.arange(0, 201)
    wobble = np.where(xs % 2, 0.2, 0.0)
    ring = [(x, w) for x, w in zip(xs, wobble, strict=True)] + [(200, 200), (0, 200), (0, 0)]
    from shapely.geometry import Polygon

    frame = gpd.GeoDataFrame(
        geometry=[Polygon([(600_000 + x, 7_100_000 + y) for x, y in ring])], crs=metric
    ).to_crs(4326)
    kept = display_geometry(frame, tolerance_m=0).get_coordinates()
    simplified = display_geometry(frame, tolerance_m=1.0).get_coordinates()
    assert len(simplified) < 10 < len(kept)


def test_build_map_does_not_mutate_inputs(sample: Sample) -> None:
    r = sample.result
    copies = [r.settlements.copy(deep=True), r.services.copy(deep=True)]
    wards = sample.dataset.wards.copy(deep=True)
    draw(sample, selected_cluster="Northern Ridge Cluster", metric="ratio")
    assert_geodataframe_equal(r.settlements, copies[0])
    assert_geodataframe_equal(r.services, copies[1])
    assert_geodataframe_equal(sample.dataset.wards, wards)


# --- options ---------------------------------------------------------------------------------


def test_selected_cluster_is_outlined_and_framed(sample: Sample) -> None:
    name = "Northern Ridge Cluster"
    m = draw(sample, selected_cluster=name)
    s = sample.result.settlements
    members = set(s.loc[s["cluster"] == name, "settlement_id"])
    for f in settlement_features(m):
        assert f["heavy"] == (f["properties"]["settlement_id"] in members)
    (fit,) = [c for c in m._children.values() if isinstance(c, folium.FitBounds)]
    box = s.loc[s["cluster"] == name].total_bounds
    assert fit.bounds[0][0] == pytest.approx(box[1], abs=1e-5)
    assert fit.bounds[1][1] == pytest.approx(box[2], abs=1e-5)
    with pytest.raises(ValueError, match="No settlement belongs to the cluster"):
        draw(sample, selected_cluster="Nowhere Cluster")


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"metric": "share"}, ValueError, "metric must be one of"),
        ({"category": "health"}, atlas.SchemaError, "not a measured category"),
    ],
)
def test_bad_options_raise(
    sample: Sample, options: dict[str, str], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        draw(sample, **options)


def test_empty_layers_give_an_empty_map(sample: Sample) -> None:
    r = sample.result
    m = build_map(r.settlements.iloc[:0], r.services.iloc[:0], None)
    assert settlement_features(m) == []
    assert [label for _, label in legend(m).sections[0].entries] == ["no data"]
    assert URL.findall(m.get_root().render()) == []


# --- offline assets --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def assets() -> None:
    try:
        install_assets()
    except AssetError as exc:
        pytest.skip(f"front-end assets cannot be installed here: {exc}")


@pytest.mark.usefixtures("assets")
def test_install_assets_is_idempotent() -> None:
    assert missing_assets() == []
    start = time.perf_counter()
    assert install_assets() == []
    assert time.perf_counter() - start < 1


@pytest.mark.usefixtures("assets")
def test_standalone_html_opens_with_no_network(sample: Sample) -> None:
    page = standalone_html(draw(sample))
    assert "app/static/vendor" not in page
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=", page)
    assert not re.search(r"url\(\s*['\"]?(?:https?:|images/)", page)
    assert "data:image/png;base64," in page
    assert 'version="1.9.4"' in page  # Leaflet itself is inline
    assert "var atlasMap = (function" in page  # the map's own script is inline too


def test_markdown_text_shows_user_text_literally() -> None:
    from layers.text import markdown_text

    assert markdown_text("**bold** [a](javascript:alert(1)) $x$ <img src=x>") == (
        r"\*\*bold\*\* \[a\]\(javascript:alert\(1\)\) \$x\$ \<img src=x\>"
    )
    assert markdown_text("Ext 7 'Phola' - uMlazi.") == "Ext 7 'Phola' - uMlazi."
    assert markdown_text(None) == ""
