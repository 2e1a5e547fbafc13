"""Which text encoding a file's names are in: never a silent change to a name.

A Shapefile's names are decoded with, in this order: the encoding its ``.cpg`` file names; the
code page of its DBF's language driver id (byte 29 of the header); else a checked guess from the
DBF's own text bytes (valid UTF-8 is UTF-8, anything else is read as Windows-1252 and a warning
names the choice). A CSV: its byte-order mark (UTF-8, UTF-16 LE/BE), UTF-16 without a mark
(told by its zero bytes), valid UTF-8, else Windows-1252 with the same warning.

Examples
--------
>>> text_encoding("Ntšhaba,1".encode("utf-8")).encoding
'utf-8'
>>> guess = text_encoding("Ntšhaba,1".encode("cp1252"))
>>> guess.encoding, guess.guessed
('cp1252', True)
>>> text_encoding("Ntšhaba".encode("utf-16")).encoding
'utf-16'
>>> ldid_encoding(0x57), ldid_encoding(0x01), ldid_encoding(0)
('cp1252', 'cp437', None)
"""

from __future__ import annotations

import codecs
import re
import struct
from dataclasses import dataclass

from atlas.errors import SchemaError
from atlas.i18n import N_, _
from atlas.problems import Problem

__all__ = [
    "ENCODING_CHOICES",
    "Encoding",  # i18n-ignore: public name
    "check_encoding",
    "cpg_encoding",
    "dbf_encoding",
    "dbf_text",
    "encoding_note",
    "ldid_encoding",
    "text_encoding",
]

#: The encodings the app offers (after "detect automatically"), the commonest first.
ENCODING_CHOICES = ("utf-8", "cp1252", "latin-1", "cp437", "cp850", "utf-16")

# How an encoding was chosen (:attr:`Encoding.how`, in English: compared and kept as data),
# and the note saying so, worded whole for each.
_GIVEN = "given"
_FROM_CPG = "its .cpg file"  # i18n-ignore: a code of Encoding.how
_FROM_LDID = "its DBF's language driver"  # i18n-ignore: a code of Encoding.how
_FROM_TEXT = "its text"  # i18n-ignore: a code of Encoding.how
_FROM_BOM = "its byte-order mark"  # i18n-ignore: a code of Encoding.how
_FROM_ZEROS = "its zero bytes: UTF-16 without a byte-order mark"  # i18n-ignore: a code
_NOTES = {
    _FROM_CPG: N_("Text read as {encoding} (from its .cpg file), e.g. '{example}'."),
    _FROM_LDID: N_("Text read as {encoding} (from its DBF's language driver), e.g. '{example}'."),
    _FROM_TEXT: N_("Text read as {encoding} (from its text), e.g. '{example}'."),
    _FROM_BOM: N_("Text read as {encoding} (from its byte-order mark), e.g. '{example}'."),
    _FROM_ZEROS: N_(
        "Text read as {encoding} (from its zero bytes: UTF-16 without a byte-order mark), e.g. "
        "'{example}'."
    ),
}

#: DBF language driver ids -> code page (after GDAL's shapefile driver and ESRI's table).
#: 0x57 ("ANSI") is what ArcGIS writes for Windows text: read as cp1252, a superset of the
#: ISO-8859-1 GDAL assumes, so "š" (0x9A) is not turned into a control character.
_LDID = {
    0x01: "cp437",
    0x02: "cp850",
    0x03: "cp1252",
    0x04: "mac_roman",
    0x08: "cp865",
    0x09: "cp437",
    0x0A: "cp850",
    0x0B: "cp437",
    0x0D: "cp437",
    0x0E: "cp850",
    0x0F: "cp437",
    0x10: "cp850",
    0x11: "cp437",
    0x12: "cp850",
    0x13: "cp932",
    0x14: "cp850",
    0x15: "cp437",
    0x16: "cp850",
    0x17: "cp865",
    0x18: "cp437",
    0x19: "cp437",
    0x1A: "cp850",
    0x1B: "cp437",
    0x1C: "cp863",
    0x1D: "cp850",
    0x1F: "cp852",
    0x22: "cp852",
    0x23: "cp852",
    0x24: "cp860",
    0x25: "cp850",
    0x26: "cp866",
    0x37: "cp850",
    0x40: "cp852",
    0x4D: "cp936",
    0x4E: "cp949",
    0x4F: "cp950",
    0x50: "cp874",
    0x57: "cp1252",
    0x58: "cp1252",
    0x59: "cp1252",
    0x64: "cp852",
    0x65: "cp866",
    0x66: "cp865",
    0x67: "cp861",
    0x6A: "cp737",
    0x6B: "cp857",
    0x6C: "cp863",
    0x78: "cp950",
    0x79: "cp949",
    0x7A: "cp936",
    0x7B: "cp932",
    0x7C: "cp874",
    0x86: "cp737",
    0x87: "cp852",
    0x88: "cp857",
    0x96: "mac_cyrillic",
    0x97: "mac_latin2",
    0xC8: "cp1250",
    0xC9: "cp1251",
    0xCA: "cp1254",
    0xCB: "cp1253",
    0xCC: "cp1257",
}
#: How much of a DBF's text is read to decide (the names of a few hundred thousand rows).
_SAMPLE = 8 * 1024 * 1024


@dataclass(frozen=True)
class Encoding:
    """The encoding chosen for a file's text and how it was chosen.

    Parameters
    ----------
    encoding
        A Python codec name (``utf-8``, ``cp1252``…).
    how
        In words: ``given``, ``its .cpg file``, ``its DBF's language driver``, ``its byte-order
        mark``, ``its text`` (a checked guess).
    guessed
        Whether it is a guess the user should check (text that is not UTF-8).
    """

    encoding: str
    how: str
    guessed: bool = False


def check_encoding(name: str, *, layer: str = "LAYER") -> str:
    """The Python codec ``name`` stands for (``CP1252`` -> ``cp1252``).

    Raises
    ------
    SchemaError
        ``name`` is not a text encoding (code ``encoding.unknown``).

    Examples
    --------
    >>> check_encoding("Windows-1252"), check_encoding("UTF8")
    ('cp1252', 'utf-8')
    """
    try:
        info = codecs.lookup(name.strip())
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise SchemaError(
            Problem(
                "error",
                _("'{name}' is not a text encoding the atlas knows.", name=name),
                _(
                    "Pass a Python codec name, e.g. encoding={{'{layer}': 'cp1252'}} "
                    "(load_dataset) or encoding='cp1252' (load_layer): one of {choices}.",
                    layer=layer,
                    choices=", ".join(ENCODING_CHOICES),
                ),
                values=(name,),
                code="encoding.unknown",
                params={"layer": layer},
            )
        )
    return "utf-8" if info.name == "utf-8" else info.name.replace("_", "-")


def cpg_encoding(text: str) -> str | None:
    """The codec a ``.cpg`` file names (``UTF-8``, ``1252``, ``ANSI 1252``, ``8859_1``…), or
    None when it names none the atlas knows.

    Examples
    --------
    >>> cpg_encoding("1252\\n"), cpg_encoding("ANSI 1251"), cpg_encoding("88591")
    ('cp1252', 'cp1251', 'iso8859-1')
    """
    word = text.strip().strip("\x00").strip()
    if not word:
        return None
    digits = re.fullmatch(r"(?:ANSI\s*|CP\s*|OEM\s*)?(\d+)", word, flags=re.IGNORECASE)
    if digits:
        number = digits.group(1)
        iso = re.fullmatch(r"8859(\d+)", number)
        word = f"iso8859-{iso.group(1)}" if iso else f"cp{number}"
    try:
        return check_encoding(word)
    except SchemaError:
        return None


def ldid_encoding(ldid: int) -> str | None:
    """The code page of a DBF language driver id (None for 0, none declared, or unknown)."""
    return _LDID.get(ldid)


def dbf_text(data: bytes) -> tuple[int, bytes]:
    """The language driver id of a DBF (its header's byte 29) and the bytes of its text
    (character) fields, the first few megabytes of them: what the encoding is decided on."""
    if len(data) < 32:
        return 0, b""
    ldid = data[29]
    header_length, record_length = struct.unpack("<HH", data[8:12])
    fields: list[tuple[int, int]] = []  # (offset in a record, length) of each text field
    offset, position = 1, 32  # a record starts with its deletion flag
    while position + 32 <= min(len(data), header_length) and data[position] != 0x0D:
        kind, length = data[position + 11 : position + 12], data[position + 16]
        if kind in (b"C", b"M"):
            fields.append((offset, length))
        offset += length
        position += 32
    if not fields or record_length <= 0:
        return ldid, b""
    text = bytearray()
    start = header_length
    while start + record_length <= len(data) and len(text) < _SAMPLE:
        record = data[start : start + record_length]
        for at, length in fields:
            text += record[at : at + length].rstrip(b" \x00") + b"\n"
        start += record_length
    return ldid, bytes(text)


def dbf_encoding(data: bytes, cpg: str | None = None, given: str | None = None) -> Encoding:
    """The encoding of a Shapefile's names: ``given``, else its ``.cpg`` (text), else its
    DBF's language driver, else a checked guess from the DBF's text bytes ``data``."""
    if given:
        return Encoding(check_encoding(given), _GIVEN)
    chosen = cpg_encoding(cpg) if cpg is not None else None
    if chosen:
        return Encoding(chosen, _FROM_CPG)
    ldid, text = dbf_text(data)
    declared = ldid_encoding(ldid)
    if declared and _decodes(text, declared):
        return Encoding(declared, _FROM_LDID)
    guess = text_encoding(text)
    return Encoding(guess.encoding, _FROM_TEXT, guess.guessed)


def text_encoding(data: bytes) -> Encoding:
    """The encoding of a text file's bytes ``data`` (or a sample of them): a byte-order mark,
    UTF-16 without one, valid UTF-8, else Windows-1252 (``guessed``; Latin-1 for the five bytes
    Windows-1252 leaves undefined)."""
    for mark, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(mark):
            return Encoding(name, _FROM_BOM)
    sixteen = _utf16_without_mark(data)
    if sixteen:
        return Encoding(sixteen, _FROM_ZEROS)
    if _decodes(data, "utf-8"):
        return Encoding("utf-8", _FROM_TEXT)
    if _decodes(data, "cp1252"):
        return Encoding("cp1252", _FROM_TEXT, guessed=True)
    return Encoding("latin-1", _FROM_TEXT, guessed=True)


def _utf16_without_mark(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _decodes(data: bytes, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        decoder.decode(data, final=len(data) < _SAMPLE)  # a sample may end mid-character
    except UnicodeDecodeError:
        return False
    return True


def encoding_note(
    chosen: Encoding,
    file_name: str,
    layer: str = "LAYER",
    *,
    example: str | None = None,
    shapefile: bool = False,
) -> Problem | None:
    """The report entry for an encoding chosen for text that is not all ASCII (``example`` is
    one such value as read): a warning naming a guess and how to choose another (code
    ``encoding.guessed``), a note for a declared one, None for one given."""
    if chosen.how == _GIVEN or example is None:
        return None
    if chosen.guessed:
        return Problem(
            "warning",
            _(
                "'{name}' does not say which text encoding its names are in, and they are not "
                "UTF-8: they were read as {encoding} (e.g. '{example}'); check that names with "
                "accents read right.",
                name=file_name,
                encoding=chosen.encoding,
                example=example,
            ),
            _(
                "If names look wrong, pass the right encoding: encoding={{'{layer}': 'NAME'}} "
                "(load_dataset) or encoding='NAME' (load_layer, read_layer), NAME one of "
                "{choices}, or add a .cpg file naming it beside the .shp.",
                layer=layer,
                choices=", ".join(ENCODING_CHOICES),
            )
            if shapefile
            else _(
                "If names look wrong, pass the right encoding: encoding={{'{layer}': 'NAME'}} "
                "(load_dataset) or encoding='NAME' (load_layer, read_layer), NAME one of "
                "{choices}.",
                layer=layer,
                choices=", ".join(ENCODING_CHOICES),
            ),
            code="encoding.guessed",
            params={"layer": layer},
        )
    template = _NOTES.get(chosen.how)
    if template is None:  # an Encoding made elsewhere, with its own words
        return Problem(
            "info",
            _(
                "Text read as {encoding} (from {how}), e.g. '{example}'.",
                encoding=chosen.encoding,
                how=chosen.how,
                example=example,
            ),
        )
    return Problem("info", _(template, encoding=chosen.encoding, example=example))
