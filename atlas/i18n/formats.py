"""Numbers and dates as people read them, in one place so that every surface writes them alike.

Data files keep exact values (DESIGN §2 rule 10); these functions only write what a person reads:
pages, sentences, legends and PDFs. Today they follow the South African English convention
(``1 234``, ``3 March 2026``); the languages of DESIGN §8 are added here.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

__all__ = ["MONTHS", "format_number", "is_missing", "long_date", "noun", "plural", "shown_number"]

#: English month names, fixed so that the date never depends on the machine's locale.
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def is_missing(value: Any) -> bool:
    """True for None, NaN and values that are not numbers."""
    if value is None:
        return True
    try:
        return bool(math.isnan(float(value)))
    except (TypeError, ValueError):
        return True


def format_number(value: float) -> str:
    """A number as people read it out: whole from 10 up, one decimal below, thousands spaced
    (the South African convention: ``1 234``)."""
    if abs(value) >= 10 or float(value).is_integer():
        return f"{round(value):,}".replace(",", " ")
    return f"{value:.1f}"


def shown_number(value: Any) -> str:
    """A count for a page: spaced thousands, or ``unknown`` for a missing value."""
    return "unknown" if is_missing(value) else format_number(float(value))


def noun(label: str, count: float) -> str:
    """``tap`` or ``taps``, ``household`` or ``households``, by ``count``."""
    if count == 1 or label.endswith("s") or label == "people":
        return label
    return (
        label[:-1] + "ies" if label.endswith("y") and label[-2:-1] not in "aeiou" else label + "s"
    )


def plural(count: float, word: str) -> str:
    """``1 tap``, ``3 taps``, ``1 234 households``; counts shown as whole numbers."""
    n = round(float(count))
    return f"{format_number(n)} {noun(word, n)}"


def long_date(day: date) -> str:
    """``3 March 2026``: the day as people write it in South Africa."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
