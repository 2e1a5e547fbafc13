"""The words people read, in the language of the session: gettext catalogues through Babel.

English is the source: every string a person reads is written in English in the code and marked
with :func:`_` (or :func:`ngettext` when it depends on a count, :func:`N_` for a constant
translated where it is shown). ``make translations`` extracts them into ``locale/atlas.pot``,
updates each language's ``locale/<code>/LC_MESSAGES/atlas.po`` and compiles the ``.mo`` files
(built at set-up, never committed; a missing or stale ``.mo`` is compiled from its ``.po`` in
memory, so a fresh clone reads every language too).

The language is a context variable, never process-wide: each browser session's script run sets
its own (:func:`set_language`), the command line sets it from ``--lang``, and two sessions in two
languages at once each read their own.

A translation no first-language speaker has checked carries the gettext ``fuzzy`` flag ("needs
review" in Poedit and Weblate; a reviewer who accepts or corrects an entry there clears it). The
catalogues are compiled with fuzzy entries, since a first draft helps a meeting more than English
does, and :mod:`atlas.i18n.review` says so on every page and PDF until the language is reviewed.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from pathlib import Path

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "SOURCE_LANGUAGE",
    "Nn_",
    "_",
    "language",
    "language_of",
    "ngettext",
    "npgettext",
    "pgettext",
    "po_path",
    "set_language",
    "speaking",
    "translations",
]

#: The languages of the atlas, by code (the CLI's ``--lang``, the ``?lang=`` of a page), each
#: with its name as its speakers write it. English is the source of the catalogues.
LANGUAGES: dict[str, str] = {
    "en": "English",  # i18n-ignore: its own name
    "zu": "isiZulu",  # i18n-ignore: its own name
    "xh": "isiXhosa",  # i18n-ignore: its own name
    "st": "Sesotho",  # i18n-ignore: its own name
    "nso": "Sepedi",  # i18n-ignore: its own name
    "af": "Afrikaans",  # i18n-ignore: its own name
}
SOURCE_LANGUAGE = "en"
#: The gettext domain: ``atlas.pot``, ``atlas.po``, ``atlas.mo``.
DOMAIN = "atlas"
#: Where the catalogues live: ``atlas.pot`` and ``<code>/LC_MESSAGES/atlas.po`` (and ``.mo``).
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_current: ContextVar[str] = ContextVar("atlas_language", default=SOURCE_LANGUAGE)


def language() -> str:
    """The code of the language being written now (``en`` unless a session or a command set
    another)."""
    return _current.get()


def language_of(text: str | None) -> str | None:
    """The atlas's language for a code as browsers and URLs write it, or None when the atlas
    does not speak it.

    >>> language_of("zu"), language_of("zu-ZA"), language_of("af_ZA"), language_of("NSO")
    ('zu', 'zu', 'af', 'nso')
    >>> language_of("en-GB"), language_of("fr-FR"), language_of(""), language_of(None)
    ('en', None, None, None)
    """
    if not text:
        return None
    code = text.strip().replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else None


def set_language(code: str) -> Token[str]:
    """Write in ``code`` from now on, in this context only (a session's script run, a command).

    Raises
    ------
    ValueError
        For a code the atlas does not speak (callers check with :func:`language_of` first).
    """
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}: one of {', '.join(LANGUAGES)}")
    return _current.set(code)


@contextmanager
def speaking(code: str) -> Iterator[None]:
    """Write in ``code`` inside the ``with`` block, as before after it.

    >>> with speaking("af"):
    ...     language()
    'af'
    >>> language()
    'en'
    """
    token = set_language(code)
    try:
        yield
    finally:
        _current.reset(token)


def po_path(code: str) -> Path:
    """The PO file of language ``code``: what a translator opens in Poedit or Weblate."""
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def _compiled(code: str, po_mtime: float) -> _gettext.NullTranslations:
    """The catalogue of ``code``: its ``.mo`` when built after its ``.po``, else the ``.po``
    compiled in memory (fuzzy entries included, see the module's note)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po = po_path(code)
    mo = po.with_suffix(".mo")
    if mo.is_file() and mo.stat().st_mtime >= po_mtime:
        with mo.open("rb") as handle:
            return _gettext.GNUTranslations(handle)
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=code)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=True)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def translations(code: str) -> _gettext.NullTranslations:
    """The translations of ``code`` (English and a language without a catalogue: the source
    words)."""
    po = po_path(code)
    if code == SOURCE_LANGUAGE or not po.is_file():
        return _gettext.NullTranslations()
    return _compiled(code, po.stat().st_mtime)


def _filled(translated: str, source: str, fields: dict[str, object]) -> str:
    """``translated`` with its ``{fields}`` filled; the English source when a translation lost
    or misspelt a field (a test catches that, but a meeting never sees an error for it)."""
    if not fields:
        return translated
    try:
        return translated.format(**fields)
    except (KeyError, IndexError, ValueError):
        return source.format(**fields)


def _(message: str, /, **fields: object) -> str:
    """``message`` in the language of the session, its ``{fields}`` filled.

    >>> _("{n} settlements are in no cluster.", n=3)
    '3 settlements are in no cluster.'
    """
    code = language()
    translated = message if code == SOURCE_LANGUAGE else translations(code).gettext(message)
    return _filled(translated, message, fields)


def ngettext(singular: str, plural: str, n: float, /, **fields: object) -> str:
    """The form of ``singular``/``plural`` the language uses for ``n``, its ``{fields}`` filled
    (``{n}`` is the count as people read it, unless given).

    >>> ngettext("{n} tap", "{n} taps", 1), ngettext("{n} tap", "{n} taps", 1234)
    ('1 tap', '1 234 taps')
    """
    from atlas.i18n.formats import format_number

    count = int(n) if float(n).is_integer() else n
    fields = {"n": format_number(float(n)), **fields}
    code = language()
    if code == SOURCE_LANGUAGE:
        translated = singular if count == 1 else plural
    else:
        translated = translations(code).ngettext(singular, plural, int(abs(count)))
    return _filled(translated, singular if count == 1 else plural, fields)


def pgettext(context: str, message: str, /, **fields: object) -> str:
    """``message`` as :func:`_` translates it, in ``context`` (for the same English word that two
    languages write differently, such as "Working" a status and "Working" a verb)."""
    code = language()
    translated = (
        message if code == SOURCE_LANGUAGE else translations(code).pgettext(context, message)
    )
    return _filled(translated, message, fields)


def npgettext(context: str, singular: str, plural: str, n: float, /, **fields: object) -> str:
    """:func:`ngettext` in ``context``."""
    from atlas.i18n.formats import format_number

    count = int(n) if float(n).is_integer() else n
    fields = {"n": format_number(float(n)), **fields}
    source = singular if count == 1 else plural
    code = language()
    translated = (
        source
        if code == SOURCE_LANGUAGE
        else translations(code).npgettext(context, singular, plural, int(abs(count)))
    )
    return _filled(translated, source, fields)


def N_(message: str, /) -> str:
    """Mark ``message`` for the catalogue without translating it now: a constant defined when a
    module is imported, translated with :func:`_` where it is shown.

    >>> N_("not known")
    'not known'
    """
    return message


def Nn_(singular: str, plural: str, /) -> tuple[str, str]:
    """Mark a counted word for the catalogue without translating it now (:func:`N_` for
    :func:`ngettext`); the pair is given to :func:`ngettext` where it is shown.

    >>> ngettext(*Nn_("{n} ward", "{n} wards"), 2)
    '2 wards'
    """
    return singular, plural
