"""Errors and warnings as a page shows them: fixes worded for the app, escaped for Markdown."""

from __future__ import annotations

from collections.abc import Iterable

from atlas.errors import describe
from atlas.problems import Problem, Report
from layers.text import markdown_text as md
from pages.state.wording import APP

#: Errors first, then warnings, then notes (as :meth:`atlas.problems.Report.format` orders them).
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def error_text(error: BaseException, context: str = "") -> str:
    """An error for ``st.error``/``st.warning``: ``context`` (e.g. a file's name), then what
    is wrong and how to fix it in the app; every character of user text escaped."""
    text = describe(error, APP)
    return md(f"{context}: {text}" if context else text)


def problem_text(problem: Problem) -> str:
    """One problem of a report as a page lists it (fix worded for the app, escaped)."""
    return md(problem.format(APP))


def report_text(report: Report) -> str:
    """A layer's report as a page shows it (``st.markdown``): its layer, source and counts,
    then one line per problem, errors first (each as :func:`problem_text` words it)."""
    head = report.layer + (f" ({report.source})" if report.source else "")
    counts = f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)"
    ordered = sorted(report.problems, key=lambda p: _SEVERITY_ORDER[p.severity])
    lines = "\n".join(f"- {problem_text(p)}" for p in ordered)
    return md(f"{head}: {counts}") + (f"\n\n{lines}" if lines else "")


def warning_texts(reports: Iterable[Report]) -> list[str]:
    """Every warning of ``reports`` as a page lists it, ``layer: problem`` (e.g. the rows left
    out of files that were still used), in report order (fixes worded for the app, escaped)."""
    return [f"{md(r.layer)}: {problem_text(p)}" for r in reports for p in r.warnings]
