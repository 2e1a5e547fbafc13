"""The Present page in Chromium at a projector's 1280 × 720: the headline's size, the keys a
presentation clicker sends, full screen, and no request leaving the computer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import atlas
from atlas.summaries import build_cluster_report
from tests.e2e.conftest import ARTIFACTS, Page, choose, settle

pytestmark = pytest.mark.e2e

#: What a person at the back of the room sees: the visible slide's headline and the counter.
SHOWN = """() => {
  const slide = document.querySelector('.atlas-deck .atlas-slide:not([hidden])');
  const title = slide.querySelector('.atlas-slide-title');
  const deck = document.querySelector('.atlas-deck').getBoundingClientRect();
  return {
    title: title.textContent,
    size: parseFloat(getComputedStyle(title).fontSize),
    counter: document.querySelector('.atlas-deck .atlas-counter').textContent,
    visible: document.querySelectorAll('.atlas-deck .atlas-slide:not([hidden])').length,
    bottom: deck.bottom,
    full: document.fullscreenElement !== null,
  };
}"""


@pytest.fixture
def room(browser: Any) -> Iterator[Page]:
    """A 1280 × 720 window (a projector's), every non-local request blocked."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    wrapped = Page(context.new_page())
    yield wrapped
    context.close()


def report_names(cluster: str) -> list[str]:
    """The settlements in the printed report's order (worst water gap first)."""
    sample = atlas.load_sample()
    result = atlas.compute_gaps(sample, atlas.load_standard("cape-town"))
    return [row[1] for row in build_cluster_report(result, sample, cluster).rows]


def open_present(page: Any, server: str) -> None:
    page.goto(f"{server}/present")
    # The first visit measures the sample (cached after): slow on a busy machine.
    page.wait_for_selector(".atlas-deck .atlas-slide", timeout=120_000)
    settle(page)
    # The deck's script has run once it has shown its first slide.
    page.wait_for_function("document.querySelector('.atlas-deck[data-current]') !== null")


def press(page: Any, key: str) -> dict[str, Any]:
    page.keyboard.press(key)
    page.wait_for_timeout(150)
    return dict(page.evaluate(SHOWN))


def test_headline_size_and_keyboard_navigation(room: Page, server: str) -> None:
    page = room.page
    open_present(page, server)
    assert page.locator("[data-testid='stSidebar']").bounding_box()["width"] > 200  # open
    # "All clusters" in the sidebar: the page offers the first named cluster.
    names = report_names("Ilanga East Cluster")
    total = len(names) + 1
    shown = page.evaluate(SHOWN)
    assert shown["title"] == "Ilanga East Cluster"
    assert shown["counter"] == f"1 / {total}" and shown["visible"] == 1
    assert shown["size"] >= 48, f"the headline is {shown['size']} px"
    assert shown["bottom"] <= 720, "the slides do not fit the window"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "present-summary.png"))

    # Masakhane has the worst water gap of Ilanga East (61 more taps): slide 2.
    assert names[0] == "Masakhane"
    slide = press(page, "ArrowRight")
    assert (slide["counter"], slide["title"]) == (f"2 / {total}", "Masakhane")
    assert slide["size"] >= 48
    page.screenshot(path=str(ARTIFACTS / "present-settlement.png"))
    assert press(page, "PageDown")["title"] == names[1]
    assert press(page, "PageUp")["counter"] == f"2 / {total}"
    assert press(page, "ArrowLeft")["title"] == "Ilanga East Cluster"
    assert press(page, "ArrowLeft")["counter"] == f"1 / {total}"  # no slide before the first
    last = press(page, "End")
    assert (last["counter"], last["title"]) == (f"{total} / {total}", names[-1])
    assert press(page, "ArrowRight")["counter"] == f"{total} / {total}"
    assert press(page, "Home")["counter"] == f"1 / {total}"
    assert press(page, " ")["counter"] == f"2 / {total}"
    assert press(page, "ArrowUp")["counter"] == f"1 / {total}"
    assert room.blocked == [], f"the page asked the internet for {room.blocked[:3]}"


def test_buttons_clicks_full_screen_and_one_listener_after_reruns(room: Page, server: str) -> None:
    page = room.page
    open_present(page, server)
    page.locator(".atlas-deck .atlas-next").click()
    assert page.evaluate(SHOWN)["counter"] == "2 / 11"
    box = page.locator(".atlas-deck .atlas-slides").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] / 2)
    assert page.evaluate(SHOWN)["counter"] == "3 / 11"
    page.mouse.click(box["x"] + box["width"] * 0.1, box["y"] + box["height"] / 2)
    assert page.evaluate(SHOWN)["counter"] == "2 / 11"

    # F: the deck fills the screen, and its headline grows with it.
    embedded = page.evaluate(SHOWN)["size"]
    page.keyboard.press("f")  # entering full screen takes a moment: wait for it
    page.wait_for_function("document.fullscreenElement === document.querySelector('.atlas-deck')")
    page.wait_for_timeout(300)  # the deck's new size laid out
    full = page.evaluate(SHOWN)
    assert full["full"] and full["size"] > embedded >= 48
    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement === null")

    # Keys typed in the cluster box are the box's, not the slides'.
    page.get_by_label("Cluster to present", exact=True).click()
    assert press(page, "ArrowDown")["counter"] == "2 / 11"
    assert press(page, "PageDown")["counter"] == "2 / 11"
    page.keyboard.press("Escape")  # the box closed, the choice made as a person makes it
    choose(page, "Cluster to present", "Northern Ridge Cluster")
    page.wait_for_function(
        "document.querySelector('.atlas-deck .atlas-slide-title').textContent"
        " === 'Northern Ridge Cluster'"
    )
    # The deck was drawn again: one listener moves it one slide, not two.
    page.get_by_role("heading", name="Present").click()  # out of the box
    slide = press(page, "ArrowRight")
    assert (slide["counter"], slide["title"]) == ("2 / 11", "Mohau Park")

    # Another page and back: still one listener, on the deck now shown.
    page.get_by_role("link", name="Clusters").click()
    settle(page)
    page.wait_for_function("document.querySelector('.atlas-deck') === null")
    page.keyboard.press("ArrowRight")  # the old listener removes itself
    page.get_by_role("link", name="Present").click()
    settle(page)
    page.wait_for_function("document.querySelector('.atlas-deck[data-current]') !== null")
    assert press(page, "ArrowRight")["counter"] == "2 / 11"
    assert room.blocked == []
    assert room.dialogs == []
