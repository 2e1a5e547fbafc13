"""The moments and periods of history: "as of" a date, the date a services file describes, and
the days, weeks or months between two dates, in South African time.

Examples
--------
>>> as_of("2026-03-31").isoformat()
'2026-03-31T21:59:59.999999+00:00'
>>> since("2026-01-15").isoformat()
'2026-01-14T22:00:00+00:00'
>>> [p.label for p in periods(date(2026, 1, 30), date(2026, 3, 2), "month")]
['2026-01', '2026-02', '2026-03']
>>> [p.days for p in periods(date(2026, 1, 30), date(2026, 3, 2), "month")]
[2.0, 28.0, 2.0]
>>> [p.label for p in periods(date(2026, 3, 1), date(2026, 3, 10), "week")]
['2026-W09', '2026-W10', '2026-W11']
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from atlas.store.times import LOCAL_ZONE, iso, now, parse_time

__all__ = [
    "STEPS",
    "Period",  # i18n-ignore: a name of the API
    "as_of",
    "day_start",
    "periods",
    "since",
]

#: The lengths of a history's periods.
STEPS = ("day", "week", "month")
_TICK = timedelta(microseconds=1)


def day_start(day: date) -> datetime:
    """The first moment of ``day`` in South African time, in UTC."""
    return datetime.combine(day, datetime.min.time(), LOCAL_ZONE).astimezone(UTC)


def _is_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def as_of(text: str | date | datetime, *, what: str = "--as-of") -> datetime:
    """The moment a status "as of" ``text`` describes: a date means the end of that day (South
    African time), a time that moment; never later than now.

    Raises
    ------
    ValueError
        Not a date or a time, before 2000, or in the future.
    """
    if isinstance(text, datetime):
        return parse_time(text, what=what)
    day = text if isinstance(text, date) else _is_date(text)
    if day is None:
        return parse_time(str(text), what=what)
    start = day_start(day)
    if start > now():
        raise ValueError(f"{what} {day.isoformat()} is in the future: check the date.")
    parse_time(start, what=what)  # before 2000 is refused the same way as a time
    return min(start + timedelta(days=1) - _TICK, now())


def since(text: str | date | datetime, *, what: str = "--services-as-of") -> datetime:
    """The moment from which a services file's statuses hold: a date means the start of that
    day (South African time).

    Raises
    ------
    ValueError
        Not a date or a time, before 2000, or in the future.
    """
    if isinstance(text, datetime):
        return parse_time(text, what=what)
    day = text if isinstance(text, date) else _is_date(text)
    if day is None:
        return parse_time(str(text), what=what)
    return parse_time(day_start(day), what=what)


@dataclass(frozen=True)
class Period:
    """One period of a history: its label (``2026-03``, ``2026-W10``, ``2026-03-05``) and the
    moments it runs from (inclusive) to (exclusive), clipped to the history's dates."""

    label: str
    start: datetime
    end: datetime

    @property
    def days(self) -> float:
        """Its length in days."""
        return (self.end - self.start).total_seconds() / 86400

    @property
    def last(self) -> datetime:
        """Its last moment: what "as of the end of the period" means."""
        return self.end - _TICK

    def to_record(self) -> dict[str, str | None]:
        """``{"period": label, "start": ISO 8601, "end": ISO 8601}`` (end exclusive)."""
        return {"period": self.label, "start": iso(self.start), "end": iso(self.end)}


def _next(day: date, step: str) -> date:
    if step == "day":
        return day + timedelta(days=1)
    if step == "week":
        return day + timedelta(days=7 - day.weekday())
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _label(day: date, step: str) -> str:
    if step == "day":
        return day.isoformat()
    if step == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year}-{day.month:02d}"


def periods(first: date, last: date, step: str = "month") -> list[Period]:
    """The periods from the day ``first`` to the day ``last`` (both included), each a calendar
    day, ISO week (Monday to Sunday) or calendar month, the first and last clipped.

    Raises
    ------
    ValueError
        ``last`` is before ``first``, or ``step`` is not day, week or month.
    """
    if step not in STEPS:
        raise ValueError(f"'{step}' is not a step: use day, week or month.")
    if last < first:
        raise ValueError(
            f"--to {last.isoformat()} is before --from {first.isoformat()}: swap them."
        )
    found = []
    day = first
    while day <= last:
        following = min(_next(day, step), last + timedelta(days=1))
        found.append(Period(_label(day, step), day_start(day), day_start(following)))
        day = following
    return found
