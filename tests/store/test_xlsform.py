"""The report form as an XLSForm: the committed workbook is what the generator writes, and
pyxform converts it into an XForm with the group, the questions and the choice filter."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from atlas.store import PROBLEMS, xlsform

FORM = Path(__file__).resolve().parents[2] / "data" / "forms" / "atlas-report.xlsx"
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
        ["Settlement Atlas: report a service problem", "atlas_report", "2026120101",
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
    assert not any(c.startswith("label::") and "English" not in c for c in survey[0])


def test_pyxform_converts_the_committed_form() -> None:
    result = convert(xlsform=FORM)
    assert result.warnings == []
    root = ET.fromstring(result.xform)
    [data] = root.findall("h:head/x:model/x:instance/x:data", NS)
    assert (data.get("id"), data.get("version")) == ("atlas_report", "2026120101")
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
    assert languages == ["English (en)"]


def test_a_translation_adds_its_columns(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A made-up language: what the generator does once a catalogue exists (none is invented).
    words = {"Which service?": "[xx] Which service?", "Water": "[xx] Water"}
    monkeypatch.setattr(xlsform, "TRANSLATIONS", {"Test (xx)": words})
    header = xlsform.sheets()["survey"][0]
    assert header[:6] == [
        "type", "name", "label::English (en)", "label::Test (xx)", "hint::English (en)",
        "hint::Test (xx)",
    ]  # fmt: skip
    assert "label::Test (xx)" in xlsform.sheets()["choices"][0]
    xform = convert(xlsform=xlsform.write_xlsform(tmp_path / "form.xlsx")).xform
    assert 'lang="Test (xx)"' in xform and "[xx] Which service?" in xform
