"""The browser of the browser tests reaches this computer only: a request anywhere else fails
and is recorded, so a test that finds ``page.blocked`` empty proves the page needed no
internet (see ``conftest.browser``)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import Page

pytestmark = pytest.mark.e2e

PAGE = """<html><body>
<img src="https://tile.openstreetmap.org/0/0/0.png">
<script src="http://203.0.113.9/cdn.js"></script>
<script src="/local.js"></script>
</body></html>"""


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    """A page on localhost that asks for two things elsewhere and one thing here."""
    (tmp_path / "index.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "local.js").write_text("window.local = 1;", encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(tmp_path), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_requests_elsewhere_fail_and_are_recorded_and_local_ones_load(
    page: Page, site: str
) -> None:
    failed: list[str] = []
    page.page.on("requestfailed", lambda r: failed.append(r.url))
    page.page.goto(f"{site}/index.html")
    page.page.wait_for_function("window.local === 1")
    page.page.wait_for_timeout(500)
    external = {"https://tile.openstreetmap.org/0/0/0.png", "http://203.0.113.9/cdn.js"}
    assert set(page.blocked) == external
    assert external <= set(failed)
    assert not any(url.startswith(site) for url in failed)
