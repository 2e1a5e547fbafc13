"""Numbers written as people write them, understood one column at a time (never one cell).

A column of counts or litres typed in a spreadsheet may use thousands separators (``10,000``,
``10 000``, ``10.000``, ``1'000``) or a decimal comma (``10,5``). :func:`read_numbers` decides
one convention for the whole column from all its values, reads every value by it, and says
what it understood (:attr:`NumberReading.convention`) and which values needed it, so that a
caller can report it. What it cannot read for sure is refused, with its position: text that is
not a number, values that are not finite (``Infinity``, ``NaN``, ``1e400``), a column that mixes
conventions so that a value could be read two ways (``1,234`` beside ``1.5``: is the comma a
thousands separator or a decimal comma?), and numbers too large to be kept exact (beyond 2**53,
where a float64 changes the last digits: no count of households or litres is that large, so it
is a broken cell, and refusing it keeps every number that is used exact).

How a column is judged: each value has its own reading (separators grouping threes are
thousands, ``10,000``; another comma is a decimal comma, ``10,5``; in a count a lone dot before
three digits is a thousands separator too, ``10.000``, while in a decimal column it stays a
decimal point, ``10.000`` litres being ten, as written). The column takes the convention that
reads most of its values as they read on their own; a value that convention reads otherwise is
ambiguous, and refused.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

from atlas.i18n import N_, _
from atlas.problems import Problem

__all__ = [
    "EXACT_LIMIT",
    "NumberReading",
    "number_problems",
    "read_numbers",
]

#: The largest magnitude a float64 holds every whole number up to (2**53): larger values are
#: refused, never silently changed.
EXACT_LIMIT = 2**53
_LIMIT_TEXT = f"{EXACT_LIMIT:,}".replace(",", " ")

#: Why a value was refused (:attr:`NumberReading.reasons`).
NOT_A_NUMBER = "not a number"  # i18n-ignore: a code (compared, and a param)
NOT_FINITE = "not finite"  # i18n-ignore: a code (compared, and a param)
TOO_LARGE = "too large"  # i18n-ignore: a code (compared, and a param)
AMBIGUOUS = "ambiguous"

# Thousands separators as typed: space, no-break space, thin space, narrow no-break space; the
# apostrophe (Swiss) straight or curly. Each class is one separator.
_SPACES = " \u00a0\u2009\u202f"
_APOSTROPHES = "'\u2019"
_GROUP = {",": ",", ".": r"\.", " ": f"[{_SPACES}]", "'": f"[{_APOSTROPHES}]"}
#: A convention in words, by thousands separator: used alone, and with a decimal comma.
_THOUSANDS = {
    ",": N_("a comma as thousands separator {example}"),
    ".": N_("a dot as thousands separator {example}"),
    " ": N_("a space as thousands separator {example}"),
    "'": N_("an apostrophe as thousands separator {example}"),
}
_THOUSANDS_AND_COMMA = {
    ",": N_("a comma as thousands separator and a decimal comma {example}"),
    ".": N_("a dot as thousands separator and a decimal comma {example}"),
    " ": N_("a space as thousands separator and a decimal comma {example}"),
    "'": N_("an apostrophe as thousands separator and a decimal comma {example}"),
}
_NON_FINITE = {"inf", "infinity", "nan", "-nan", "+nan", "+inf", "-inf", "+infinity", "-infinity"}
_PLAIN = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
#: A value's shape: its digits 1-9 made alike (zeros and separators kept), see read_numbers.
_SHAPE = str.maketrans("12345678", "99999999")

#: The conventions a column may follow: (thousands separator or None, decimal separator), in
#: the order preferred when several read every value alike.
_CONVENTIONS: tuple[tuple[str | None, str], ...] = (
    (None, "."),
    (",", "."),
    (".", ","),
    (None, ","),
    (" ", "."),
    (" ", ","),
    ("'", "."),
    ("'", ","),
)


def _pattern(thousands: str | None, decimal: str) -> re.Pattern[str]:
    whole = (
        r"\d+" if thousands is None else rf"(?:[1-9]\d{{0,2}}(?:{_GROUP[thousands]}\d{{3}})+|\d+)"
    )
    return re.compile(rf"{whole}(?:{re.escape(decimal)}\d+)?")


_PATTERNS = {c: _pattern(*c) for c in _CONVENTIONS}


@dataclass(frozen=True)
class NumberReading:
    """What :func:`read_numbers` understood of a column.

    Parameters
    ----------
    values
        float64, index-aligned with the input; NaN where empty or refused.
    refused
        1-based positions of the values that are not numbers, not finite, too large to keep
        exact, or ambiguous in their column.
    refused_values
        Their text, aligned with ``refused``.
    convention
        What was understood, in words (``"a comma as thousands separator ('10,000' =
        10000)"``); None when every value is a plain number.
    changed
        1-based positions whose text needed that convention.
    reasons
        Why each refused value was refused, aligned with ``refused``: ``"not a number"``,
        ``"not finite"``, ``"too large"`` (beyond :data:`EXACT_LIMIT`) or ``"ambiguous"``.
    """

    values: pd.Series
    refused: tuple[int, ...]
    refused_values: tuple[str, ...]
    convention: str | None
    changed: tuple[int, ...]
    reasons: tuple[str, ...] = ()


def _text(value: object) -> str | None:
    """The value as stripped text; None when empty."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip().replace("\u2212", "-")
    return text or None


def _decimal(body: str, thousands: str | None, decimal: str) -> Decimal:
    if thousands is not None:
        body = re.sub(_GROUP[thousands], "", body)
    return Decimal(body.replace(decimal, ".") if decimal == "," else body)


def _parse(body: str, convention: tuple[str | None, str]) -> Decimal | None:
    """``body`` (no sign) read by ``convention``; None when it does not fit."""
    if convention == (None, "."):
        return Decimal(body) if _PLAIN.fullmatch(body) else None
    if _PATTERNS[convention].fullmatch(body):
        return _decimal(body, *convention)
    return None


def _natural(body: str, integer: bool) -> Decimal | None:
    """How ``body`` reads on its own: separators grouping threes are thousands (``10,000``),
    other commas decimal (``10,5``); in a count a lone dot before three digits too
    (``10.000``)."""
    if _PLAIN.fullmatch(body):
        if integer and re.fullmatch(r"[1-9]\d{0,2}(?:\.\d{3})+", body):
            return _decimal(body, ".", ",")
        return Decimal(body)
    for convention in ((",", "."), (".", ","), (" ", "."), (" ", ","), ("'", "."), ("'", ",")):
        thousands = convention[0]
        if re.fullmatch(rf"[1-9]\d{{0,2}}(?:{_GROUP[thousands or '']}\d{{3}})+", body):
            return _decimal(body, thousands, convention[1])
        if _PATTERNS[convention].fullmatch(body) and re.search(_GROUP[thousands or ""], body):
            return _decimal(body, *convention)
    if re.fullmatch(r"\d+,\d+", body):
        return _decimal(body, None, ",")
    return None


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text


def _uses(body: str, separator: str | None) -> bool:
    return separator is not None and re.search(_GROUP[separator], body) is not None


def read_numbers(values: pd.Series, *, integer: bool = False) -> NumberReading:
    """Numbers written as people write them, understood per column (one convention for the
    column).

    Parameters
    ----------
    values
        Text as read from a file (numbers already typed by the file are taken as they are).
    integer
        The column holds counts: a lone dot or comma before three digits is a thousands
        separator (``10.000`` households are 10000).

    Returns
    -------
    NumberReading
        The values as float64 (exact: values beyond :data:`EXACT_LIMIT` are refused), the
        refused positions with their text and reasons, and the convention understood.

    Examples
    --------
    >>> r = read_numbers(pd.Series(["10,000", "2,500", "", "7"]), integer=True)
    >>> r.values.tolist()[:2], r.convention, r.changed
    ([10000.0, 2500.0], "a comma as thousands separator ('10,000' = 10000)", (1, 2))
    >>> r = read_numbers(pd.Series(["10,5", "3"]))
    >>> r.values.tolist(), r.convention
    ([10.5, 3.0], "a decimal comma ('10,5' = 10.5)")
    >>> read_numbers(pd.Series(["10 000", "1\u00a0200"])).values.tolist()
    [10000.0, 1200.0]
    >>> r = read_numbers(pd.Series(["1,234", "1.5", "Infinity", "12a"]))
    >>> r.refused, r.refused_values, r.reasons
    ((1, 2, 3, 4), ('1,234', '1.5', 'Infinity', '12a'), ('ambiguous', 'ambiguous', 'not finite', 'not a number'))
    >>> read_numbers(pd.Series(["123456789012345678"]), integer=True).reasons
    ('too large',)
    >>> read_numbers(pd.Series(["12", "3.5"])).convention is None
    True
    """
    items = values.to_numpy(dtype=object)
    out = np.full(len(items), np.nan)
    refused: dict[int, tuple[str, str]] = {}
    texts: dict[int, tuple[str, str]] = {}  # position -> (sign, body) of text still to read
    for i, value in enumerate(items):
        if isinstance(value, bool | np.bool_):
            refused[i] = (str(value), NOT_A_NUMBER)
        elif isinstance(value, int | np.integer):
            if abs(int(value)) > EXACT_LIMIT:
                refused[i] = (str(value), TOO_LARGE)
            else:
                out[i] = float(value)
        elif isinstance(value, float | np.floating):
            real = float(value)
            if math.isnan(real):
                continue
            if not math.isfinite(real):
                refused[i] = (str(real), NOT_FINITE)
            elif abs(real) > EXACT_LIMIT:
                refused[i] = (repr(real), TOO_LARGE)
            else:
                out[i] = real
        else:
            text = _text(value)
            if text is None:
                continue
            if text.lower() in _NON_FINITE:
                refused[i] = (text, NOT_FINITE)
                continue
            sign, body = (text[0], text[1:].strip()) if text[0] in "+-" else ("", text)
            texts[i] = (sign, body)
    # Whether a value fits a convention, and reads there as it reads on its own, depends only
    # on its shape (where its separators and its zeros are): judged once per shape, so that a
    # column of 100 000 numbers is judged by its few shapes.
    shapes: dict[str, list[int]] = {}
    for i, (_sign, body) in texts.items():
        shapes.setdefault(body.translate(_SHAPE), []).append(i)
    judged = {shape: _judge(texts[group[0]][1], integer) for shape, group in shapes.items()}
    convention = _choose(shapes, judged)
    readings: dict[int, Decimal] = {}
    for shape, group in shapes.items():
        natural, fits, agrees = judged[shape]
        for i in group:
            sign, body = texts[i]
            if convention not in fits:
                refused[i] = (sign + body, AMBIGUOUS if natural else NOT_A_NUMBER)
                continue
            if natural and convention not in agrees:
                refused[i] = (sign + body, AMBIGUOUS)
                continue
            try:
                number = _parse(body, convention)
            except InvalidOperation:
                number = None
            if number is None:
                refused[i] = (sign + body, NOT_A_NUMBER)
            else:
                readings[i] = -number if sign == "-" else number
    readings = dict(sorted(readings.items()))
    for i in _mixed(texts, readings, convention):
        refused[i] = (texts[i][0] + texts[i][1], AMBIGUOUS)
        readings.pop(i, None)
    for i, number in readings.items():
        if not number.is_finite() or not math.isfinite(float(number)):
            refused[i] = (texts[i][0] + texts[i][1], NOT_FINITE)
        elif abs(number) > EXACT_LIMIT:
            refused[i] = (texts[i][0] + texts[i][1], TOO_LARGE)
        else:
            out[i] = float(number)
    for i in refused:
        out[i] = np.nan
    changed = sorted(
        i
        for i in readings
        if i not in refused
        and (_uses(texts[i][1], convention[0]) or (convention[1] == "," and "," in texts[i][1]))
    )
    order = sorted(refused)
    return NumberReading(
        values=pd.Series(out, index=values.index, dtype=float),
        refused=tuple(i + 1 for i in order),
        refused_values=tuple(refused[i][0] for i in order),
        convention=_describe(convention, changed, texts, readings),
        changed=tuple(i + 1 for i in changed),
        reasons=tuple(refused[i][1] for i in order),
    )


def _judge(
    body: str, integer: bool
) -> tuple[bool, frozenset[tuple[str | None, str]], frozenset[tuple[str | None, str]]]:
    """Whether ``body`` reads as a number on its own, the conventions it fits, and those that
    read it as it reads on its own."""
    natural = _natural(body, integer)
    fits, agrees = set(), set()
    for convention in _CONVENTIONS:
        try:
            number = _parse(body, convention)
        except InvalidOperation:
            number = None
        if number is not None:
            fits.add(convention)
            if number == natural:
                agrees.add(convention)
    return natural is not None, frozenset(fits), frozenset(agrees)


def _choose(
    shapes: dict[str, list[int]],
    judged: dict[
        str, tuple[bool, frozenset[tuple[str | None, str]], frozenset[tuple[str | None, str]]]
    ],
) -> tuple[str | None, str]:
    """The convention that reads most values as they read on their own, then reads most
    values at all (ties: the order of :data:`_CONVENTIONS`)."""

    def score(convention: tuple[str | None, str]) -> tuple[int, int, int]:
        agree = sum(len(g) for s, g in shapes.items() if convention in judged[s][2])
        fits = sum(len(g) for s, g in shapes.items() if convention in judged[s][1])
        return agree, fits, -_CONVENTIONS.index(convention)

    return max(_CONVENTIONS, key=score)


def _mixed(
    texts: dict[int, tuple[str, str]],
    readings: dict[int, Decimal],
    convention: tuple[str | None, str],
) -> list[int]:
    """Positions of a column that uses a comma and a dot, each on its own, with the thousands
    separator in one group of three (``1,234`` beside ``1.5``): either could be the decimal,
    and no value shows which."""
    thousands, decimal = convention
    if thousands not in (",", "."):
        return []
    lone = re.compile(rf"[1-9]\d{{0,2}}{re.escape(thousands)}\d{{3}}")
    grouped = [i for i in readings if thousands in texts[i][1] and decimal not in texts[i][1]]
    decimals = [i for i in readings if decimal in texts[i][1] and thousands not in texts[i][1]]
    proof = any(
        thousands in body and (decimal in body or body.count(thousands) > 1)
        for i, (_sign, body) in texts.items()
        if i in readings
    )
    ambiguous = [i for i in grouped if lone.fullmatch(texts[i][1])]
    if ambiguous and decimals and not proof:
        return sorted(ambiguous + decimals)
    return []


def _describe(
    convention: tuple[str | None, str],
    changed: Sequence[int],
    texts: dict[int, tuple[str, str]],
    readings: dict[int, Decimal],
) -> str | None:
    if not changed:
        return None
    thousands, decimal = convention
    used_thousands = any(_uses(texts[i][1], thousands) for i in changed)
    used_comma = decimal == "," and any("," in texts[i][1] for i in changed)
    example = next(
        (i for i in changed if _uses(texts[i][1], thousands) and "," in texts[i][1]),
        changed[0],
    )
    shown = f"('{texts[example][0]}{texts[example][1]}' = {_plain(readings[example])})"
    if used_thousands and used_comma:
        return _(_THOUSANDS_AND_COMMA[thousands or " "], example=shown)
    if used_thousands:
        return _(_THOUSANDS[thousands or " "], example=shown)
    return _("a decimal comma {example}", example=shown)


def _where(positions: Sequence[int], index: pd.Index | None) -> tuple[int, ...]:
    if index is None:
        return tuple(positions)
    return tuple(int(index[p - 1]) + 1 for p in positions)


def number_problems(
    reading: NumberReading,
    column: str,
    *,
    index: pd.Index | None = None,
    params: Mapping[str, object] | None = None,
) -> list[Problem]:
    """The report entries of a reading: a warning naming the convention understood
    (code ``numbers.convention``) and one error per kind of refused value (``numbers.refused``,
    with the kind in ``params["reason"]``).

    Parameters
    ----------
    reading
        What :func:`read_numbers` understood.
    column
        The column's name, for the messages.
    index
        The frame's index when its labels (not the positions) give the file's row numbers
        (label + 1, as :func:`atlas.load._geometry.rows_of`); None: positions are rows.
    params
        More parameters for the surfaces' wordings (``layer``…); ``column`` is always there.

    Examples
    --------
    >>> reading = read_numbers(pd.Series(["10,000", "oops", "inf"]), integer=True)
    >>> for problem in number_problems(reading, "households"):
    ...     print(problem.format())
    warning: households read with a comma as thousands separator ('10,000' = 10000). (column 'households'; row 1)
    error: households must be a number. (column 'households'; row 2; value 'oops') Fix: Correct these values in the file (plain numbers such as 1234 or 1234.5, one convention for the whole column), or leave the cells empty if the number is unknown.
    error: households must be a finite number. (column 'households'; row 3; value 'inf') Fix: Correct these values in the file (plain numbers such as 1234 or 1234.5, one convention for the whole column), or leave the cells empty if the number is unknown.
    """
    extra = {"column": column, **(params or {})}
    problems: list[Problem] = []
    if reading.convention is not None:
        problems.append(
            Problem(
                "warning",
                # TRANSLATORS: {convention} is how the numbers were written, e.g. "a comma as
                # thousands separator ('10,000' = 10000)".
                _("{column} read with {convention}.", column=column, convention=reading.convention),
                column=column,
                rows=_where(reading.changed, index),
                code="numbers.convention",
                params={**extra, "convention": reading.convention},
            )
        )
    rows = _where(reading.refused, index)
    reasons = reading.reasons or (NOT_A_NUMBER,) * len(reading.refused)
    for reason, message in _REFUSALS.items():
        picked = [k for k, why in enumerate(reasons) if why == reason]
        if not picked:
            continue
        problems.append(
            Problem(
                "error",
                _(message, column=column, limit=_LIMIT_TEXT),
                _(
                    "Correct these values in the file (plain numbers such as 1234 or 1234.5, one "
                    "convention for the whole column), or leave the cells empty if the number is "
                    "unknown."
                ),
                column=column,
                rows=tuple(rows[k] for k in picked),
                values=tuple(reading.refused_values[k] for k in picked),
                code="numbers.refused",
                params={**extra, "reason": reason},
            )
        )
    return problems


_REFUSALS = {
    NOT_A_NUMBER: N_("{column} must be a number."),
    NOT_FINITE: N_("{column} must be a finite number."),
    TOO_LARGE: N_(
        "{column} is too large to be kept exact (more than {limit}): surely a broken cell."
    ),
    AMBIGUOUS: N_(
        "{column} mixes number conventions: these values could be read two ways (a comma or a "
        "dot as thousands separator, or as decimal separator), and no value of the column shows "
        "which."
    ),
}
