"""Water deliveries: did the tankers come when the published schedule promised? (issue 6)."""

from __future__ import annotations

import copy

import streamlit as st
from streamlit_folium import st_folium

import atlas
from atlas.i18n import format_number
from atlas.problems import warning_lines
from atlas.registry import SAMPLE_DELIVERIES, SAMPLE_SCHEDULE
from atlas.schedules import (
    BASIC_LITRES_PER_PERSON_DAY,
    compliance_table,
    delivery_sentences,
    settlement_names,
    timeline_frame,
)
from layers.charts import delivery_timeline
from layers.text import markdown_text as md
from pages.state.deliveries import DeliveriesUsed, comparison, delivery_map, delivery_rollup
from pages.state.uploads import store_upload
from pages.state.view import view

SHARE = {"Compliance": st.column_config.ProgressColumn(min_value=0, max_value=1)}

v = view()
st.header("Water deliveries")
st.caption(
    "The published tanker schedule against what residents noted arriving. A delivery is "
    "on time within the tolerance around its window, and in full unless it brought less "
    "than the scheduled volume by more than the tolerance."
)
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
used = DeliveriesUsed(
    v.source, schedule_path, deliveries_path, start, end, late_hours, short_percent
)
st.session_state["deliveries_used"] = used

left_out = warning_lines(result.reports)
if left_out:
    with st.expander(f"{len(left_out)} problem(s) in the files: some rows were left out"):
        for line in left_out:
            st.markdown(f"- {md(line)}")

st.subheader("In plain words")
sentences = delivery_sentences(result.outcomes, (start, end))
st.markdown("\n".join(f"- {md(line)}" for line in sentences))

names = settlement_names(v.dataset.settlements)
st.subheader("Per settlement")
st.caption(
    f"Litres per person per day against the national basic "
    f"{format_number(BASIC_LITRES_PER_PERSON_DAY)} litres; empty where the population is unknown."
)
per_settlement = compliance_table(delivery_rollup(used, v.standard_name), "settlement", names)
st.dataframe(per_settlement, hide_index=True, width="stretch", column_config=SHARE)

st.subheader("On the map")
online = st.toggle(
    "OpenStreetMap background (needs internet)", value=False, key="deliveries_online_tiles"
)
st_folium(
    # st_folium alters the map it renders: hand it a copy of the cached one.
    copy.deepcopy(delivery_map(used, v.standard_name, online)),
    returned_objects=[],
    height=520,
    use_container_width=True,
    key=f"deliveries-map-{v.source.label}-{schedule_path}-{deliveries_path}-{start}-{end}-"
    f"{late_hours}-{short_percent}-{online}",
)

st.subheader("Per provider")
per_provider = compliance_table(delivery_rollup(used, v.standard_name, "provider"), "provider")
st.dataframe(per_provider, hide_index=True, width="stretch", column_config=SHARE)

st.subheader("Every delivery")
timeline = timeline_frame(result.outcomes, names)
if timeline.empty:
    st.info("No deliveries were scheduled or reported in this period.")
else:
    st.altair_chart(delivery_timeline(timeline), width="stretch")
