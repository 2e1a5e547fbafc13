"""A comparison in plain words and readable tables (atlas/schedules/tables.py), on the hand-worked
case of tests/atlas/test_schedules.py: 7 scheduled deliveries, of which 3 delivered (A 08-03,
B 08-03, B 08-17), 2 late (A 08-10, B 08-10), 1 short (A 08-05), 1 missed (A 08-17), plus 1
unscheduled report (A 08-06)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from atlas.errors import SchemaError
from atlas.problems import Problem, Report, warning_lines
from atlas.schedules import (
    ROLLUP_COLUMNS,
    ROLLUP_LABELS,
    compliance,
    compliance_table,
    delivery_sentences,
    settlement_names,
)
from tests.atlas.test_schedules import END, SETTLEMENTS, START, outcomes

PERIOD = (START, END)


def test_sentences_of_the_hand_worked_case() -> None:
    assert delivery_sentences(outcomes(), PERIOD) == [
        "3 of 7 scheduled deliveries arrived on time and in full from 2026-08-03 to 2026-08-17.",
        "2 scheduled deliveries were late.",
        "1 scheduled delivery was short.",
        "1 scheduled delivery was missed.",
        "1 reported delivery was not on the schedule.",
    ]


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], ["No deliveries were scheduled in this period from 2026-08-01 to 2026-08-02."]),
        (
            ["delivered", "delivered"],
            [
                "2 of 2 scheduled deliveries arrived on time and in full from 2026-08-01 to "
                "2026-08-02."
            ],
        ),
        (
            ["unscheduled", "unscheduled"],
            [
                "No deliveries were scheduled in this period from 2026-08-01 to 2026-08-02.",
                "2 reported deliveries were not on the schedule.",
            ],
        ),
        (
            ["missed"],
            [
                "0 of 1 scheduled delivery arrived on time and in full from 2026-08-01 to "
                "2026-08-02.",
                "1 scheduled delivery was missed.",
            ],
        ),
    ],
)
def test_sentences_leave_out_statuses_that_did_not_happen(
    statuses: list[str], expected: list[str]
) -> None:
    frame = pd.DataFrame({"status": pd.Series(statuses, dtype=object)})
    assert delivery_sentences(frame, (date(2026, 8, 1), date(2026, 8, 2))) == expected


def test_settlement_names_empty_where_missing() -> None:
    frame = pd.DataFrame({"settlement_id": ["A", "B"], "name": ["Alpha", None]})
    assert settlement_names(frame) == {"A": "Alpha", "B": ""}


def test_settlement_table_has_names_ids_and_plain_columns() -> None:
    per = compliance(outcomes(), "settlement", settlements=SETTLEMENTS, period=PERIOD)
    table = compliance_table(per, "settlement", {"A": "Alpha", "B": ""})
    assert list(table.columns) == ["Settlement", "Id", *ROLLUP_LABELS.values()]
    assert list(ROLLUP_LABELS) == ROLLUP_COLUMNS
    shown = table.set_index("Id")
    assert shown.loc["A", "Settlement"] == "Alpha" and shown.loc["B", "Settlement"] == ""
    # A: 4 scheduled, 1 on time and in full, 1 each late, short and missed, 1 unscheduled.
    assert list(shown.loc["A", ["Scheduled", "On time and in full", "Late", "Short"]]) == [
        4,
        1,
        1,
        1,
    ]
    assert shown.loc["A", "Compliance"] == 0.25
    assert shown.loc["A", "Litres per person per day"] == 18.0  # 27 000 l / 100 / 15 days
    assert list(shown.loc["B", ["Scheduled", "On time and in full", "Missed"]]) == [3, 2, 0]
    assert list(per.columns) == ["settlement_id", *ROLLUP_COLUMNS]  # the input is untouched


def test_provider_table_starts_with_the_provider() -> None:
    per = compliance(outcomes(), "provider", settlements=SETTLEMENTS, period=PERIOD)
    table = compliance_table(per, "provider")
    assert list(table.columns) == ["Provider", *ROLLUP_LABELS.values()]
    shown = table.set_index("Provider")
    assert shown.loc["P1", "Not on the schedule"] == 0
    assert shown.loc["P2", "Scheduled"] == 3


def test_an_empty_roll_up_keeps_its_columns() -> None:
    per = compliance(outcomes().iloc[0:0], "settlement", settlements=SETTLEMENTS, period=PERIOD)
    table = compliance_table(per, "settlement", {})
    assert table.empty and list(table.columns) == ["Settlement", "Id", *ROLLUP_LABELS.values()]


def test_unknown_level_is_refused() -> None:
    with pytest.raises(SchemaError, match="Unknown roll-up level 'delivery'"):
        compliance_table(pd.DataFrame(), "delivery")


def test_warning_lines_name_the_layer_and_skip_errors_and_notes() -> None:
    schedule = Report(
        "schedule",
        "s.csv",
        (
            Problem("error", "Broken."),
            Problem("warning", "Row left out.", "Fix it.", "start", (3,), ("25:00",)),
            Problem("info", "Mapped."),
        ),
    )
    deliveries = Report("deliveries", "d.csv", (Problem("warning", "Unknown settlement."),))
    assert warning_lines([schedule, Report("clean"), deliveries]) == [
        "schedule: warning: Row left out. (column 'start'; row 3; value '25:00') Fix: Fix it.",
        "deliveries: warning: Unknown settlement.",
    ]
