"""Languages: how numbers, dates and (next) words are written for the people who read them.

DESIGN §8. :mod:`atlas.i18n.formats` writes numbers and dates; the catalogues of the cluster's
languages will live beside it.
"""

from atlas.i18n.formats import (
    MONTHS,
    format_number,
    is_missing,
    long_date,
    noun,
    plural,
    shown_number,
)

__all__ = ["MONTHS", "format_number", "is_missing", "long_date", "noun", "plural", "shown_number"]
