"""The meeting room's door (`atlas serve --share`): another device gives the meeting code (a
read-only guest) or signs in; the laptop is always in and has the Share page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import pages.state.accounts as accounts
import pages.state.sharing as sharing
from tests.app.test_store_pages import APP, served_pages  # noqa: F401 (fixture)

CODE = "482913"
SHARE = {"urls": ["http://192.168.43.10:8501"], "meeting_code": CODE}


@pytest.fixture
def shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ATLAS_DB", str(tmp_path / "atlas.sqlite"))
    monkeypatch.setenv("ATLAS_SERVE", json.dumps({"standard": "cape-town", "share": SHARE}))
    sharing._throttle.clear()
    yield
    sharing._throttle.clear()


def _app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=120).run()


def _text(at: AppTest) -> str:
    parts = (
        [m.value for m in at.markdown] + [t.value for t in at.title] + [h.value for h in at.header]
    )
    parts += [e.value for e in at.error] + [s.value for s in at.subheader]
    return "\n".join(str(p) for p in parts)


def _give(at: AppTest, code: str) -> AppTest:
    at.text_input(key="guest_code").input(code)
    return at.button(key="guest_submit").click().run()


def test_another_device_sees_only_the_door_until_it_gives_the_code(shared: None) -> None:
    at = _app()
    assert "Enter the meeting code" in _text(at)
    assert not [h for h in at.header if h.value == "Map"]
    at = _give(at, "000000")
    assert "That is not the meeting code" in _text(at)
    assert "Enter the meeting code" in _text(at)
    at = _give(at, CODE)
    assert not at.exception
    assert "Enter the meeting code" not in _text(at)
    assert [h for h in at.header if h.value == "Map"]
    # A guest cannot report: the page needs a signed-in member.
    at.switch_page("pages/report.py").run()
    assert "needs you to sign in" in "\n".join(i.value for i in at.info)


def test_wrong_codes_are_throttled_for_the_whole_process(shared: None) -> None:
    at = _app()
    for _ in range(sharing.TRIES):
        at = _give(at, "111111")
    at = _give(at, CODE)  # even the right code, until the window has passed
    assert "Too many wrong codes" in _text(at)
    assert "Enter the meeting code" in _text(at)


def test_the_laptop_is_always_in_and_has_the_share_page(
    shared: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accounts, "from_this_computer", lambda: True)
    at = _app()
    assert "Enter the meeting code" not in _text(at)
    at.switch_page("pages/share.py").run()
    text = _text(at)
    assert "http://192.168.43.10:8501" in text and CODE in text
    (image,) = at.get("image")
    assert "Scan to open http://192.168.43.10:8501" in str(image.proto)


def test_without_share_there_is_no_door(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATLAS_DB", str(tmp_path / "atlas.sqlite"))
    monkeypatch.delenv("ATLAS_SERVE", raising=False)
    at = _app()
    assert "Enter the meeting code" not in _text(at)
    assert [h for h in at.header if h.value == "Map"]
