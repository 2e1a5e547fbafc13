"""The "Statuses as of" date in Chromium: a viewer moves it on the Map, the Clusters and the
settlement profile pages and sees the map and the numbers change with the cluster's confirmed
reports (DESIGN §4), with every non-local request blocked.

The store: the sample registered; one water point of Khayalethu (SET-021, Kgotso South
Cluster), working in the file, seen broken on 3 March 2026, confirmed on the 5th and fixed on
the 21st. As of 10 March the cluster has 60 working taps, not 61; as of today, 61 again.
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import atlas
from atlas.store import NewReport, add_report, add_user, open_store, sync_register, update_report
from tests.e2e.conftest import ARTIFACTS, choose, settle, start_app
from tests.e2e.test_reports_browser import LAPTOP, new_page

pytestmark = pytest.mark.e2e

VIEWER = ("lebo", "viewer password")
CLUSTER = "Kgotso South Cluster"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """`atlas serve --db` on a store with one fixed outage in March; the point's id."""
    path = tmp_path_factory.mktemp("as-of") / "atlas.sqlite"
    store = open_store(path)
    result = atlas.compute_gaps(atlas.load_sample(), atlas.load_standard("cape-town"))
    sync_register(store, result)
    s = result.services
    point = str(
        s[
            (s["settlement_id"] == "SET-021")
            & (s["category"] == "water")
            & (s["status"] == "working")
        ]["service_id"].iloc[0]
    )
    admin = add_user(store, None, "thandi", "admin", "admin password")
    add_user(store, admin, VIEWER[0], "viewer", VIEWER[1])
    added = add_report(
        store, admin, NewReport("SET-021", "water", "broken", "2026-03-03T08:00", service_id=point)
    )
    update_report(store, admin, added.id, "confirmed", at="2026-03-05T09:00")
    update_report(store, admin, added.id, "fixed", at="2026-03-21T10:00")
    store.close()
    proc, url = start_app("--db", str(path))
    yield url, point
    proc.terminate()
    proc.wait(timeout=10)


def sign_in(page: Any) -> None:
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_label("User name").fill(VIEWER[0])
    sidebar.get_by_label("Password", exact=True).fill(VIEWER[1])
    sidebar.get_by_role("button", name="Sign in").click()
    sidebar.get_by_text(f"Signed in as {VIEWER[0]}", exact=False).wait_for(timeout=30_000)
    settle(page)


def set_as_of(page: Any, day: str) -> None:
    """Type a day (YYYY-MM-DD) into the "Statuses as of" box's year, month and day, as a
    person does with the keyboard, and wait for the rerun."""
    main = page.locator("[data-testid='stMain']")
    main.get_by_role("spinbutton", name="year, Statuses as of").click()
    page.keyboard.type(day.replace("-", ""), delay=50)  # each part moves on to the next
    main.get_by_role("heading").first.click()  # the box takes the day when it loses focus
    settle(page)


def go_to(page: Any, name: str) -> None:
    """Another page through the sidebar's navigation, in the same session (a new address
    would be a new session, signed out)."""
    page.locator("[data-testid='stSidebarNav']").get_by_text(name, exact=True).click()
    settle(page)


def choose_cluster(page: Any) -> None:
    choose(page, "Cluster", CLUSTER, page.locator("[data-testid='stSidebar']"))


def map_html(page: Any, other_than: str = "") -> str:
    """The drawn map's HTML (the folium frame's), once it is there and not ``other_than``."""
    for _ in range(60):
        for frame in page.frames:
            try:
                html = frame.content()
            except Exception:  # a frame that went away while Streamlit rendered
                continue
            if "leaflet" in html.lower() and "SET-021" in html and html != other_than:
                return html
        page.wait_for_timeout(500)
    return ""


def test_moving_the_date_changes_the_map_and_the_numbers(
    browser: Any, served: tuple[str, str]
) -> None:
    url, _ = served
    ARTIFACTS.mkdir(exist_ok=True)
    wrapped = new_page(browser, LAPTOP)
    page = wrapped.page

    # Nobody signed in: the statuses are the file's, and the page says how to see them in time.
    page.goto(f"{url}/clusters")
    settle(page)
    page.get_by_text("Statuses are the services file's", exact=False).wait_for(timeout=60_000)
    sign_in(page)
    choose_cluster(page)
    main = page.locator("[data-testid='stMain']")
    main.get_by_text("Statuses as of today", exact=False).wait_for(timeout=30_000)
    today_text = main.inner_text()
    assert "61" in today_text

    set_as_of(page, "2026-03-10")
    main.get_by_text("Statuses as of 10 March 2026", exact=False).wait_for(timeout=30_000)
    assert main.get_by_text("1 service point out of service", exact=False).count()
    march = main.inner_text()
    page.screenshot(path=str(ARTIFACTS / "as_of_clusters_10_march.png"), full_page=True)
    # The cluster's working taps: 61 in the file, 60 on 10 March.
    assert "60" in march and march != today_text

    # The date carries to the Map: the point is drawn broken there.
    go_to(page, "Map")
    main = page.locator("[data-testid='stMain']")
    main.get_by_text("Statuses as of 10 March 2026", exact=False).wait_for(timeout=30_000)
    broken_in_march = map_html(page)
    page.screenshot(path=str(ARTIFACTS / "as_of_map_10_march.png"))
    set_as_of(page, "2026-03-25")
    main.get_by_text("Statuses as of 25 March 2026", exact=False).wait_for(timeout=30_000)
    fixed_later = map_html(page, other_than=broken_in_march)
    assert broken_in_march and fixed_later and broken_in_march != fixed_later

    # The profile: the point is out of service on 10 March, with its days.
    set_as_of(page, "2026-03-10")
    go_to(page, "Settlement profile")
    main = page.locator("[data-testid='stMain']")
    choose(page, "Settlement", "Khayalethu (SET-021)", main)
    # The file has 13 working taps; on 10 March one of them was out.
    main.get_by_text("Khayalethu has 12 working taps", exact=False).wait_for(timeout=30_000)
    main.get_by_text("Service points (", exact=False).scroll_into_view_if_needed()
    settle(page)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(ARTIFACTS / "as_of_profile_10_march.png"))
    # The points table draws on a canvas: its "Out of service" cells ("for 7 days" for the
    # point, seen on 3 March at 08:00) are checked in tests/app/test_as_of_page.py, and seen
    # in the screenshot.
    assert main.get_by_text("Over time").count()
    assert not wrapped.blocked, wrapped.blocked
