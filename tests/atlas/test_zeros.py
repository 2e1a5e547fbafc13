"""DESIGN §4: 0 households with 0 people is not a count of people, unless declared so."""

from __future__ import annotations

import pandas as pd
import pytest
from pyproj import CRS
from shapely.geometry import box

from atlas.load.dataset import Dataset
from atlas.load.validate import validate_layer
from atlas.measure.pipeline import compute_gaps
from tests.conftest import METRIC, hand_made_standard, services_frame, settlements_frame

STANDARD = hand_made_standard(household_size=2)


def settlements() -> pd.DataFrame:
    rows = [
        ("Z", "Zero", 0, 0),  # both 0: not counted
        ("H", "Only households 0", 0, None),  # one zero, the other missing: a count of 0
        ("P", "Counted", 40, 90),
    ]
    return settlements_frame(
        [
            {
                "settlement_id": sid,
                "name": name,
                "households": households,
                "population": population,
                "cluster": "K",
                "geometry": box(i * 300, 0, i * 300 + 100, 100),
            }
            for i, (sid, name, households, population) in enumerate(rows)
        ]
    ).to_crs(4326)


def test_zero_households_and_zero_people_are_read_as_not_counted() -> None:
    out, report = validate_layer(settlements(), "settlements")
    assert report.ok
    z, h, p = (out[out["settlement_id"] == s].iloc[0] for s in ("Z", "H", "P"))
    assert pd.isna(z["households"]) and pd.isna(z["population"])
    assert h["households"] == 0 and pd.isna(h["population"])
    assert (p["households"], p["population"]) == (40, 90)
    (warning,) = [w for w in report.warnings if w.code == "demand.zeros"]
    assert warning.values == ("Z",) and warning.rows == (1,)
    assert "zeros_are_counts=True" in warning.fix


def test_declared_zeros_are_counts_and_meet_any_standard() -> None:
    out, report = validate_layer(settlements(), "settlements", zeros_are_counts=True)
    assert not [w for w in report.warnings if w.code == "demand.zeros"]
    assert out.loc[out["settlement_id"] == "Z", "households"].iloc[0] == 0


@pytest.mark.parametrize("zeros_are_counts", [False, True])
def test_gaps_of_a_settlement_with_zero_demand(zeros_are_counts: bool) -> None:
    frame, _ = validate_layer(settlements(), "settlements", zeros_are_counts=zeros_are_counts)
    taps = services_frame([("t", "water", "working", 50, 50)]).to_crs(4326)
    result = compute_gaps(Dataset(frame, taps, None, CRS(METRIC)), STANDARD)
    z = result.settlements[result.settlements["settlement_id"] == "Z"].iloc[0]
    assert z["water_working"] == 1  # the tap inside Z counts either way
    if zeros_are_counts:
        # 0 households: nothing needed, no gap, the standard is met.
        assert (z["water_needed"], z["water_gap"], z["demand_missing"]) == (0, 0, False)
    else:
        assert z["demand_missing"]
        assert pd.isna(z["water_needed"]) and pd.isna(z["water_gap"])
