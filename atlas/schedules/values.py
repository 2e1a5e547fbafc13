"""Volumes and days of schedule and delivery tables, read the way people write them.

Litres and tanks are read one column at a time by :func:`atlas.load.numbers.read_numbers`:
``10,000`` or ``10 000`` is ten thousand litres (never ten), and the table's report says which
convention was understood and on which rows (code ``numbers.convention``). A value that is not
a number, not finite, too large or could be read two ways leaves its row out, with a warning
naming the rows (code ``table.number_refused``), as every other bad row of these tables is.

Examples
--------
>>> import pandas as pd
>>> volumes = volume_columns(pd.DataFrame({"litres": ["10,000", "2,500"], "tanks": [None, "2"]}))
>>> volumes["litres"].values.tolist()
[10000.0, 2500.0]
>>> [p.message for p in convention_problems(volumes, "schedule")]
["litres read with a comma as thousands separator ('10,000' = 10000)."]
>>> date_trouble("2026-02-31")
('Rows whose date is not a day of the calendar are left out.', 'Check the day and the month (February has 28 days, 29 in a leap year; months go from 01 to 12), e.g. 2026-08-03.')
>>> date_trouble("tomorrow") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from atlas.i18n import _, ngettext
from atlas.load.numbers import NumberReading, read_numbers
from atlas.problems import Problem

if TYPE_CHECKING:
    from atlas.schedules.fields import _Rows

__all__ = ["convention_problems", "date_trouble", "refusal", "volume_columns"]

#: The volume columns of both tables; litres are whole in practice, so ``10.000`` is 10000.
VOLUMES = ("litres", "tanks")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
_DAY_FIRST = re.compile(r"^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}")


def volume_columns(mapped: pd.DataFrame) -> dict[str, NumberReading]:
    """The litres and tanks columns of a mapped table, each read as one column of numbers."""
    return {
        name: read_numbers(mapped[name].reset_index(drop=True), integer=name == "litres")
        for name in VOLUMES
    }


def convention_problems(readings: Mapping[str, NumberReading], table: str) -> list[Problem]:
    """A warning per volume column read with a convention (thousands separators, a decimal
    comma), naming the convention and the rows (the header is row 1)."""
    problems = []
    for name, reading in readings.items():
        if reading.convention is None:
            continue
        problems.append(
            Problem(
                "warning",
                _(
                    "{column} read with {convention}.",
                    column=name,
                    convention=reading.convention,
                ),
                column=name,
                rows=tuple(p + 1 for p in reading.changed),
                code="numbers.convention",
                params={"table": table, "column": name, "convention": reading.convention},
            )
        )
    return problems


def refusal(reading: NumberReading, position: int, name: str) -> tuple[str, str] | None:
    """Why the value at 0-based ``position`` of a volume column is refused (the message and
    the fix of the row problem), or None when it was read."""
    if position + 1 not in reading.refused:
        return None
    reason = dict(zip(reading.refused, reading.reasons, strict=False)).get(position + 1)
    example = "5000" if name == "litres" else "2"
    if reason == "not finite":  # i18n-ignore: a reason code of read_numbers
        return (
            _(
                "Rows whose {column} is not a finite number (Infinity, NaN) are left out.",
                column=name,
            ),
            _(
                "Write {column} as a plain number, e.g. {example}, or leave the cell empty.",
                column=name,
                example=example,
            ),
        )
    if reason == "too large":  # i18n-ignore: a reason code of read_numbers
        return (
            _("Rows whose {column} is too large to be a volume are left out.", column=name),
            _(
                "Check the {column}: write it as a plain number, e.g. {example}.",
                column=name,
                example=example,
            ),
        )
    if reason == "ambiguous":
        return (
            _(
                "Rows whose {column} could be read two ways are left out: the column mixes a "
                "comma and a dot, and no value shows which one is the decimal separator.",
                column=name,
            ),
            _(
                "Write the {column} of the whole column in one way, e.g. 10000 or 10 000 (no "
                "separator is safest).",
                column=name,
            ),
        )
    return (
        _("Rows whose {column} is not a number are left out.", column=name),
        _("Write {column} as a plain number, e.g. {example}.", column=name, example=example),
    )


def date_trouble(text: str | None, name: str = "date") -> tuple[str, str] | None:
    """The message and fix of a row whose ``name`` (a date, or a date and time for
    ``arrived_at``) cannot be read, when there is more to say than "cannot be read": a day that
    is not in the calendar (``2026-02-31``), or a date written day first (``31/02/2026``)."""
    example = "2026-08-03 09:15" if name == "arrived_at" else "2026-08-03"
    shape = _("YYYY-MM-DD HH:MM (local time)") if name == "arrived_at" else "YYYY-MM-DD"
    stripped = (text or "").strip()
    if _ISO_DAY.match(stripped):
        try:
            date.fromisoformat(stripped[:10])
        except ValueError:
            return (
                _("Rows whose {column} is not a day of the calendar are left out.", column=name),
                _(
                    "Check the day and the month (February has 28 days, 29 in a leap year; "
                    "months go from 01 to 12), e.g. {example}.",
                    example=example,
                ),
            )
    if _DAY_FIRST.match(stripped):
        return (
            _(
                "Rows whose {column} is written with slashes or dots (day/month/year or "
                "month/day/year, which cannot be told apart) are left out.",
                column=name,
            ),
            _(
                "Write {column} as {shape}, e.g. {example}.",
                column=name,
                shape=shape,
                example=example,
            ),
        )
    return None


def _nothing_usable(table: str, rows: int, kept: int) -> list[Problem]:
    """An error when a file has rows and none of them can be used (the warnings say why)."""
    if not rows or kept:
        return []
    return [
        Problem(
            "error",
            _nothing_usable_message(table, rows),
            _(
                "Correct the rows the warnings name (or check that the file and the settlements "
                "layer belong together) and compare again."
            ),
            code="table.nothing_usable",
            params={"table": table, "rows": rows},
        )
    ]


def _nothing_usable_message(table: str, rows: int) -> str:
    """That none of the ``rows`` of ``table``'s file can be used, one sentence per table and
    count (the schedule's rows are entries, the deliveries' rows reports)."""
    if table == "schedule":
        if rows == 1:
            return _(
                "The one row of the schedule file cannot be used: it is left out (the warnings "
                "say why), so there are no entries to compare."
            )
        if rows == 2:
            return _(
                "No row of the schedule file can be used: both are left out (the warnings say "
                "why), so there are no entries to compare."
            )
        return ngettext(
            "No row of the schedule file can be used: all {n} are left out (the warnings say "
            "why), so there are no entries to compare.",
            "No row of the schedule file can be used: all {n} are left out (the warnings say "
            "why), so there are no entries to compare.",
            rows,
            n=rows,
        )
    if rows == 1:
        return _(
            "The one row of the deliveries file cannot be used: it is left out (the warnings "
            "say why), so there are no reports to compare."
        )
    if rows == 2:
        return _(
            "No row of the deliveries file can be used: both are left out (the warnings say "
            "why), so there are no reports to compare."
        )
    return ngettext(
        "No row of the deliveries file can be used: all {n} are left out (the warnings say "
        "why), so there are no reports to compare.",
        "No row of the deliveries file can be used: all {n} are left out (the warnings say "
        "why), so there are no reports to compare.",
        rows,
        n=rows,
    )


def _bad_day(rows: _Rows, line: int, name: str, text: str | None, why: tuple[str, str]) -> None:
    """Leave out a row whose day (``name``) cannot be read, saying why as precisely as the
    text allows (a day not in the calendar, a date written day first), else with ``why``."""
    message, fix = date_trouble(text, name) or why
    rows.add(line, message, fix, name, text, code="table.bad_day")


def _promised(
    rows: _Rows, line: int, record: Mapping[Any, Any], litres: float | None, tanks: float | None
) -> bool:
    """Whether a schedule row promises some water: 0 litres or 0 tanks leaves it out."""
    for name, value in (("litres", litres), ("tanks", tanks)):
        if value == 0:
            rows.add(
                line,
                _(
                    "Rows that schedule 0 {column} are left out: a delivery of no water could "
                    "never be short, and its absence would count as missed.",
                    column=name,
                ),
                _(
                    "Write the {column} promised, or delete the row if no delivery is scheduled.",
                    column=name,
                ),
                name,
                record[name],
                code="schedule.zero_volume",
            )
            return False
    return True
