"""Standards are data files with sources; the presets hold DESIGN §4's numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas.errors import StandardError
from atlas.measure.standards import load_standard
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
