"""Whether a first-language speaker has reviewed each translation, and what the atlas says until
then (DESIGN §8: nothing machine-made is presented as reviewed).

An entry of a PO file is reviewed when it is translated and carries no ``fuzzy`` flag: Poedit
shows fuzzy entries as "Needs work" and Weblate as "Needs editing", and a reviewer who accepts or
corrects one there clears the flag. A language is reviewed when every entry is.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from atlas.i18n.catalogue import LANGUAGES, SOURCE_LANGUAGE, _, po_path, speaking

__all__ = ["ReviewStatus", "review_notice", "review_status", "summary"]


@dataclass(frozen=True)
class ReviewStatus:
    """The state of one language's catalogue: its entries, how many are translated, and how many
    of those a first-language speaker has reviewed."""

    language: str
    entries: int
    translated: int
    reviewed: int

    @property
    def missing(self) -> int:
        """Entries with no translation (shown in English)."""
        return self.entries - self.translated

    @property
    def is_reviewed(self) -> bool:
        """Whether every entry is translated and reviewed."""
        return self.entries > 0 and self.reviewed == self.entries


@functools.cache
def _status(code: str, mtime: float) -> ReviewStatus:
    from babel.messages.pofile import read_po

    with po_path(code).open("rb") as handle:
        catalog = read_po(handle, locale=code)
    entries = translated = reviewed = 0
    for message in catalog:
        if not message.id:
            continue  # the header
        entries += 1
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if all(strings):
            translated += 1
            if not message.fuzzy:
                reviewed += 1
    return ReviewStatus(code, entries, translated, reviewed)


def review_status(code: str) -> ReviewStatus:
    """The review state of language ``code`` (English, the source, is reviewed by definition;
    a language without a PO file has nothing translated)."""
    if code == SOURCE_LANGUAGE:
        return ReviewStatus(code, 1, 1, 1)
    po = po_path(code)
    if not po.is_file():
        return ReviewStatus(code, 0, 0, 0)
    return _status(code, po.stat().st_mtime)


def _shown_path(code: str) -> str:
    """The PO file of ``code`` as the project names it (``atlas/i18n/locale/…``)."""
    from atlas.i18n import catalogue

    po = po_path(code)
    root = catalogue.LOCALE_DIR.parents[2]
    return po.relative_to(root).as_posix() if po.is_relative_to(root) else po.as_posix()


def _notice(code: str) -> str:
    """The notice about language ``code``, in the language being written now."""
    return _(
        "This {language} translation has not yet been checked by a first-language speaker, so "
        "some words may be wrong. To correct one, edit {po} (it opens in Poedit or Weblate) and "
        "clear its “needs review” mark.",
        language=LANGUAGES[code],
        po=_shown_path(code),
    )


def review_notice(code: str) -> str | None:
    """What every page and PDF in language ``code`` says while it is not reviewed: the notice in
    that language, then in English; None for English and a reviewed language."""
    if code == SOURCE_LANGUAGE or review_status(code).is_reviewed:
        return None
    with speaking(code):
        own = _notice(code)
    with speaking(SOURCE_LANGUAGE):
        english = _notice(code)
    return english if own == english else f"{own}\n\n{english}"


def summary() -> list[str]:
    """One line per language: its entries, how many are translated and how many reviewed (what
    ``make translations`` prints at the end)."""
    lines = []
    for code, name in LANGUAGES.items():
        if code == SOURCE_LANGUAGE:
            continue
        s = review_status(code)
        state = "reviewed" if s.is_reviewed else "NOT REVIEWED"  # i18n-ignore: for make
        lines.append(
            f"{name} ({code}): {s.translated}/{s.entries} translated, "  # i18n-ignore: make
            f"{s.reviewed} reviewed by a first-language speaker: {state}"  # i18n-ignore: make
        )
    return lines
