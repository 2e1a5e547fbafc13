"""Errors and warnings as a page shows them: fixes worded for the app, escaped for Markdown."""

from __future__ import annotations

from atlas.errors import describe
from atlas.problems import Problem
from layers.text import markdown_text as md
from pages.state.wording import APP


def error_text(error: BaseException, context: str = "") -> str:
    """An error for ``st.error``/``st.warning``: ``context`` (e.g. a file's name), then what
    is wrong and how to fix it in the app; every character of user text escaped."""
    text = describe(error, APP)
    return md(f"{context}: {text}" if context else text)


def problem_text(problem: Problem) -> str:
    """One problem of a report as a page lists it (fix worded for the app, escaped)."""
    return md(problem.format(APP))
