"""The Map page fits the room (DESIGN §9): the map takes the page's width, its legends and
layer list cover at most about a fifth of it (folded on a phone, a click opens them), and the
first click on a settlement opens it, even when the map runs past the bottom of the window."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import atlas
from tests.atlas.real_common import CPT_WARDS, INFORMAL
from tests.conftest import real_path
from tests.e2e.conftest import ARTIFACTS, Page, start_app
from tests.e2e.test_browser import map_frame

pytestmark = pytest.mark.e2e

#: What the legends and the layer list cover, and whether each is open, in a map frame.
CONTROLS = """() => {
  const box = e => e.getBoundingClientRect();
  const map = box(document.querySelector('.leaflet-container'));
  const controls = Array.from(document.querySelectorAll('.atlas-legend, .leaflet-control-layers'))
    .filter(e => box(e).width > 0)
    .map(e => ({
      kind: e.classList.contains('leaflet-control-layers') ? 'layers' : 'legend',
      area: box(e).width * box(e).height,
      open: e.firstChild.getAttribute('aria-expanded') === 'true',
      text: e.innerText,
    }));
  return {width: map.width, height: map.height, controls};
}"""

#: Where, in the window, each drawn settlement's middle is (frame offset added by the caller).
MIDDLES = """() => {
  const out = [];
  for (const key of Object.keys(window)) {
    const layer = window[key];
    if (!key.startsWith('geo_json_') || !layer || !layer.eachLayer) continue;
    layer.eachLayer(l => {
      if (!l.feature || !l._path || !l._path.isConnected) return;
      const r = l._path.getBoundingClientRect();
      out.push([l.feature.properties.settlement_id, r.x + r.width / 2, r.y + r.height / 2,
                Math.min(r.width, r.height)]);
    });
  }
  return out;
}"""

SCROLLED = "() => document.querySelector('[data-testid=stMain]').scrollTop"


def _open_map(browser: Any, server: str, width: int, height: int) -> tuple[Page, Any]:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = Page(context.new_page())
    page.page.goto(server)
    frame = map_frame(page.page)
    page.page.wait_for_timeout(500)
    return page, frame


def _covered(layout: dict[str, Any]) -> float:
    return float(sum(c["area"] for c in layout["controls"])) / (layout["width"] * layout["height"])


def test_at_1400_by_900_the_map_takes_the_width_and_the_legend_a_fifth_at_most(
    browser: Any, server: str
) -> None:
    page, frame = _open_map(browser, server, 1400, 900)
    try:
        # The row of controls above the map spans the page's content column.
        row = page.page.locator("[data-testid='stHorizontalBlock']").first.bounding_box()
        layout = frame.evaluate(CONTROLS)
        ARTIFACTS.mkdir(exist_ok=True)
        page.page.screenshot(path=str(ARTIFACTS / "map-1400x900.png"))
        # Nothing sits beside the map.
        assert row is not None and layout["width"] >= row["width"] - 1
        assert layout["width"] >= 900
        assert {c["kind"] for c in layout["controls"]} == {"legend", "layers"}
        # Room enough to leave both open on a wide map, and they cover under a fifth.
        assert all(c["open"] for c in layout["controls"]), layout
        assert _covered(layout) <= 0.2, layout
        legend = next(c for c in layout["controls"] if c["kind"] == "legend")
        assert "Water: more taps needed" in legend["text"] and "no data" in legend["text"]
        # A click on its title folds the legend to a title bar, and another opens it again.
        toggle = frame.locator(".atlas-legend > .atlas-toggle")
        toggle.click()
        folded = frame.evaluate(CONTROLS)
        legend = next(c for c in folded["controls"] if c["kind"] == "legend")
        assert not legend["open"] and legend["text"].strip() == "Legend"
        assert legend["area"] < 120 * 40
        toggle.click()
        assert all(c["open"] for c in frame.evaluate(CONTROLS)["controls"])
        assert page.blocked == []
    finally:
        page.page.context.close()


def test_on_a_phone_the_legend_starts_folded_and_a_tap_opens_it(browser: Any, server: str) -> None:
    page, frame = _open_map(browser, server, 390, 844)
    try:
        layout = frame.evaluate(CONTROLS)
        ARTIFACTS.mkdir(exist_ok=True)
        page.page.screenshot(path=str(ARTIFACTS / "map-390x844.png"))
        assert layout["width"] >= 390 - 2 * 16 - 2
        # Open, legend and layer list would cover a third of this map: both start folded.
        assert not any(c["open"] for c in layout["controls"])
        assert _covered(layout) <= 0.2, layout
        assert sorted(c["text"].strip() for c in layout["controls"]) == ["Layers", "Legend"]
        frame.locator(".atlas-legend > .atlas-toggle").click()
        legend = next(c for c in frame.evaluate(CONTROLS)["controls"] if c["kind"] == "legend")
        assert legend["open"] and "working" in legend["text"] and "0 – 8" in legend["text"]
        assert page.blocked == []
    finally:
        page.page.context.close()


def test_the_first_click_on_a_settlement_opens_it(browser: Any, server: str) -> None:
    """On a phone the map runs past the bottom of the window; a click near that edge focuses
    the map, and the browser used to scroll it into view under the pointer, losing the click."""
    page, frame = _open_map(browser, server, 390, 844)
    try:
        frame_box = page.page.locator("iframe").first.bounding_box()
        assert frame_box is not None and frame_box["y"] + frame_box["height"] > 844
        # The lowest settlement large enough to hit that lies in the window: a mouse click
        # where a person sees it (no scrolling first, unlike Playwright's element.click).
        visible = [
            m for m in frame.evaluate(MIDDLES) if m[3] >= 6 and frame_box["y"] + m[2] < 844 - 10
        ]
        sid, x, y, _ = max(visible, key=lambda m: m[2])
        before = page.page.evaluate(SCROLLED)
        page.page.mouse.click(frame_box["x"] + x, frame_box["y"] + y)
        result = atlas.compute_gaps(atlas.load_sample(), atlas.load_standard("cape-town"))
        name = result.settlements.set_index("settlement_id").loc[sid, "name"]
        page.page.get_by_role("heading", name=name, exact=True).first.wait_for(timeout=30_000)
        assert page.page.evaluate(SCROLLED) == before
        # Its full profile opens on it.
        page.page.get_by_text("Its full profile").click()
        page.page.get_by_role("heading", name="Settlement profile").wait_for(timeout=30_000)
        page.page.get_by_role("heading", name=name, exact=True).first.wait_for(timeout=30_000)
    finally:
        page.page.context.close()


#: How many drawn settlements the open legend covers, and how many are drawn.
UNDER_LEGEND = """() => {
  const legend = document.querySelector('.atlas-legend').getBoundingClientRect();
  let covered = 0, drawn = 0;
  for (const key of Object.keys(window)) {
    const layer = window[key];
    if (!key.startsWith('geo_json_') || !layer || !layer.eachLayer) continue;
    layer.eachLayer(l => {
      if (!l._path || !l._path.isConnected) return;
      drawn += 1;
      const r = l._path.getBoundingClientRect();
      if (r.right > legend.left && r.left < legend.right && r.bottom > legend.top &&
          r.top < legend.bottom) covered += 1;
    });
  }
  return {covered, drawn};
}"""


@pytest.fixture(scope="module")
def cape_town() -> Iterator[str]:
    """`atlas serve` on the City of Cape Town's informal settlements and 2011 wards."""
    settlements, wards = real_path(*INFORMAL), real_path(*CPT_WARDS)
    proc, url = start_app(
        "--settlements", str(settlements), "--wards", str(wards),
        "--map", "settlements.name=InformalSe", "--map", "settlements.households=HHs",
        "--map", "settlements.population=Popn",
        "--map", "settlements.sanitation_working=Tlt_Total",
    )  # fmt: skip
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_on_cape_town_the_legend_covers_no_settlement(browser: Any, cape_town: str) -> None:
    """On the City's 326 settlements the legend used to sit on Khayelitsha."""
    page, frame = _open_map(browser, cape_town, 1400, 900)
    try:
        layout = frame.evaluate(CONTROLS)
        assert _covered(layout) <= 0.2, layout
        assert frame.evaluate(UNDER_LEGEND) == {"covered": 0, "drawn": 326}
        page.page.screenshot(path=str(ARTIFACTS / "map-cape-town-1400x900.png"))
        assert page.blocked == []
    finally:
        page.page.context.close()
