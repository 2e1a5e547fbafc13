"""Times in the store: read from ISO 8601, kept in UTC, written back with their offset.

A time written without an offset is South African time (SAST, UTC+2, no daylight saving), the
time on a member's phone and on a paper form; a date alone is the start of that day.

Examples
--------
>>> parse_time("2026-11-03T08:30").isoformat()
'2026-11-03T06:30:00+00:00'
>>> parse_time("2026-11-03").isoformat()
'2026-11-02T22:00:00+00:00'
>>> parse_time("2026-11-03T08:30:00Z").isoformat()
'2026-11-03T08:30:00+00:00'
>>> iso(parse_time("2026-11-03T08:30"))
'2026-11-03T08:30:00+02:00'
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from atlas.i18n import _

__all__ = ["EARLIEST", "LOCAL_ZONE", "iso", "now", "parse_time", "today"]

#: The zone of a time written without an offset.
LOCAL_ZONE = ZoneInfo("Africa/Johannesburg")
#: No report can describe a time before this.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
#: How far a phone's clock may run ahead before its time counts as in the future.
CLOCK_SLACK = timedelta(minutes=10)


def now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today in South Africa: the day a pack is dated, a submission sent, a file named."""
    return now().astimezone(LOCAL_ZONE).date()


def parse_time(
    text: str | datetime, *, what: str = "time", not_after: datetime | None = None
) -> datetime:
    """``text`` (ISO 8601, or a datetime) as an aware UTC time.

    Parameters
    ----------
    what
        What the time is, for the message (``"observed_at"``).
    not_after
        The latest acceptable time (default: now, with a few minutes' slack for clocks).

    Raises
    ------
    ValueError
        ``text`` is not ISO 8601, is before 2000, or is in the future.
    """
    if isinstance(text, datetime):
        value = text
    else:
        raw = text.strip()
        try:
            value = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            try:
                value = datetime.combine(date.fromisoformat(raw), datetime.min.time())
            except ValueError:
                raise ValueError(
                    _(
                        "{column} '{text}' is not a time: write it as ISO 8601, e.g. "
                        "2026-11-03T08:30 (South African time) or 2026-11-03T06:30Z.",
                        column=what,
                        text=raw,
                    )
                ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_ZONE)
    value = value.astimezone(UTC)
    latest = not_after if not_after is not None else now() + CLOCK_SLACK
    if value > latest:
        raise ValueError(
            _(
                "{column} {time} is in the future: check the date and the clock.",
                column=what,
                time=iso(value),
            )
        )
    if value < EARLIEST:
        raise ValueError(
            _("{column} {time} is before 2000: check the year.", column=what, time=iso(value))
        )
    return value


def iso(value: datetime | None) -> str | None:
    """``value`` in ISO 8601 in South African time, with its offset (None stays None)."""
    if value is None:
        return None
    return value.astimezone(LOCAL_ZONE).isoformat()
