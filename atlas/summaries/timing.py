"""The statuses' date in words: what the pages, the report and the wall map say when the
service points' statuses are as of a date, changed by the cluster's confirmed reports."""

from __future__ import annotations

from datetime import date

from atlas.i18n import _, long_date, ngettext

__all__ = ["as_of_sentence"]


def as_of_sentence(day: date | None, out: int, file_day: date | None = None) -> str:
    """One sentence: the day (None: today), how many points confirmed reports had out of
    service then, and the day the services file describes, when known.

    >>> as_of_sentence(date(2026, 3, 10), 1)
    "Statuses as of 10 March 2026: the services file's, with 1 service point out of service by a confirmed report."
    >>> as_of_sentence(None, 0, date(2026, 1, 15))
    "Statuses as of today: the services file's, with 0 service points out of service by a confirmed report. The services file describes 15 January 2026."
    """
    if day is None:
        text = ngettext(
            "Statuses as of today: the services file's, with {n} service point out of service "
            "by a confirmed report.",
            "Statuses as of today: the services file's, with {n} service points out of service "
            "by a confirmed report.",
            out,
        )
    else:
        text = ngettext(
            "Statuses as of {day}: the services file's, with {n} service point out of service "
            "by a confirmed report.",
            "Statuses as of {day}: the services file's, with {n} service points out of service "
            "by a confirmed report.",
            out,
            day=long_date(day),
        )
    if file_day:
        note = _("The services file describes {day}.", day=long_date(file_day))
        text = f"{text} {note}"
    return text
