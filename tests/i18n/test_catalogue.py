"""The catalogues (DESIGN §8): every string for people is in them, they compile, each language
translates at least 95 % of the entries with the fields intact, and the review state is told."""

from __future__ import annotations

import io
import re
import threading
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from atlas.i18n import (
    LANGUAGES,
    _,
    format_number,
    language,
    language_of,
    long_date,
    ngettext,
    plural,
    review_notice,
    review_status,
    speaking,
)
from atlas.i18n import catalogue as catalogue_module
from tests.i18n.scan import ROOT, unmarked

TRANSLATED = [code for code in LANGUAGES if code != "en"]
KEYWORDS = {
    "_": None,
    "N_": None,
    "Nn_": (1, 2),
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}
FIELD = re.compile(r"(?<!\{)\{([a-zA-Z_][a-zA-Z0-9_]*)[^{}]*\}(?!\})")


def _catalog(code: str):  # type: ignore[no-untyped-def]
    with catalogue_module.po_path(code).open("rb") as handle:
        return read_po(handle, locale=code)


@pytest.fixture(scope="module")
def extracted() -> set[tuple[str | None, str]]:
    """Every marked message of the code as it is now, (context, msgid)."""
    found: set[tuple[str | None, str]] = set()
    keywords = KEYWORDS
    for folder in ("atlas", "layers", "pages"):
        for _file, _line, message, _comments, context in extract_from_dir(
            ROOT / folder, [("**.py", "python")], keywords=keywords
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            found.add((context, msgid))
    with (ROOT / "streamlit_app.py").open("rb") as handle:
        from babel.messages.extract import extract

        for _line, message, _comments, context in extract("python", handle, keywords=keywords):
            msgid = message[0] if isinstance(message, tuple) else message
            found.add((context, msgid))
    return found


def test_every_string_for_people_is_marked() -> None:
    left = unmarked()
    shown = "\n".join(str(item) for item in left[:40])
    assert not left, f"{len(left)} strings for people are not marked for the catalogue:\n{shown}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_marked_string_is_in_the_catalogue(
    code: str, extracted: set[tuple[str | None, str]]
) -> None:
    catalog = _catalog(code)
    known = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}
    missing = sorted(extracted - known, key=str)
    assert not missing, (
        f"{len(missing)} marked strings are not in {catalogue_module.po_path(code)}: run "
        f"`make translations`. The first: {missing[:5]}"
    )


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_catalogue_compiles_with_its_plural_forms(code: str) -> None:
    catalog = _catalog(code)
    errors = [(m.id, [str(e) for e in errs]) for m, errs in catalog.check()]
    assert not errors, f"{code}: {errors[:5]}"
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=True)
    assert buffer.getvalue()[:4] in (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")
    for message in catalog:
        if message.id and isinstance(message.string, tuple):
            assert len(message.string) == catalog.num_plurals, (code, message.id)


@pytest.mark.parametrize("code", TRANSLATED)
def test_at_most_5_percent_of_entries_are_untranslated(code: str) -> None:
    status = review_status(code)
    assert status.entries > 500
    assert status.missing <= 0.05 * status.entries, (
        f"{LANGUAGES[code]}: {status.missing} of {status.entries} entries have no translation"
    )


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_the_fields_of_their_english(code: str) -> None:
    """A translation that lost or invented a ``{field}`` would show English (or fail): none."""
    wrong = []
    for message in _catalog(code):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        fields = set().union(*(set(FIELD.findall(i)) for i in ids))
        # The fields both English forms have ({point} in one and {points} in the other is fine).
        common = set.intersection(*(set(FIELD.findall(i)) for i in ids))
        for text in strings:
            if text and set(FIELD.findall(text)) - fields:
                wrong.append((message.id, text))
            # Every form but a singular may drop {n} ("one tap"); the other fields stay.
            if text and (common - {"n"}) - set(FIELD.findall(text)):
                wrong.append((message.id, text))
    assert not wrong, f"{code}: {len(wrong)} translations change the fields: {wrong[:3]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_a_language_not_reviewed_says_so_in_it_and_in_english(code: str) -> None:
    status = review_status(code)
    assert not status.is_reviewed  # every entry is a first draft until a speaker checks it
    notice = review_notice(code)
    assert notice is not None
    assert "has not yet been checked by a first-language speaker" in notice
    assert f"atlas/i18n/locale/{code}/LC_MESSAGES/atlas.po" in notice
    assert "Poedit or Weblate" in notice
    own, english = notice.split("\n\n")  # the language's own words first
    assert own != english
    assert review_notice("en") is None


def test_a_reviewed_catalogue_has_no_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    po = tmp_path / "af" / "LC_MESSAGES" / "atlas.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Map"\nmsgstr "Kaart"\n\n#, fuzzy\nmsgid "Ward"\nmsgstr "Wyk"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(catalogue_module, "LOCALE_DIR", tmp_path)
    status = review_status("af")
    assert (status.entries, status.translated, status.reviewed) == (2, 2, 1)
    assert review_notice("af") is not None
    po.write_text(po.read_text(encoding="utf-8").replace("#, fuzzy\n", ""), encoding="utf-8")
    import os

    os.utime(po, (po.stat().st_mtime + 5, po.stat().st_mtime + 5))
    assert review_status("af").is_reviewed
    assert review_notice("af") is None
    with speaking("af"):
        assert _("Ward") == "Wyk"  # compiled in memory: no .mo in the folder


def test_two_threads_in_two_languages_each_read_their_own() -> None:
    seen: dict[str, str] = {}
    ready = threading.Barrier(2)

    def read(code: str) -> None:
        with speaking(code):
            ready.wait(timeout=10)  # both inside their language at once
            seen[code] = _("Map")
            ready.wait(timeout=10)

    threads = [threading.Thread(target=read, args=(c,)) for c in ("zu", "af")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with speaking("zu"):
        zulu = _("Map")
    with speaking("af"):
        afrikaans = _("Map")
    assert seen == {"zu": zulu, "af": afrikaans}
    assert zulu != "Map" and afrikaans != "Map" and zulu != afrikaans
    assert language() == "en"  # the process's own language never changed


def test_numbers_and_dates_in_each_language() -> None:
    for code in LANGUAGES:
        with speaking(code):
            assert format_number(6287) == "6 287"  # thousands spaced in every language
    with speaking("af"):
        assert format_number(2.5) == "2,5"  # Afrikaans writes a decimal comma (Babel, af_ZA)
        assert long_date(date(2026, 3, 3)) == "3 Maart 2026"
    with speaking("zu"):
        assert format_number(2.5) == "2.5"
        assert long_date(date(2026, 3, 3)) != "3 March 2026"
    assert long_date(date(2026, 3, 3)) == "3 March 2026"
    assert format_number(2.5) == "2.5"


def test_plural_forms_follow_the_language() -> None:
    assert ngettext("{n} tap", "{n} taps", 1) == "1 tap"
    assert plural(0, "settlement") == "0 settlements"
    for code in TRANSLATED:
        with speaking(code):
            one, many = plural(1, "settlement"), plural(1234, "settlement")
        assert one.count("1") == 1 and "1 234" in many
        assert one != many


def test_language_codes_as_browsers_write_them() -> None:
    assert [language_of(x) for x in ("zu-ZA", "XH", "st_ZA", "nso", "af-NA", "en-US")] == [
        "zu",
        "xh",
        "st",
        "nso",
        "af",
        "en",
    ]
    assert language_of("fr") is None
    with pytest.raises(ValueError, match="unknown language 'fr'"), speaking("fr"):
        pass


def test_the_summary_per_language() -> None:
    from atlas.i18n.review import summary

    lines = summary()
    assert len(lines) == len(TRANSLATED)
    for line, code in zip(lines, TRANSLATED, strict=True):
        status = review_status(code)
        assert line.startswith(f"{LANGUAGES[code]} ({code}): {status.translated}/{status.entries}")
        assert line.endswith("NOT REVIEWED")
