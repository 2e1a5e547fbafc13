"""Reports from periodic surveys (such as Asivikelane's: "was there clean water in the last 7
days?"), a table with one row per settlement and period and a yes/no column per question.

A "no" becomes a report of the question's category and problem for that settlement, observed
at the period's start, its external id ``survey:<settlement>:<period>:<question>`` (so that the
same table imported again adds nothing), its note the question and the answer. A "yes" adds
nothing; a blank cell is a question not asked; any other answer is a refused line with why.
Answers are read case-insensitively: yes/no, y/n, true/false, 1/0.

The table's columns (names compared without case, spaces or punctuation): the settlement
(``settlement_id`` or ``settlement``), the period's start (``period_start``, ``period``,
``week_start``, ``week`` or ``date``), and the questions: the built-in ones of
:data:`QUESTIONS` under any of their names, and others mapped with :func:`parse_question`
(``--question COLUMN=CATEGORY:PROBLEM``). Other columns are left alone.

Examples
--------
>>> parse_question("Taps working=water:broken")
Question(column='taps_working', category='water', problem='broken', text='Taps working?')
>>> [q.column for q in QUESTIONS]
['water', 'toilets_cleaned', 'refuse_collected', 'electricity']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from atlas.errors import DataFileError
from atlas.i18n import _
from atlas.store.accounts import User, acting
from atlas.store.imports import BATCH, ImportResult, Refused, import_reports
from atlas.store.reports import NewReport
from atlas.store.store import Store
from atlas.store.tables import read_table
from atlas.store.vocabulary import PROBLEMS, Role

__all__ = [
    "NO",
    "QUESTIONS",
    "YES",
    "Question",  # i18n-ignore: a name of the API
    "import_survey",
    "parse_question",
    "read_survey",
]

#: The answers read as yes and as no (lowercase).
YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0"})


@dataclass(frozen=True)
class Question:
    """A survey question: its column (normalised), the category and problem a "no" reports,
    and the question as the note quotes it."""

    column: str
    category: str
    problem: str
    text: str


#: The built-in questions, after Asivikelane's (each "in the last 7 days"). Their text is
#: quoted in the note of the reports a "no" makes, kept in the store: it stays in English, as
#: the store's records do (and an import read again in another language adds nothing twice).
QUESTIONS = (
    Question(
        "water",
        "water",
        "no_water",
        "Was there clean water in the last 7 days?",  # i18n-ignore: kept in the store
    ),
    Question(
        "toilets_cleaned",
        "sanitation",
        "not_cleaned",
        "Were the toilets cleaned in the last 7 days?",  # i18n-ignore: kept in the store
    ),
    Question(
        "refuse_collected",
        "waste",
        "missed_collection",
        "Was the refuse collected in the last 7 days?",  # i18n-ignore: kept in the store
    ),
    Question(
        "electricity",
        "electricity",
        "no_power",
        "Was there electricity in the last 7 days?",  # i18n-ignore: kept in the store
    ),
)
#: Other names of the built-in questions' columns.
_ALIASES = {
    "water": ("clean_water", "water_available", "had_water", "water_7_days"),
    "toilets_cleaned": ("toilets_clean", "toilets", "toilet_cleaned", "sanitation"),
    "refuse_collected": (
        "refuse",
        "waste_collected",
        "rubbish_collected",
        "waste",
        "refuse_removed",
    ),
    "electricity": ("power", "had_electricity", "electricity_7_days"),
}
_SETTLEMENT = ("settlement_id", "settlement")
_PERIOD = ("period_start", "period", "week_start", "week", "date")


def _name(header: str) -> str:
    """A column's name compared: lowercase, words joined by ``_`` (``Toilets cleaned?`` is
    ``toilets_cleaned``)."""
    return "_".join(re.findall(r"[a-z0-9]+", header.lower()))


def parse_question(text: str) -> Question:
    """``COLUMN=CATEGORY:PROBLEM`` read as a question whose "no" reports that problem.

    Raises
    ------
    DataFileError
        It is not written so, or names an unknown category or problem.
    """
    column, _equals, target = text.partition("=")
    category, _colon, problem = target.partition(":")
    category, problem = category.strip().lower(), problem.strip().lower()
    if not _name(column) or not category or not problem:
        raise DataFileError(
            _(
                "'{text}' is not a question mapping: write COLUMN=CATEGORY:PROBLEM, e.g. "
                "'taps working=water:broken'.",
                text=text,
            )
        )
    if category not in PROBLEMS:
        raise DataFileError(
            _(
                "'{category}' in '{text}' is not a service category: use one of {categories}.",
                category=category,
                text=text,
                categories=", ".join(PROBLEMS),
            )
        )
    if problem not in PROBLEMS[category]:
        raise DataFileError(
            # TRANSLATORS: {category} is a service category's code, e.g. "water".
            _(
                "'{problem}' in '{text}' is not a {category} problem: use one of {problems}.",
                problem=problem,
                text=text,
                category=category,
                problems=", ".join(PROBLEMS[category]),
            )
        )
    asked = column.strip()
    return Question(_name(column), category, problem, asked if asked.endswith("?") else f"{asked}?")


def _period(text: str) -> str:
    """The period's start as ``YYYY-MM-DD`` (a spreadsheet's date may carry a midnight time).

    Raises
    ------
    ValueError
        It is not a date.
    """
    day = text[:10]
    if len(text) > 10 and text[10:].strip("T 0:.") != "":
        day = ""
    try:
        return date.fromisoformat(day).isoformat()
    except ValueError:
        raise ValueError(
            _(
                "The period start '{text}' is not a date: write it as 2026-11-02 (the first day "
                "the survey asks about).",
                text=text,
            )
        ) from None


def read_survey(
    path: str | Path, questions: Iterable[Question] = ()
) -> list[tuple[int, NewReport | Refused]]:
    """The reports a survey table's "no" answers make, each with its line (CSV) or sheet row
    (XLSX); answers that are neither yes, no nor blank are :class:`Refused` with why.
    ``questions`` are read beside :data:`QUESTIONS` (and win when they name the same column).

    Raises
    ------
    DataFileError
        The file cannot be read, or lacks the settlement, the period or any question.
    """
    source = Path(path)
    header, body = read_table(source)
    names = [_name(h) for h in header]
    known = {q.column: q for q in QUESTIONS}
    known |= {alias: known[column] for column, aliases in _ALIASES.items() for alias in aliases}
    known |= {q.column: q for q in questions}
    asked = [(i, known[n]) for i, n in enumerate(names) if n in known]
    settlement = next((names.index(n) for n in _SETTLEMENT if n in names), None)
    period = next((names.index(n) for n in _PERIOD if n in names), None)
    missing = [
        what
        for what, index in (("settlement_id", settlement), ("period_start", period))
        if index is None
    ]
    if not asked:
        missing.append(_("question"))
    if settlement is None or period is None or not asked:
        raise DataFileError(
            # TRANSLATORS: {missing} is one to three columns' names joined by " and no ".
            _(
                "{file} has no {missing} column: a survey table has the columns settlement_id, "
                "period_start and a yes/no column per question ({built_in}, or another mapped "
                "with --question COLUMN=CATEGORY:PROBLEM).",
                file=source.name,
                missing=_(" and no ").join(missing),
                built_in=", ".join(q.column for q in QUESTIONS),
            )
        )
    entries: list[tuple[int, NewReport | Refused]] = []
    for line, cells in body:
        entries += [(line, e) for e in _answers(cells, header, settlement, period, asked)]
    return entries


def _answers(
    cells: Sequence[str],
    header: Sequence[str],
    settlement_at: int,
    period_at: int,
    asked: Sequence[tuple[int, Question]],
) -> list[NewReport | Refused]:
    def get(index: int) -> str:
        return cells[index].strip() if index < len(cells) else ""

    settlement = get(settlement_at)
    if not settlement:
        return [Refused(_("No settlement: give the settlement's id (e.g. SET-001) on every row."))]
    try:
        period = _period(get(period_at))
    except ValueError as exc:
        return [Refused(str(exc))]
    found: list[NewReport | Refused] = []
    for index, question in asked:
        answer = get(index)
        if not answer or answer.lower() in YES:
            continue
        if answer.lower() not in NO:
            found.append(
                Refused(
                    _(
                        "The answer '{answer}' to {question} is not yes or no: write yes or no "
                        "(or y/n, true/false, 1/0), or leave it empty when it was not asked.",
                        answer=answer,
                        question=header[index],
                    )
                )
            )
            continue
        found.append(
            NewReport(
                settlement_id=settlement,
                category=question.category,
                problem=question.problem,
                observed_at=period,
                note=_survey_note(period, question),
                channel="survey",
                external_id=f"survey:{settlement}:{period}:{question.column}",
            )
        )
    return found


def _survey_note(period: str, question: Question) -> str:
    """The note of a report a "no" makes, kept in the store: in English, as its records are
    (see :data:`QUESTIONS`)."""
    return f"Survey of the period from {period}: {question.text} No."  # i18n-ignore: stored


def import_survey(
    store: Store,
    actor: User,
    path: str | Path,
    questions: Sequence[Question] = (),
    *,
    progress: Callable[[int, int], None] = lambda _done, _added: None,
    batch: int = BATCH,
) -> ImportResult:
    """Import the reports of a survey table (:func:`read_survey`); importing it again adds
    nothing twice.

    Raises
    ------
    AccessDenied
        The actor is a viewer (before the file is read).
    DataFileError
        The file cannot be read as a survey table.
    """
    with store.engine.connect() as conn:
        acting(conn, actor, Role.MEMBER, _("importing reports"))
    entries = read_survey(path, questions)
    return import_reports(store, actor, entries, progress=progress, batch=batch)
