"""The report form as an XLSForm: the committed workbook is what the generator writes, and
pyxform converts it into an XForm with the group, the questions and the choice filter."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from atlas.i18n import LANGUAGES as ATLAS_LANGUAGES
from atlas.i18n import _, language, speaking
from atlas.store import PROBLEMS, xlsform

FORM = Path(__file__).resolve().parents[2] / "data" / "forms" / "atlas-report.xlsx"
LANGUAGES = [
    "English (en)", "isiZulu (zu)", "isiXhosa (xh)", "Sesotho (st)", "Sepedi (nso)",
    "Afrikaans (af)",
]  # fmt: skip
NS = {
    "h": "http://www.w3.org/1999/xhtml",
    "x": "http://www.w3.org/2002/xforms",
    "jr": "http://openrosa.org/javarosa",
}


def _cells(path: Path) -> dict[str, list[list[str]]]:
    book = load_workbook(path, read_only=True)
    try:
        return {
            sheet.title: [["" if v is None else v for v in row] for row in sheet.values]
            for sheet in book.worksheets
        }
    finally:
        book.close()


def test_the_committed_form_is_what_the_generator_writes(tmp_path: Path) -> None:
    assert _cells(FORM) == xlsform.sheets(), (
        "data/forms/atlas-report.xlsx is out of date: run "
        ".venv/bin/python -m atlas.store.xlsform data/forms/atlas-report.xlsx"
    )
    # and writing it twice gives the same bytes (its dates are fixed)
    first = xlsform.write_xlsform(tmp_path / "a" / "form.xlsx")
    second = xlsform.write_xlsform(tmp_path / "b" / "form.xlsx")
    assert first.read_bytes() == second.read_bytes()


def test_the_sheets_say_what_the_store_accepts() -> None:
    sheets = xlsform.sheets()
    assert sheets["settings"] == [
        ["form_title", "form_id", "version", "default_language", "instance_name",
         "allow_choice_duplicates"],
        ["Settlement Atlas: report a service problem", "atlas_report", "2026120201",
         "English (en)", "concat(${settlement_id}, ' ', ${category}, ' ', ${problem})", "yes"],
    ]  # fmt: skip
    survey = xlsform.survey_rows()
    assert survey[0].keys() >= {"type", "name", "label::English (en)", "hint::English (en)"}
    assert [(r["type"], r["name"]) for r in survey] == [
        ("start", "start"),
        ("end", "end"),
        ("begin_group", "report"),
        ("text", "settlement_id"),
        ("text", "service_id"),
        ("select_one category", "category"),
        ("select_one problem", "problem"),
        ("dateTime", "observed_at"),
        ("text", "note"),
        ("image", "photo"),
        ("geopoint", "location"),
        ("end_group", "report"),
    ]
    choices = xlsform.choice_rows()
    assert [c["name"] for c in choices if c["list_name"] == "category"] == list(PROBLEMS)
    for category, problems in PROBLEMS.items():
        listed = [c["name"] for c in choices if c.get("category") == category]
        assert listed == list(problems)
    assert [c for c in survey[0] if c.startswith("label::")] == [f"label::{x}" for x in LANGUAGES]


def test_pyxform_converts_the_committed_form() -> None:
    result = convert(xlsform=FORM)
    assert result.warnings == []
    root = ET.fromstring(result.xform)
    [data] = root.findall("h:head/x:model/x:instance/x:data", NS)
    assert (data.get("id"), data.get("version")) == ("atlas_report", "2026120201")
    [report] = data.findall("x:report", NS)
    assert [child.tag.split("}")[1] for child in report] == [
        "settlement_id", "service_id", "category", "problem", "observed_at", "note", "photo",
        "location",
    ]  # fmt: skip
    assert data.find("x:meta/x:instanceID", NS) is not None
    binds = {b.get("nodeset"): b for b in root.iter("{http://www.w3.org/2002/xforms}bind")}
    assert binds["/data/report/observed_at"].get("type") == "dateTime"
    assert binds["/data/report/location"].get("type") == "geopoint"
    assert binds["/data/report/photo"].get("type") == "binary"
    assert binds["/data/report/settlement_id"].get("required") == "true()"
    [now] = root.iter("{http://www.w3.org/2002/xforms}setvalue")
    assert (now.get("ref"), now.get("value")) == ("/data/report/observed_at", "now()")
    [group] = root.findall("h:body/x:group", NS)
    assert group.get("ref") == "/data/report"
    [problem] = [s for s in group.findall("x:select1", NS) if s.get("ref").endswith("problem")]
    itemset = problem.find("x:itemset", NS)
    assert itemset is not None
    assert (
        itemset.get("nodeset") == "instance('problem')/root/item[category= /data/report/category ]"
    )
    languages = [t.get("lang") for t in root.iter("{http://www.w3.org/2002/xforms}translation")]
    assert sorted(languages) == sorted(LANGUAGES)
    # each language reads its catalogue's words: the same items, other words (DESIGN §8)
    english, zulu = _texts(root, "English (en)"), _texts(root, "isiZulu (zu)")
    assert english.keys() == zulu.keys()
    with speaking("zu"):
        assert zulu["/data/report/category:label"] == _("Which service?") != "Which service?"


def _texts(root: ET.Element, language: str) -> dict[str, str]:
    [translation] = [
        t
        for t in root.iter("{http://www.w3.org/2002/xforms}translation")
        if t.get("lang") == language
    ]
    return {
        text.get("id"): "".join(text.itertext())
        for text in translation.iter("{http://www.w3.org/2002/xforms}text")
    }


def test_the_form_has_a_column_for_each_language_of_the_atlas(tmp_path: Path) -> None:
    sheets = xlsform.sheets()
    survey, choices = sheets["survey"][0], sheets["choices"][0]
    labels = [f"label::{x}" for x in LANGUAGES]
    assert [c for c in survey if c.startswith("label::")] == labels
    assert [c for c in survey if c.startswith("hint::")] == [f"hint::{x}" for x in LANGUAGES]
    assert [c for c in choices if c.startswith("label::")] == labels
    assert "label" not in survey and "hint" not in survey and "label" not in choices
    assert sheets["settings"][1][3] == "English (en)"
    # each language's words are its catalogue's
    rows = xlsform.survey_rows()
    for code, name in zip(ATLAS_LANGUAGES, LANGUAGES, strict=True):
        with speaking(code):
            assert rows[5][f"label::{name}"] == _("Which service?")
    assert len({rows[5][c] for c in labels}) == len(labels)
    result = convert(xlsform=xlsform.write_xlsform(tmp_path / "form.xlsx"))
    assert result.warnings == []
    for name in LANGUAGES:
        assert f'lang="{name}"' in result.xform


def test_each_language_is_filled_from_its_catalogue(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A stand-in catalogue (none is invented): each language's words are what `_` gives in it.
    monkeypatch.setattr(xlsform, "_", lambda text: f"[{language()}] {text}")
    header = xlsform.sheets()["survey"][0]
    assert header[:4] == ["type", "name", "label::English (en)", "label::isiZulu (zu)"]
    survey = xlsform.survey_rows()
    assert survey[5]["label::Sepedi (nso)"] == "[nso] Which service?"
    assert survey[7]["hint::Afrikaans (af)"] == "[af] Now, unless you saw it earlier."
    assert survey[0]["label::isiXhosa (xh)"] == ""  # a row without words stays blank
    [water] = [c for c in xlsform.choice_rows() if c["name"] == "water"]
    assert water["label::Sesotho (st)"] == "[st] Water"
    xform = convert(xlsform=xlsform.write_xlsform(tmp_path / "form.xlsx")).xform
    assert 'lang="isiZulu (zu)"' in xform and "[zu] Which service?" in xform
    assert language() == "en"
