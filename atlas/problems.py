"""Problems as data: what is wrong, where, with which parameters, and how each surface says the fix.

Validators collect every problem of a layer into one :class:`Report` instead of stopping at the
first, so a user fixes their file once. A problem has a ``code`` (``crs.missing``), where it is
(the rows, 1-based in file order, the column and the offending values) and its ``params`` (the
layer, the field…). Its ``fix`` is worded for a Python caller (argument names). Each other
surface words the fix in its own terms from the code and the parameters, with a
:data:`Wording` table of its own: the command line names its flags (``atlas.cli.wording``), the
app names the control to use (``pages/state/wording.py``). A code a table does not know keeps
the Python wording, which names no surface's controls.

Examples
--------
>>> problem = Problem(
...     "error", "The layer 'wards' has no CRS.", "Pass crs={'wards': 'EPSG:XXXX'}.",
...     code="crs.missing", params={"layer": "wards"},
... )
>>> problem.fix_in({"crs.missing": "Give --crs {layer}=EPSG:XXXX."})
'Give --crs wards=EPSG:XXXX.'
>>> problem.fix_in({})
"Pass crs={'wards': 'EPSG:XXXX'}."
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from atlas.i18n import _, ngettext, pgettext

Severity = Literal["error", "warning", "info"]
#: How one surface words fixes: problem code -> a ``str.format`` template over its params.
Wording = Mapping[str, str]

#: How many rows and values a problem lists before it says "and N more".
SHOW_AT_MOST = 8

__all__ = ["Problem", "Report", "Severity", "Wording", "warning_lines"]  # i18n-ignore: names


def _first(items: Sequence[Any]) -> str:
    """The first :data:`SHOW_AT_MOST` items, as a list."""
    return ", ".join(str(i) for i in items[:SHOW_AT_MOST])


def _and_more(listed: str, count: int) -> str:
    """``listed`` (the first items of ``count``) and how many more there are."""
    more = count - SHOW_AT_MOST
    if more > 0:
        # TRANSLATORS: {listed} is "rows 1, 2, 3" or "values 'a', 'b'"; {more} a count.
        return _("{listed} (and {more} more)", listed=listed, more=more)
    return listed


def _severity(severity: str) -> str:
    """The severity as people read it (the code itself stays English in records)."""
    words = {
        "error": pgettext("severity", "error"),
        "warning": pgettext("severity", "warning"),
        "info": pgettext("severity", "info"),
    }
    return words.get(severity, severity)


@dataclass(frozen=True)
class Problem:
    """One kind of problem in one layer, possibly on many rows.

    Parameters
    ----------
    severity
        ``"error"`` makes the layer unusable; ``"warning"`` is a repair or an assumption the
        atlas made and reports; ``"info"`` is a note (for instance how a column was mapped).
    message
        What is wrong, in one sentence; names no surface's controls.
    fix
        How to fix it, in one sentence, worded for a Python caller (may be empty for notes);
        other surfaces word it from ``code`` and ``params`` (:meth:`fix_in`).
    column
        The column concerned, if any.
    rows
        1-based row numbers in file order.
    values
        The offending values (as text), aligned with ``rows`` where that makes sense.
    code
        What kind of problem this is, e.g. ``crs.missing`` (empty: a problem no surface words
        differently).
    params
        The parameters its wordings name, e.g. ``{"layer": "wards"}``.
    """

    severity: Severity
    message: str
    fix: str = ""
    column: str | None = None
    rows: tuple[int, ...] = ()
    values: tuple[str, ...] = ()
    code: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)

    def fix_in(self, wording: Wording | None = None) -> str:
        """The fix worded by a surface's table (the Python wording when it has none for
        this code)."""
        template = (wording or {}).get(self.code) if self.code else None
        return template.format(**self.params) if template is not None else self.fix

    def sentence(self, wording: Wording | None = None) -> str:
        """What is wrong and how to fix it, in plain words (no severity, no rows)."""
        fix = self.fix_in(wording)
        return f"{self.message} {fix}".strip()

    def format(self, wording: Wording | None = None) -> str:
        """One line of plain text: ``error: … (column x; rows 1, 2; values …) Fix: …``."""
        where = []
        if self.column:
            where.append(_("column '{column}'", column=self.column))
        if self.rows:
            count = len(self.rows)
            listed = ngettext("row {rows}", "rows {rows}", count, rows=_first(self.rows))
            where.append(_and_more(listed, count))
        if self.values:
            count = len(self.values)
            values = _first([repr(v) for v in self.values])
            listed = ngettext("value {values}", "values {values}", count, values=values)
            where.append(_and_more(listed, count))
        text = f"{_severity(self.severity)}: {self.message}"
        if where:
            text += f" ({'; '.join(where)})"
        fix = self.fix_in(wording)
        if fix:
            text = _("{text} Fix: {fix}", text=text, fix=fix)
        return text

    def to_record(self, wording: Wording | None = None) -> dict[str, Any]:
        """A JSON-friendly dict (the fix worded by ``wording``)."""
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "fix": self.fix_in(wording),
            "params": {k: str(v) for k, v in self.params.items()},
            "column": self.column,
            "rows": list(self.rows),
            "values": list(self.values),
        }


@dataclass(frozen=True)
class Report:
    """Every problem found in one layer.

    Parameters
    ----------
    layer
        The canonical layer name (``settlements``, ``services``, ``wards``, ``clusters``).
    source
        Where the layer came from (a path or a description).
    problems
        The problems, in the order they were found.
    """

    layer: str
    source: str = ""
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Problems that make the layer unusable."""
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Repairs and assumptions."""
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def ok(self) -> bool:
        """True when the layer is usable (warnings allowed)."""
        return not self.errors

    def extended(self, problems: Iterable[Problem]) -> Report:
        """A new report with ``problems`` appended."""
        return Report(self.layer, self.source, self.problems + tuple(problems))

    def format(self, wording: Wording | None = None) -> str:
        """The report as plain text, errors first (fixes worded by ``wording``)."""
        head = f"{self.layer}" + (f" ({self.source})" if self.source else "")
        counts = _(
            "{errors} error(s), {warnings} warning(s)",
            errors=len(self.errors),
            warnings=len(self.warnings),
        )
        ordered = sorted(
            self.problems, key=lambda p: {"error": 0, "warning": 1, "info": 2}[p.severity]
        )
        lines = [f"{head}: {counts}"] + [f"  - {p.format(wording)}" for p in ordered]
        return "\n".join(lines)

    def to_record(self, wording: Wording | None = None) -> dict[str, Any]:
        """A JSON-friendly dict (fixes worded by ``wording``)."""
        return {
            "layer": self.layer,
            "source": self.source,
            "ok": self.ok,
            "problems": [p.to_record(wording) for p in self.problems],
        }


def warning_lines(reports: Iterable[Report], wording: Wording | None = None) -> list[str]:
    """Every warning of ``reports``, one ``layer: problem`` line each, in report order (what a
    page lists as the rows left out of files that were still used)."""
    return [
        f"{report.layer}: {problem.format(wording)}"
        for report in reports
        for problem in report.warnings
    ]
