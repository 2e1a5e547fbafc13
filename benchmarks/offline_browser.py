"""Headless Chromium that reaches this computer only: the browser of the browser tests
(``tests/e2e``) and of the app benchmark.

Every request to anywhere else fails at the browser's proxy, a closed port on this computer.
Chromium never sends localhost to a proxy, and the addresses in ``also_local`` (this
computer's network addresses, for the meeting-room tests) are let through too. This is not
Playwright's routing: routing passes every request through the Python process and turns the
browser's HTTP cache off, which added about a second to each page (Streamlit's 60 scripts).
A page's requests elsewhere can still be recorded with :func:`is_local`.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
LOCALHOST = ("127.0.0.1", "localhost")


def free_port() -> int:
    """A TCP port on localhost that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def launch_offline(playwright: Any, executable: str, also_local: Sequence[str] = ()) -> Any:
    """Chromium (at ``executable``) whose requests reach localhost and ``also_local`` only."""
    return playwright.chromium.launch(
        executable_path=executable,
        args=[
            *CHROMIUM_ARGS,
            f"--proxy-server=http://127.0.0.1:{free_port()}",
            "--proxy-bypass-list=" + ";".join(also_local),
        ],
    )


def is_local(url: str, hosts: Sequence[str] = LOCALHOST) -> bool:
    """Whether a browser request stays on this computer (``hosts``) or opens a file from it.

    >>> is_local("http://127.0.0.1:8501/static/app.js"), is_local("file:///tmp/map.html")
    (True, True)
    >>> is_local("http://203.0.113.9/leaflet.js")  # an address of another computer
    False
    """
    host = url.split("/")[2].rsplit(":", 1)[0] if "://" in url else ""
    return url.startswith(("data:", "blob:", "about:", "file:")) or host in hosts
