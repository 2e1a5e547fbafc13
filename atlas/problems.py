"""Problem reports: what is wrong with a layer, where, and how to fix it.

Validators collect every problem of a layer into one :class:`Report` instead of stopping at the
first, so a user fixes their file once. A problem names the rows (1-based, in file order), the
column and the offending values, and says how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]

#: How many rows and values a problem lists before it says "and N more".
SHOW_AT_MOST = 8

__all__ = ["Problem", "Report", "Severity", "warning_lines"]


def _shorten(items: Sequence[Any], what: str) -> str:
    shown = ", ".join(str(i) for i in items[:SHOW_AT_MOST])
    more = len(items) - SHOW_AT_MOST
    return f"{what} {shown}" + (f" (and {more} more)" if more > 0 else "")


@dataclass(frozen=True)
class Problem:
    """One kind of problem in one layer, possibly on many rows.

    Parameters
    ----------
    severity
        ``"error"`` makes the layer unusable; ``"warning"`` is a repair or an assumption the
        atlas made and reports; ``"info"`` is a note (for instance how a column was mapped).
    message
        What is wrong, in one sentence.
    fix
        How to fix it, in one sentence (may be empty for notes).
    column
        The column concerned, if any.
    rows
        1-based row numbers in file order.
    values
        The offending values (as text), aligned with ``rows`` where that makes sense.
    """

    severity: Severity
    message: str
    fix: str = ""
    column: str | None = None
    rows: tuple[int, ...] = ()
    values: tuple[str, ...] = ()

    def format(self) -> str:
        """One line of plain text: ``error: … (column x; rows 1, 2; values …) Fix: …``."""
        where = []
        if self.column:
            where.append(f"column '{self.column}'")
        if self.rows:
            where.append(_shorten(self.rows, "row" if len(self.rows) == 1 else "rows"))
        if self.values:
            where.append(
                _shorten(
                    [repr(v) for v in self.values], "value" if len(self.values) == 1 else "values"
                )
            )
        text = f"{self.severity}: {self.message}"
        if where:
            text += f" ({'; '.join(where)})"
        if self.fix:
            text += f" Fix: {self.fix}"
        return text

    def to_record(self) -> dict[str, Any]:
        """A JSON-friendly dict."""
        return {
            "severity": self.severity,
            "message": self.message,
            "fix": self.fix,
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

    def format(self) -> str:
        """The report as plain text, errors first."""
        head = f"{self.layer}" + (f" ({self.source})" if self.source else "")
        counts = f"{len(self.errors)} error(s), {len(self.warnings)} warning(s)"
        ordered = sorted(
            self.problems, key=lambda p: {"error": 0, "warning": 1, "info": 2}[p.severity]
        )
        lines = [f"{head}: {counts}"] + [f"  - {p.format()}" for p in ordered]
        return "\n".join(lines)

    def to_record(self) -> dict[str, Any]:
        """A JSON-friendly dict."""
        return {
            "layer": self.layer,
            "source": self.source,
            "ok": self.ok,
            "problems": [p.to_record() for p in self.problems],
        }


def warning_lines(reports: Iterable[Report]) -> list[str]:
    """Every warning of ``reports``, one ``layer: problem`` line each, in report order (what a
    page lists as the rows left out of files that were still used)."""
    return [
        f"{report.layer}: {problem.format()}" for report in reports for problem in report.warnings
    ]
