"""The standalone HTML export opened from disk in Chromium with every network request blocked."""

from __future__ import annotations

from pathlib import Path

import pytest

import atlas
from layers.assets import missing_assets
from layers.standalone import write_output
from tests.atlas.exports_common import ARABIC, LONG, MARKUP, STANDARD, ZULU, hostile_dataset
from tests.e2e.conftest import ARTIFACTS, Page
from tests.e2e.test_browser import COUNT_DRAWN

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        bool(missing_assets()), reason="map assets missing: python -m layers.assets"
    ),
]

#: The settlement names as the tooltips show them (the property is HTML text).
SHOWN_NAMES = """() => {
  const names = [];
  for (const key of Object.keys(window)) {
    const layer = window[key];
    if (!key.startsWith('geo_json_') || !layer || !layer.eachLayer) continue;
    layer.eachLayer(l => {
      const p = l.feature && l.feature.properties;
      if (!p || p.settlement_id === undefined) return;
      const box = document.createElement('div');
      box.innerHTML = p.name;
      names.push(box.textContent);
    });
  }
  return names;
}"""


#: Zooms to a settlement and gives the page position of a point (lat, lon) inside it.
POINT_OF = """([sid, lat, lon]) => {
  for (const key of Object.keys(window)) {
    const layer = window[key];
    if (!key.startsWith('geo_json_') || !layer || !layer.eachLayer) continue;
    let hit = null;
    layer.eachLayer(l => { if (l.feature && l.feature.properties.settlement_id === sid) hit = l; });
    if (!hit) continue;
    hit._map.fitBounds(hit.getBounds(), {animate: false});
    const p = hit._map.latLngToContainerPoint([lat, lon]);
    const box = hit._map.getContainer().getBoundingClientRect();
    return [box.left + p.x, box.top + p.y];
  }
  return null;
}"""


def _open(page: Page, path: Path) -> None:
    page.page.goto(path.resolve().as_uri())
    page.page.wait_for_function(f"({COUNT_DRAWN})() > 0", timeout=30_000)


def test_hostile_map_opens_offline_and_draws_every_settlement(page: Page, tmp_path: Path) -> None:
    ds = hostile_dataset()
    result = atlas.compute_gaps(ds, STANDARD)
    (path,) = write_output(result, ds, "html", tmp_path / "hostile.html")
    _open(page, path)
    assert page.page.evaluate(COUNT_DRAWN) == len(result.settlements) == 4
    assert sorted(page.page.evaluate(SHOWN_NAMES)) == sorted([MARKUP, LONG, ZULU, ARABIC])
    # Hover every settlement as a person would: the tooltip shows its name as text.
    # A point inside each settlement, clear of the service points' markers (about 30 m).
    markers = result.services.geometry.union_all().buffer(0.0003)
    inside = result.settlements.geometry.difference(markers).representative_point()
    for sid, name, point in zip(
        result.settlements["settlement_id"], result.settlements["name"], inside, strict=True
    ):
        x, y = page.page.evaluate(POINT_OF, [sid, point.y, point.x])
        page.page.mouse.move(x, y)
        tip = page.page.locator(".leaflet-tooltip").last
        tip.wait_for(timeout=5_000)
        assert tip.inner_text().startswith(name[:60]), (sid, tip.inner_text())
        page.page.mouse.move(1, 1)
    assert page.dialogs == [], f"a script ran: {page.dialogs}"
    assert page.blocked == [], f"the page asked the network for {page.blocked[:3]}"


def test_sample_cluster_map_draws_the_clusters_settlements(page: Page, tmp_path: Path) -> None:
    ds = atlas.load_sample()
    result = atlas.compute_gaps(ds, atlas.load_standard("cape-town"))
    cluster = str(result.clusters["cluster"].iloc[0])
    (path,) = write_output(result, ds, "html", tmp_path / "cluster.html", clusters=[cluster])
    _open(page, path)
    members = int((result.settlements["cluster"] == cluster).sum())
    assert page.page.evaluate(COUNT_DRAWN) == members
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(ARTIFACTS / "export_map.png"))
    assert page.blocked == [], f"the page asked the network for {page.blocked[:3]}"
