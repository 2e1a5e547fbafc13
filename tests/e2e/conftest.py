"""Browser tests: Debian's Chromium driven by Playwright against `streamlit run` on localhost.

Every request that is not to localhost is blocked, so these tests also prove the app works with
no internet. They skip, saying how to enable them, when Chromium or Playwright is missing.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.offline_browser import LOCALHOST, free_port, is_local, launch_offline

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("ATLAS_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "test-artifacts"
HOW = (
    "Browser tests need Debian's Chromium (/usr/bin/chromium) and the playwright package: "
    "run `make test` as root (it installs the `chromium` package), or `sudo apt-get install "
    "chromium`, or set ATLAS_CHROMIUM to a Chromium binary."
)


#: The logs of the apps the browser tests started, the newest last.
SERVER_LOGS: list[Path] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """With a browser test that fails, what the page showed and the end of the app's log: a
    failure on a clean clone (CI) can then be read from its output alone."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    fixtures = getattr(item, "funcargs", {})
    for name, value in fixtures.items():
        if isinstance(value, Page):
            try:
                text = value.page.inner_text("body", timeout=5_000)
            except Exception as exc:  # the page itself may be what broke
                text = f"(could not read the page: {exc})"
            shot = ARTIFACTS / f"failed-{item.name}-{name}.png"
            try:
                ARTIFACTS.mkdir(exist_ok=True)
                value.page.screenshot(path=str(shot), timeout=10_000)
                text += f"\n(screenshot: {shot})"
            except Exception as exc:  # the text is kept without it
                text += f"\n(no screenshot: {exc})"
            report.sections.append((f"page text at failure ({name})", text[-4000:]))
    # The log of the app the test used (a server fixture's URL names its port), else the newest.
    ports = {v.rsplit(":", 1)[-1] for v in fixtures.values() if isinstance(v, str) and "://" in v}
    used = [log for log in SERVER_LOGS if log.stem.removeprefix("server-") in ports]
    for log in used or SERVER_LOGS[-1:]:
        if log.is_file():
            tail = log.read_text(encoding="utf-8", errors="replace")[-4000:]
            report.sections.append((f"app log (end): {log.name}", tail))


def start_app(*options: str) -> tuple[subprocess.Popen[bytes], str]:
    """Start the app as a user does, with `atlas serve`, on a free port.

    Returns the process and the app's URL.
    """
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / f"server-{port}.log"  # shown, its end, with a browser test that fails
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "atlas.cli", "serve", "--port", str(port), "--no-browser",
             *options],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    SERVER_LOGS.append(log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("streamlit did not start within 60 s")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(HOW)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip(HOW)
    with sync_playwright() as p:
        # Requests reach this computer only (its network addresses too, for the meeting
        # room's tests): see benchmarks/offline_browser.py.
        b = launch_offline(p, str(CHROMIUM), also_local=this_computer()[len(LOCALHOST) :])
        yield b
        b.close()


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    proc, url = start_app()
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@functools.cache
def this_computer() -> tuple[str, ...]:
    """The names and addresses of this computer, the only ones a browser test may reach."""
    from atlas.cli.share import lan_addresses

    return (*LOCALHOST, *lan_addresses())


class Page:
    """A browser page whose requests to anywhere but this computer are recorded (the
    browser fails them: see ``browser``)."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        page.on("dialog", self._dialog)
        page.context.on("request", self._request)

    def _request(self, request: Any) -> None:
        if not is_local(request.url, this_computer()):
            self.blocked.append(request.url)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def page(browser: Any) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    wrapped = Page(context.new_page())
    yield wrapped
    context.close()


def settle(page: Any, timeout: float = 120_000) -> None:
    """Wait until Streamlit has finished running the script (the first visit measures the
    sample, slow on a busy machine)."""
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)
    page.wait_for_selector("[data-testid='stStatusWidget']", state="detached", timeout=timeout)


def choose(page: Any, label: str, option: str, within: Any = None) -> None:
    """Choose ``option`` in the selectbox labelled ``label`` (in ``within``, else the page),
    typing its name as a person narrows a long list down.

    On a busy machine the list can close under the keys, or a rerun redraw it while it is
    open (the option leaves the page): the box is then opened again and what it holds
    replaced, up to three times.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    box = (within or page).get_by_label(label, exact=True)
    for _ in range(3):
        box.click()
        page.keyboard.press("Control+A")  # typed over, never after, what an earlier try left
        page.keyboard.type(option)
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=10_000)
            break
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
            settle(page)
    else:
        raise AssertionError(f"could not choose {option!r} in {label!r}")
    settle(page)


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
