"""Status as of a date and history on the real City of Cape Town settlements and wards
(SOURCES §1, §2): the three test points of tests/atlas/test_real_cape_town.py inside "4 in 1"
(230 households, 10 taps needed), and a confirmed report that had tap-1 out from 3 to 13 March
2026 (10:00 UTC each): as of 10 March the settlement has no working tap and the municipality's
gap is one tap more."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from atlas.history import as_of, dataset_as_of, history
from atlas.measure import compute_gaps, load_standard
from atlas.store.timeline import ReportLife
from tests.atlas.test_real_cape_town import TAPPED, cape_town, cape_town_services, informal_raw

__all__ = ["cape_town", "cape_town_services", "informal_raw"]  # the fixtures

pytestmark = pytest.mark.real


def at(day: int) -> datetime:
    return datetime(2026, 3, day, 10, tzinfo=UTC)


OUTAGE = ReportLife(
    "r1",
    TAPPED,
    "tap-1",
    "water",
    "broken",
    at(3),
    ((at(3), "reported"), (at(4), "confirmed"), (at(13), "fixed")),
)


def test_cape_town_as_of_a_date_and_its_history(cape_town) -> None:
    dataset, result = cape_town
    during = compute_gaps(
        dataset_as_of(dataset, as_of("2026-03-10"), [OUTAGE]), load_standard("cape-town")
    )
    row = during.settlements.set_index("settlement_id").loc[TAPPED]
    assert (row["water_working"], row["water_broken"], row["water_gap"]) == (0, 2, 10)
    assert row["water_coverage"] == 0  # no working tap anywhere: nobody within 200 m of one
    assert during.settlements["water_gap"].sum() == result.settlements["water_gap"].sum() + 1
    # The other 325 settlements are untouched.
    others = during.settlements["settlement_id"] != TAPPED
    assert during.settlements.loc[others, "water_gap"].equals(
        result.settlements.loc[others, "water_gap"]
    )

    march = history(dataset, result, [OUTAGE], date(2026, 3, 1), date(2026, 3, 31), step="week")
    days = march.points.set_index("service_id")["days_out_of_service"].to_dict()
    assert days == {"tap-2": 31.0, "tap-1": 10.0, "toilet-1": 0.0}
    water = march.periods[march.periods["category"] == "water"].set_index("period")
    assert water.loc["2026-W10", "working"] == 0  # 2–8 March
    assert water.loc["2026-W12", "working"] == 1  # 16–22 March, after the fix
    assert water.loc["2026-W10", "gap"] == water.loc["2026-W12", "gap"] + 1
    row = march.settlements.set_index(["settlement_id", "category"]).loc[(TAPPED, "water")]
    assert (row["opened"], row["fixed"], row["median_days_to_fix"]) == (1, 1, 10.0)
    assert len(march.settlements) == 326 * 4
