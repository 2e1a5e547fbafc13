"""Rasters in Chromium, with every non-local request blocked: chosen on the Population and hazards
page, drawn on the map as images with a legend and an opacity slider."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from atlas.registry import sample_rasters
from tests.e2e.conftest import ARTIFACTS, Page, settle
from tests.e2e.test_browser import map_frame

pytestmark = pytest.mark.e2e

#: The raster images Leaflet has drawn in a map frame: name (alt-less, so by pane), loaded size.
IMAGES = """() => Array.from(document.querySelectorAll('.leaflet-atlas-rasters-pane img'))
  .filter(img => img.isConnected && img.complete)
  .map(img => ({w: img.naturalWidth, h: img.naturalHeight, src: img.src.slice(0, 22),
                opacity: getComputedStyle(img).opacity}))"""


def wait_for_images(frame: Any, count: int) -> list[dict[str, Any]]:
    for _ in range(60):
        images = frame.evaluate(IMAGES)
        if len(images) == count:
            return images
        frame.wait_for_timeout(500)
    raise AssertionError(f"{count} raster images not drawn: {frame.evaluate(IMAGES)}")


def test_chosen_rasters_are_drawn_on_the_map_offline(page: Page, server: str) -> None:
    # Through the app's own navigation, in one session (the choice lives in the session).
    page.page.goto(server)
    map_frame(page.page)
    page.page.get_by_role("link", name="Population and hazards").click()
    settle(page.page)
    page.page.get_by_text("Sample population (synthetic)").click()
    settle(page.page)
    page.page.get_by_text("Sample flood zones (synthetic)").click()
    settle(page.page)
    page.page.get_by_text("have more than half their area in the flood zone").first.wait_for(
        timeout=60_000
    )
    page.page.get_by_role("link", name="Map", exact=True).click()
    frame = map_frame(page.page)
    # The flood zones (chosen last) are on; the population starts off in the layer control.
    (flood,) = wait_for_images(frame, 1)
    assert flood["src"] == "data:image/png;base64," and flood["w"] > 500
    assert flood["opacity"] == "0.7"
    assert frame.get_by_text("1-in-100-year flood zone").is_visible()
    assert not frame.get_by_text("people per cell").is_visible()  # its box hides with it
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(ARTIFACTS / "map_raster.png"))
    # With two rasters' boxes the layer list starts folded (the boxes would cover more than a
    # fifth of the map); a click on its title opens it.
    layers = frame.locator(".leaflet-control-layers > .atlas-toggle")
    assert layers.get_attribute("aria-expanded") == "false"
    layers.click()
    frame.locator(".leaflet-control-layers label", has_text="Sample population").click()
    images = wait_for_images(frame, 2)
    assert all(i["w"] > 100 for i in images)
    # Its slider sets its opacity (the one slider per raster, shown with its raster).
    assert frame.get_by_text("people per cell").is_visible()
    frame.evaluate(
        """() => { const input = document.querySelectorAll('.atlas-opacity input')[0];
                   input.value = 20; input.dispatchEvent(new Event('input')); }"""
    )
    assert sorted(i["opacity"] for i in frame.evaluate(IMAGES)) == ["0.2", "0.7"]
    assert page.blocked == [], f"the app asked the internet for {page.blocked[:3]}"


def test_uploaded_rasters_are_checked_and_used(page: Page, server: str, tmp_path: Path) -> None:
    bad = tmp_path / "notes.tif"
    bad.write_text("not a raster", encoding="utf-8")
    good = tmp_path / "my_people.tif"
    shutil.copy(sample_rasters().population, good)
    page.page.goto(server)
    map_frame(page.page)
    page.page.get_by_role("link", name="Population and hazards").click()
    settle(page.page)
    uploads = page.page.locator("input[type='file']")
    uploads.nth(0).set_input_files(str(bad))
    settle(page.page)
    page.page.get_by_text("'notes.tif' is named like a GeoTIFF but is not one").first.wait_for(
        timeout=60_000
    )
    assert page.page.get_by_text("Traceback").count() == 0
    uploads.nth(0).set_input_files(str(good))
    settle(page.page)
    page.page.get_by_text("Your file: my_people.tif").first.wait_for(timeout=60_000)
    page.page.get_by_text("its demand now comes from the raster").first.wait_for(timeout=60_000)
    assert page.blocked == []
