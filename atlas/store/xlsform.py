"""The atlas's report form as an XLSForm, for ODK Collect and KoboCollect (DESIGN §7).

A resident or member fills it on a phone; its export (KoboToolbox or ODK Central, CSV or XLSX)
is imported with ``atlas reports import FILE --kind kobo|odk`` (:mod:`atlas.store.fieldforms`).
Its questions are those of a report, inside a group named ``report``: ``settlement_id``,
``service_id``, ``category``, ``problem`` (its choices filtered by the category, from
:data:`~atlas.store.vocabulary.PROBLEMS`), ``observed_at`` (now by default), ``note``, an
optional ``photo`` and the ``location`` where it is.

The form is defined here and written with :func:`write_xlsform`; the committed
``data/forms/atlas-report.xlsx`` is made by it (``python -m atlas.store.xlsform
data/forms/atlas-report.xlsx``) and a test checks that the two agree. Its words are written in
English, the source language (DESIGN §8), and each of the atlas's languages
(:data:`atlas.i18n.LANGUAGES`) has its ``label::…`` and ``hint::…`` columns beside the English
ones (``label::isiZulu (zu)``: XLSForm's ``Name (code)``), filled from the language's catalogue;
a phone shows the language chosen in ODK Collect or KoboCollect. A word not translated yet
reads as in English. Regenerate the workbook (and raise :data:`FORM_VERSION`) when a catalogue
changes.

Examples
--------
>>> [row["name"] for row in survey_rows()][2:5]
['report', 'settlement_id', 'service_id']
>>> sorted({row["category"] for row in choice_rows() if row["list_name"] == "problem"})
['electricity', 'sanitation', 'waste', 'water']
>>> columns(survey_rows())[:4]
['type', 'name', 'label::English (en)', 'label::isiZulu (zu)']
>>> FORM_LANGUAGES[1:3]
('isiZulu (zu)', 'isiXhosa (xh)')
"""

from __future__ import annotations

import re
import sys
import zipfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from atlas.i18n import LANGUAGES, N_, SOURCE_LANGUAGE, _, speaking
from atlas.store.vocabulary import CATEGORY_LABELS, PROBLEM_LABELS, PROBLEMS
from atlas.writing import writing

__all__ = [
    "DEFAULT_LANGUAGE",
    "FORM_ID",
    "FORM_LANGUAGES",
    "FORM_TITLE",
    "FORM_VERSION",
    "GROUP",
    "choice_rows",
    "columns",
    "settings_rows",
    "sheets",
    "survey_rows",
    "write_xlsform",
]

#: The form's id and title as the servers show them, and its version (raise it with each change).
#: XLSForm has one title for every language: the English one.
FORM_ID = "atlas_report"
FORM_TITLE = N_("Settlement Atlas: report a service problem")
FORM_VERSION = "2026120201"
#: The group the report's questions are in (its name prefixes their columns in an export).
GROUP = "report"


def _form_language(code: str) -> str:
    """A language as XLSForm names it in a column: ``isiZulu (zu)``."""
    return f"{LANGUAGES[code]} ({code})"


#: The form's languages as XLSForm names them, English (the form's default) first: one
#: ``label::…`` column (and ``hint::…``) each.
FORM_LANGUAGES = tuple(_form_language(code) for code in LANGUAGES)
#: The language the form is written in, its ``default_language``.
DEFAULT_LANGUAGE = _form_language(SOURCE_LANGUAGE)

#: The columns whose words are translated.
_TRANSLATED = ("label", "hint")
#: The survey sheet: type, name, label, hint, and the other columns of each row.
_SURVEY: tuple[tuple[str, str, str, str, dict[str, str]], ...] = (
    ("start", "start", "", "", {}),
    ("end", "end", "", "", {}),
    ("begin_group", GROUP, N_("The problem"), "", {}),
    (
        "text",
        "settlement_id",
        N_("Settlement"),
        N_("The settlement's id, as its profile in the atlas shows it (e.g. SET-001)."),
        {"required": "yes"},
    ),
    (
        "text",
        "service_id",
        N_("Service point (optional)"),
        N_(
            "The id of the tap, toilet, light or skip, when the problem is about one "
            "(e.g. SRV-0071)."
        ),
        {},
    ),
    (
        "select_one category",  # i18n-ignore: XLSForm's type
        "category",
        N_("Which service?"),
        "",
        {"required": "yes"},
    ),
    (
        "select_one problem",  # i18n-ignore: XLSForm's type
        "problem",
        N_("What is wrong?"),
        "",
        {"required": "yes", "choice_filter": "category=${category}"},
    ),
    (
        "dateTime",
        "observed_at",
        N_("When did you see it?"),
        N_("Now, unless you saw it earlier."),
        {"required": "yes", "default": "now()"},
    ),
    (
        "text",
        "note",
        N_("Note (optional)"),
        N_("Where exactly, since when, how many households are affected."),
        {"appearance": "multiline"},
    ),
    ("image", "photo", N_("A photo (optional)"), "", {"parameters": "max-pixels=1280"}),
    (
        "geopoint",
        "location",
        N_("Where is it? (optional)"),
        N_("Stand by the problem and wait until the accuracy is a few metres."),
        {},
    ),
    ("end_group", GROUP, "", "", {}),
)
_SURVEY_EXTRA = ("required", "default", "choice_filter", "appearance", "parameters")


def _in(code: str, english: str) -> str:
    """``english`` in the language ``code``, from its catalogue (blank stays blank)."""
    if not english:
        return ""
    with speaking(code):
        return _(english)


def _translated(column: str, english: str) -> dict[str, str]:
    """``{column::English (en): english, column::isiZulu (zu): …}``: one cell per language."""
    return {f"{column}::{_form_language(code)}": _in(code, english) for code in LANGUAGES}


def survey_rows() -> list[dict[str, str]]:
    """The rows of the ``survey`` sheet, each a dict of column -> cell."""
    rows = []
    for kind, name, label, hint, extra in _SURVEY:
        row = {"type": kind, "name": name}
        row |= _translated("label", label)
        row |= _translated("hint", hint)
        row |= {column: extra.get(column, "") for column in _SURVEY_EXTRA}
        rows.append(row)
    return rows


def choice_rows() -> list[dict[str, str]]:
    """The rows of the ``choices`` sheet: the categories, then each category's problems (their
    ``category`` column is what the problem question's choice filter reads)."""
    rows = [
        {"list_name": "category", "name": c, **_translated("label", CATEGORY_LABELS[c])}
        | {"category": ""}
        for c in PROBLEMS
    ]
    for category, problems in PROBLEMS.items():
        rows += [
            {"list_name": "problem", "name": p, **_translated("label", PROBLEM_LABELS[p])}
            | {"category": category}
            for p in problems
        ]
    return rows


def settings_rows() -> list[dict[str, str]]:
    """The one row of the ``settings`` sheet. A problem's name may repeat across categories
    (``broken`` water and ``broken`` toilets): the choice filter tells them apart, so the form
    allows duplicate choice names."""
    return [
        {
            "form_title": FORM_TITLE,
            "form_id": FORM_ID,
            "version": FORM_VERSION,
            "default_language": DEFAULT_LANGUAGE,
            "instance_name": "concat(${settlement_id}, ' ', ${category}, ' ', ${problem})",
            "allow_choice_duplicates": "yes",
        }
    ]


def columns(rows: Sequence[Mapping[str, str]]) -> list[str]:
    """The columns of a sheet, in the order its rows first name them."""
    found: dict[str, None] = {}
    for row in rows:
        found |= dict.fromkeys(row)
    return list(found)


def sheets() -> dict[str, list[list[str]]]:
    """Every sheet of the XLSForm as rows of cells, the header first (what
    :func:`write_xlsform` writes and a test compares with the committed file)."""
    result = {}
    for name, rows in (
        ("survey", survey_rows()),
        ("choices", choice_rows()),
        ("settings", settings_rows()),
    ):
        header = columns(rows)
        result[name] = [header, *([row.get(c, "") for c in header] for row in rows)]
    return result


def write_xlsform(path: str | Path) -> Path:
    """Write the form as an XLSForm workbook at ``path`` (its folder is made if needed).

    Every cell is text; an empty cell is left empty. The workbook's dates (its properties and
    the zip archive's entries) are fixed, so that the same form gives the same bytes each time
    with the same openpyxl.
    """
    from openpyxl import Workbook

    target = Path(path)
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets().items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append([cell or None for cell in row])
    book.properties.creator = "Settlement Atlas"  # i18n-ignore: file metadata
    book.properties.created = _WRITTEN
    with writing(target) as part:  # folders made, whole or not at all (atlas.writing)
        book.save(part)
        _fix_dates(part)
    return target


#: The date the workbook says it was made and changed.
_WRITTEN = datetime(2026, 12, 1)


def _fix_dates(target: Path) -> None:
    """Rewrite the saved workbook with :data:`_WRITTEN` as its change date (openpyxl writes
    the time of saving) and as the date of each entry of its zip archive."""
    with zipfile.ZipFile(target) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    stamp = _WRITTEN.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(target, "w") as out:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            fixed = zipfile.ZipInfo(info.filename, date_time=_WRITTEN.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            out.writestr(fixed, data)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m atlas.store.xlsform PATH``: write the form to PATH."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        usage = "usage: python -m atlas.store.xlsform PATH.xlsx"  # i18n-ignore: a developer's
        print(usage, file=sys.stderr)
        return 2
    print(write_xlsform(args[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
