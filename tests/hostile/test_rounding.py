"""One rounding rule for every number a person reads: half up, away from zero (issue #19).

``format_number`` rounded half to even (Python's ``round``: 10.5 -> 10, 2.5 -> 2) while the
exports document half up. Every display rounding now goes through
:func:`atlas.i18n.round_half_up`, which rounds the float's decimal text (what was typed and what
is seen), so 0.125 at two places is 0.13 although its binary value is a little below. Data
files keep exact values. The expected values below are worked out by hand.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

import atlas
from atlas.i18n import format_number, format_percent, plural, round_half_up, shown_count
from atlas.measure.standards import category_rule
from atlas.summaries.phrases import estimate_sentence, ratio_words
from layers.style import classify, shown_values


@pytest.mark.accepted_case
@pytest.mark.parametrize(
    ("value", "places", "rounded"),
    [
        (10.5, 0, 11.0),
        (2.5, 0, 3.0),
        (0.5, 0, 1.0),
        (1.5, 0, 2.0),
        (-2.5, 0, -3.0),  # away from zero
        (0.125, 2, 0.13),  # binary 0.125 is exact: half up, not to even (0.12)
        (2.675, 2, 2.68),  # binary 2.67499…: the decimal text decides
        (1.005, 2, 1.01),
        (4.55, 1, 4.6),
        (2.4999, 0, 2.0),
        (1234.5, 0, 1235.0),
    ],
)
def test_half_goes_up(value: float, places: int, rounded: float) -> None:
    """A half goes up, away from zero, on the number as written (the rule the exports
    document)."""
    assert round_half_up(value, places) == rounded


@pytest.mark.accepted_case
@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        (format_number(10.5), "11"),
        (format_number(12.5), "13"),
        (format_number(2.5), "2.5"),  # one decimal below 10: nothing to round
        (format_number(0.25), "0.3"),
        (format_number(0.35), "0.4"),  # binary 0.34999…: shown as written, half up
        (format_number(1234.5), "1 235"),
        (format_number(-10.5), "-11"),
        (shown_count(228.5), "229"),
        (shown_count(2.5), "3"),
        (plural(2.5, "tap"), "3 taps"),
        (plural(0.5, "toilet"), "1 toilet"),
        (format_percent(0.125), "13 %"),
        (format_percent(0.285), "29 %"),  # binary 28.4999… %: the decimal text decides
        (format_percent(0.005), "1 %"),
        (format_percent(0.105), "11 %"),
    ],
)
def test_every_displayed_number_rounds_half_up(shown: str, expected: str) -> None:
    """Numbers, counts, plurals and percentages on pages, sentences and PDFs."""
    assert shown == expected


@pytest.mark.accepted_case
def test_sentences_and_legends_round_alike() -> None:
    """A ratio of 72.5 households per tap reads 73; an estimate of 2.5 people 'about 3'; a map
    legend classes 4.55 with 4.6 and 10.5 with 11, as its words write them."""
    rule = category_rule("households", max_per_point=25, max_distance_m=200, point_label="tap")
    assert ratio_words(72.5, 2, False, rule) == "1 tap : 73 households"
    assert estimate_sentence({"population_estimate": 2.5}) == (
        "The population raster estimates about 3 people."
    )
    assert shown_values([4.55, 10.5, 0.125], "number").tolist() == [4.6, 11.0, 0.1]
    assert shown_values([2.5, 3.5], "integer").tolist() == [3.0, 4.0]
    assert classify([1.5, 1.5, 7.25]).labels == ("1.5", "7.3")


@pytest.mark.warning_case
def test_fractional_households_are_rounded_half_up_and_said(tmp_path: Path) -> None:
    """10.5 households are 11 and 2.5 are 3 (were 10 and 2), with the warning naming them."""
    path = tmp_path / "homes.geojson"
    gpd.GeoDataFrame(
        {"settlement_id": ["A", "B", "C"], "households": [10.5, 2.5, 7.0]},
        geometry=[box(28 + i / 50, -26, 28.01 + i / 50, -25.99) for i in range(3)],
        crs=4326,
    ).to_file(path, driver="GeoJSON")
    frame, report = atlas.load_layer(path, "settlements")
    assert frame["households"].tolist() == [11.0, 3.0, 7.0]
    (warning,) = [p for p in report.warnings if p.column == "households"]
    assert warning.message == "households should be whole numbers; these were rounded half up."
    assert warning.rows == (1, 2) and warning.values == ("10.5", "2.5")
