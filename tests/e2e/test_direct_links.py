"""A link to a page, opened first on a fresh server, shows that page inside the app.

Streamlit runs the files of a folder named ``pages/`` next to the main script on their own when
their link is the first thing a server is asked for (no sidebar, no dataset, file names as
navigation). `atlas serve` switches that rule off, so a shared link such as /clusters works.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import Page, start_app


@pytest.fixture
def fresh_server() -> Iterator[str]:
    proc, url = start_app()
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_a_page_link_opened_first_shows_the_app_around_it(page: Page, fresh_server: str) -> None:
    page.page.goto(f"{fresh_server}/clusters")
    sidebar = page.page.locator("[data-testid='stSidebar']")
    # The shared sidebar (dataset, standard) and the app's own page titles, not file names.
    sidebar.get_by_text("Sample municipality (synthetic)").wait_for(timeout=60_000)
    assert sidebar.get_by_text("Settlement profile").count() == 1
    assert sidebar.get_by_text("state", exact=True).count() == 0
    page.page.get_by_role("heading", name="Clusters").first.wait_for(timeout=30_000)
    assert page.blocked == []


def test_stopping_atlas_serve_stops_the_server() -> None:
    proc, url = start_app()
    proc.terminate()
    proc.wait(timeout=20)
    # `atlas serve` becomes the Streamlit server: nothing is left answering on its port.
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
