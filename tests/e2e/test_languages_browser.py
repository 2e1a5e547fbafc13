"""Two browsers in two languages at once, on one `atlas serve` (DESIGN §8): one whose browser
speaks isiZulu (``st.context.locale``), one opened with ``?lang=af``; each sees the app in its
own language, the notice of a translation not yet reviewed included, and the sidebar's picker
changes one without touching the other."""

from __future__ import annotations

from typing import Any

import pytest

from atlas.i18n import _, review_notice, speaking
from tests.e2e.conftest import ARTIFACTS, Page, choose, settle

pytestmark = pytest.mark.e2e


def words(code: str, text: str) -> str:
    """``text`` as the catalogue writes it in ``code``."""
    with speaking(code):
        return _(text)


def nav(page: Any) -> str:
    return str(page.locator("[data-testid='stSidebarNav']").inner_text(timeout=60_000))


def test_two_sessions_in_two_languages_at_once(browser: Any, server: str) -> None:
    zulu = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zu-ZA")
    afrikaans = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-ZA")
    try:
        zu, af = Page(zulu.new_page()), Page(afrikaans.new_page())
        zu.page.goto(f"{server}/clusters")
        af.page.goto(f"{server}/clusters?lang=af")
        settle(zu.page)
        settle(af.page)
        for page, code in ((zu, "zu"), (af, "af")):
            shown = nav(page.page)
            for title in ("Map", "Clusters", "Water deliveries"):
                assert words(code, title) in shown, (code, title, shown)
            assert words(code, "Water deliveries") != "Water deliveries"
            notice = review_notice(code)
            assert notice is not None
            own = notice.split("\n\n")[0]
            page.page.get_by_text(own[:50], exact=False).first.wait_for(timeout=30_000)
        ARTIFACTS.mkdir(exist_ok=True)
        zu.page.screenshot(path=str(ARTIFACTS / "languages_zu.png"))
        af.page.screenshot(path=str(ARTIFACTS / "languages_af.png"))

        # The isiZulu session picks Sesotho: the Afrikaans one, reloaded, is still Afrikaans.
        sidebar = zu.page.locator("[data-testid='stSidebar']")
        choose(zu.page, f"{words('zu', 'Language')} · Language", "Sesotho", sidebar)
        assert words("st", "Water deliveries") in nav(zu.page)
        assert "lang=st" in zu.page.url  # a reload or a copied link keeps it
        af.page.reload()
        settle(af.page)
        assert words("af", "Water deliveries") in nav(af.page)
        assert zu.blocked == [] and af.blocked == []
    finally:
        zulu.close()
        afrikaans.close()


def test_an_english_browser_sees_english_and_no_notice(browser: Any, server: str) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    try:
        page = Page(context.new_page())
        page.page.goto(f"{server}/clusters")
        settle(page.page)
        assert "Water deliveries" in nav(page.page)
        assert page.page.get_by_text("first-language speaker", exact=False).count() == 0
    finally:
        context.close()
