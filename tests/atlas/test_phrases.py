"""Plain words for the numbers, as a resident would read them aloud."""

from __future__ import annotations

import atlas
from atlas.summaries.phrases import gap_table, ratio_phrase, ratio_words, settlement_sentences

CAPE_TOWN = atlas.load_standard("cape-town")
SPHERE = atlas.load_standard("sphere-2018")


def record(**values: object) -> dict[str, object]:
    base: dict[str, object] = {
        "name": "Kwa-Nxele",
        "households": 73.0,
        "population": 215.0,
        "water_working": 1,
        "water_ratio": 73.0,
        "water_gap": 2,
        "sanitation_working": 0,
        "sanitation_ratio": None,
        "sanitation_gap": 15,
    }
    base.update(values)
    return base


def test_ratio_phrases() -> None:
    assert ratio_phrase(record(), "water", CAPE_TOWN) == "1 tap : 73 households"
    assert ratio_phrase(record(), "sanitation", CAPE_TOWN) == "no working toilet"
    assert ratio_phrase(record(households=None), "water", CAPE_TOWN) == "households unknown"
    assert (
        ratio_phrase(record(water_ratio=1234.4), "water", CAPE_TOWN) == "1 tap : 1 234 households"
    )
    assert ratio_phrase(record(water_ratio=215.0), "water", SPHERE) == "1 tap : 215 people"


def test_a_count_nobody_made_is_not_zero() -> None:
    rule = CAPE_TOWN.rule("sanitation")
    assert ratio_words(float("nan"), None, False, rule) == "toilets not counted"
    assert ratio_words(float("nan"), 0, False, rule) == "no working toilet"
    assert ratio_words(float("nan"), 3, True, rule) == "households unknown"


def test_sentences_read_aloud() -> None:
    water, toilets = settlement_sentences(record(), CAPE_TOWN)
    assert water == (
        "Kwa-Nxele has 1 working tap for 73 households. The standard is 1 tap for 25 households. "
        "2 more taps are needed."
    )
    assert toilets.startswith("Kwa-Nxele has 0 working toilets for 73 households.")
    assert toilets.endswith("15 more toilets are needed.")
    (met, _) = settlement_sentences(record(water_gap=0), CAPE_TOWN)
    assert met.endswith("The standard is met.")
    (unknown, _) = settlement_sentences(record(households=None), CAPE_TOWN)
    assert unknown == (
        "Kwa-Nxele has 1 working tap; its number of households is not known, so the gap cannot "
        "be measured. Add its households to the settlements file (or estimate them from a "
        "population raster) to measure it."
    )
    (_, uncounted) = settlement_sentences(record(sanitation_working=None), CAPE_TOWN)
    assert uncounted.startswith("The number of working toilets in Kwa-Nxele is not known")


def test_gap_table_puts_the_worst_first() -> None:
    result = atlas.compute_gaps(atlas.load_sample(), CAPE_TOWN)
    table = gap_table(result.settlements, CAPE_TOWN)
    assert len(table) == len(result.settlements)
    gaps = table["Taps missing"].dropna().tolist()
    assert gaps == sorted(gaps, reverse=True)
    assert table["Taps missing"].isna().sum() == result.settlements["water_gap"].isna().sum()
