"""The period picked to compare a schedule over, and the litres note (atlas/schedules/period.py)."""

from __future__ import annotations

from datetime import date

import pytest

from atlas.schedules import BASIC_LITRES_PER_PERSON_DAY, litres_note, picked_period

FILES = (date(2026, 8, 1), date(2026, 10, 30))


@pytest.mark.parametrize(
    ("picked", "period"),
    [
        ((date(2026, 8, 1), date(2026, 8, 31)), (date(2026, 8, 1), date(2026, 8, 31))),
        # A range is picked a day at a time: with one day so far, that day alone.
        ((date(2026, 9, 3),), (date(2026, 9, 3), date(2026, 9, 3))),
        ((), FILES),
        (None, FILES),
        (date(2026, 9, 3), FILES),  # a single date is not a range: the files' period
    ],
)
def test_the_period_is_the_first_and_last_day_picked_or_the_files(
    picked: object, period: tuple[date, date]
) -> None:
    assert picked_period(picked, FILES) == period  # type: ignore[arg-type]


def test_the_litres_note_names_the_national_basic_amount() -> None:
    assert BASIC_LITRES_PER_PERSON_DAY == 25
    assert litres_note() == (
        "Litres per person per day against the national basic 25 litres; empty where the "
        "population is unknown."
    )
