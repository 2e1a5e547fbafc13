"""Settlement profile: everything the atlas knows about one settlement."""

import streamlit as st

import atlas
from atlas.i18n import shown_number
from atlas.summaries.phrases import cluster_label, estimate_sentence, settlement_hazard_sentence
from atlas.summaries.profile import service_table, settlement_profile
from layers.text import markdown_text as md
from pages.state import session
from pages.state.messages import error_text
from pages.state.reports import settlement_reports
from pages.state.view import exposure, view

v = view()
st.header("Settlement profile")
settlements = v.result.settlements
if v.cluster is not None:
    settlements = settlements[settlements["cluster"] == v.cluster]
ids = settlements["settlement_id"].tolist()
names = dict(zip(settlements["settlement_id"], settlements["name"], strict=True))
if session.settlement() not in ids:
    session.set_settlement(ids[0] if ids else None)
chosen = st.selectbox(
    "Settlement", ids, format_func=lambda i: f"{names[i]} ({i})", key=session.SETTLEMENT
)
if chosen is None:
    st.info("No settlement in this selection.")
    st.stop()
try:
    profile = settlement_profile(v.result, v.dataset, chosen)
except atlas.AtlasError as exc:
    st.error(error_text(exc))
    st.stop()

record = profile.record
st.subheader(md(record["name"]))
cols = st.columns(5 if v.population else 4)
cols[0].metric("Households", shown_number(record["households"]))
cols[1].metric("Population", shown_number(record["population"]))
cols[2].metric("Cluster", cluster_label(record["cluster"]))
cols[3].metric("Primary ward", record["ward_id"] or "none")
if v.population is not None:
    cols[4].metric("People (raster estimate)", shown_number(record["population_estimate"]))
    st.markdown(md(estimate_sentence(record) or ""))
if v.hazard is not None:
    hit = exposure(v.source, v.standard_name, v.hazard, v.population).set_index("settlement_id")
    share, people = hit.loc[chosen, ["hazard_area_share", "hazard_population"]]
    st.markdown(
        f"**{md(settlement_hazard_sentence(record['name'], share, people, v.hazard.zone))}**"
    )
for flag in profile.flags:
    st.warning(md(flag))
for sentence in profile.sentences:
    st.markdown(f"#### {md(sentence)}")

st.subheader("Against the standard")
st.dataframe(
    service_table(profile),
    hide_index=True,
    width="stretch",
    column_config={
        "Within walking distance": st.column_config.ProgressColumn(
            format="percent", min_value=0, max_value=1
        )
    },
)
st.subheader("Wards")
st.dataframe(
    profile.wards.rename(columns={"ward_id": "Ward", "share": "Share of area"}),
    hide_index=True,
    column_config={"Share of area": st.column_config.NumberColumn(format="percent")},
)
st.subheader(f"Service points ({len(profile.services)})")
st.dataframe(profile.services, hide_index=True, width="stretch")
st.subheader("Open reports")
settlement_reports(chosen, record["cluster"])
