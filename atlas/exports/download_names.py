"""The names of the files people download: what it is about, the standard, the date, the kind.

Every file the app offers is named by one pattern, so that a folder of downloads sorts by
cluster (or dataset), then standard, then date, and two downloads never take the same name::

    {subject}_{standard}_{date}_{kind}{suffix}

    northern-ridge-cluster_cape-town_2026-12-01_report.pdf
    northern-ridge-cluster_cape-town_2026-12-01_wall-map-A3.pdf
    sample_sphere-2018_2026-12-01_geojson.zip

The subject and the standard are user text (a cluster's name, a standard file's id), made into
slugs that are safe file names on Windows, macOS and Linux: lower case; accented Latin letters
written without their accents (``Tšhepong`` → ``tshepong``); letters of other scripts kept
(``حي السلام`` stays Arabic); anything else (``/``, ``\\``, ``..``, ``<>:"|?*``, control
characters, emoji, ``_``) a single ``-``; at most :data:`SUBJECT_CHARS` characters. The date is
always there, so a whole name is never a device name that Windows reserves (``CON``, ``NUL``…).
The functions are pure: the date is given, never read from the clock.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from atlas.errors import SchemaError
from atlas.exports.paths import check_format
from atlas.i18n import _

__all__ = [
    "DATA_KINDS",
    "STANDARD_CHARS",
    "SUBJECT_CHARS",
    "data_download_name",
    "download_name",
    "slug",
]

#: The most characters the subject (a cluster or dataset) keeps in a name.
SUBJECT_CHARS = 48
#: The most characters the standard keeps in a name.
STANDARD_CHARS = 32
#: Per export format: the kind a data download is named by, and its suffix (a zip holds the
#: files of a multi-file format).
DATA_KINDS = {
    "geojson": ("geojson", ".zip"),
    "gpkg": ("data", ".gpkg"),
    "csv": ("csv", ".zip"),
    "parquet": ("geoparquet", ".zip"),
    "html": ("map", ".html"),
}

#: Latin letters that Unicode does not decompose into a letter and an accent.
_LATIN = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "ı": "i",
        "ŋ": "ng",
        "Ŋ": "NG",
    }
)
#: Apostrophes join a word rather than split it: ``Ext 7 'Phola'``, ``O'Brien``.
_APOSTROPHES = dict.fromkeys(map(ord, "'’ʼ`´"), None)
_KIND = re.compile(r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*")
_SUFFIX = re.compile(r"(\.[a-z0-9]+)+")


def slug(text: object, *, limit: int = SUBJECT_CHARS) -> str:
    """``text`` as one safe part of a file name (empty when nothing in it is a letter or digit).

    Parameters
    ----------
    text
        Any text, e.g. a cluster's name (not a string: its ``str``).
    limit
        The most characters kept (cut at a hyphen when one is near the end), and at most twice
        as many bytes in UTF-8 (a name in another script keeps fewer characters).

    Examples
    --------
    >>> slug("Northern Ridge Cluster"), slug("Tšhepong / Ṱhohoyandou"), slug("Ext 7 'Phola'")
    ('northern-ridge-cluster', 'tshepong-thohoyandou', 'ext-7-phola')
    >>> slug("../../etc"), slug("<script>alert(1)</script>"), slug("🌍"), slug("CON")
    ('etc', 'script-alert-1-script', '', 'con')
    """
    decomposed = unicodedata.normalize("NFKD", str(text).translate(_LATIN))
    out: list[str] = []
    for ch in decomposed.translate(_APOSTROPHES):
        previous = out[-1] if out else "-"
        if unicodedata.category(ch).startswith("M"):
            # An accent on a Latin letter goes; a mark of another script (Arabic, Devanagari
            # vowel signs) is part of its letter and stays.
            if previous != "-" and not previous.isascii():
                out.append(ch)
        elif ch.isalnum():
            out.append(ch.lower())
        elif previous != "-":
            out.append("-")
    text = unicodedata.normalize("NFC", "".join(out)).strip("-")
    if len(text) > limit:
        cut = text[:limit]
        # Cut at a word when one ends in the second half, not in the middle of one.
        if text[limit] != "-" and cut.rfind("-") > limit // 2:
            cut = cut[: cut.rfind("-")]
        text = cut.strip("-")
    while len(text.encode("utf-8")) > 2 * limit:
        text = text[:-1].rstrip("-")
    return text


def download_name(subject: object, standard: object, kind: str, suffix: str, *, on: date) -> str:
    """The name of a downloaded file: ``{subject}_{standard}_{date}_{kind}{suffix}``.

    Parameters
    ----------
    subject
        What the file is about: the cluster's name, else the dataset's (any text; ``atlas``
        when it has no letter or digit, or is None).
    standard
        The standard's id (``cape-town``), any text; left out when it has no letter or digit.
    kind
        What the file is: ``report``, ``wall-map-A3``, ``geojson``… (letters, digits and
        single hyphens; kept as given, case included).
    suffix
        The file's suffix with its dot: ``.pdf``, ``.zip``.
    on
        The date in the name (the day the file was made).

    Returns
    -------
    str
        A file name safe on Windows, macOS and Linux, at most about 130 characters.

    Raises
    ------
    atlas.SchemaError
        ``kind`` or ``suffix`` is not of the form above (they are the program's words, never
        user text).

    Examples
    --------
    >>> from datetime import date
    >>> download_name("Northern Ridge Cluster", "cape-town", "report", ".pdf", on=date(2026, 12, 1))
    'northern-ridge-cluster_cape-town_2026-12-01_report.pdf'
    >>> download_name("../../etc", "cape-town", "wall-map-A3", ".pdf", on=date(2026, 12, 1))
    'etc_cape-town_2026-12-01_wall-map-A3.pdf'
    """
    if not _KIND.fullmatch(kind):
        raise SchemaError(
            _("A download's kind is letters, digits and hyphens, not {kind}.", kind=repr(kind))
        )
    if not _SUFFIX.fullmatch(suffix):
        raise SchemaError(
            _(
                "A download's suffix is like '.pdf' or '.tar.gz', not {suffix}.",
                suffix=repr(suffix),
            )
        )
    what = (slug(subject) if subject is not None else "") or "atlas"
    parts = [what, slug(standard, limit=STANDARD_CHARS), on.isoformat(), kind]
    return "_".join(part for part in parts if part) + suffix


def data_download_name(fmt: str, subject: object, standard: object, *, on: date) -> str:
    """The name of a data download of one of the export formats (see :data:`DATA_KINDS`).

    Raises
    ------
    atlas.SchemaError
        ``fmt`` is not an export format.

    Examples
    --------
    >>> from datetime import date
    >>> data_download_name("csv", "Kgotso South Cluster", "sphere-2018", on=date(2026, 12, 1))
    'kgotso-south-cluster_sphere-2018_2026-12-01_csv.zip'
    >>> data_download_name("html", "sample", "cape-town", on=date(2026, 12, 1))
    'sample_cape-town_2026-12-01_map.html'
    """
    check_format(fmt)
    kind, suffix = DATA_KINDS[fmt]
    return download_name(subject, standard, kind, suffix, on=on)
