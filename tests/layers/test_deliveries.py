"""The water deliveries map: settlements by delivery compliance, inspected without a browser."""

from __future__ import annotations

import html
import math
import re
from typing import Any

import folium
import pandas as pd
import pytest
from shapely.geometry import box

import atlas
from atlas.errors import SchemaError
from atlas.registry import SAMPLE_DELIVERIES, SAMPLE_SCHEDULE
from atlas.schedules import compare_files, compliance, compliance_sentence
from layers.deliveries import (
    COMPLIANCE_COLOURS,
    COMPLIANCE_LABELS,
    NO_SCHEDULE,
    compliance_colour,
    compliance_map,
)
from layers.style import NO_DATA, Legend, palette
from layers.text import safe_text
from tests.conftest import settlements_frame

URL = re.compile(r"https?://[^\s\"'<>)\\]+")
HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_TPL = "${alert(1)}`\\"


def layer_of(m: folium.Map) -> folium.GeoJson:
    (found,) = [c for c in m._children.values() if isinstance(c, folium.GeoJson)]
    assert found.layer_name == "Water deliveries"
    return found


def features(m: folium.Map) -> list[dict[str, Any]]:
    return list(layer_of(m).data["features"])


def fill_of(m: folium.Map, feature: dict[str, Any]) -> str:
    return str(layer_of(m).style_function(feature)["fillColor"])


@pytest.fixture(scope="module")
def sample() -> tuple[atlas.Dataset, pd.DataFrame]:
    dataset = atlas.load_sample()
    ids = list(dataset.settlements["settlement_id"])
    result = compare_files(SAMPLE_SCHEDULE, SAMPLE_DELIVERIES, ids)
    return dataset, compliance(result.outcomes, "settlement", settlements=dataset.settlements)


def small() -> tuple[pd.DataFrame, pd.DataFrame]:
    settlements = settlements_frame(
        [
            {"settlement_id": "A", "name": HOSTILE_IMG, "geometry": box(0, 0, 100, 100)},
            {"settlement_id": "B", "name": HOSTILE_TPL, "geometry": box(200, 0, 300, 100)},
            {"settlement_id": "C", "name": "Phola Park", "geometry": box(400, 0, 500, 100)},
            {"settlement_id": "D", "name": "Ext 7", "geometry": box(600, 0, 700, 100)},
        ]
    )
    table = pd.DataFrame(
        {
            "settlement_id": ["A", "B", "C", "Z"],
            "scheduled": [12, 10, 0, 5],
            "delivered": [4, 10, 0, 1],
        }
    )
    return settlements, table


def test_one_feature_per_settlement_with_the_counts(
    sample: tuple[atlas.Dataset, pd.DataFrame],
) -> None:
    dataset, per = sample
    m = compliance_map(dataset.settlements, per)
    found = features(m)
    assert len(found) == len(dataset.settlements)
    counts = per.set_index("settlement_id")
    for feature in found:
        props = feature["properties"]
        sid = props["settlement_id"]
        if sid in counts.index and counts.loc[sid, "scheduled"] > 0:
            row = counts.loc[sid]
            assert props["scheduled"] == row["scheduled"]
            assert props["delivered"] == row["delivered"]
            assert props["compliance"] == pytest.approx(row["compliance"], abs=1e-4)
            assert fill_of(m, feature) == compliance_colour(float(row["compliance"]))
        else:
            assert props["compliance"] is None and props["scheduled"] == 0
            assert fill_of(m, feature) == NO_DATA


def test_tooltip_is_a_plain_sentence_and_escaped() -> None:
    settlements, table = small()
    m = compliance_map(settlements, table)
    by_id = {f["properties"]["settlement_id"]: f["properties"] for f in features(m)}
    assert by_id["A"]["sentence"] == safe_text(
        f"{HOSTILE_IMG}: 4 of 12 scheduled deliveries arrived on time and in full"
    )
    assert html.unescape(by_id["B"]["sentence"]) == f"{HOSTILE_TPL}: {compliance_sentence(10, 10)}"
    assert html.unescape(by_id["C"]["sentence"]) == "Phola Park: no deliveries scheduled"
    assert html.unescape(by_id["D"]["sentence"]) == "Ext 7: no deliveries scheduled"
    page = m.get_root().render()
    assert "<img src=x onerror" not in page and "${alert(1)}" not in page
    for props in by_id.values():
        for key in ("name", "sentence"):
            assert not set(props[key]) & set("<>`$\\"), props[key]
    (tooltip,) = [c for c in layer_of(m)._children.values() if isinstance(c, folium.GeoJsonTooltip)]
    assert tooltip.fields == ["sentence"]


def test_colours_low_compliance_is_dark_and_no_schedule_is_grey() -> None:
    settlements, table = small()
    m = compliance_map(settlements, table)
    fills = {f["properties"]["settlement_id"]: fill_of(m, f) for f in features(m)}
    assert fills == {
        "A": COMPLIANCE_COLOURS[1],  # 4 of 12: 33 %
        "B": COMPLIANCE_COLOURS[-1],  # all delivered
        "C": NO_DATA,  # nothing scheduled
        "D": NO_DATA,  # not in the table
    }
    assert palette(5, reverse=True) == COMPLIANCE_COLOURS
    assert COMPLIANCE_COLOURS[0] == "#bd0026"  # the darkest YlOrRd is the lowest compliance
    assert [compliance_colour(v) for v in (0.0, 0.19, 0.2, 0.79, 0.8, 1.0)] == [
        COMPLIANCE_COLOURS[i] for i in (0, 0, 1, 3, 4, 4)
    ]
    assert compliance_colour(math.nan) == NO_DATA


def test_legend_lists_the_classes_and_no_schedule() -> None:
    settlements, table = small()
    m = compliance_map(settlements, table)
    (legend,) = [c for c in m._children.values() if isinstance(c, Legend)]
    (section,) = legend.sections
    assert section.entries == (
        *zip(COMPLIANCE_COLOURS, COMPLIANCE_LABELS, strict=True),
        (NO_DATA, NO_SCHEDULE),
    )
    for label in (*COMPLIANCE_LABELS, NO_SCHEDULE, "Deliveries on time and in full"):
        assert safe_text(label) in legend.html
    assert legend.get_name() in m.get_root().render()


def test_the_map_loads_nothing_remote(sample: tuple[atlas.Dataset, pd.DataFrame]) -> None:
    dataset, per = sample
    page = compliance_map(dataset.settlements, per).get_root().render()
    assert URL.findall(page) == []
    assert "/app/static/vendor/leaflet.js" in page
    online = compliance_map(dataset.settlements, per, online_tiles=True).get_root().render()
    assert {u.split("/")[2] for u in URL.findall(online)} <= {
        "tile.openstreetmap.org",
        "www.openstreetmap.org",
    }


def test_empty_and_bad_tables() -> None:
    settlements, table = small()
    m = compliance_map(settlements.iloc[:0], table.iloc[:0])
    assert features(m) == []
    with pytest.raises(SchemaError, match="delivered"):
        compliance_map(settlements, table.drop(columns="delivered"))
