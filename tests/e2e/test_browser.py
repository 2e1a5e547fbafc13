"""The whole app in Chromium with every non-local request blocked (no internet)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

import atlas
from atlas.i18n import format_number
from tests.e2e.conftest import ARTIFACTS, Page, settle

pytestmark = pytest.mark.e2e

HOSTILE = "<img src=x onerror=alert(1)> ${alert(1)}"

#: Counts the settlement features Leaflet has drawn (an SVG path in the page) in a map frame.
COUNT_DRAWN = """() => {
  let drawn = 0;
  for (const key of Object.keys(window)) {
    const layer = window[key];
    if (!key.startsWith('geo_json_') || !layer || !layer.eachLayer) continue;
    layer.eachLayer(l => {
      const p = l.feature && l.feature.properties;
      if (p && p.settlement_id !== undefined && l._path && l._path.isConnected) drawn += 1;
    });
  }
  return drawn;
}"""

#: The drawn path of the settlement with the given id in a map frame (zoomed to it first).
PATH_OF = """(sid) => {
  for (const key of Object.keys(window)) {
    const layer = window[key];
    if (!key.startsWith('geo_json_') || !layer || !layer.eachLayer) continue;
    let hit = null;
    layer.eachLayer(l => { if (l.feature && l.feature.properties.settlement_id === sid) hit = l; });
    if (hit) { hit._map.fitBounds(hit.getBounds(), {animate: false}); return hit._path; }
  }
  return null;
}"""


def click_settlement(frame: Any, settlement_id: str) -> None:
    """A real mouse click on a settlement, as a person would click it."""
    path = frame.evaluate_handle(PATH_OF, settlement_id).as_element()
    assert path is not None, f"settlement {settlement_id} is not drawn"
    frame.wait_for_timeout(500)
    path.click(force=True)


def map_frame(page: Any) -> Any:
    page.wait_for_selector("iframe", timeout=60_000)
    for _ in range(120):
        for frame in page.frames:
            try:
                if frame.evaluate(COUNT_DRAWN) > 0:
                    return frame
            except Exception:  # frames come and go while Streamlit renders
                continue
        page.wait_for_timeout(500)
    raise AssertionError("no map frame with drawn settlements")


def test_map_draws_the_sample_offline_and_a_click_shows_the_profile(
    page: Page, server: str
) -> None:
    page.page.goto(server)
    frame = map_frame(page.page)
    expected = atlas.compute_gaps(atlas.load_sample(), atlas.load_standard("cape-town"))
    assert frame.evaluate(COUNT_DRAWN) == len(expected.settlements)
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(ARTIFACTS / "map_page.png"))
    row = expected.settlements.set_index("settlement_id").loc["SET-001"]
    click_settlement(frame, "SET-001")
    sentence = (
        f"{row['name']} has {int(row['water_working'])} working taps for "
        f"{format_number(row['households'])} households."
    )
    page.page.get_by_text(sentence, exact=False).wait_for(timeout=30_000)
    assert page.page.get_by_text(
        f"{int(row['water_gap'])} more taps are needed", exact=False
    ).count()
    assert page.blocked == [], f"the app asked the internet for {page.blocked[:3]}"


def test_clusters_page_matches_the_command_line(page: Page, server: str) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "atlas.cli", "gaps", "--level", "cluster", "--quiet"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    page.page.goto(f"{server}/clusters")
    for record in json.loads(out.stdout):
        name = record["cluster"] or "Not in a cluster"
        count = record["settlements"]
        sentence = (
            f"{name} ({count} settlement{'' if count == 1 else 's'}, "
            f"{format_number(record['households'])} households): "
            f"{record['water_working']} working taps, {format_number(record['water_gap'])} more needed"
        )
        # Waits until Streamlit has drawn it (the page streams in after the first paint).
        page.page.get_by_text(sentence, exact=False).wait_for(timeout=60_000)
    assert page.blocked == []


def _upload(page: Any, index: int, path: Path) -> None:
    page.locator("input[type='file']").nth(index).set_input_files(str(path))
    settle(page)


def test_hostile_name_in_profile_and_map(page: Page, server: str, tmp_path: Path) -> None:
    settlements = gpd.GeoDataFrame(
        {"settlement_id": ["H1"], "name": [HOSTILE], "households": [100]},
        geometry=[box(28.2, -26.1, 28.21, -26.09)],
        crs=4326,
    )
    services = gpd.GeoDataFrame(
        {"service_id": ["t1"], "category": ["water"], "status": ["working"], "kind": [HOSTILE]},
        geometry=[Point(28.205, -26.095)],
        crs=4326,
    )
    settlements.to_file(tmp_path / "hostile.geojson")
    services.to_file(tmp_path / "taps.geojson")
    page.page.goto(f"{server}/data")
    settle(page.page)
    _upload(page.page, 0, tmp_path / "hostile.geojson")
    _upload(page.page, 1, tmp_path / "taps.geojson")
    page.page.get_by_role("button", name="Use these files").click(timeout=60_000)
    settle(page.page)
    # Navigate inside the same session (the sidebar links), so the upload stays in use.
    page.page.get_by_role("link", name="Settlement profile").click()
    settle(page.page)
    page.page.get_by_text(HOSTILE, exact=False).first.wait_for(timeout=60_000)
    page.page.get_by_role("link", name="Map").click()
    frame = map_frame(page.page)
    assert frame.evaluate(COUNT_DRAWN) == 1
    click_settlement(frame, "H1")
    page.page.wait_for_timeout(2000)
    assert page.dialogs == [], f"a script ran: {page.dialogs}"
    assert page.blocked == []


def test_a_corrupt_upload_shows_an_error_message(page: Page, server: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    page.page.goto(f"{server}/data")
    settle(page.page)
    _upload(page.page, 0, broken)
    page.page.get_by_text("Could not open 'broken.geojson'", exact=False).wait_for(timeout=30_000)
    assert page.page.get_by_text("Traceback").count() == 0
