"""The cluster's records in Chromium, three people at once with no internet: a member reports a
problem on a phone (390×844), a coordinator confirms it in the queue on a laptop, a viewer sees
the counts and never the resident's contact. And the first start on a laptop: the browser on it
is offered to create the admin account.

`atlas serve --db` runs on a store made beforehand through the library (the sample's
settlements registered, one user per role). Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import atlas
from atlas.store import add_user, list_reports, open_store, sign_in, sync_register
from tests.e2e.conftest import ARTIFACTS, Page, settle, start_app

pytestmark = pytest.mark.e2e

CONTACT = "072 555 0199"
NOTE = "The tap by the crèche has been dry since Monday."
USERS = {
    "thandi": ("admin", "admin password", None),
    "nomsa": ("coordinator", "coordinator password", None),
    "sipho": ("member", "member password", "Ilanga East Cluster"),
    "ayanda": ("viewer", "viewer password", None),
}
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1400, "height": 900}


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`atlas serve --db` on a store with the sample registered and a user of each role."""
    path = tmp_path_factory.mktemp("records") / "atlas.sqlite"
    store = open_store(path)
    sync_register(store, atlas.compute_gaps(atlas.load_sample(), atlas.load_standard("cape-town")))
    admin = None
    for name, (role, password, cluster) in USERS.items():
        user = add_user(store, admin, name, role, password, cluster)
        admin = admin or user
    store.close()
    proc, url = start_app("--db", str(path))
    yield url, path
    proc.terminate()
    proc.wait(timeout=10)


def new_page(browser: Any, viewport: dict[str, int], **options: Any) -> Page:
    """A browser context of its own (its own cookies: another person), every non-local
    request blocked."""
    return Page(browser.new_context(viewport=viewport, **options).new_page())


def sign_in_at(page: Any, name: str) -> None:
    """Sign in in the sidebar (opened first when it is collapsed, as on a phone)."""
    sidebar = page.locator("[data-testid='stSidebar']")
    expand = page.locator("[data-testid='stExpandSidebarButton']")
    if expand.count() and expand.is_visible():
        expand.click()
    sidebar.get_by_label("User name").fill(name)
    sidebar.get_by_label("Password", exact=True).fill(USERS[name][1])
    sidebar.get_by_role("button", name="Sign in").click()
    sidebar.get_by_text(f"Signed in as {name}", exact=False).wait_for(timeout=30_000)
    settle(page)


def choose_radio(page: Any, within: Any, label: str) -> None:
    """Tap a radio option by its words, as a thumb does (again if a rerun swallowed the tap)."""
    radio = within.get_by_role("radio", name=label)
    for _ in range(3):
        within.get_by_text(label, exact=True).click()
        settle(page)
        if radio.is_checked():
            return
    raise AssertionError(f"the option {label!r} could not be chosen")


def all_text(page: Any) -> str:
    """The HTML of the page and of every frame in it (the map's)."""
    parts = []
    for frame in page.frames:
        try:
            parts.append(frame.content())
        except Exception:  # a frame that went away while Streamlit rendered
            continue
    return "\n".join(parts)


def test_a_member_reports_on_a_phone_a_coordinator_confirms_a_viewer_counts(
    browser: Any, records: tuple[str, Path]
) -> None:
    url, path = records
    ARTIFACTS.mkdir(exist_ok=True)

    # The member, on a phone, opens the link to the form and signs in.
    phone = new_page(browser, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    member = phone.page
    member.goto(f"{url}/report")
    member.get_by_text("needs you to sign in", exact=False).wait_for(timeout=60_000)
    sign_in_at(member, "sipho")
    member.get_by_role("button", name="Collapse sidebar").click()  # back to the form
    main = member.locator("[data-testid='stMain']")
    main.get_by_role("button", name="Send the report").wait_for(timeout=30_000)
    settle(member)
    # One column, nothing wider than the phone.
    assert member.evaluate("document.querySelector('[data-testid=stMain]').scrollWidth") <= 390
    member.screenshot(path=str(ARTIFACTS / "report_phone_form.png"))
    main.get_by_label("Which service point", exact=False).click()
    member.get_by_role("option", name=re.compile(r", \d+ m \(")).first.click()
    settle(member)
    choose_radio(member, main, "No water")
    settle(member)
    main.get_by_label("Note (optional)").fill(NOTE)
    main.get_by_label("The resident's phone number or name (optional)").fill(CONTACT)
    main.get_by_text("Kept private", exact=False).scroll_into_view_if_needed()
    member.screenshot(path=str(ARTIFACTS / "report_phone_filled.png"))
    main.get_by_role("button", name="Send the report").click()
    sent = member.get_by_text("Report sent. Its number is", exact=False)
    sent.wait_for(timeout=30_000)
    rid = sent.inner_text().rsplit(" ", 1)[-1].strip(".")
    settle(member)
    sent.scroll_into_view_if_needed()
    member.screenshot(path=str(ARTIFACTS / "report_phone_sent.png"))
    # The form is empty again: the resident's contact is not left on the phone's screen.
    assert main.get_by_label("The resident's phone number or name (optional)").input_value() == ""
    store = open_store(path)
    (kept,) = list_reports(store, sign_in(store, "nomsa", USERS["nomsa"][1]), with_contacts=True)
    assert kept["service_request_id"] == rid and kept["contact"] == CONTACT
    assert kept["problem"] == "no_water" and kept["description"] == NOTE

    # The coordinator, on a laptop, finds it in the queue and confirms it.
    laptop = new_page(browser, LAPTOP)
    coordinator = laptop.page
    coordinator.goto(f"{url}/reports")
    coordinator.get_by_text("needs you to sign in", exact=False).wait_for(timeout=60_000)
    sign_in_at(coordinator, "nomsa")
    queue = coordinator.locator("[data-testid='stMain']")
    queue.get_by_role("heading", name="Water: No water at").wait_for(timeout=30_000)
    assert queue.get_by_label("Report", exact=True).input_value().startswith(f"{rid}: ")
    assert CONTACT not in all_text(coordinator)  # behind its button
    coordinator.screenshot(path=str(ARTIFACTS / "reports_queue.png"))
    queue.get_by_role("button", name="Show contact").click()
    queue.get_by_text(CONTACT, exact=False).wait_for(timeout=30_000)
    queue.get_by_role("button", name="Confirm", exact=True).click()
    queue.get_by_text(f"Report {rid} is now confirmed", exact=False).wait_for(timeout=30_000)
    settle(coordinator)
    coordinator.screenshot(path=str(ARTIFACTS / "reports_confirmed.png"))
    assert CONTACT not in all_text(coordinator)  # shown once, for the click that asked
    (confirmed,) = list_reports(store, sign_in(store, "nomsa", USERS["nomsa"][1]))
    assert confirmed["state"] == "confirmed"
    store.close()

    # The viewer sees how many reports there are, never one report or its contact.
    office = new_page(browser, LAPTOP)
    viewer = office.page
    viewer.goto(f"{url}/reports")
    viewer.get_by_text("needs you to sign in", exact=False).wait_for(timeout=60_000)
    sign_in_at(viewer, "ayanda")
    viewer.get_by_text("Per cluster").wait_for(timeout=30_000)
    viewer.screenshot(path=str(ARTIFACTS / "reports_viewer.png"))
    for link in ("Reports", "Map", "Settlement profile"):
        viewer.locator("[data-testid='stSidebar']").get_by_role("link", name=link).click()
        settle(viewer)
        content = all_text(viewer)
        assert CONTACT not in content and rid not in content and NOTE not in content
    assert viewer.locator("[data-testid='stSidebar']").get_by_text("Report a problem").count() == 0

    for person in (phone, laptop, office):
        assert person.blocked == [], f"the app asked the internet for {person.blocked[:3]}"
        assert person.dialogs == []
        person.page.context.close()


def test_the_first_start_offers_the_admin_account_to_the_laptop_running_it(
    browser: Any, tmp_path: Path
) -> None:
    proc, url = start_app("--db", str(tmp_path / "atlas.sqlite"))
    person = new_page(browser, LAPTOP)
    try:
        page = person.page
        page.goto(url)
        sidebar = page.locator("[data-testid='stSidebar']")
        sidebar.get_by_role("button", name="Create the admin account").wait_for(timeout=60_000)
        sidebar.get_by_label("Admin's user name").fill("thandi")
        sidebar.get_by_label("Password (at least 8 characters)", exact=True).fill("admin password")
        sidebar.get_by_label("The same password again", exact=True).fill("admin password")
        sidebar.get_by_role("button", name="Create the admin account").click()
        sidebar.get_by_text("Signed in as thandi (admin)").wait_for(timeout=30_000)
        assert sidebar.get_by_role("link", name="Reports").count() == 1
        assert person.blocked == []
    finally:
        person.page.context.close()
        proc.terminate()
        proc.wait(timeout=10)
    store = open_store(tmp_path / "atlas.sqlite")
    assert sign_in(store, "thandi", "admin password").role.label == "admin"
    store.close()
