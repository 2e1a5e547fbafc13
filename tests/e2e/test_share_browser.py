"""The meeting room in Chromium (`atlas serve --share`): a phone on the network meets the door,
gets in with the meeting code as a guest who can look and not report; the laptop shows the
Share page with the address and its QR code; no Streamlit pop-up anywhere. No internet."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from atlas.cli.share import lan_addresses
from tests.e2e.conftest import ARTIFACTS, settle, start_app
from tests.e2e.test_reports_browser import LAPTOP, PHONE, all_text

pytestmark = pytest.mark.e2e

CODE = "4711"


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """`atlas serve --share` on its own store; its address on this computer and on the network."""
    addresses = lan_addresses()
    if not addresses:
        pytest.skip("this computer has no network address besides localhost")
    db = tmp_path_factory.mktemp("share") / "atlas.sqlite"
    proc, url = start_app("--share", "--meeting-code", CODE, "--db", str(db))
    port = url.rsplit(":", 1)[1]
    yield url, f"http://{addresses[0]}:{port}"
    proc.terminate()
    proc.wait(timeout=10)


def _context(browser: Any, viewport: dict[str, int], allowed: str) -> tuple[Any, list[str]]:
    """A browser context (another person) that reaches only ``allowed`` and this computer."""
    context = browser.new_context(viewport=viewport)
    blocked: list[str] = []

    def route(r: Any) -> None:
        url = r.request.url
        host = url.split("/")[2].split(":")[0] if "://" in url else ""
        if url.startswith(("data:", "blob:", "about:")) or host in (allowed, "127.0.0.1"):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    context.route("**/*", route)
    return context, blocked


def test_a_phone_on_the_network_gets_in_with_the_code_and_cannot_report(
    browser: Any, shared: tuple[str, str]
) -> None:
    _, lan_url = shared
    host = lan_url.split("/")[2].split(":")[0]
    context, blocked = _context(browser, PHONE, host)
    page = context.new_page()
    try:
        page.goto(lan_url)
        page.get_by_text("Enter the meeting code").wait_for(timeout=60_000)
        settle(page)
        assert page.locator("[data-testid='stSidebarNav']").count() == 0
        page.get_by_role("textbox", name="Meeting code").fill("0000")
        page.get_by_role("button", name="Look at the atlas").click()
        page.get_by_text("That is not the meeting code").wait_for(timeout=30_000)
        page.get_by_role("textbox", name="Meeting code").fill(CODE)
        page.get_by_role("button", name="Look at the atlas").click()
        page.get_by_role("heading", name="Map").wait_for(timeout=60_000)
        page.locator("iframe").first.wait_for(timeout=60_000)
        settle(page)
        page.screenshot(path=str(ARTIFACTS / "share_guest_phone.png"), full_page=False)
        text = all_text(page)
        assert "Enter the meeting code" not in text
        assert "Report a problem" not in text  # a guest looks; members sign in to report
        assert "skills" not in text.lower()  # no Streamlit pop-up
        assert blocked == []
    finally:
        context.close()


def test_the_laptop_shows_the_address_code_and_qr(browser: Any, shared: tuple[str, str]) -> None:
    local_url, lan_url = shared
    context, blocked = _context(browser, LAPTOP, "127.0.0.1")
    page = context.new_page()
    try:
        page.goto(f"{local_url}/share")
        page.get_by_role("heading", name="Share this atlas").wait_for(timeout=60_000)
        page.locator("[data-testid='stImage'] img").first.wait_for(timeout=60_000)
        settle(page)
        page.screenshot(path=str(ARTIFACTS / "share_laptop.png"), full_page=False)
        text = all_text(page)
        assert lan_url in text and CODE in text
        qr = page.locator("[data-testid='stImage'] img")
        assert qr.count() == 1 and qr.first.evaluate("i => i.naturalWidth") > 200
        assert "Enter the meeting code" not in text
        assert "skills" not in text.lower()
        assert blocked == []
    finally:
        context.close()
