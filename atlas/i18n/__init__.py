"""Languages: the words, numbers and dates people read, in the language of their session.

DESIGN §8. :mod:`atlas.i18n.catalogue` holds the gettext catalogues (Babel) and the session's
language, :mod:`atlas.i18n.formats` writes numbers and dates, :mod:`atlas.i18n.review` says
which translations a first-language speaker has checked, :mod:`atlas.i18n.words` the atlas's
counted words.
"""

from atlas.i18n.catalogue import (
    LANGUAGES,
    N_,
    SOURCE_LANGUAGE,
    Nn_,
    _,
    language,
    language_of,
    ngettext,
    npgettext,
    pgettext,
    set_language,
    speaking,
)
from atlas.i18n.formats import (
    NO_STANDARD,
    NOT_COUNTED,
    NOT_KNOWN,
    NOT_MEASURED,
    format_number,
    format_percent,
    is_missing,
    long_date,
    noun,
    plural,
    round_half_up,
    shown_count,
    shown_number,
    shown_percent,
    shown_text,
)
from atlas.i18n.review import ReviewStatus, review_notice, review_status

__all__ = [
    "LANGUAGES",
    "NOT_COUNTED",
    "NOT_KNOWN",
    "NOT_MEASURED",
    "NO_STANDARD",
    "N_",
    "SOURCE_LANGUAGE",
    "Nn_",
    "ReviewStatus",
    "_",
    "format_number",
    "format_percent",
    "is_missing",
    "language",
    "language_of",
    "long_date",
    "ngettext",
    "noun",
    "npgettext",
    "pgettext",
    "plural",
    "review_notice",
    "review_status",
    "round_half_up",
    "set_language",
    "shown_count",
    "shown_number",
    "shown_percent",
    "shown_text",
    "speaking",
]
