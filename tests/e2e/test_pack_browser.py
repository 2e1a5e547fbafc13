"""The submission pack from the Clusters page's button in Chromium, with no internet: a person
not signed in downloads Kgotso South Cluster's pack to its ward councillor (the one the wards
layer names) and reads its letter; a coordinator signed in to `atlas serve --db` addresses it
to the Speaker kept in the contacts, downloads it, and the store keeps the submission with the
digest of exactly the file downloaded.

Page 1 of the downloaded pack is read with ``pdftotext`` (skipped without poppler); a
screenshot of the page goes to test-artifacts/pack_clusters_page.png.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import atlas
from atlas import store as st
from atlas.store import schema
from tests.atlas.test_report import flat, needs_poppler
from tests.e2e.conftest import ARTIFACTS, Page, choose, settle, start_app
from tests.e2e.test_reports_browser import LAPTOP, new_page

pytestmark = [pytest.mark.e2e, needs_poppler]

CLUSTER = "Kgotso South Cluster"
BUTTON = f"Download the submission pack of {CLUSTER} (PDF)"
COORDINATOR = ("nomsa", "coordinator password")


def first_page(pdf: Path) -> str:
    args = ["pdftotext", "-enc", "UTF-8", "-f", "1", "-l", "1", str(pdf), "-"]
    return flat(subprocess.run(args, check=True, capture_output=True, text=True).stdout)


def download(page: Any, target: Path) -> Path:
    """Click the pack's button and keep the file it downloads."""
    main = page.locator("[data-testid='stMain']")
    button = main.get_by_role("button", name=BUTTON)
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=120_000) as started:
        button.click()
    started.value.save_as(target)
    settle(page)
    return target


def test_the_clusters_page_downloads_the_pack_to_the_ward_councillor(
    page: Page, server: str, tmp_path: Path
) -> None:
    page.page.goto(f"{server}/clusters")
    settle(page.page)
    choose(page.page, "Cluster", CLUSTER, page.page.locator("[data-testid='stSidebar']"))
    main = page.page.locator("[data-testid='stMain']")
    main.get_by_text("To Tshepo Ndlovu, Ward Councillor, Ward 99900016", exact=False).wait_for(
        timeout=60_000
    )
    pdf = download(page.page, tmp_path / "pack.pdf")
    ARTIFACTS.mkdir(exist_ok=True)
    main.get_by_role("heading", name="Submission pack").scroll_into_view_if_needed()
    page.page.screenshot(path=str(ARTIFACTS / "pack_clusters_page.png"))
    letter = first_page(pdf)
    assert letter.startswith("SUBMISSION Kgotso South Cluster")
    assert "Tshepo Ndlovu Ward Councillor, Ward 99900016" in letter
    assert "Install 131 taps in Kgotso South Cluster, to reach 1 tap for 25 households: " \
           "42 in Khayalethu" in letter  # fmt: skip
    assert "Municipal Systems Act 32 of 2000, section 17(2)" in letter
    assert page.blocked == [], f"the app asked the internet for {page.blocked[:3]}"


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`atlas serve --db` on a store with the sample registered, a coordinator and the
    Speaker kept as a contact."""
    path = tmp_path_factory.mktemp("pack") / "atlas.sqlite"
    store = st.open_store(path)
    st.sync_register(
        store, atlas.compute_gaps(atlas.load_sample(), atlas.load_standard("cape-town"))
    )
    admin = st.add_user(store, None, "thandi", "admin", "admin password")
    st.add_user(store, admin, COORDINATOR[0], "coordinator", COORDINATOR[1])
    st.add_contact(store, admin, st.NewContact("speaker", "Fatima Adams",
                                               office="Speaker of the Council"))  # fmt: skip
    store.close()
    proc, url = start_app("--db", str(path))
    yield url, path
    proc.terminate()
    proc.wait(timeout=10)


def test_a_coordinator_records_the_pack_as_it_downloads(
    browser: Any, records: tuple[str, Path], tmp_path: Path
) -> None:
    url, path = records
    person = new_page(browser, LAPTOP)
    page = person.page
    page.goto(f"{url}/clusters")
    settle(page)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_label("User name").fill(COORDINATOR[0])
    sidebar.get_by_label("Password", exact=True).fill(COORDINATOR[1])
    sidebar.get_by_role("button", name="Sign in").click()
    sidebar.get_by_text(f"Signed in as {COORDINATOR[0]}", exact=False).wait_for(timeout=30_000)
    settle(page)
    choose(page, "Cluster", CLUSTER, sidebar)
    main = page.locator("[data-testid='stMain']")
    choose(page, "Addressed to", "Speaker of the Council", main)
    main.get_by_text("To Fatima Adams, Speaker of the Council", exact=False).wait_for(
        timeout=60_000
    )
    assert main.get_by_label("Record it in the cluster's submissions as sent today").is_checked()
    pdf = download(page, tmp_path / "pack.pdf")
    main.get_by_text("Submission to Fatima Adams, Speaker of the Council recorded",
                     exact=False).wait_for(timeout=60_000)  # fmt: skip
    letter = first_page(pdf)
    assert "Fatima Adams Speaker of the Council" in letter and "Dear Fatima Adams," in letter
    assert "This letter and its signature sheet are a petition" in letter
    store = st.open_store(path)
    try:
        with store.engine.connect() as conn:
            (row,) = conn.execute(select(schema.submissions)).all()
    finally:
        store.close()
    assert (row.cluster, row.recipient, row.recipient_role, row.status) == (
        CLUSTER, "Fatima Adams, Speaker of the Council", "speaker", "sent"
    )  # fmt: skip
    assert row.pack_sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert person.blocked == [] and person.dialogs == []
    person.page.context.close()
