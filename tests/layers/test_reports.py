"""The open reports on the map, inspected without a browser: one marker per place, tooltips
escaped, never a contact, nothing from the internet, listed by the layer control."""

from __future__ import annotations

import re

import folium
import pandas as pd

import atlas
from atlas.store import SettlementEntry
from atlas.summaries.records import report_points
from layers.maps import add_overlays, build_map
from layers.reports import REPORT_COLOUR, report_layer, report_overlays

CONTACT = "082 555 0101"
HOSTILE = "<img src=x onerror=alert(1)> ${alert(1)}`"
URL = re.compile(r"https?://[^\s\"'<>)\\]+")


def record(rid: str, **values: object) -> dict[str, object]:
    """A report as :func:`atlas.store.list_reports` gives it to a coordinator (with contact)."""
    base: dict[str, object] = {
        "service_request_id": rid,
        "status": "open",
        "state": "reported",
        "category": "water",
        "problem": "no_water",
        "settlement_id": "S1",
        "settlement_name": "Ilanga",
        "requested_datetime": "2026-11-01T08:00:00+02:00",
        "lon": 28.2,
        "lat": -26.1,
        "contact": CONTACT,
    }
    return {**base, **values}


def html_of(m: folium.Map) -> str:
    return m.get_root().render()


def test_reports_at_one_place_share_a_marker_and_each_is_in_its_tooltip() -> None:
    points = report_points(
        [
            record("a"),
            record("b", state="confirmed", problem="leaking"),
            record("c", lon=28.3, lat=-26.2, category="waste", problem="missed_collection"),
        ]
    )
    group = report_layer(points)
    markers = [c for c in group._children.values() if isinstance(c, folium.Marker)]
    assert len(markers) == 2
    assert group.layer_name == "Open reports (3)"
    page = html_of(folium.Map(tiles=None).add_child(group))
    assert "Water: No water" in page and "Water: Leaking" in page
    assert "Refuse and waste: Collection missed" in page
    assert "confirmed" in page and "days open" in page
    # The marker of the place with two reports says so (its icon's HTML, JSON-escaped).
    assert "\\u003e2\\u003c/span" in page and "\\u003e!\\u003c/span" in page


def test_no_contact_reaches_the_map_even_when_the_records_carry_it() -> None:
    points = report_points([record("a"), record("b", lon=None, lat=None)])
    assert "contact" not in points.columns
    # A frame that carries a contact anyway: the layer draws only its own columns.
    frame = points.assign(contact=CONTACT)
    page = html_of(folium.Map(tiles=None).add_child(report_layer(frame)))
    assert CONTACT not in page


def test_a_report_of_no_specific_point_is_drawn_at_its_settlement_and_closed_ones_not() -> None:
    entry = SettlementEntry("S1", "Ilanga", None, 28.25, -26.15)
    points = report_points(
        [
            record("a", lon=None, lat=None),
            record("b", status="closed", state="fixed"),
            record("c", lon=None, lat=None, settlement_id="S9"),  # unknown place: left out
        ],
        [entry],
    )
    assert points[["report", "lon", "lat"]].to_dict("records") == [
        {"report": "a", "lon": 28.25, "lat": -26.15}
    ]


def test_tooltips_escape_what_they_show() -> None:
    points = pd.DataFrame(
        {
            "lon": [28.2],
            "lat": [-26.1],
            "category": [HOSTILE],
            "problem": [HOSTILE],
            "state": ["reported"],
            "days_open": [1],
        }
    )
    page = html_of(folium.Map(tiles=None).add_child(report_layer(points)))
    assert "<img src=x" not in page and "${alert" not in page
    assert "1 day open" in page


def test_the_reports_are_added_beneath_the_layer_control_of_a_built_map() -> None:
    result = atlas.compute_gaps(atlas.load_sample(), atlas.load_standard("cape-town"))
    m = build_map(result.settlements, result.services, None)
    add_overlays(m, report_overlays(report_points([record("a")])))
    kinds = [type(c).__name__ for c in m._children.values()]
    assert kinds.index("FeatureGroup") < kinds.index("LayerControl") == len(kinds) - 1
    page = html_of(m)
    assert '"Open reports (1)"' in page  # listed by the layer control
    assert "1 open report" in page and REPORT_COLOUR in page  # and in a legend
    assert not [u for u in URL.findall(page) if "leafletjs.com" not in u], "asks the internet"


def test_an_empty_layer_draws_no_marker() -> None:
    group, _legend = report_overlays(report_points([]))
    assert group.layer_name == "Open reports (0)"
    assert not [c for c in group._children.values() if isinstance(c, folium.Marker)]
