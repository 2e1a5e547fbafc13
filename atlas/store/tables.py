r"""Tables people bring: a CSV file (comma, semicolon or tab between the columns, as
spreadsheets and KoboToolbox write them) or an XLSX workbook (its first sheet), read as rows of
text with the line, or sheet row, each starts on, so that a refused row can be named.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "kobo.csv"
>>> _ = path.write_text('"settlement_id";"note"\n"SET-001";"two\nlines"\n\n"SET-002";""\n')
>>> read_table(path)
(['settlement_id', 'note'], [(2, ['SET-001', 'two\nlines']), (5, ['SET-002', ''])])
>>> cell_text(3.0), cell_text(None)
('3', '')
"""

from __future__ import annotations

import csv
import io
import warnings
from datetime import date, datetime
from pathlib import Path
from typing import Any

from atlas.errors import DataFileError
from atlas.i18n import _
from atlas.load.cells import unguard_cell

__all__ = ["cell_text", "read_table"]

#: How an XLSX workbook (a zip archive) begins.
_XLSX = b"PK\x03\x04"


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a CSV file would hold (``None`` is empty, ``3.0`` is
    ``3``, a date or time is ISO 8601)."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(source: Path, data: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():  # e.g. "no default style": not the reader's concern
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise DataFileError(
            _(
                "{file} is not a readable XLSX workbook ({reason}): save it again from the "
                "spreadsheet as .xlsx, or export it as CSV.",
                file=source.name,
                reason=exc,
            )
        ) from None
    try:
        sheet = book.worksheets[0]
        return [
            (number, [cell_text(v) for v in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        book.close()


def _csv_rows(source: Path, data: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataFileError(
            _(
                "{file} is not UTF-8 text: save it as 'CSV UTF-8' and import it again.",
                file=source.name,
            )
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)  # KoboToolbox writes ';' by default
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        while True:
            # A row starts on the line after the previous one ended (a quoted note may span
            # several lines; blank lines are skipped but still counted).
            start = reader.line_num + 1
            fields = next(reader, None)
            if fields is None:
                break
            rows.append((start, [f.strip() for f in fields]))
    except csv.Error as exc:
        raise DataFileError(
            _(
                "{file} is not a readable CSV file (line {line}): {reason}.",
                file=source.name,
                line=reader.line_num,
                reason=exc,
            )
        ) from None
    return rows


def read_table(path: str | Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header of a CSV or XLSX file (its first sheet) and its other rows, each with the
    line (CSV) or sheet row (XLSX) it starts on, the header being 1. Blank rows are left out;
    cells are stripped text (:func:`cell_text`); an empty file has no header and no rows.

    Raises
    ------
    DataFileError
        The file cannot be read, or is neither UTF-8 text nor an XLSX workbook.
    """
    source = Path(path)
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise DataFileError(_("There is no file {file}: check the path.", file=source)) from None
    except OSError as exc:
        raise DataFileError(
            _("Cannot read {file}: {reason}.", file=source, reason=exc.strerror)
        ) from None
    rows = _xlsx_rows(source, data) if data.startswith(_XLSX) else _csv_rows(source, data)
    if not rows:
        return [], []
    # The atlas's own CSVs guard text against spreadsheet formulas ('=x): read back the text.
    (_first, header), *body = [(line, [unguard_cell(c) for c in cells]) for line, cells in rows]
    return header, [(line, cells) for line, cells in body if any(cells)]
