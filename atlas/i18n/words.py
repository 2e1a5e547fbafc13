"""The atlas's own counted words, each with its singular and plural for the catalogue.

:func:`atlas.i18n.formats.noun` and :func:`~atlas.i18n.formats.plural` look words up here, so
that ``3 taps`` becomes ``3 <taps in the session's language>`` with the plural rule of that
language (isiZulu counts 0 as one, Sepedi 0 and 1). A word of the user's own standard (a
``clinic``) is not here and is written as the standard writes it.
"""

from __future__ import annotations

from atlas.i18n.catalogue import Nn_, pgettext

__all__ = ["COUNTS", "NOUNS", "status_word"]

#: A point label or unit of the atlas's standards: the word alone, singular and plural.
NOUNS: dict[str, tuple[str, str]] = {
    "tap": Nn_("tap", "taps"),
    "toilet": Nn_("toilet", "toilets"),
    "light": Nn_("light", "lights"),
    "skip": Nn_("skip", "skips"),
    "point": Nn_("point", "points"),
    "household": Nn_("household", "households"),
    "people": Nn_("person", "people"),
    "person": Nn_("person", "people"),
    "settlement": Nn_("settlement", "settlements"),
    "service point": Nn_("service point", "service points"),  # i18n-ignore: the key
}
#: A word counted in a sentence: ``{n}`` and the word, as the language puts them.
COUNTS: dict[str, tuple[str, str]] = {
    "tap": Nn_("{n} tap", "{n} taps"),
    "toilet": Nn_("{n} toilet", "{n} toilets"),
    "light": Nn_("{n} light", "{n} lights"),
    "skip": Nn_("{n} skip", "{n} skips"),
    "point": Nn_("{n} point", "{n} points"),
    "household": Nn_("{n} household", "{n} households"),
    "households": Nn_("{n} household", "{n} households"),
    "people": Nn_("{n} person", "{n} people"),
    "person": Nn_("{n} person", "{n} people"),
    "settlement": Nn_("{n} settlement", "{n} settlements"),
    "service point": Nn_("{n} service point", "{n} service points"),  # i18n-ignore: the key
    "error": Nn_("{n} error", "{n} errors"),
    "warning": Nn_("{n} warning", "{n} warnings"),
    "problem": Nn_("{n} problem", "{n} problems"),
    "report": Nn_("{n} report", "{n} reports"),
    "ward": Nn_("{n} ward", "{n} wards"),
    "cluster": Nn_("{n} cluster", "{n} clusters"),
    "delivery": Nn_("{n} delivery", "{n} deliveries"),
}


def status_word(status: str) -> str:
    """A service point's status (``working``, ``broken``, ``unknown``) as people read it, in the
    language of the session; another code as it is.

    >>> status_word("broken"), status_word("leaking")
    ('broken', 'leaking')
    """
    words = {
        "working": pgettext("status", "working"),
        "broken": pgettext("status", "broken"),
        "unknown": pgettext("status", "unknown"),
    }
    return words.get(status, status)
