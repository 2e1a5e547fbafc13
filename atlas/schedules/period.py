"""The period a person picked to compare, and what the per-settlement litres are measured
against, in words."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from atlas.i18n import _, format_number
from atlas.schedules.constants import BASIC_LITRES_PER_PERSON_DAY

__all__ = ["litres_note", "picked_period"]


def picked_period(
    picked: date | Sequence[date] | None, default: tuple[date, date]
) -> tuple[date, date]:
    """The first and last day of a picked date range, or ``default`` while none is picked.

    Parameters
    ----------
    picked
        What a date-range box holds: a tuple of the days picked so far (a range is picked one
        day at a time, so while only its first day is picked the period is that one day), or
        anything else while nothing is picked.
    default
        The period to compare while nothing is picked (e.g. the period the files cover,
        :attr:`atlas.schedules.Comparison.period`).

    Returns
    -------
    tuple of date
        ``(start, end)``, both included.

    Examples
    --------
    >>> picked_period((date(2026, 8, 1), date(2026, 8, 31)), (date(2026, 1, 1), date(2026, 12, 31)))
    (datetime.date(2026, 8, 1), datetime.date(2026, 8, 31))
    >>> picked_period((date(2026, 8, 1),), (date(2026, 1, 1), date(2026, 12, 31)))
    (datetime.date(2026, 8, 1), datetime.date(2026, 8, 1))
    >>> picked_period((), (date(2026, 1, 1), date(2026, 12, 31)))
    (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    """
    if isinstance(picked, tuple) and picked:
        return picked[0], picked[-1]
    return default


def litres_note() -> str:
    """What a compliance table's litres per person per day are measured against, and why some
    are empty (a caption beside the table).

    Examples
    --------
    >>> litres_note()
    'Litres per person per day against the national basic 25 litres; empty where the population is unknown.'
    """
    return _(
        "Litres per person per day against the national basic {litres} litres; empty where the "
        "population is unknown.",
        litres=format_number(BASIC_LITRES_PER_PERSON_DAY),
    )
