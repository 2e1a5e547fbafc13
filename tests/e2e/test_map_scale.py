"""A mid-size generated metro (300 settlements, 30,000 points) in Chromium with no network:
every settlement drawn, points counted per cell when zoomed out, one by one when zoomed in."""

from __future__ import annotations

from pathlib import Path

import pytest

import atlas
from benchmarks.metro_data import SMALL, load_dataset
from layers.assets import missing_assets
from layers.display import STATUSES
from layers.maps import build_map, standalone_html
from layers.points import INDIVIDUAL_ZOOM
from tests.e2e.conftest import ARTIFACTS, Page
from tests.e2e.test_browser import COUNT_DRAWN

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        bool(missing_assets()), reason="map assets missing: python -m layers.assets"
    ),
]

#: The points layer of the page (the water category is the one shown).
POINTS = """() => {
  for (const key of Object.keys(window)) {
    if (key.startsWith('atlas_points_') && window[key]._map) return window[key];
  }
  return null;
}"""

#: Per status, the points in the cells at the current zoom, and the cells drawn.
CELLS = f"""() => {{
  const layer = ({POINTS})();
  const cells = layer.cells(layer._map.getZoom());
  const sums = [0, 1, 2].map(s => cells.reduce((t, c) => t + c.counts[s], 0));
  return {{individual: layer.individual(), sums: sums, drawn: layer._drawn.length,
           size: layer.size(), many: layer._drawn.filter(d => d[3].n > 1).length}};
}}"""

#: Zooms to a street near the settlement with the most points and returns the page position
#: and tooltip of a drawn point with no other point near it.
ZOOM_IN = f"""(zoom) => {{
  const layer = ({POINTS})();
  const map = layer._map;
  const best = layer.cells(12).reduce((a, c) => c.n > a.n ? c : a);
  map.setView(map.unproject([best.x, best.y], 12), zoom, {{animate: false}});
  const alone = layer._drawn.find(d => layer._drawn.every(
    o => o === d || Math.hypot(o[0] - d[0], o[1] - d[1]) > 20) &&
    d[0] > 60 && d[1] > 60 && d[0] < map.getSize().x - 300 && d[1] < map.getSize().y - 60);
  const box = map.getContainer().getBoundingClientRect();
  return {{individual: layer.individual(), drawn: layer._drawn.length,
           point: typeof alone[3] === 'number', x: box.left + alone[0], y: box.top + alone[1],
           tip: layer._tipText(alone[3])}};
}}"""


def test_metro_map_draws_every_settlement_and_points_by_zoom(page: Page, tmp_path: Path) -> None:
    dataset = load_dataset(SMALL)
    result = atlas.compute_gaps(dataset, atlas.load_standard("cape-town"))
    m = build_map(
        result.settlements,
        result.services,
        dataset.wards,
        standard=result.standard,
        service_categories=["water"],
    )
    path = tmp_path / "metro.html"
    path.write_text(standalone_html(m), encoding="utf-8")
    page.page.goto(path.as_uri())
    page.page.wait_for_function(f"({COUNT_DRAWN})() > 0", timeout=30_000)
    assert page.page.evaluate(COUNT_DRAWN) == len(result.settlements) == SMALL.settlements

    water = result.services[result.services["category"] == "water"]
    zoomed_out = page.page.evaluate(CELLS)
    assert not zoomed_out["individual"]
    assert zoomed_out["size"] == len(water)
    assert zoomed_out["sums"] == [int((water["status"] == s).sum()) for s in STATUSES]
    assert 0 < zoomed_out["drawn"] < len(water) and zoomed_out["many"] > 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(ARTIFACTS / "metro_map_cells.png"))

    street = page.page.evaluate(ZOOM_IN, INDIVIDUAL_ZOOM + 1)
    assert street["individual"] and street["point"] and street["drawn"] > 0
    page.page.mouse.move(street["x"], street["y"])
    tip = page.page.locator(".leaflet-tooltip", has_text=street["tip"].split("<br>")[1])
    tip.first.wait_for(timeout=5_000)
    page.page.screenshot(path=str(ARTIFACTS / "metro_map_street.png"))
    assert page.dialogs == [] and page.blocked == []
