"""The language of a browser session (DESIGN §8): chosen per session, never process-wide.

Each run of the script starts by setting the session's language (:func:`use_session_language`)
before anything is written: a ``?lang=zu`` link, else the sidebar's picker, else the browser's
language (``st.context.locale``), else English. The catalogue's language is a context variable of
the script run's thread, so two browsers in two languages at once each read their own.

Cached functions whose result holds words take the language as an argument
(:func:`cache_in_language`), so that a session in isiZulu never gets a table cached in English.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import streamlit as st

from atlas.i18n import LANGUAGES, _, language, language_of, set_language, speaking
from atlas.i18n.review import review_notice
from pages.state import keys, loading, session

__all__ = ["cache_in_language", "in_session_language", "language_picker", "use_session_language"]

P = ParamSpec("P")
R = TypeVar("R")


def use_session_language() -> str:
    """Set this script run's language from the session (see the module's note); its code."""
    locale = getattr(st.context, "locale", None)
    code = session.session_language(language_of, str(locale) if locale else None)
    set_language(code)
    return code


def language_picker() -> None:
    """The sidebar's language picker, and the notice of a language not yet reviewed."""
    label = _("Language")
    st.selectbox(
        label if language() == "en" else f"{label} · Language",
        list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key=keys.LANGUAGE,
        on_change=session.choose_language,
    )
    notice = review_notice(language())
    if notice is not None:
        st.caption(notice)


def cache_in_language(
    *, resource: bool = False, show_spinner: bool | str = True, **cache: Any
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """``st.cache_data(**cache)`` (``st.cache_resource`` with ``resource``) keyed by the
    session's language as well as the arguments, for a function whose result holds words (a
    table's headings, a sentence, a message, a map's legend). A spinner text (marked with
    ``N_``) is shown in the session's language, after Streamlit's half-second delay, so a
    cache hit never shows it (nor a run that shows the first open's progress bar instead,
    :mod:`pages.state.loading`). The arguments are keyed with the function's defaults filled
    in, so that ``f(a)`` and ``f(a, None)`` share one entry."""
    store = st.cache_resource if resource else st.cache_data

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        def in_language(name: str, lang: str, *args: Any, **kwargs: Any) -> R:
            return func(*args, **kwargs)

        # Streamlit keys a cache by the function's module, name and source: the wrapped one's,
        # so that two functions cached so never share one (their name is an argument too).
        in_language.__module__ = func.__module__
        in_language.__qualname__ = in_language.__name__ = func.__qualname__
        spinner = show_spinner if isinstance(show_spinner, bool) else False
        stored = store(show_spinner=spinner, **cache)(in_language)
        signature = inspect.signature(func)

        @functools.wraps(func)
        def cached(*args: P.args, **kwargs: P.kwargs) -> R:
            # One key per call however it is written: f(a, b) and f(a, b, None) (a default
            # given) would otherwise be two entries, and a metro measured twice.
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            call = (func.__qualname__, language(), *bound.args)
            if isinstance(show_spinner, str) and not loading.shown():
                with st.spinner(_(show_spinner)):
                    return stored(*call, **bound.kwargs)
            return stored(*call, **bound.kwargs)

        return cached

    return decorate


def in_session_language(callback: Callable[P, R]) -> Callable[P, R]:
    """``callback`` (a widget's ``on_click``/``on_change``) run in the session's language:
    Streamlit runs callbacks before the script, so before :func:`use_session_language`, and a
    message it leaves for the page would otherwise be English."""

    @functools.wraps(callback)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with speaking(language_of(session.chosen_language()) or "en"):
            return callback(*args, **kwargs)

    return run
