"""The raster options in plain words (atlas/raster/words.py), as the app's radio buttons and the
map legend name them."""

from __future__ import annotations

import pytest

import atlas
from atlas.raster import HAZARD_RULES, POPULATION_KINDS, hazard_rule_words, population_kind_words


@pytest.mark.parametrize(
    ("kind", "words"), [("count", "per cell"), ("density", "per km²"), ("hazard", "per cell")]
)
def test_a_population_raster_holds_people_per_cell_unless_it_is_a_density(
    kind: str, words: str
) -> None:
    assert population_kind_words(kind) == words


def test_every_option_has_words() -> None:
    assert [population_kind_words(k) for k in POPULATION_KINDS] == ["per cell", "per km²"]
    assert [hazard_rule_words(r) for r in HAZARD_RULES] == [
        "at or above a value",
        "of these classes",
    ]


def test_an_unknown_hazard_rule_is_refused_with_the_known_ones() -> None:
    with pytest.raises(atlas.SchemaError, match="threshold, classes, not 'above'") as raised:
        hazard_rule_words("above")
    assert isinstance(raised.value, ValueError)
