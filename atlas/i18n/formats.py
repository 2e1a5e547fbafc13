"""Numbers and dates as people read them, in one place so that every surface writes them alike.

Data files keep exact values (DESIGN §2 rule 10); these functions only write what a person reads:
pages, sentences, legends and PDFs, in the language of the session (DESIGN §8,
:mod:`atlas.i18n.catalogue`). Thousands are spaced as South Africans write them in every language
(``1 234``; CLDR's data for isiZulu, Sesotho and Sepedi still has commas); the decimal mark and
the month names are Babel's for the language in South Africa (``2,5`` and ``3 Maart 2026`` in
Afrikaans), the decimal point of the atlas's English kept as its readers and its data write it.
"""

from __future__ import annotations

import functools
import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from atlas.i18n.catalogue import N_, _, language, ngettext

__all__ = [
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

# What an empty cell of a table on screen says, by why it is empty: a table never shows a bare
# gap (a browser writes "None" there), and never 0 for what nobody counted.
#: Nobody knows the number: households unknown, no population figure.
NOT_KNOWN = N_("not known")
#: Nothing counts the points: no service points of the category and no count of its own.
NOT_COUNTED = N_("not counted")
#: The standard sets no ratio for the category, so nothing is needed or missing by it.
NO_STANDARD = N_("no standard")
#: The atlas cannot measure it: a count without locations has no walking distance.
NOT_MEASURED = N_("not measured")


def is_missing(value: Any) -> bool:
    """True for None, NaN and values that are not numbers."""
    if value is None:
        return True
    try:
        return bool(math.isnan(float(value)))
    except (TypeError, ValueError):
        return True


def round_half_up(value: float | Decimal, places: int = 0) -> float:
    """``value`` rounded as people round it, the one rule of every number the atlas shows:
    a half goes up, away from zero (``10.5`` is 11, ``2.5`` is 3, ``-2.5`` is -3), never to
    even as Python's :func:`round` does.

    The float's decimal text is rounded (its shortest ``repr``, what a person typed and sees),
    not its binary value: ``0.125`` at two places is 0.13 and ``2.675`` is 2.68, where
    ``round()`` gives 0.12 and 2.67. NaN and infinities are returned as they are.

    Parameters
    ----------
    value
        The number (a float, an int or a :class:`~decimal.Decimal`).
    places
        Decimal places to keep (0: a whole number, still a float).

    Examples
    --------
    >>> round_half_up(10.5), round_half_up(2.5), round_half_up(-2.5), round_half_up(0.125, 2)
    (11.0, 3.0, -3.0, 0.13)
    >>> round(10.5), round(2.5), round(0.125, 2)
    (10, 2, 0.12)
    """
    number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    if not number.is_finite():
        return float(number)
    return float(number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def format_number(value: float) -> str:
    """A number as people read it out: whole from 10 up, one decimal below, thousands spaced
    (the South African convention: ``1 234``), rounded half up (:func:`round_half_up`).

    >>> format_number(10.5), format_number(2.5), format_number(0.25), format_number(1234.5)
    ('11', '2.5', '0.3', '1 235')
    """
    if abs(value) >= 10 or float(value).is_integer():
        return f"{int(round_half_up(value)):,}".replace(",", " ")
    return f"{round_half_up(value, 1):.1f}".replace(".", _decimal_mark(language()))


@functools.cache
def _decimal_mark(code: str) -> str:
    """The decimal mark of language ``code`` in South Africa (Babel's), the point in English."""
    if code == "en":
        return "."
    from babel.numbers import get_decimal_symbol

    return str(get_decimal_symbol(f"{code}_ZA"))


def shown_number(value: Any, missing: str = N_("unknown")) -> str:
    """A number for a page: spaced thousands, or ``missing`` (``unknown``) for a missing value.

    >>> shown_number(6287.0), shown_number(2.5), shown_number(None), shown_number(None, NOT_KNOWN)
    ('6 287', '2.5', 'unknown', 'not known')
    """
    return _(missing) if is_missing(value) else format_number(float(value))


def shown_count(value: Any, missing: str = NOT_KNOWN) -> str:
    """A count for a table on screen: a whole number with spaced thousands, as the sentences
    write it (an estimate of 228.4 households reads ``228``), or ``missing`` for a missing value.

    >>> shown_count(6287), shown_count(228.4), shown_count(float("nan")), shown_count(None, NOT_COUNTED)
    ('6 287', '228', 'not known', 'not counted')
    """
    return _(missing) if is_missing(value) else format_number(round_half_up(float(value)))


def format_percent(share: float) -> str:
    """A share (0–1) as people read it: ``75 %``, never rounded to a misleading ``0 %`` or
    ``100 %`` (``less than 1 %``, ``more than 99 %``).

    >>> [format_percent(s) for s in (0, 0.001, 0.4238, 0.996, 1)]
    ['0 %', 'less than 1 %', '42 %', 'more than 99 %', '100 %']
    """
    if 0 < share < 0.005:
        return _("less than 1 %")
    if 0.995 <= share < 1:
        return _("more than 99 %")
    # Half up, not to even: 0.5 % is 1 %, never a misleading 0 %; on the decimal text, so a
    # share of 0.285 is 29 %, not the 28 % of its binary value 28.4999….
    return f"{int(round_half_up(Decimal(repr(float(share))) * 100))} %"


def shown_percent(value: Any, missing: str = NOT_KNOWN) -> str:
    """:func:`format_percent` for a table on screen, or ``missing`` for a missing value."""
    return _(missing) if is_missing(value) else format_percent(float(value))


def shown_text(value: Any, missing: str = NOT_KNOWN) -> str:
    """A name or a word for a table on screen, or ``missing`` for None, NaN or a blank value.

    >>> shown_text("SET-001"), shown_text(None), shown_text(float("nan"), "no ward"), shown_text(" ")
    ('SET-001', 'not known', 'no ward', 'not known')
    """
    try:
        if value is None or value != value:  # NaN and NaT are not equal to themselves
            return _(missing)
    except TypeError:  # pandas' NA: neither equal nor unequal
        return _(missing)
    text = str(value)
    return text if text.strip() else _(missing)


def noun(label: str, count: float) -> str:
    """``tap`` or ``taps``, ``household`` or ``households``, by ``count``, in the language of the
    session for the atlas's own words (:data:`atlas.i18n.words.NOUNS`); a word of the user's
    own standard (``clinic``) in the English way, as the standard writes it.

    >>> noun("tap", 1), noun("tap", 3), noun("facility", 2), noun("people", 2)
    ('tap', 'taps', 'facilities', 'people')
    """
    from atlas.i18n.words import NOUNS

    known = NOUNS.get(label) or NOUNS.get(label.rstrip("s") if label.endswith("s") else label)
    if known is not None:
        return ngettext(*known, count)
    if count == 1 or label.endswith("s") or label == "people":
        return label
    return (
        label[:-1] + "ies" if label.endswith("y") and label[-2:-1] not in "aeiou" else label + "s"
    )


def plural(count: float, word: str) -> str:
    """``1 tap``, ``3 taps``, ``1 234 households``; counts shown as whole numbers, in the
    language of the session (:data:`atlas.i18n.words.COUNTS` for the atlas's own words).

    >>> plural(1, "settlement"), plural(1234, "household"), plural(2, "clinic")
    ('1 settlement', '1 234 households', '2 clinics')
    """
    from atlas.i18n.words import COUNTS

    n = round_half_up(float(count))
    known = COUNTS.get(word)
    if known is not None:
        return ngettext(*known, n)
    return _("{n} {things}", n=format_number(n), things=noun(word, n))


def long_date(day: date) -> str:
    """``3 March 2026``: the day as people write it in South Africa, in the language of the
    session (Babel's month names: ``3 Maart 2026``, ``3 Mashi 2026``).

    >>> long_date(date(2026, 3, 3))
    '3 March 2026'
    """
    from babel.dates import format_date

    # The pattern, not the locale's "long" format: CLDR writes "04 March 2026" for en_ZA.
    return str(format_date(day, "d MMMM y", locale=f"{language()}_ZA"))  # i18n-ignore: pattern
