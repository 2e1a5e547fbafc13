"""Spreadsheet-safe CSV cells: text that a spreadsheet would run as a formula is guarded.

A spreadsheet opening a CSV runs a cell beginning with ``=``, ``+``, ``-`` or ``@`` as a formula
(and strips a leading tab or carriage return before looking), so a settlement named
``=HYPERLINK("http://evil","x")`` would become a live link for the planner who opens the file.
Every CSV the atlas writes (the command line's ``--format csv``, ``atlas export`` and the app's
downloads) follows the OWASP rule:

* a **text** cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
  leading single quote ``'``, which spreadsheets show as "this is text" and do not display;
* so does a text cell beginning with quotes followed by one of those (``'=x`` is written
  ``''=x``), so that :func:`unguard_cell` gives back exactly the text that was written;
* **numbers are never guarded**: a value's type decides, not its look. A count of ``-3``
  (an int or float) is written ``-3``; the text ``"-3"`` in a name column is written ``'-3``;
* header cells are guarded the same way (a file's own columns can carry any text).

GeoJSON, GeoPackage and GeoParquet hold the raw text: they are not opened as spreadsheets, and
their readers see types. The atlas's own CSV readers (``contacts import``, ``reports import``...)
remove the guard again (:func:`unguard_cell`).

Examples
--------
>>> guard_cell('=HYPERLINK("http://evil","x")')
'\\'=HYPERLINK("http://evil","x")'
>>> guard_cell("-3"), guard_cell(-3), guard_cell("Ilanga")
("'-3", -3, 'Ilanga')
>>> unguard_cell(guard_cell("+27 21 400 1111"))
'+27 21 400 1111'
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

__all__ = ["FORMULA_STARTS", "guard_cell", "guard_frame", "guard_text", "unguard_cell"]

#: The first characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_GUARDED = re.compile(r"'*[=+\-@\t\r]")
_UNGUARD = re.compile(r"'+[=+\-@\t\r]")


def guard_text(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    return "'" + text if _GUARDED.match(text) else text


def guard_cell(value: Any) -> Any:
    """A CSV cell's value made safe: text guarded (:func:`guard_text`), anything else as it is.

    Parameters
    ----------
    value
        A cell's value: text is guarded; numbers, flags, dates and missing values are not.

    Returns
    -------
    object
        The guarded text, or ``value`` itself.
    """
    return guard_text(value) if isinstance(value, str) else value


def unguard_cell(text: str) -> str:
    """The text a guarded cell was made from: one leading ``'`` removed before a formula start.

    The inverse of :func:`guard_text` (``unguard_cell(guard_text(t)) == t`` for every text).
    """
    return text[1:] if _UNGUARD.match(text) else text


def guard_frame(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` for a CSV file: its text cells and column names guarded.

    Only text is guarded, by each value's type: a number column (int, float, bool) is left as
    it is, and so are the numbers of a mixed (object) column. ``table`` is not modified.
    """
    out = table.copy()
    for name in out.columns:
        column = out[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = column.astype(object)
        if pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column):
            out[name] = column.map(guard_cell, na_action="ignore").astype(column.dtype)
    out.columns = [guard_cell(name) for name in out.columns]
    return out
