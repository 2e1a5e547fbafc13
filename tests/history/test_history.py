"""Status as of a date, days out of service and response times (DESIGN §4, §7), on the tiny
layers of tests/atlas/test_gaps.py with report lifecycles built by hand.

Water points (test standard: 1 tap per 25 households): A (60 households, 3 needed) has w1, w2,
w7 working; B (50 households, 2 needed) has w4 broken and w5 unknown; C (demand unknown) has
w6 working; w3 is near nobody. The reports, in March 2026 (times in UTC):

* r1: w1 broken, seen 3rd 10:00, confirmed 4th, fixed 13th 10:00 -> out 10 days;
* r2: w4 (broken in the file) broken, seen 1st 10:00, confirmed 2nd, fixed 20th 10:00;
* r3: w2 no water, seen 10th, never confirmed -> changes nothing;
* r4: w7 broken, seen 15th 10:00, confirmed 16th, still open;
* r5: w2 leaking, seen 5th, confirmed: leaking does not put a tap out of service;
* r6: w6 broken, seen 1st, confirmed, then rejected on the 2nd -> changes nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from atlas.history import as_of, dataset_as_of, history, since, spells, statuses_as_of
from atlas.measure import compute_gaps, recount
from atlas.store.timeline import ReportLife
from tests.atlas.test_gaps import STANDARD, dataset, layers


def at(day: int, hour: int = 10, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def life(rid: str, point: str, problem: str, *steps: tuple[datetime, str]) -> ReportLife:
    settlement = {"w1": "A", "w2": "A", "w7": "A", "w4": "B", "w6": "C"}[point]
    return ReportLife(rid, settlement, point, "water", problem, steps[0][0], tuple(steps))


LIVES = [
    life("r1", "w1", "broken", (at(3), "reported"), (at(4), "confirmed"), (at(13), "fixed")),
    life("r2", "w4", "broken", (at(1), "reported"), (at(2), "confirmed"), (at(20), "fixed")),
    life("r3", "w2", "no_water", (at(10), "reported")),
    life("r4", "w7", "broken", (at(15), "reported"), (at(16), "confirmed")),
    life("r5", "w2", "leaking", (at(5), "reported"), (at(6), "confirmed")),
    life("r6", "w6", "broken", (at(1), "reported"), (at(1, 12), "confirmed"), (at(2), "rejected")),
]


@pytest.fixture(scope="module")
def ds():
    return dataset(*layers())


@pytest.fixture(scope="module")
def result(ds):
    return compute_gaps(ds, STANDARD)


def water(ds, result, moment, since_=None) -> dict[str, tuple]:
    status = statuses_as_of(ds.services, moment, spells(LIVES), since=since_)
    gaps = recount(ds, result, status).set_index("settlement_id")
    return {
        sid: tuple(
            None if pd.isna(gaps.loc[sid, f"water_{f}"]) else int(gaps.loc[sid, f"water_{f}"])
            for f in ("working", "broken", "unknown", "gap")
        )
        for sid in ("A", "B", "C")
    }


def test_gaps_as_of_dates_before_between_and_after(ds, result) -> None:
    assert water(ds, result, as_of("2026-02-28")) == {
        "A": (3, 0, 0, 0),
        "B": (0, 1, 1, 2),
        "C": (1, 0, 0, None),
    }
    # r1 has w1 out; r2 keeps w4 broken; r3 (unconfirmed) and r5 (leaking) change nothing.
    assert water(ds, result, as_of("2026-03-10")) == {
        "A": (2, 1, 0, 1),
        "B": (0, 1, 1, 2),
        "C": (1, 0, 0, None),
    }
    # w1 fixed on the 13th, w7 out since the 15th, w4 fixed on the 20th: working after a fix.
    assert water(ds, result, as_of("2026-03-25")) == {
        "A": (2, 1, 0, 1),
        "B": (1, 0, 1, 1),
        "C": (1, 0, 0, None),
    }


def test_a_report_counts_from_when_it_was_seen_and_until_the_fix(ds, result) -> None:
    # Seen on the 3rd at 10:00 UTC, confirmed only on the 4th: broken from the 3rd.
    assert water(ds, result, at(3, 11))["A"][:2] == (2, 1)
    assert water(ds, result, at(3, 9))["A"][:2] == (3, 0)
    # Fixed on the 13th at 10:00: working from that moment.
    assert water(ds, result, at(13, 9))["A"][:2] == (2, 1)
    assert water(ds, result, at(13, 10))["A"][:2] == (3, 0)


def test_without_reports_nothing_changes(ds, result) -> None:
    same = dataset_as_of(ds, as_of("2026-03-10"), [])
    assert same.services["status"].tolist() == ds.services["status"].tolist()
    again = compute_gaps(same, STANDARD).settlements
    pd.testing.assert_frame_equal(again, result.settlements)


def test_the_whole_pipeline_as_of_a_date_agrees_with_the_recount(ds, result) -> None:
    changed = compute_gaps(dataset_as_of(ds, as_of("2026-03-10"), LIVES), STANDARD)
    row = changed.settlements.set_index("settlement_id").loc["A"]
    assert (row["water_working"], row["water_broken"], row["water_gap"]) == (2, 1, 1)
    # Coverage is measured from the working points as of that date (w1, in the middle, is out).
    assert (
        row["water_coverage"]
        < result.settlements.set_index("settlement_id").loc["A", "water_coverage"]
    )


def test_before_the_services_file_date_statuses_are_unknown(ds, result) -> None:
    file_date = since("2026-03-05")  # 2026-03-04T22:00Z
    assert water(ds, result, as_of("2026-03-01"), file_date) == {
        "A": (0, 0, 3, 3),
        "B": (0, 1, 1, 2),  # w4: r2 says broken from the 1st; w5 unknown anyway
        "C": (0, 0, 1, None),
    }
    assert water(ds, result, as_of("2026-03-06"), file_date)["A"] == (2, 1, 0, 1)


def test_history_per_week_month_points_and_responses(ds, result) -> None:
    weeks = history(ds, result, LIVES, date(2026, 3, 2), date(2026, 3, 15), step="week")
    rows = weeks.periods[weeks.periods["category"] == "water"]
    got = [(r.period, r.working, r.broken, r.unknown, r.gap) for r in rows.itertuples()]
    # W10 (2–8 March) ends with w1 and w4 out; W11 (9–15) with w7 and w4 out, w1 fixed.
    assert got == [("2026-W10", 3, 2, 1, 3), ("2026-W11", 3, 2, 1, 3)]

    march = history(ds, result, LIVES, date(2026, 3, 1), date(2026, 3, 31), step="month")
    points = march.points.set_index("service_id")["days_out_of_service"].to_dict()
    # March runs from 28 Feb 22:00 UTC to 31 March 22:00 UTC (South African days).
    assert points["w1"] == 10.0
    assert points["w7"] == 16.5  # 15th 10:00 to the end of March
    assert points["w4"] == 19.5  # broken in the file from the start, fixed on the 20th 10:00
    assert points["w2"] == points["w6"] == points["w5"] == 0.0
    assert "w3" not in points  # attributed to no settlement
    assert march.points["service_id"].iloc[0] == "w4"  # longest out first

    by = march.settlements.set_index(["settlement_id", "category"])
    assert by.loc[("A", "water")].to_dict() == {
        "name": "Alpha",
        "cluster": "K1",
        "opened": 4,
        "fixed": 1,
        "open_over_7_days": 3,  # r3 (21.5 days), r4 (16.5), r5 (26.5)
        "open_over_30_days": 0,
        "median_days_to_fix": 10.0,
    }
    assert by.loc[("B", "water"), "median_days_to_fix"] == 19.0
    assert by.loc[("C", "water"), "opened"] == 0  # r6 was rejected
    clusters = march.clusters.set_index(["cluster", "category"])
    assert clusters.loc[("K1", "water"), ["opened", "fixed", "median_days_to_fix"]].tolist() == [
        5,
        2,
        14.5,
    ]
    assert pd.isna(clusters.loc[("K2", "water"), "median_days_to_fix"])


def test_history_of_one_settlement_and_after_thirty_days(ds, result) -> None:
    april = history(ds, result, LIVES, date(2026, 4, 1), date(2026, 4, 30), settlement_id="A")
    assert april.scope == {"level": "settlement", "settlement_id": "A"}
    assert april.clusters.empty
    row = april.settlements.set_index("category").loc["water"]
    # Nothing new in April; at its end r3 (51.5 days), r4 (46.5) and r5 (56.5) still stand.
    assert (row["opened"], row["fixed"], row["open_over_30_days"]) == (0, 0, 3)
    record = april.to_record()
    assert record["from"] == "2026-04-01" and record["periods"][0]["period"] == "2026-04"
    assert {p["service_id"] for p in record["points"]} == {"w1", "w2", "w7", "s2", "e1"}


def test_a_reopened_report_is_out_again_from_the_reopening(ds, result) -> None:
    reopened = life(
        "r7",
        "w2",
        "broken",
        (at(1), "reported"),
        (at(2), "confirmed"),
        (at(5), "fixed"),
        (at(10), "reported"),
        (at(11), "confirmed"),
        (at(12), "referred"),
        (at(14), "not_fixed"),
        (at(17), "fixed"),
    )
    found = spells([reopened])["w2"]
    assert [(s.start, s.end) for s in found] == [(at(1), at(5)), (at(10), at(17))]
    march = history(ds, result, [reopened], date(2026, 3, 1), date(2026, 3, 31))
    assert march.points.set_index("service_id").loc["w2", "days_out_of_service"] == 11.0
    row = march.settlements.set_index(["settlement_id", "category"]).loc[("A", "water")]
    assert (row["fixed"], row["median_days_to_fix"]) == (1, 16.0)  # counted at its last fix


def test_unknown_scope_and_dates_are_refused(ds, result) -> None:
    from atlas.errors import SchemaError

    with pytest.raises(SchemaError, match=r"no cluster 'K9'.*K1, K2"):
        history(ds, result, [], date(2026, 3, 1), date(2026, 3, 2), cluster="K9")
    with pytest.raises(ValueError, match="before --from"):
        history(ds, result, [], date(2026, 3, 2), date(2026, 3, 1))
    with pytest.raises(ValueError, match="in the future"):
        as_of("2999-01-01")
