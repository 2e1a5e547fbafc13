"""Standards are data files with sources; the presets hold DESIGN §4's numbers."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from atlas.errors import StandardError
from atlas.measure.standards import (
    CategoryRule,
    category_rule,
    load_standard,
    parse_standard_toml,
    standard_to_toml,
    with_category,
)
from atlas.registry import standard_names


def test_presets_exist_with_sources() -> None:
    assert {"cape-town", "municipal-minimum", "sphere-2018"} <= set(standard_names())
    for name in standard_names():
        standard = load_standard(name)
        assert standard.source and standard.name and standard.id == name
        assert set(standard.categories) >= {"water", "sanitation", "electricity", "waste"}


@pytest.mark.parametrize(
    ("name", "unit", "water", "water_m", "toilets", "toilets_m"),
    [
        ("cape-town", "households", 25, 200, 5, 200),
        ("municipal-minimum", "households", 50, 200, 10, 200),
        ("sphere-2018", "people", 250, 500, 20, 50),
    ],
)
def test_preset_numbers(
    name: str, unit: str, water: float, water_m: float, toilets: float, toilets_m: float
) -> None:
    s = load_standard(name)
    assert (
        s.rule("water").unit,
        s.rule("water").max_per_point,
        s.rule("water").max_distance_m,
    ) == (unit, water, water_m)
    assert (s.rule("sanitation").max_per_point, s.rule("sanitation").max_distance_m) == (
        toilets,
        toilets_m,
    )
    assert s.rule("electricity").max_per_point is None and s.rule("waste").max_per_point is None


def test_user_standard_with_an_extra_category(tmp_path: Path) -> None:
    path = tmp_path / "clinics.toml"
    path.write_text(
        'name = "Clinic access"\nsource = "test"\nhousehold_size = 3.5\n'
        '[categories.health]\nunit = "people"\nmax_per_point = 10000\nmax_distance_m = 5000\n',
        encoding="utf-8",
    )
    s = load_standard(path)
    assert s.id == "clinics" and s.rule("health").max_distance_m == 5000
    assert s.rule("water").max_per_point is None  # canonical categories still exist, counts only


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('name = "x"\nsource = "y"\n', "has no 'household_size'"),
        ('name="x"\nsource="y"\nhousehold_size=-1\n[categories.water]\n', "positive number"),
        (
            'name="x"\nsource="y"\nhousehold_size=3\n[categories.water]\nunit="goats"\n',
            "unit must be",
        ),
        ('name="x"\nsource="y"\nhousehold_size=3\n[categories.water]\nmax_per=3\n', "unknown keys"),
        ("name = [", "not valid TOML"),
    ],
)
def test_malformed_standard_files(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StandardError, match=match):
        load_standard(path)


def test_unknown_preset_lists_the_presets() -> None:
    with pytest.raises(StandardError, match="cape-town"):
        load_standard("nowhere")


@pytest.mark.parametrize("name", standard_names())
def test_a_written_standard_reads_back_identically(name: str, tmp_path: Path) -> None:
    preset = load_standard(name)
    text = standard_to_toml(preset)
    path = tmp_path / "written.toml"
    path.write_text(text, encoding="utf-8")
    assert load_standard(path) == preset  # id included: the file says it
    assert parse_standard_toml(text, "upload.toml") == preset
    assert list(load_standard(path).categories) == list(preset.categories)


def test_text_that_toml_must_escape_survives_the_round_trip() -> None:
    awkward = dataclasses.replace(
        load_standard("sphere-2018"),
        name='Umasipala "wethu" \\ Ümlaut',
        source="line one\nline two\ttab \x01 \x7f",
        notes="'''triple''' \"\"\" quotes",
    )
    text = standard_to_toml(awkward)
    assert parse_standard_toml(text, "x.toml") == awkward
    assert tomllib.loads(text)["name"] == 'Umasipala "wethu" \\ Ümlaut'


def test_with_category_adds_a_category_and_leaves_the_original_alone() -> None:
    cape_town = load_standard("cape-town")
    clinic = category_rule("people", max_per_point=10000, max_distance_m=5000, point_label="clinic")
    ours = with_category(cape_town, "health", clinic)
    assert list(ours.categories) == ["water", "sanitation", "electricity", "waste", "health"]
    assert ours.rule("health") == CategoryRule("people", 10000.0, 5000.0, "clinic")
    assert (ours.id, ours.name, ours.rule("water")) == (
        cape_town.id,
        cape_town.name,
        cape_town.rule("water"),
    )
    assert "health" not in cape_town.categories
    # Replacing a rule keeps the category's place.
    fewer = with_category(ours, "water", category_rule(max_per_point=10, point_label="tap"))
    assert list(fewer.categories) == list(ours.categories)
    assert fewer.rule("water").max_per_point == 10 and fewer.rule("water").max_distance_m is None
    # What the form builds, written and read back, is the same standard.
    text = standard_to_toml(ours)
    assert parse_standard_toml(text, "ours.toml") == ours
    assert '[categories.health]\nunit = "people"\nmax_per_point = 10000\n' in text


@pytest.mark.parametrize("name", ["", "Health", "2nd", "health care", "health-care", "é"])
def test_a_category_is_a_lower_case_word(name: str) -> None:
    with pytest.raises(StandardError, match="lower-case word"):
        with_category(load_standard("cape-town"), name, CategoryRule())


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"unit": "goats"}, "unit must be"),
        ({"max_per_point": 0}, "positive number"),
        ({"max_distance_m": -5}, "positive number"),
        ({"point_label": " "}, "point_label"),
    ],
)
def test_a_rule_is_checked_like_a_standard_file(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(StandardError, match=match):
        category_rule(**kwargs)  # type: ignore[arg-type]
