"""Repeated rows of schedules and delivery reports: each delivery counted once, and said so.

A row copied twice into a schedule would promise the delivery twice (one of the two always
*missed*), and a delivery reported twice would count once *delivered* and once *unscheduled*.
What counts as the same, and what is done (issue 19):

* **schedule**: a row that repeats an earlier one exactly (settlement, provider, weekday or
  date, window, litres, tanks and validity, as read) is left out, with a warning naming the
  rows left out and the row each repeats. Two rows for the same settlement, day and window
  whose validity periods overlap but which promise other volumes (or another provider) are
  **both kept**, as two deliveries, with a warning naming the rows: two tankers in one window
  is a schedule the atlas cannot tell from a correction, and dropping one would hide a promise.
* **delivery reports**: two reports for the same settlement arriving in the same minute are
  one delivery, as the store counts them (:func:`atlas.store.add_delivery`,
  :func:`atlas.store.combine_deliveries`): the first in file order is kept and the later ones
  are left out, with a warning naming the rows left out and the row kept, separately for
  exact repeats (the same volume; who reported it and the note may differ) and for reports of
  another volume (whose litres are shown, so the first can be corrected when it is wrong).

Examples
--------
>>> from datetime import time
>>> entry = {"line": 2, "settlement_id": "A", "provider": "P", "weekday": 0, "date": None,
...     "start": time(8), "end": time(10), "litres": 10000.0, "tanks": float("nan"),
...     "valid_from": None, "valid_to": None}
>>> kept, problems = schedule_duplicates([entry, {**entry, "line": 3}])
>>> [e["line"] for e in kept], problems[0].rows, problems[0].values
([2], (3,), ('repeats row 2',))
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd

from atlas.i18n import _, ngettext
from atlas.problems import Problem

__all__ = ["delivery_duplicates", "schedule_duplicates"]

_WINDOW = ("settlement_id", "weekday", "date", "start", "end")
_PROMISE = ("provider", "litres", "tanks", "valid_from", "valid_to")


def _same(value: Any) -> Hashable:
    """``value`` as a key: every missing value (None, NaN) the same."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _key(record: Mapping[str, Any], names: Sequence[str]) -> tuple[Hashable, ...]:
    return tuple(_same(record[name]) for name in names)


def _number(value: Any) -> str:
    number = float(value)
    return f"{int(number)}" if number.is_integer() else f"{number:g}"


def _volume(record: Mapping[str, Any]) -> str:
    """``10000 litres, 2 tanks`` (what was not given left out; ``no volume`` when neither)."""
    parts = []
    if _same(record["litres"]) is not None:
        litres = float(record["litres"])
        parts.append(ngettext("{n} litre", "{n} litres", litres, n=_number(litres)))
    if _same(record["tanks"]) is not None:
        tanks = float(record["tanks"])
        parts.append(ngettext("{n} tank", "{n} tanks", tanks, n=_number(tanks)))
    return ", ".join(parts) or _("no volume")


def _overlap(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether the validity periods of two schedule entries share a day (open ends unbounded)."""
    first = max(a["valid_from"] or date.min, b["valid_from"] or date.min)
    last = min(a["valid_to"] or date.max, b["valid_to"] or date.max)
    return first <= last


def schedule_duplicates(
    entries: Sequence[Mapping[str, Any]],
) -> tuple[list[Mapping[str, Any]], list[Problem]]:
    """The schedule entries without exact repeats, and what was found (see the module).

    Parameters
    ----------
    entries
        Checked entries in file order (the records :func:`atlas.schedules.clean_schedule`
        returns), each with its spreadsheet ``line``.

    Returns
    -------
    (list, list of Problem)
        The entries kept, in order; a warning for the rows left out (code
        ``schedule.duplicate``) and one for the rows kept that conflict
        (``schedule.conflict``), each naming its rows.
    """
    first: dict[tuple[Hashable, ...], int] = {}
    kept: list[Mapping[str, Any]] = []
    repeated: list[tuple[int, str]] = []
    for entry in entries:
        key = _key(entry, (*_WINDOW, *_PROMISE))
        if key in first:
            repeated.append((entry["line"], _("repeats row {row}", row=first[key])))
            continue
        first[key] = entry["line"]
        kept.append(entry)
    by_window: dict[tuple[Hashable, ...], list[Mapping[str, Any]]] = {}
    for entry in kept:
        by_window.setdefault(_key(entry, _WINDOW), []).append(entry)
    conflicting: dict[int, str] = {}
    for group in by_window.values():
        for i, one in enumerate(group):
            for other in group[i + 1 :]:
                if _overlap(one, other):
                    for entry in (one, other):
                        conflicting[entry["line"]] = _(
                            "{volume}, provider {provider}",
                            volume=_volume(entry),
                            provider=entry["provider"],
                        )
    problems: list[Problem] = []
    if repeated:
        problems.append(
            Problem(
                "warning",
                _(
                    "Rows that repeat an earlier row of the schedule exactly are left out, so "
                    "that each delivery is scheduled once."
                ),
                _(
                    "If two deliveries are meant, write one row with the total litres or tanks, "
                    "or give each its own window."
                ),
                column="settlement_id",
                rows=tuple(line for line, _value in repeated),
                values=tuple(value for _line, value in repeated),
                code="schedule.duplicate",
                params={"table": "schedule"},
            )
        )
    if conflicting:
        lines = sorted(conflicting)
        problems.append(
            Problem(
                "warning",
                _(
                    "Rows that schedule the same settlement on the same day and window with "
                    "other volumes or providers are all kept, as separate deliveries."
                ),
                _(
                    "If one row replaces another, delete the old row (or end its validity with "
                    "valid_to); if they are separate deliveries, nothing needs to change."
                ),
                column="litres",
                rows=tuple(lines),
                values=tuple(conflicting[line] for line in lines),
                code="schedule.conflict",
                params={"table": "schedule"},
            )
        )
    return kept, problems


def _minute(moment: datetime | pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(moment).floor("min")


def delivery_duplicates(
    reports: Sequence[Mapping[str, Any]],
) -> tuple[list[Mapping[str, Any]], list[Problem]]:
    """The delivery reports with each delivery once, and what was left out (see the module).

    Parameters
    ----------
    reports
        Checked reports in file order (the records :func:`atlas.schedules.clean_deliveries`
        returns), each with its spreadsheet ``line`` and a tz-aware ``arrived_at``.

    Returns
    -------
    (list, list of Problem)
        The reports kept, in order; a warning for the exact repeats left out (code
        ``deliveries.duplicate``) and one for the reports of another volume left out
        (``deliveries.conflict``), each naming its rows and the row kept.
    """
    first: dict[tuple[Hashable, ...], Mapping[str, Any]] = {}
    kept: list[Mapping[str, Any]] = []
    repeated: list[tuple[int, str]] = []
    conflicting: list[tuple[int, str]] = []
    for report in reports:
        key = (report["settlement_id"], _minute(report["arrived_at"]))
        earlier = first.get(key)
        if earlier is None:
            first[key] = report
            kept.append(report)
        elif _key(earlier, ("litres", "tanks")) == _key(report, ("litres", "tanks")):
            repeated.append((report["line"], _("repeats row {row}", row=earlier["line"])))
        else:
            conflicting.append(
                (
                    report["line"],
                    _(
                        "{volume}; row {row} kept: {kept_volume}",
                        volume=_volume(report),
                        row=earlier["line"],
                        kept_volume=_volume(earlier),
                    ),
                )
            )
    problems: list[Problem] = []
    if repeated:
        problems.append(
            Problem(
                "warning",
                _(
                    "Reports that repeat an earlier report (the same settlement, minute of "
                    "arrival and volume) are left out: a delivery is counted once."
                ),
                _(
                    "Nothing needs to change if the same delivery was reported twice; if two "
                    "tankers came, note each one's own time of arrival."
                ),
                column="arrived_at",
                rows=tuple(line for line, _value in repeated),
                values=tuple(value for _line, value in repeated),
                code="deliveries.duplicate",
                params={"table": "deliveries"},
            )
        )
    if conflicting:
        problems.append(
            Problem(
                "warning",
                _(
                    "Reports of a delivery already reported (the same settlement and minute of "
                    "arrival) with another volume are left out: the first report is kept and "
                    "the delivery is counted once."
                ),
                _(
                    "If a later report is the right one, correct the volume of the first (or "
                    "delete it) and compare again."
                ),
                column="litres",
                rows=tuple(line for line, _value in conflicting),
                values=tuple(value for _line, value in conflicting),
                code="deliveries.conflict",
                params={"table": "deliveries"},
            )
        )
    return kept, problems
