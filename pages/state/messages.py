"""Errors and warnings as a page shows them: fixes worded for the app, escaped for Markdown,
and files named by their own name only (never a folder of the server: an upload is stored
under a temporary path the user has never seen)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from pathlib import Path

from atlas.errors import AccessDenied, StoreError, ValidationError, describe
from atlas.i18n import _, format_number
from atlas.problems import Problem, Report
from atlas.summaries.records import plain_words
from layers.text import markdown_text as md
from pages.state.wording import APP

__all__ = [
    "error_text",
    "problem_text",
    "report_text",
    "shown_report",
    "shown_source",
    "warning_texts",
]

#: Errors first, then warnings, then notes (as :meth:`atlas.problems.Report.format` orders them).
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
#: The folders of an absolute path in a message (``/tmp/atlas-uploads/3f…/``): what comes
#: before a file's own name. Not after a word, a dot, a colon or a slash (``and/or``, URLs).
_FOLDERS = re.compile(r"(?<![\w.:/\\])(?:/[^\s'\"/]+)+/(?=[^\s'\"/])")


def shown_source(source: str) -> str:
    """Where a layer came from as the app names it: the file's name, with the layer read from
    it (``taps.gpkg (layer 'taps')``), never the folder it is stored in."""
    path, layer, rest = source.partition(" (layer ")
    return (Path(path).name if path else "") + (layer + rest if layer else "")


def _without_folders(text: str) -> str:
    return _FOLDERS.sub("", text)


def shown_report(report: Report) -> Report:
    """``report`` with its source named by the file's name (see :func:`shown_source`)."""
    return dataclasses.replace(report, source=shown_source(report.source))


def error_text(error: BaseException, context: str = "") -> str:
    """An error for ``st.error``/``st.warning``: ``context`` (e.g. a file's name), then what
    is wrong and how to fix it in the app; files named by their own name; the store's codes
    in plain words (``not fixed``, never ``not_fixed``); every character of user text
    escaped."""
    if isinstance(error, ValidationError):
        text = "\n\n".join(shown_report(r).format(APP) for r in error.reports)
    else:
        text = describe(error, APP)
    if isinstance(error, StoreError | AccessDenied):
        text = plain_words(text)
    text = _without_folders(text)
    return md(f"{context}: {text}" if context else text)


def problem_text(problem: Problem) -> str:
    """One problem of a report as a page lists it (fix worded for the app, escaped)."""
    return md(_without_folders(problem.format(APP)))


def report_text(report: Report) -> str:
    """A layer's report as a page shows it (``st.markdown``): its layer, file name and counts,
    then one line per problem, errors first (each as :func:`problem_text` words it)."""
    source = shown_source(report.source)
    head = report.layer + (f" ({source})" if source else "")
    # TRANSLATORS: the counts of a layer's check, the same words for any count.
    counts = _(
        "{errors} error(s), {warnings} warning(s)",
        errors=format_number(len(report.errors)),
        warnings=format_number(len(report.warnings)),
    )
    ordered = sorted(report.problems, key=lambda p: _SEVERITY_ORDER[p.severity])
    lines = "\n".join(f"- {problem_text(p)}" for p in ordered)
    return md(f"{head}: {counts}") + (f"\n\n{lines}" if lines else "")


def warning_texts(reports: Iterable[Report]) -> list[str]:
    """Every warning of ``reports`` as a page lists it, ``layer: problem`` (e.g. the rows left
    out of files that were still used), in report order (fixes worded for the app, escaped)."""
    return [f"{md(r.layer)}: {problem_text(p)}" for r in reports for p in r.warnings]
