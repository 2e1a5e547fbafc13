"""The app's boundary for errors: a page, or one section of a long page, that fails shows a
message worded for the browser (what happened, what to try, a short reference) and the rest of
the app keeps working; the details, with the traceback, go to the server's log under the same
reference.

Streamlit's own control flow passes through untouched: ``st.rerun``, ``st.stop`` and
``st.switch_page`` raise ``RerunException``/``StopException``, which derive from
``BaseException`` (``streamlit.runtime.scriptrunner_utils.exceptions.ScriptControlException``)
precisely so that an ``except Exception`` does not catch them; a fragment's
``FragmentHandledException`` (an ``Exception``) is re-raised.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st
from streamlit.errors import FragmentHandledException

from atlas.errors import AtlasError
from atlas.i18n import N_, _
from layers.text import markdown_text as md
from pages.state.messages import error_text

__all__ = [
    "FAILED_PAGE",
    "FAILED_SECTION",
    "FAILED_TRY",
    "LOG",
    "REFERENCE",
    "TELL",
    "TRY",
    "Guarded",  # i18n-ignore: a name
    "failure_text",
    "guard",
    "new_reference",
    "shown_advice",
]

#: The server's log of what failed in the app (never a session's values: the exception alone).
LOG = logging.getLogger("atlas.app")
#: What the browser is told when something other than the user's input failed.
#: (English, as every constant here: translated where shown, :func:`failure_text`.)
FAILED_PAGE = N_("Something went wrong while showing this page.")
FAILED_SECTION = N_("Something went wrong with {what}; the rest of the page still works.")
#: The end of every such message: how the details are found again.
TELL = N_(
    "If it happens again, tell whoever runs this atlas the reference below: it finds the "
    "details in the server's log."
)
#: What to try, before :data:`TELL` (an ``advice`` is a sentence of its own, then ``TELL``).
TRY = N_(
    "Try again (press R, or reload the page), or choose other files, a different standard or "
    "another cluster in the sidebar."
)
FAILED_TRY = TRY + " " + TELL
REFERENCE = N_("Reference: `{reference}`")


def new_reference() -> str:
    """A short reference (8 hexadecimal digits) that ties a message on screen to its log
    record, and says nothing about the data or the user."""
    return secrets.token_hex(4)


@dataclass
class Guarded:
    """What :func:`guard` gives its block: whether it failed (then its message is shown)."""

    failed: bool = False


def shown_advice(advice: str) -> str:
    """``advice`` in the session's language: a sentence of the catalogue, or one followed by
    :data:`TELL` (``N_("Choose another file.") + " " + TELL``), each translated on its own.

    >>> shown_advice(FAILED_TRY) == FAILED_TRY
    True
    """
    if not advice.endswith(TELL):
        return _(advice)
    head = advice[: -len(TELL)]
    sentence = head.rstrip()  # the msgid, without the space before TELL
    return (_(sentence) + head[len(sentence) :] if sentence else head) + _(TELL)


def failure_text(error: Exception, what: str, reference: str, advice: str = FAILED_TRY) -> str:
    """The message for ``st.error``: an :class:`~atlas.errors.AtlasError` in its app wording
    (:func:`pages.state.messages.error_text`), anything else as "something went wrong" with
    ``advice`` (what to try); both end with the reference. ``what`` and ``advice`` are in
    English, marked for the catalogue (``N_``), and translated here."""
    shown = _(what) if what else ""
    if isinstance(error, AtlasError):
        text = error_text(error, shown[:1].upper() + shown[1:])
    else:
        whole = what == ""
        said = _(FAILED_PAGE) if whole else _(FAILED_SECTION, what=md(shown))
        text = said + " " + shown_advice(advice)
    return f"{text}\n\n{_(REFERENCE, reference=reference)}"


def _report(error: Exception, what: str, advice: str) -> None:
    reference = new_reference()
    where = what or "the page"  # i18n-ignore: the log's words
    if isinstance(error, AtlasError):
        # The user's input, said on screen: the log keeps its kind, never its text (it may
        # quote the user's data), nor a traceback.
        LOG.warning("[%s] %s failed: %s", reference, where, type(error).__name__)
    else:
        LOG.error("[%s] %s failed", reference, where, exc_info=error)
    st.error(failure_text(error, what, reference, advice), icon=":material/error:")


@contextmanager
def guard(what: str = "", *, advice: str = FAILED_TRY, stop: bool = False) -> Iterator[Guarded]:
    """Run a page (``what`` empty) or one independent section of a page (``what`` says what it
    shows, in English marked for the catalogue, e.g. ``N_("the settlement's profile")``: the
    message translates it, the log keeps it English) so that a failure in it is shown as a message
    and logged, and whatever comes after it still runs; with ``stop``, nothing after it runs
    (what comes after depends on it: the door of a shared server, the navigation).
    ``advice`` says what to try after a failure that is not an
    :class:`~atlas.errors.AtlasError` (those carry their own fix).

    Examples
    --------
    >>> with guard(N_("the delivery table")) as shown:  # doctest: +SKIP
    ...     st.dataframe(delivery_table(v))
    >>> shown.failed  # doctest: +SKIP
    False
    """
    outcome = Guarded()
    try:
        yield outcome
    except FragmentHandledException:
        raise
    # The app's page boundary, the one place a broad except is right: any failure here (a bug,
    # GEOS on a strange geometry, a library's own error) must become a message in the page and
    # a log record, never Streamlit's traceback box with the rest of the page gone. Streamlit's
    # control flow (st.rerun, st.stop, st.switch_page) derives from BaseException: not caught.
    except Exception as exc:
        outcome.failed = True
        _report(exc, what, advice)
        if stop:
            st.stop()
