"""The meeting room's door (``atlas serve --share``): a browser on another device sees the atlas
once it signs in, or gives the meeting code as a read-only guest; the laptop itself is always
in. And what the Share page shows: the addresses, a QR code and the code.

Wrong codes are throttled for the whole process (a six-digit code must not be guessable by
trying them all from a phone): after :data:`TRIES` wrong codes within :data:`WINDOW_S`
seconds, every code is refused until the window has passed.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections import deque

import streamlit as st

from atlas.i18n import _
from layers.qr import png_qr
from layers.text import markdown_text as md
from pages.state import accounts, keys, session
from pages.state.language import in_session_language
from pages.state.sources import served_share

__all__ = ["TRIES", "WINDOW_S", "door", "share_panel"]

#: Wrong meeting codes allowed per window, for the whole process.
TRIES = 20
WINDOW_S = 300.0


class _Throttle:
    """Wrong codes in the last window, shared by every session of the process (no user data)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.failures: deque[float] = deque()

    def blocked(self, now: float) -> bool:
        with self.lock:
            while self.failures and now - self.failures[0] > WINDOW_S:
                self.failures.popleft()
            return len(self.failures) >= TRIES

    def failed(self, now: float) -> None:
        with self.lock:
            self.failures.append(now)


@st.cache_resource
def _throttle() -> _Throttle:
    return _Throttle()


def _enter() -> None:
    share = served_share() or {}
    given = session.widget_text(keys.GUEST_CODE).strip()
    session.set_widget_text(keys.GUEST_CODE, "")
    throttle, now = _throttle(), time.monotonic()
    if throttle.blocked(now):
        session.set_notice(
            "guest",
            "error",
            _("Too many wrong codes were tried: wait five minutes, then try again."),
        )
        return
    expected = str(share.get("meeting_code") or "")
    if expected and hmac.compare_digest(given.encode(), expected.encode()):
        session.let_guest_in()
        return
    throttle.failed(now)
    session.set_notice(
        "guest",
        "error",
        _("That is not the meeting code: ask the person at the laptop (it is on its Share page)."),
    )


def door() -> None:
    """With ``--share``, stop a browser on another device here until it signs in or gives the
    meeting code; do nothing otherwise."""
    if served_share() is None or accounts.from_this_computer():
        return
    if session.user() is not None or session.guest():
        return
    st.title("Settlement Atlas")  # i18n-ignore: the atlas's name
    st.subheader(_("Enter the meeting code"))
    accounts.show_notice("guest")
    with st.form(keys.GUEST_FORM):
        st.text_input(_("Meeting code"), key=keys.GUEST_CODE, max_chars=40)
        st.form_submit_button(
            _("Look at the atlas"),
            key=keys.GUEST_SUBMIT,
            on_click=in_session_language(_enter),
            type="primary",
        )
    st.caption(
        _(
            "The code lets you look at the maps and figures, not change them. To report a "
            "problem, sign in with your own account."
        )
    )
    accounts.sign_in_section()
    st.stop()


def share_panel() -> None:
    """The Share page's content: where phones open the atlas, its QR code, the meeting code."""
    share = served_share()
    if share is None:
        st.info(
            _(
                "This atlas is open on this computer only. To let phones on the same network "
                "(a hotspot, the office Wi-Fi) open it, start it with sharing switched on."
            )
        )
        return
    if not accounts.from_this_computer():
        st.info(_("The addresses and the meeting code are shown on the laptop running the atlas."))
        return
    urls = list(share.get("urls") or [])
    if not urls:
        st.warning(
            _(
                "No network was found to share on: connect this computer to the Wi-Fi or "
                "switch on its hotspot, then start the atlas again."
            )
        )
        return
    left, right = st.columns([1, 1])
    with left:
        st.markdown(_("#### Open on a phone on the same network"))
        for url in urls:
            st.markdown(f"## {md(url)}")
        st.markdown(_("#### Meeting code for guests"))
        st.markdown(f"# {md(str(share.get('meeting_code') or ''))}")
        st.caption(_("Guests look, they cannot change anything; members sign in to report."))
    with right:
        st.image(png_qr(urls[0]), caption=_("Scan to open {address}", address=urls[0]), width=360)
