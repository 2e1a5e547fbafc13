"""Water delivery schedules (issue 6) on tiny tables whose answers are worked out by hand.

The main case runs from Monday 2026-08-03 to Monday 2026-08-17 (15 days). Settlement A (100
people, cluster North) has a weekly Monday window 08:00-10:00 of 10 000 l from provider P1 and a
one-off Wednesday 2026-08-05 14:00-15:00 of 5 000 l; B (50 people, North) a Monday 08:00-09:00
window of 2 000 l from P2 until 2026-08-10, then Monday 12:00-13:00 from 2026-08-11.

Slots: A 08-03, 08-05, 08-10, 08-17; B 08-03, 08-10 (08:00-09:00) and 08-17 (12:00-13:00).
Reports and the outcome worked out by hand:

=====  ==========================  ========  =====================================
slot   report                      litres    outcome
=====  ==========================  ========  =====================================
A 03   09:00                       10 000    delivered (inside the window)
A 05   14:30                       4 000     short (40 % of 5 000)
A 10   12:30                       10 000    late (2 h 30 after the window)
A 17   none                                  missed
-      A Thursday 08-06 10:00      3 000     unscheduled (no schedule that day)
B 03   10:59                       1 800     delivered (1 h 59 late, exactly 10 % short)
B 10   11:30                       1 000     late (2 h 30 late and short: late wins)
B 17   10:10 UTC = 12:10 local     2 000     delivered (the new validity period)
=====  ==========================  ========  =====================================
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from atlas import cli
from atlas.cli.schedule import add_parser, run
from atlas.cli.wording import CLI
from atlas.errors import AtlasError, MappingError, SchemaError
from atlas.schedules import (
    DELIVERY_COLUMNS,
    ROLLUP_COLUMNS,
    classify_deliveries,
    clean_deliveries,
    clean_schedule,
    compliance,
    compliance_sentence,
    expand_schedule,
    outcome_records,
    parse_table_mapping,
    read_deliveries,
    read_schedule,
)

START, END = date(2026, 8, 3), date(2026, 8, 17)
SETTLEMENTS = pd.DataFrame(
    {"settlement_id": ["A", "B", "C"], "population": [100.0, 50.0, None], "cluster": "North"}
)


def table(header: str, *rows: str) -> pd.DataFrame:
    """A table as read from CSV: text cells, empty cells as None."""
    names = header.split(",")
    cells = [[c or None for c in r.split(",")] for r in rows]
    return pd.DataFrame(cells, columns=names, dtype=object)


SCHEDULE = table(
    "settlement_id,provider,weekday,date,start,end,litres,valid_from,valid_to",
    "A,P1,Monday,,08:00,10:00,10000,,",
    "A,P1,,2026-08-05,14:00,15:00,5000,,",
    "B,P2,Monday,,08:00,09:00,2000,,2026-08-10",
    "B,P2,Monday,,12:00,13:00,2000,2026-08-11,",
)
DELIVERIES = table(
    "settlement_id,arrived_at,litres,reporter",
    "A,2026-08-03 09:00,10000,Nomsa",
    "A,2026-08-05 14:30,4000,",
    "A,2026-08-10 12:30,10000,",
    "A,2026-08-06 10:00,3000,",
    "B,2026-08-03 10:59,1800,",
    "B,2026-08-10 11:30,1000,",
    "B,2026-08-17T10:10:00+00:00,2000,",
)


def outcomes() -> pd.DataFrame:
    schedule, report = clean_schedule(SCHEDULE, settlement_ids=["A", "B", "C"])
    deliveries, report2 = clean_deliveries(DELIVERIES, settlement_ids=["A", "B", "C"])
    assert report.ok and not report.warnings, report.format()
    assert report2.ok and not report2.warnings, report2.format()
    return classify_deliveries(schedule, deliveries, START, END)


def statuses(table: pd.DataFrame) -> list[tuple[str, str, str]]:
    when = table["scheduled_start"].where(table["scheduled_start"].notna(), table["arrived_at"])
    return [
        (s, pd.Timestamp(w).strftime("%m-%d %H:%M"), st)
        for s, w, st in zip(table["settlement_id"], when, table["status"], strict=True)
    ]


def test_each_classification_worked_out_by_hand() -> None:
    assert statuses(outcomes()) == [
        ("A", "08-03 08:00", "delivered"),
        ("A", "08-05 14:00", "short"),
        ("A", "08-06 10:00", "unscheduled"),
        ("A", "08-10 08:00", "late"),
        ("A", "08-17 08:00", "missed"),
        ("B", "08-03 08:00", "delivered"),
        ("B", "08-10 08:00", "late"),
        ("B", "08-17 12:00", "delivered"),
    ]


def test_delivery_level_fields_and_iso_times() -> None:
    records = outcome_records(outcomes())
    assert list(records[0]) == DELIVERY_COLUMNS
    assert records[0] == {
        "settlement_id": "A",
        "provider": "P1",
        "scheduled_start": "2026-08-03T08:00:00+02:00",
        "scheduled_end": "2026-08-03T10:00:00+02:00",
        "arrived_at": "2026-08-03T09:00:00+02:00",
        "scheduled_litres": 10000,
        "delivered_litres": 10000,
        "status": "delivered",
    }
    unscheduled = records[2]
    assert unscheduled["scheduled_start"] is None and unscheduled["provider"] is None
    assert unscheduled["delivered_litres"] == 3000
    missed = records[4]
    assert missed["arrived_at"] is None and missed["delivered_litres"] is None
    # An offset is converted to local time: 10:10 UTC is 12:10 in Johannesburg.
    assert records[-1]["arrived_at"] == "2026-08-17T12:10:00+02:00"


def test_tolerances_can_be_changed() -> None:
    schedule, _ = clean_schedule(SCHEDULE)
    deliveries, _ = clean_deliveries(DELIVERIES)
    strict = classify_deliveries(
        schedule, deliveries, START, END, late_tolerance=timedelta(hours=1), short_tolerance=0.05
    )
    # B 08-03 (1 h 59 late) becomes late; A 08-05 is still short; the rest do not change.
    b = strict[strict["settlement_id"] == "B"]["status"].tolist()
    assert b == ["late", "late", "delivered"]
    loose = classify_deliveries(
        schedule, deliveries, START, END, late_tolerance=timedelta(hours=3), short_tolerance=0.7
    )
    # 2 h 30 late is now on time; 40 % short is within 70 %: A 08-05 and 08-10 are delivered.
    a = loose[loose["settlement_id"] == "A"]["status"].tolist()
    assert a == ["delivered", "delivered", "unscheduled", "delivered", "missed"]
    # B 08-10: on time with 3 h, but 1 000 of 2 000 l is more than 10 % short.
    relaxed = classify_deliveries(
        schedule, deliveries, START, END, late_tolerance=timedelta(hours=3)
    )
    assert relaxed[relaxed["settlement_id"] == "B"]["status"].tolist()[1] == "short"


def test_short_exactly_at_the_tolerance_is_in_full_and_just_below_is_short() -> None:
    schedule = clean_schedule(
        table("settlement_id,date,start,end,litres", "A,2026-08-03,08:00,09:00,1000")
    )[0]
    for litres, status in (("900", "delivered"), ("899", "short")):
        deliveries = clean_deliveries(
            table("settlement_id,arrived_at,litres", f"A,2026-08-03 08:30,{litres}")
        )[0]
        assert classify_deliveries(schedule, deliveries, START, START)["status"].tolist() == [
            status
        ]


def test_a_report_that_could_match_two_slots_goes_to_the_nearest() -> None:
    schedule = clean_schedule(
        table(
            "settlement_id,weekday,start,end,litres",
            "C,Monday,08:00,09:00,1000",
            "C,Monday,13:00,14:00,1000",
        )
    )[0]
    # 11:30 is 2 h 30 after the first window and 1 h 30 before the second: the second wins,
    # on time within the 2 h tolerance; the first is missed.
    deliveries = clean_deliveries(
        table("settlement_id,arrived_at,litres", "C,2026-08-03 11:30,1000")
    )[0]
    result = classify_deliveries(schedule, deliveries, START, START)
    assert result["status"].tolist() == ["missed", "delivered"]
    # Exactly halfway (11:00, 2 h from both): the earlier slot wins, every time.
    deliveries = clean_deliveries(
        table("settlement_id,arrived_at,litres", "C,2026-08-03 11:00,1000")
    )[0]
    for _ in range(3):
        result = classify_deliveries(schedule, deliveries, START, START)
        assert result["status"].tolist() == ["delivered", "missed"]


def test_two_reports_for_one_slot_the_nearer_matches_the_other_is_unscheduled() -> None:
    schedule = clean_schedule(table("settlement_id,weekday,start,end", "C,Monday,08:00,09:00"))[0]
    deliveries = clean_deliveries(
        table("settlement_id,arrived_at", "C,2026-08-03 10:00", "C,2026-08-03 08:45")
    )[0]
    result = classify_deliveries(schedule, deliveries, START, START)
    assert result["status"].tolist() == ["delivered", "unscheduled"]
    assert result["arrived_at"].iloc[0].strftime("%H:%M") == "08:45"


def test_validity_periods_and_one_off_dates() -> None:
    schedule = clean_schedule(SCHEDULE)[0]
    slots = expand_schedule(schedule, START, END)
    b = slots[slots["settlement_id"] == "B"]["scheduled_start"]
    assert [t.strftime("%m-%d %H:%M") for t in b] == ["08-03 08:00", "08-10 08:00", "08-17 12:00"]
    a = slots[slots["settlement_id"] == "A"]["scheduled_start"]
    assert [t.strftime("%m-%d") for t in a] == ["08-03", "08-05", "08-10", "08-17"]
    # A one-off outside the period gives no slot.
    assert len(expand_schedule(schedule, date(2026, 8, 6), date(2026, 8, 9))) == 0
    assert str(slots["scheduled_start"].iloc[0].tz) == "Africa/Johannesburg"


def test_roll_ups_per_settlement_cluster_and_provider() -> None:
    result = outcomes()
    per = compliance(result, "settlement", settlements=SETTLEMENTS).set_index("settlement_id")
    assert list(per.columns) == ROLLUP_COLUMNS
    assert list(
        per.loc["A", ["scheduled", "delivered", "late", "short", "missed", "unscheduled"]]
    ) == [4, 1, 1, 1, 1, 1]
    assert per.loc["A", "compliance"] == 0.25
    assert list(per.loc["B", ["scheduled", "delivered", "late"]]) == [3, 2, 1]
    assert per.loc["B", "compliance"] == 2 / 3  # exact, never cut to 4 places
    # A: 10 000 + 4 000 + 10 000 + 3 000 l over 100 people and 15 days = 18.0 l.
    assert per.loc["A", "litres_per_person_day"] == 18.0
    # B: 1 800 + 1 000 + 2 000 l over 50 people and 15 days = 6.4 l.
    assert per.loc["B", "litres_per_person_day"] == 6.4
    cluster = compliance(result, "cluster", settlements=SETTLEMENTS).set_index("cluster")
    assert list(
        cluster.loc["North", ["scheduled", "delivered", "late", "short", "missed", "unscheduled"]]
    ) == [7, 3, 2, 1, 1, 1]
    assert cluster.loc["North", "compliance"] == 3 / 7
    # 27 000 + 4 800 l over 150 people and 15 days: 14.133… l, not rounded to 14.1.
    assert cluster.loc["North", "litres_per_person_day"] == 31800 / 150 / 15
    provider = compliance(result, "provider", settlements=SETTLEMENTS).set_index("provider")
    assert provider.loc["P1", "unscheduled"] == 0  # an unscheduled report has no provider
    assert provider.loc["P1", "litres_per_person_day"] == 16.0  # 24 000 / 100 / 15
    assert provider.loc["P2", "compliance"] == 2 / 3


def test_population_unknown_gives_no_litres_per_person() -> None:
    schedule = clean_schedule(
        table("settlement_id,weekday,start,end,litres", "C,Monday,08:00,09:00,500")
    )[0]
    deliveries = clean_deliveries(
        table("settlement_id,arrived_at,litres", "C,2026-08-03 08:30,500")
    )[0]
    result = classify_deliveries(schedule, deliveries, START, START)
    per = compliance(result, settlements=SETTLEMENTS)
    assert list(per["compliance"]) == [1.0]
    assert per["litres_per_person_day"].isna().all()
    assert outcome_records(per, "settlement")[0]["litres_per_person_day"] is None


def test_week_and_month_roll_ups() -> None:
    weeks = compliance(outcomes(), "week").set_index("week")
    assert list(weeks.index) == ["2026-08-03", "2026-08-10", "2026-08-17"]
    assert list(weeks.loc["2026-08-03", ["scheduled", "delivered", "short", "unscheduled"]]) == [
        3,
        2,
        1,
        1,
    ]
    assert list(weeks.loc["2026-08-10", ["scheduled", "late"]]) == [2, 2]
    assert list(weeks.loc["2026-08-17", ["scheduled", "delivered", "missed"]]) == [2, 1, 1]
    schedule = clean_schedule(table("settlement_id,weekday,start,end", "A,Monday,08:00,10:00"))[0]
    deliveries = clean_deliveries(
        table("settlement_id,arrived_at", "A,2026-08-24 09:00", "A,2026-09-07 09:00")
    )[0]
    # Mondays 08-24, 08-31 (missed) and 09-07.
    result = classify_deliveries(schedule, deliveries, date(2026, 8, 24), date(2026, 9, 13))
    months = compliance(result, "month").set_index("month")
    assert list(months.loc["2026-08", ["scheduled", "delivered", "missed", "compliance"]]) == [
        2,
        1,
        1,
        0.5,
    ]
    assert list(months.loc["2026-09", ["scheduled", "delivered", "compliance"]]) == [1, 1, 1.0]


def test_default_period_is_first_to_last_report() -> None:
    schedule = clean_schedule(SCHEDULE)[0]
    deliveries = clean_deliveries(DELIVERIES)[0]
    result = classify_deliveries(schedule, deliveries)
    assert result.attrs["period"] == (date(2026, 8, 3), date(2026, 8, 17))
    with pytest.raises(SchemaError, match="start and end dates") as raised:
        classify_deliveries(schedule.iloc[:0], deliveries.iloc[:0])
    assert "--from and --to" in raised.value.describe(CLI)


def test_bad_rows_are_reported_with_their_rows_and_the_rest_used(tmp_path: Path) -> None:
    path = tmp_path / "schedule.csv"
    path.write_text(
        "Settlement,Supplier,Day,Window_Start,Window_End,Liters\n"
        "ZZZ,P1,Monday,08:00,10:00,100\n"  # row 2: unknown settlement
        "A,P1,Monday,8am,10:00,100\n"  # row 3: time not readable
        "A,P1,Monday,08:00,10:00,-5\n"  # row 4: negative volume
        "A,P1,Monday,11:00,10:00,100\n"  # row 5: ends before it starts
        "A,P1,Monday,08:00,10:00,100\n"  # row 6: good
        "A,P1,Funday,08:00,10:00,100\n",  # row 7: no such day
        encoding="utf-8",
    )
    schedule, report = read_schedule(path, settlement_ids=["A", "B"])
    assert report.ok
    assert schedule["line"].tolist() == [6]
    found = {p.column: (p.rows, p.values) for p in report.warnings}
    assert found["settlement_id"] == ((2,), ("ZZZ",))
    assert found["start"] == ((3,), ("8am",))
    assert found["litres"] == ((4,), ("-5",))
    assert found["end"] == ((5,), ("11:00–10:00",))
    assert found["weekday"] == ((7,), ("Funday",))
    assert "provider <- column 'Supplier' (recognised alias)." in [
        p.message for p in report.problems
    ]
    path = tmp_path / "deliveries.csv"
    path.write_text(
        "settlement_id,When,litres\nA,2026-08-03 09:00,10\nA,yesterday,10\nA,2026-08-03,10\n",
        encoding="utf-8",
    )
    deliveries, report = read_deliveries(
        path, mapping=parse_table_mapping(["deliveries.arrived_at=When"])["deliveries"]
    )
    assert deliveries["line"].tolist() == [2]
    assert [(p.column, p.rows) for p in report.warnings] == [("arrived_at", (3, 4))]


def test_structural_problems_are_errors() -> None:
    _, report = clean_schedule(table("settlement_id,start,end", "A,08:00,09:00"))
    assert not report.ok
    assert "no weekday or date" in report.errors[0].message
    _, report = clean_deliveries(table("settlement_id,litres", "A,10"))
    assert [p.column for p in report.errors] == ["arrived_at"]
    with pytest.raises(MappingError, match="unknown table"):
        parse_table_mapping(["wards.x=y"])


def test_sentence_in_plain_words() -> None:
    assert compliance_sentence(12, 4) == "4 of 12 scheduled deliveries arrived on time and in full"
    assert compliance_sentence(1, 0) == "0 of 1 scheduled delivery arrived on time and in full"


def main(argv: list[str]) -> int:
    """``atlas schedule`` as atlas.cli runs it once registered (parser, run, one error handler)."""
    parser = argparse.ArgumentParser(prog="atlas")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return run(args)
    except AtlasError as exc:
        print(f"atlas: error: {exc}", file=sys.stderr)
        return 1


REGISTERED = "schedule" in cli.build_parser().format_help()


@pytest.mark.skipif(not REGISTERED, reason="atlas schedule is not registered in atlas/cli.py yet")
def test_registered_in_the_atlas_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["schedule", "--quiet", "--level", "provider"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 3


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    assert main(["schedule", "--quiet", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_fields_per_level_on_the_sample(capsys: pytest.CaptureFixture[str]) -> None:
    records = run_cli(capsys, "--from", "2026-08-01", "--to", "2026-10-31")
    assert list(records[0]) == DELIVERY_COLUMNS
    assert {r["status"] for r in records} == {"delivered", "late", "short", "missed", "unscheduled"}
    for level, key in (
        ("settlement", "settlement_id"),
        ("cluster", "cluster"),
        ("provider", "provider"),
    ):
        rows = run_cli(capsys, "--level", level)
        assert list(rows[0]) == [key, *ROLLUP_COLUMNS]
        assert all(0 <= float(str(r["compliance"])) <= 1 for r in rows)
    settlements = {r["settlement_id"]: r for r in run_cli(capsys, "--level", "settlement")}
    assert settlements["SET-013"]["litres_per_person_day"] is None  # population unknown
    assert isinstance(settlements["SET-001"]["litres_per_person_day"], float)


def test_cli_csv_and_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schedule = tmp_path / "s.csv"
    schedule.write_text("settlement_id,weekday,start,end,litres\nSET-001,Monday,08:00,10:00,100\n")
    deliveries = tmp_path / "d.csv"
    deliveries.write_text("settlement_id,arrived_at,litres\nSET-001,2026-08-03 09:00,100\n")
    out = tmp_path / "out.csv"
    args = ["schedule", "--quiet", "--schedule", str(schedule), "--deliveries", str(deliveries)]
    assert main([*args, "--format", "csv", "--output", str(out), "--to", "2026-08-10"]) == 0
    lines = out.read_text().splitlines()
    assert lines[0] == ",".join(DELIVERY_COLUMNS)
    assert lines[1:] == [
        "SET-001,(not given),2026-08-03T08:00:00+02:00,2026-08-03T10:00:00+02:00,"
        "2026-08-03T09:00:00+02:00,100,100,delivered",
        "SET-001,(not given),2026-08-10T08:00:00+02:00,2026-08-10T10:00:00+02:00,,100,,missed",
    ]
    assert main(["schedule", "--deliveries", str(deliveries)]) == 1  # no --schedule
    assert "Give both --schedule and --deliveries" in capsys.readouterr().err
    deliveries.write_text("settlement_id,litres\nSET-001,100\n")
    assert main(args) == 1
    assert "arrived_at" in capsys.readouterr().err
