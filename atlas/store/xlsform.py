"""The atlas's report form as an XLSForm, for ODK Collect and KoboCollect (DESIGN §7).

A resident or member fills it on a phone; its export (KoboToolbox or ODK Central, CSV or XLSX)
is imported with ``atlas reports import FILE --kind kobo|odk`` (:mod:`atlas.store.fieldforms`).
Its questions are those of a report, inside a group named ``report``: ``settlement_id``,
``service_id``, ``category``, ``problem`` (its choices filtered by the category, from
:data:`~atlas.store.vocabulary.PROBLEMS`), ``observed_at`` (now by default), ``note``, an
optional ``photo`` and the ``location`` where it is.

The form is defined here and written with :func:`write_xlsform`; the committed
``data/forms/atlas-report.xlsx`` is made by it (``python -m atlas.store.xlsform
data/forms/atlas-report.xlsx``) and a test checks that the two agree. Its words are English, the
source language (DESIGN §8); a language is added to :data:`TRANSLATIONS` once its catalogue
exists and a first-language speaker has checked it, and its ``label::…`` and ``hint::…``
columns then appear beside the English ones.

Examples
--------
>>> [row["name"] for row in survey_rows()][2:5]
['report', 'settlement_id', 'service_id']
>>> sorted({row["category"] for row in choice_rows() if row["list_name"] == "problem"})
['electricity', 'sanitation', 'waste', 'water']
>>> columns(survey_rows())[:3]
['type', 'name', 'label::English (en)']
"""

from __future__ import annotations

import re
import sys
import zipfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from atlas.store.vocabulary import PROBLEMS
from atlas.writing import writing

__all__ = [
    "FORM_ID",
    "FORM_TITLE",
    "FORM_VERSION",
    "GROUP",
    "SOURCE_LANGUAGE",
    "TRANSLATIONS",
    "choice_rows",
    "columns",
    "settings_rows",
    "sheets",
    "survey_rows",
    "write_xlsform",
]

#: The form's id and title as the servers show them, and its version (raise it with each change).
FORM_ID = "atlas_report"
FORM_TITLE = "Settlement Atlas: report a service problem"
FORM_VERSION = "2026120101"
#: The group the report's questions are in (its name prefixes their columns in an export).
GROUP = "report"
#: The language the form is written in.
SOURCE_LANGUAGE = "English (en)"
#: Translations of the form's English words, by language as XLSForm names it
#: (``"isiZulu (zu)": {"Which service?": "…"}``). Empty until a catalogue exists: none is
#: invented here.
TRANSLATIONS: dict[str, dict[str, str]] = {}

#: The words people read for each category and problem (the store keeps the codes).
CATEGORY_LABELS = {
    "water": "Water",
    "sanitation": "Toilets and sanitation",
    "electricity": "Electricity and lights",
    "waste": "Refuse and waste",
}
PROBLEM_LABELS = {
    "broken": "Broken",
    "no_water": "No water",
    "leaking": "Leaking",
    "low_pressure": "Low pressure",
    "dirty_water": "Dirty water",
    "unsafe": "Unsafe",
    "other": "Something else",
    "not_cleaned": "Not cleaned",
    "overflowing": "Overflowing",
    "blocked": "Blocked",
    "no_power": "No power",
    "exposed_wires": "Exposed wires",
    "missed_collection": "Collection missed",
    "illegal_dumping": "Illegal dumping",
}
#: The columns whose words are translated.
_TRANSLATED = ("label", "hint")
#: The survey sheet: type, name, label, hint, and the other columns of each row.
_SURVEY: tuple[tuple[str, str, str, str, dict[str, str]], ...] = (
    ("start", "start", "", "", {}),
    ("end", "end", "", "", {}),
    ("begin_group", GROUP, "The problem", "", {}),
    (
        "text",
        "settlement_id",
        "Settlement",
        "The settlement's id, as its profile in the atlas shows it (e.g. SET-001).",
        {"required": "yes"},
    ),
    (
        "text",
        "service_id",
        "Service point (optional)",
        "The id of the tap, toilet, light or skip, when the problem is about one (e.g. SRV-0071).",
        {},
    ),
    ("select_one category", "category", "Which service?", "", {"required": "yes"}),
    (
        "select_one problem",
        "problem",
        "What is wrong?",
        "",
        {"required": "yes", "choice_filter": "category=${category}"},
    ),
    (
        "dateTime",
        "observed_at",
        "When did you see it?",
        "Now, unless you saw it earlier.",
        {"required": "yes", "default": "now()"},
    ),
    (
        "text",
        "note",
        "Note (optional)",
        "Where exactly, since when, how many households are affected.",
        {"appearance": "multiline"},
    ),
    ("image", "photo", "A photo (optional)", "", {"parameters": "max-pixels=1280"}),
    (
        "geopoint",
        "location",
        "Where is it? (optional)",
        "Stand by the problem and wait until the accuracy is a few metres.",
        {},
    ),
    ("end_group", GROUP, "", "", {}),
)
_SURVEY_EXTRA = ("required", "default", "choice_filter", "appearance", "parameters")


def _translated(column: str, english: str) -> dict[str, str]:
    """``{column::English (en): english, column::<language>: …}`` for each language kept."""
    cells = {f"{column}::{SOURCE_LANGUAGE}": english}
    for language, words in TRANSLATIONS.items():
        cells[f"{column}::{language}"] = words.get(english, "") if english else ""
    return cells


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
            "default_language": SOURCE_LANGUAGE,
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
    book.properties.creator = "Settlement Atlas"
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
        print("usage: python -m atlas.store.xlsform PATH.xlsx", file=sys.stderr)
        return 2
    print(write_xlsform(args[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
