"""Coordinates in table columns as people type them: decimal commas, degrees-minutes-seconds.

A CSV's longitude and latitude come from a spreadsheet or a GPS form: ``28,1`` (a decimal comma),
``26°10'30"S``, ``28 10 30 E``, ``S26°10.5'``. Each is read here, per column, and what needed
reading is said in a warning that names the column, the convention and the rows
(``frame.attrs[COORDINATE_NOTES]``, placed in the layer's report by
:func:`atlas.load.validate.validate_layer`). A coordinate that cannot be read (``28.1.2``,
``nan``, ``inf``, a latitude hemisphere in the longitude column) leaves its row without a
location, and why is recorded per row in ``frame.attrs[GEOMETRY_FAULTS]`` so that validation
names the row and the value.

In columns named as degrees (``longitude``, ``lon``, ``lat``…) a comma is always a decimal comma
(a coordinate in degrees has no thousands). In ``x``/``y`` columns, which may hold metres of a
projected CRS, numbers are read by :func:`atlas.load.numbers.read_numbers` (one convention for
the column, thousands separators included).
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
import shapely

from atlas.i18n import N_, _
from atlas.load.numbers import AMBIGUOUS, NOT_A_NUMBER, NOT_FINITE, TOO_LARGE, read_numbers
from atlas.problems import Problem

__all__ = ["COORDINATE_NOTES", "CoordinateReading", "points_from_columns", "read_coordinates"]

#: The key of a frame's ``attrs`` holding the warnings on how its coordinate columns were read.
COORDINATE_NOTES = "coordinate_notes"

Axis = Literal["longitude", "latitude"]

_PLAIN = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_COMMA = re.compile(r"[+-]?\d+,\d+")
_NUMBER = r"\d+(?:[.,]\d+)?"
_DMS = re.compile(
    rf"(?P<d>{_NUMBER})"
    rf"(?:\s*(?:°|º|˚|d|:|\s)\s*(?P<m>{_NUMBER})"
    rf"(?:\s*(?:'|′|’|m|:|\s)\s*(?P<s>{_NUMBER}))?)?"
    r"\s*(?:°|º|˚|\"|″|”|''|′′|s|'|′|’|m)?"
)
_HEMISPHERES = {"n": 1, "s": -1, "e": 1, "w": -1}
_AXIS_OF = {"n": "latitude", "s": "latitude", "e": "longitude", "w": "longitude"}
_NON_FINITE = {"nan", "inf", "infinity", "-inf", "+inf", "-infinity", "+infinity", "-nan"}
# The forms a coordinate needed reading in (keys of CoordinateReading.forms, with the
# conventions of read_numbers); the warnings word them in full sentences.
_DECIMAL_COMMA = "a decimal comma"  # i18n-ignore: a key (see above)
_DMS_FORM = "degrees, minutes and seconds"  # i18n-ignore: a key (see above)
#: Why a coordinate cannot be read, by axis and reason (``{value}`` as typed, ``{letter}`` its
#: hemisphere letter): whole phrases, so that a language words each as it needs.
_FAULTS: dict[tuple[str, str], str] = {
    ("longitude", "not_coordinate"): N_("its longitude '{value}' is not a coordinate"),
    ("latitude", "not_coordinate"): N_("its latitude '{value}' is not a coordinate"),
    ("longitude", "not_finite"): N_("its longitude '{value}' is not a finite number"),
    ("latitude", "not_finite"): N_("its latitude '{value}' is not a finite number"),
    ("longitude", "too_large"): N_("its longitude '{value}' is too large as a number"),
    ("latitude", "too_large"): N_("its latitude '{value}' is too large as a number"),
    ("longitude", "ambiguous"): N_("its longitude '{value}' is ambiguous as a number"),
    ("latitude", "ambiguous"): N_("its latitude '{value}' is ambiguous as a number"),
    ("longitude", "two_letters"): N_("its longitude '{value}' has two hemisphere letters"),
    ("latitude", "two_letters"): N_("its latitude '{value}' has two hemisphere letters"),
    ("longitude", "other_axis"): N_(
        "its longitude '{value}' has the latitude hemisphere letter {letter} (are the "
        "longitude and latitude columns swapped?)"
    ),
    ("latitude", "other_axis"): N_(
        "its latitude '{value}' has the longitude hemisphere letter {letter} (are the "
        "longitude and latitude columns swapped?)"
    ),
    ("longitude", "minus_and_letter"): N_(
        "its longitude '{value}' has a minus sign and the hemisphere letter {letter}"
    ),
    ("latitude", "minus_and_letter"): N_(
        "its latitude '{value}' has a minus sign and the hemisphere letter {letter}"
    ),
    ("longitude", "sixty"): N_("its longitude '{value}' has minutes or seconds of 60 or more"),
    ("latitude", "sixty"): N_("its latitude '{value}' has minutes or seconds of 60 or more"),
    ("longitude", "fraction"): N_(
        "its longitude '{value}' has a fraction of a degree or minute followed by more minutes "
        "or seconds"
    ),
    ("latitude", "fraction"): N_(
        "its latitude '{value}' has a fraction of a degree or minute followed by more minutes "
        "or seconds"
    ),
}
#: Why read_numbers refused a value, as a reason of :data:`_FAULTS`.
_NUMBER_FAULTS = {
    NOT_A_NUMBER: "not_coordinate",
    NOT_FINITE: "not_finite",
    TOO_LARGE: "too_large",
    AMBIGUOUS: "ambiguous",
}
#: Why a coordinate cannot be read: a reason of :data:`_FAULTS` and the hemisphere letter.
_Why = tuple[str, str]


@dataclass(frozen=True)
class CoordinateReading:
    """One coordinate column as read.

    Parameters
    ----------
    values
        float per row; NaN where empty or not readable.
    faults
        Per 0-based position of a value that could not be read, why (``"its longitude '28.1.2'
        is not a coordinate"``).
    forms
        Per form that needed reading (``"a decimal comma"``, ``"degrees, minutes and
        seconds"``, or a :func:`~atlas.load.numbers.read_numbers` convention), the 0-based
        positions read that way.
    examples
        Per form, the first value read that way and what it was read as.
    """

    values: np.ndarray
    faults: dict[int, str] = field(default_factory=dict)
    forms: dict[str, tuple[int, ...]] = field(default_factory=dict)
    examples: dict[str, tuple[str, float]] = field(default_factory=dict)


def _dms(text: str, axis: Axis) -> float | _Why:
    """Degrees-minutes-seconds (or degrees with a hemisphere letter) read from ``text``; why
    not (a reason of :data:`_FAULTS` and the hemisphere letter) when it cannot be read."""
    body = text.strip()
    hemisphere = ""
    if body[:1].lower() in _HEMISPHERES and not body[:1].isdigit():
        hemisphere, body = body[0].lower(), body[1:].strip()
    if body[-1:].lower() in _HEMISPHERES:
        if hemisphere:
            return ("two_letters", "")
        hemisphere, body = body[-1].lower(), body[:-1].strip()
    sign = 1
    if body and body[0] in "+-":
        sign, body = (-1 if body[0] == "-" else 1), body[1:].strip()
    found = _DMS.fullmatch(body)
    if found is None or not (hemisphere or found["m"] or re.search(r"[°º˚d:'′’\"″”]", body)):
        return ("not_coordinate", "")
    if hemisphere and _AXIS_OF[hemisphere] != axis:
        return ("other_axis", hemisphere.upper())
    if hemisphere and sign < 0 and _HEMISPHERES[hemisphere] > 0:
        return ("minus_and_letter", hemisphere.upper())
    d, m, s = (float(found[k].replace(",", ".")) if found[k] else None for k in ("d", "m", "s"))
    if (m is not None and m >= 60) or (s is not None and s >= 60):
        return ("sixty", "")
    if (m is not None and not float(d or 0).is_integer()) or (
        s is not None and not float(m or 0).is_integer()
    ):
        return ("fraction", "")
    value = (d or 0.0) + (m or 0.0) / 60 + (s or 0.0) / 3600
    negative = sign < 0 or (hemisphere and _HEMISPHERES[hemisphere] < 0)
    return -value if negative else value


def read_coordinates(values: pd.Series, axis: Axis, *, degrees: bool = True) -> CoordinateReading:
    """A coordinate column as people type it.

    Parameters
    ----------
    values
        The column as read (text, or numbers already typed by the file).
    axis
        ``longitude`` (x) or ``latitude`` (y): which hemisphere letters belong to it.
    degrees
        The column is named as degrees (``lon``, ``latitude``…): a comma is a decimal comma.
        Otherwise (``x``, ``y``: perhaps metres) numbers follow one convention for the column
        (:func:`atlas.load.numbers.read_numbers`).

    Examples
    --------
    >>> r = read_coordinates(pd.Series(["-26,1", "26°10'30\\"S", "S26°10.5'", "x", ""]), "latitude")
    >>> r.values.round(4).tolist()
    [-26.1, -26.175, -26.175, nan, nan]
    >>> r.forms, r.faults
    ({'a decimal comma': (0,), 'degrees, minutes and seconds': (1, 2)}, {3: "its latitude 'x' is not a coordinate"})
    >>> read_coordinates(pd.Series(["28 10 30 E"]), "longitude").values.round(5).tolist()
    [28.175]
    """
    items = values.to_numpy(dtype=object)
    out = np.full(len(items), np.nan)
    faults: dict[int, str] = {}
    forms: dict[str, list[int]] = {}
    examples: dict[str, tuple[str, float]] = {}

    def read_as(i: int, form: str, text: str, value: float) -> None:
        out[i] = value
        forms.setdefault(form, []).append(i)
        examples.setdefault(form, (text, value))

    if not degrees:
        numbers = read_numbers(values)
        out = numbers.values.to_numpy(dtype=float, copy=True)
        if numbers.convention is not None:
            forms[numbers.convention] = [p - 1 for p in numbers.changed]
        for p, text, why in zip(
            numbers.refused, numbers.refused_values, numbers.reasons, strict=True
        ):
            i = p - 1
            value = _dms(text, axis) if why == NOT_A_NUMBER else None
            if isinstance(value, float):
                read_as(i, _DMS_FORM, text, value)
            elif value is None:
                faults[i] = _fault(axis, text, (_NUMBER_FAULTS.get(why, "not_coordinate"), ""))
            else:
                faults[i] = _fault(axis, text, value)
        return CoordinateReading(out, faults, {k: tuple(v) for k, v in forms.items()}, examples)
    for i, value in enumerate(items):
        if isinstance(value, bool | np.bool_):
            faults[i] = _fault(axis, str(value), ("not_coordinate", ""))
            continue
        if isinstance(value, int | float | np.integer | np.floating):
            number = float(value)
            if math.isnan(number):
                continue
            if math.isfinite(number):
                out[i] = number
            else:
                faults[i] = _fault(axis, str(value), ("not_finite", ""))
            continue
        if value is None or value is pd.NA:
            continue
        text = str(value).strip().replace("\u2212", "-")
        if not text:
            continue
        if text.lower() in _NON_FINITE:
            faults[i] = _fault(axis, text, ("not_finite", ""))
        elif _PLAIN.fullmatch(text):
            number = float(text)
            if math.isfinite(number):
                out[i] = number
            else:
                faults[i] = _fault(axis, text, ("not_finite", ""))
        elif _COMMA.fullmatch(text):
            read_as(i, _DECIMAL_COMMA, text, float(text.replace(",", ".")))
        else:
            reading = _dms(text, axis)
            if isinstance(reading, float):
                read_as(i, _DMS_FORM, text, reading)
            else:
                faults[i] = _fault(axis, text, reading)
    return CoordinateReading(out, faults, {k: tuple(v) for k, v in forms.items()}, examples)


def _fault(axis: Axis, text: str, why: _Why) -> str:
    """Why the coordinate ``text`` of ``axis`` cannot be read, in words."""
    reason, letter = why
    template = _FAULTS.get((axis, reason), _FAULTS[axis, "not_coordinate"])
    return _(template, value=text, letter=letter)


def _shown(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _note(column: str, form: str, reading: CoordinateReading, index: pd.Index) -> Problem:
    positions = reading.forms[form]
    # ``how`` is a parameter of the problem (data, in the atlas's English); the message is
    # worded whole for each form.
    if form == _DMS_FORM:
        text, value = reading.examples[form]
        how = (
            f"as degrees, minutes and seconds ('{text}' = {_shown(value)}; "  # i18n-ignore: data
            "a hemisphere letter S or W makes it negative)"  # i18n-ignore: a parameter (data)
        )
        message = _(
            "Coordinates in {column} read as degrees, minutes and seconds ('{text}' = {value}; "
            "a hemisphere letter S or W makes it negative).",
            column=column,
            text=text,
            value=_shown(value),
        )
    elif form == _DECIMAL_COMMA:
        text, value = reading.examples[form]
        how = f"with a decimal comma ('{text}' = {_shown(value)})"  # i18n-ignore: data
        message = _(
            "Coordinates in {column} read with a decimal comma ('{text}' = {value}).",
            column=column,
            text=text,
            value=_shown(value),
        )
    else:
        how = f"with {form}"  # i18n-ignore: a parameter (data)
        # TRANSLATORS: {convention} is how the numbers were written, e.g. "a space as
        # thousands separator ('1 234' = 1234)".
        message = _(
            "Coordinates in {column} read with {convention}.", column=column, convention=form
        )
    return Problem(
        "warning",
        message,
        _(
            "Write coordinates as decimal degrees with a decimal point (28.175, -26.175) to have "
            "them read as they are."
        ),
        column=column,
        rows=tuple(int(index[p]) + 1 for p in positions),
        code="coordinates.convention",
        params={"column": column, "convention": how},
    )


def points_from_columns(
    table: pd.DataFrame, lon: str, lat: str
) -> tuple[np.ndarray, dict[Hashable, str], tuple[Problem, ...]]:
    """Points from a table's longitude and latitude columns.

    Returns the geometries (None where a coordinate is empty or cannot be read), per index
    label of a row whose coordinates could not be read, why (for
    ``attrs[GEOMETRY_FAULTS]``), and the warnings saying how the columns were read (for
    ``attrs[COORDINATE_NOTES]``).

    Examples
    --------
    >>> table = pd.DataFrame({"lon": ["28,1", "28°10'30\\"E"], "lat": ["-26,2", "inf"]})
    >>> geoms, faults, notes = points_from_columns(table, "lon", "lat")
    >>> geoms[0].wkt, geoms[1], faults
    ('POINT (28.1 -26.2)', None, {1: "its latitude 'inf' is not a finite number"})
    >>> for note in notes:
    ...     print(note.message, note.rows)
    Coordinates in lon read with a decimal comma ('28,1' = 28.1). (1,)
    Coordinates in lon read as degrees, minutes and seconds ('28°10'30"E' = 28.175; a hemisphere letter S or W makes it negative). (2,)
    Coordinates in lat read with a decimal comma ('-26,2' = -26.2). (1,)
    """
    degrees = lon.strip().lower() not in ("x",) and lat.strip().lower() not in ("y",)
    x = read_coordinates(table[lon], "longitude", degrees=degrees)
    y = read_coordinates(table[lat], "latitude", degrees=degrees)
    geoms = np.asarray(shapely.points(np.nan_to_num(x.values), np.nan_to_num(y.values)))
    geoms = geoms.astype(object)
    geoms[np.isnan(x.values) | np.isnan(y.values)] = None
    faults: dict[Hashable, str] = {}
    for i in sorted(set(x.faults) | set(y.faults)):
        reasons = [r for r in (x.faults.get(i), y.faults.get(i)) if r]
        faults[table.index[i]] = (
            _("{longitude} and {latitude}", longitude=reasons[0], latitude=reasons[1])
            if len(reasons) == 2
            else reasons[0]
        )
    notes = tuple(
        _note(column, form, reading, table.index)
        for column, reading in ((lon, x), (lat, y))
        for form in reading.forms
    )
    return geoms, faults, notes
