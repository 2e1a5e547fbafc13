"""The water deliveries page in AppTest, on the sample schedule and reports and on uploads."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

import atlas
from atlas.registry import SAMPLE_DELIVERIES, SAMPLE_SCHEDULE
from atlas.schedules import Comparison, compare_files, compliance, compliance_sentence

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "schedules.py")


def page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def sample_result() -> tuple[Comparison, pd.DataFrame]:
    settlements = atlas.load_sample().settlements
    ids = list(settlements["settlement_id"])
    return compare_files(SAMPLE_SCHEDULE, SAMPLE_DELIVERIES, ids), settlements


def test_the_page_shows_the_sample_in_plain_words_tables_and_a_chart() -> None:
    at = page()
    assert not at.error
    result, settlements = sample_result()
    statuses = result.outcomes["status"].value_counts()
    scheduled = int(statuses.drop("unscheduled").sum())
    sentence = compliance_sentence(scheduled, int(statuses["delivered"]))
    assert sentence in at.markdown[0].value
    per = compliance(result.outcomes, settlements=settlements, period=result.period)
    shown = at.dataframe[0].value.set_index("Id")
    for record in per.to_dict("records"):
        assert shown.loc[record["settlement_id"], "Missed"] == record["missed"]
        assert shown.loc[record["settlement_id"], "Scheduled"] == record["scheduled"]
    providers = at.dataframe[1].value
    assert len(providers) == 3
    (chart,) = at.get("vega_lite_chart")
    assert "Outcome" in chart.proto.spec


def test_stricter_tolerance_and_a_shorter_period_change_the_counts() -> None:
    at = page()
    before = at.dataframe[0].value["On time and in full"].sum()
    at.number_input(key="late_hours").set_value(0.0).run()
    assert not at.exception
    after = at.dataframe[0].value["On time and in full"].sum()
    assert after < before
    at.date_input(key="schedule_period").set_value((date(2026, 8, 1), date(2026, 8, 31))).run()
    assert not at.exception
    assert "from 2026-08-01 to 2026-08-31" in at.markdown[0].value


def test_my_files_asks_for_uploads() -> None:
    at = page()
    at.radio(key="schedule_source").set_value("My files").run()
    assert not at.exception
    assert any("Upload both files" in i.value for i in at.info)


def test_the_map_colours_settlements_by_compliance_offline() -> None:
    at = page()
    (component,) = at.get("component_instance")
    args = component.proto.json_args
    assert "Water deliveries" in args and "Deliveries on time and in full" in args
    result, settlements = sample_result()
    per = compliance(result.outcomes, settlements=settlements, period=result.period)
    first = per[per["scheduled"] > 0].iloc[0]
    assert compliance_sentence(int(first["scheduled"]), int(first["delivered"])) in args
    assert "http://" not in args and "https://" not in args
