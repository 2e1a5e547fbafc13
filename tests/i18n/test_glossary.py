"""The translation glossary (data/i18n/glossary.csv) is well formed (DESIGN §8).

Every term has one row per language, a translation and a stem that the translation contains,
and a status that says whether a first-language speaker has checked it.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

GLOSSARY = Path(__file__).resolve().parents[2] / "data" / "i18n" / "glossary.csv"
COLUMNS = [
    "term",
    "language",
    "translation",
    "stem",
    "part_of_speech",
    "note",
    "source",
    "status",
]
LANGUAGES = {"zu", "xh", "st", "nso", "af"}
PARTS_OF_SPEECH = {"noun", "verb", "adjective", "phrase"}
REVIEWED = re.compile(r"reviewed by .+, \d{4}-\d{2}-\d{2}")


def _read() -> tuple[list[str], list[dict[str, str]]]:
    with GLOSSARY.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return _read()[1]


def test_columns_are_exactly_the_documented_ones() -> None:
    assert _read()[0] == COLUMNS


def test_every_row_has_every_column(rows: list[dict[str, str]]) -> None:
    assert rows
    for number, row in enumerate(rows, start=2):
        assert None not in row, f"line {number}: more fields than columns"
        assert all(value is not None for value in row.values()), f"line {number}: too few fields"


def test_languages_are_known(rows: list[dict[str, str]]) -> None:
    assert {row["language"] for row in rows} <= LANGUAGES


def test_every_term_has_exactly_one_row_per_language(rows: list[dict[str, str]]) -> None:
    languages: dict[str, list[str]] = {}
    for row in rows:
        languages.setdefault(row["term"], []).append(row["language"])
    wrong = {
        term: sorted(found)
        for term, found in languages.items()
        if sorted(found) != sorted(LANGUAGES)
    }
    assert not wrong


def test_no_duplicate_term_and_language(rows: list[dict[str, str]]) -> None:
    counts = Counter((row["term"], row["language"]) for row in rows)
    assert not [key for key, count in counts.items() if count > 1]


def test_terms_are_lower_case(rows: list[dict[str, str]]) -> None:
    assert not [row["term"] for row in rows if row["term"] != row["term"].lower()]


def test_no_empty_translation_or_stem(rows: list[dict[str, str]]) -> None:
    empty = [
        (row["term"], row["language"])
        for row in rows
        if not row["translation"].strip() or not row["stem"].strip()
    ]
    assert not empty


def test_stem_is_lowercase_and_in_its_translation(rows: list[dict[str, str]]) -> None:
    wrong = [
        (row["term"], row["language"], row["stem"], row["translation"])
        for row in rows
        if row["stem"] != row["stem"].lower()
        or row["stem"].casefold() not in row["translation"].casefold()
    ]
    assert not wrong


def test_part_of_speech_is_known(rows: list[dict[str, str]]) -> None:
    assert {row["part_of_speech"] for row in rows} <= PARTS_OF_SPEECH


def test_every_row_names_its_source(rows: list[dict[str, str]]) -> None:
    assert not [(row["term"], row["language"]) for row in rows if not row["source"].strip()]


def test_status_is_not_reviewed_or_names_the_reviewer_and_date(
    rows: list[dict[str, str]],
) -> None:
    wrong = [
        (row["term"], row["language"], row["status"])
        for row in rows
        if row["status"] != "not reviewed" and not REVIEWED.fullmatch(row["status"])
    ]
    assert not wrong


@pytest.mark.parametrize(
    "term",
    [
        "tap",
        "toilet",
        "household",
        "settlement",
        "informal settlement",
        "cluster",
        "ward",
        "ward councillor",
        "municipality",
        "standard",
        "working",
        "broken",
        "missing",
        "walking distance",
        "water tanker",
        "delivery",
        "report",
        "service point",
        "water",
        "sanitation",
        "electricity",
        "refuse removal",
        "skip",
        "light",
        "people",
        "gap",
        "needed",
        "map",
        "population",
        "flood",
        "community meeting",
        "schedule",
        "late",
        "on time",
        "responsible",
        "submission",
        "legal duty",
        "access",
    ],
)
def test_the_atlas_core_terms_are_there(rows: list[dict[str, str]], term: str) -> None:
    assert term in {row["term"] for row in rows}
