"""Water deliveries: did the tankers come when the published schedule promised? (issue 6)."""

from __future__ import annotations

import copy
from datetime import date

import altair as alt
import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

import atlas
from app_pages.state.deliveries import DeliveriesUsed, comparison
from app_pages.state.sources import Source, categories_of, load_source
from app_pages.state.uploads import store_upload
from app_pages.state.view import view
from atlas.cli_schedule import SAMPLE_DELIVERIES, SAMPLE_SCHEDULE
from atlas.phrases import format_number
from atlas.schedules import (
    BASIC_LITRES_PER_PERSON_DAY,
    STATUS_WORDS,
    compliance,
    compliance_sentence,
    timeline_frame,
)
from layers.deliveries import compliance_map
from layers.text import markdown_text as md

COLOURS = {
    "delivered": "#1b7837",
    "late": "#e08214",
    "short": "#c2a5cf",
    "missed": "#b2182b",
    "unscheduled": "#6a6a6a",
}


@st.cache_resource(max_entries=16, show_spinner="Drawing the map…")
def delivery_map(
    source: Source,
    standard: str,
    schedule: str,
    deliveries: str,
    start: date,
    end: date,
    late_hours: float,
    short_percent: float,
    online_tiles: bool,
) -> folium.Map:
    """The settlements coloured by delivery compliance (cached; st_folium gets a copy)."""
    polygons = load_source(source, categories_of(standard)).settlements
    result = comparison(
        source, standard, schedule, deliveries, start, end, late_hours, short_percent
    )
    per = compliance(result.outcomes, "settlement", settlements=polygons, period=(start, end))
    return compliance_map(polygons, per, online_tiles=online_tiles)


v = view()
st.header("Water deliveries")
st.caption(
    "The published tanker schedule against what residents noted arriving. A delivery is "
    "on time within the tolerance around its window, and in full unless it brought less "
    "than the scheduled volume by more than the tolerance."
)

settlements = pd.DataFrame(v.dataset.settlements.drop(columns="geometry"))
names = dict(zip(settlements["settlement_id"], settlements["name"].fillna(""), strict=True))
source = st.radio(
    "Schedule and reports",
    ["Sample schedule and reports", "My files"],
    horizontal=True,
    key="schedule_source",
)
schedule_path, deliveries_path = str(SAMPLE_SCHEDULE), str(SAMPLE_DELIVERIES)
if source == "My files":
    upload = st.columns(2)
    schedule_file = upload[0].file_uploader("Schedule (CSV)", type=["csv"], key="schedule_file")
    deliveries_file = upload[1].file_uploader(
        "Delivery reports (CSV)", type=["csv"], key="deliveries_file"
    )
    st.caption(
        "Schedule columns: settlement_id, provider, weekday or date, start, end, litres and/or "
        "tanks, valid_from, valid_to. Reports: settlement_id, arrived_at, litres and/or tanks, "
        "reporter, note. Times are local (South African) time."
    )
    if schedule_file is None or deliveries_file is None:
        st.info("Upload both files to compare them.")
        st.stop()
    schedule_path = str(store_upload(schedule_file.getvalue(), schedule_file.name))
    deliveries_path = str(store_upload(deliveries_file.getvalue(), deliveries_file.name))

cols = st.columns(3)
late_hours = cols[0].number_input(
    "On time within (hours of the window)", 0.0, 12.0, 2.0, 0.5, key="late_hours"
)
short_percent = cols[1].number_input(
    "In full within (% below the volume)", 0.0, 90.0, 10.0, 5.0, key="short_percent"
)
files = (v.source, v.standard_name, schedule_path, deliveries_path)
try:
    first = comparison(*files, None, None, late_hours, short_percent)
    period = cols[2].date_input(
        "Period", value=first.period, format="YYYY-MM-DD", key="schedule_period"
    )
    start, end = (period[0], period[-1]) if isinstance(period, tuple) and period else first.period
    result = comparison(*files, start, end, late_hours, short_percent)
except atlas.AtlasError as exc:
    st.error(md(exc))
    st.stop()
# The Clusters page's downloads and report include this comparison for this dataset.
st.session_state["deliveries_used"] = DeliveriesUsed(
    v.source, schedule_path, deliveries_path, start, end, late_hours, short_percent
)

left_out = [p for r in result.reports for p in r.warnings]
if left_out:
    with st.expander(f"{len(left_out)} problem(s) in the files: some rows were left out"):
        for report in result.reports:
            for problem in report.warnings:
                st.markdown(f"- {report.layer}: {md(problem.format())}")

outcomes = result.outcomes
overall = outcomes["status"].value_counts()
scheduled = int(overall.drop("unscheduled", errors="ignore").sum())
delivered = int(overall.get("delivered", 0))
st.subheader("In plain words")
lines = [f"{compliance_sentence(scheduled, delivered)} from {start} to {end}."]
for status in ("late", "short", "missed"):
    count = int(overall.get(status, 0))
    if count:
        noun = "delivery was" if count == 1 else "deliveries were"
        lines.append(f"{format_number(count)} scheduled {noun} {status}.")
extra = int(overall.get("unscheduled", 0))
if extra:
    lines.append(f"{format_number(extra)} reported deliveries were not on the schedule.")
st.markdown("\n".join(f"- {md(line)}" for line in lines))

per_settlement = compliance(
    outcomes, "settlement", settlements=settlements, period=(start, end)
).assign(name=lambda t: t["settlement_id"].map(names))
labels = {
    "scheduled": "Scheduled",
    "delivered": "On time and in full",
    "late": "Late",
    "short": "Short",
    "missed": "Missed",
    "unscheduled": "Not on the schedule",
    "compliance": "Compliance",
    "litres_per_person_day": "Litres per person per day",
}
st.subheader("Per settlement")
st.caption(
    f"Litres per person per day against the national basic "
    f"{format_number(BASIC_LITRES_PER_PERSON_DAY)} litres; empty where the population is unknown."
)
st.dataframe(
    per_settlement.rename(columns={"name": "Settlement", "settlement_id": "Id", **labels})[
        ["Settlement", "Id", *labels.values()]
    ],
    hide_index=True,
    width="stretch",
    column_config={"Compliance": st.column_config.ProgressColumn(min_value=0, max_value=1)},
)
st.subheader("On the map")
online = st.toggle(
    "OpenStreetMap background (needs internet)", value=False, key="deliveries_online_tiles"
)
st_folium(
    # st_folium alters the map it renders: hand it a copy of the cached one.
    copy.deepcopy(
        delivery_map(
            v.source,
            v.standard_name,
            schedule_path,
            deliveries_path,
            start,
            end,
            late_hours,
            short_percent,
            online,
        )
    ),
    returned_objects=[],
    height=520,
    use_container_width=True,
    key=f"deliveries-map-{v.source.label}-{schedule_path}-{deliveries_path}-{start}-{end}-"
    f"{late_hours}-{short_percent}-{online}",
)

st.subheader("Per provider")
per_provider = compliance(outcomes, "provider", settlements=settlements, period=(start, end))
st.dataframe(
    per_provider.rename(columns={"provider": "Provider", **labels}),
    hide_index=True,
    width="stretch",
    column_config={"Compliance": st.column_config.ProgressColumn(min_value=0, max_value=1)},
)

st.subheader("Every delivery")
timeline = timeline_frame(outcomes, names)
if timeline.empty:
    st.info("No deliveries were scheduled or reported in this period.")
else:
    chart = (
        alt.Chart(timeline)
        .mark_point(filled=True, size=90)
        .encode(
            x=alt.X("day:T", title="Day"),
            y=alt.Y("settlement:N", title=None),
            color=alt.Color(
                "outcome:N",
                title="Outcome",
                scale=alt.Scale(
                    domain=[STATUS_WORDS[s] for s in COLOURS], range=list(COLOURS.values())
                ),
            ),
            shape=alt.Shape("outcome:N", legend=None),
            tooltip=["settlement", "day:T", "outcome", "window", "arrived", "delivered_litres"],
        )
        .properties(height=alt.Step(28))
    )
    st.altair_chart(chart, width="stretch")
