"""Readable tables of a standard and of a settlement profile, on hand-built inputs."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from atlas.measure.standards import CategoryRule, Standard
from atlas.summaries.phrases import standard_table
from atlas.summaries.profile import SettlementProfile, service_table

STANDARD = Standard(
    id="test",
    name="Test standard",
    source="By hand",
    household_size=3.0,
    categories={
        "water": CategoryRule("households", 25, 200, "tap"),
        "sanitation": CategoryRule("people", 5, None, "toilet", "no distance set"),
    },
)

#: The same categories, but the standard sets no ratio for sanitation.
NO_RATIO = replace(
    STANDARD,
    categories={**STANDARD.categories, "sanitation": CategoryRule("people", None, None, "toilet")},
)


def test_standard_table_has_a_row_per_category() -> None:
    table = standard_table(STANDARD)
    assert list(table.columns) == [
        "Service",
        "Point",
        "Counted in",
        "Most served by one point",
        "Walking distance (m)",
        "Note",
    ]
    # Text as the page shows it: numbers written as the sentences write them, gaps worded.
    assert table.iloc[0].tolist() == ["water", "tap", "households", "25", "200", ""]
    sanitation = table.iloc[1].tolist()
    assert sanitation == ["sanitation", "toilet", "people", "5", "not set", "no distance set"]


def test_service_table_has_a_row_per_category_of_the_profile() -> None:
    record: dict[str, object] = {}
    for c, (working, broken, unknown, needed, gap, coverage) in {
        "water": (2, 1, 0, 4, 2, 0.75),
        "sanitation": (0, 0, 3, None, None, None),
    }.items():
        record[f"{c}_source"] = "points" if c == "water" else "attribute"
        record.update(
            {
                f"{c}_working": working,
                f"{c}_broken": broken,
                f"{c}_unknown": unknown,
                f"{c}_needed": needed,
                f"{c}_gap": gap,
                f"{c}_coverage": coverage,
            }
        )
    profile = SettlementProfile(
        record=record,
        ratios={"water": "1 tap : 50 households", "sanitation": "no working toilet"},
        wards=pd.DataFrame(),
        services=pd.DataFrame(),
        flags=(),
        sentences=(),
    )
    table = service_table(profile)
    assert table.iloc[0].to_dict() == {
        "Service": "water",
        "Counted from": "service points",
        "Working": "2",
        "Broken": "1",
        "Unknown": "0",
        "Needed": "4",
        "Missing": "2",
        "Ratio": "1 tap : 50 households",
        "Within walking distance": "75 %",
    }
    sanitation = table.iloc[1]
    assert sanitation["Counted from"] == "the settlement's own count"
    assert sanitation[["Service", "Working", "Unknown", "Ratio"]].tolist() == [
        "sanitation",
        "0",
        "3",
        "no working toilet",
    ]
    # A profile made by hand has no standard: unknown needs read "not known", never zero or
    # empty; a count has no locations, so its walking distance is not measured.
    assert sanitation[["Needed", "Missing", "Within walking distance"]].tolist() == [
        "not known",
        "not known",
        "not measured",
    ]
    # Against its standard, a category it sets no ratio for needs "no standard".
    measured = service_table(replace(profile, standard=NO_RATIO)).iloc[1]
    assert measured[["Needed", "Missing"]].tolist() == ["no standard", "no standard"]
