"""Languages: how numbers, dates and (next) words are written for the people who read them.

DESIGN §8. :mod:`atlas.i18n.formats` writes numbers and dates; the catalogues of the cluster's
languages will live beside it.
"""

from atlas.i18n.formats import (
    MONTHS,
    NO_STANDARD,
    NOT_COUNTED,
    NOT_KNOWN,
    NOT_MEASURED,
    format_number,
    format_percent,
    is_missing,
    long_date,
    noun,
    plural,
    round_half_up,
    shown_count,
    shown_number,
    shown_percent,
    shown_text,
)

__all__ = [
    "MONTHS",
    "NOT_COUNTED",
    "NOT_KNOWN",
    "NOT_MEASURED",
    "NO_STANDARD",
    "format_number",
    "format_percent",
    "is_missing",
    "long_date",
    "noun",
    "plural",
    "round_half_up",
    "shown_count",
    "shown_number",
    "shown_percent",
    "shown_text",
]
