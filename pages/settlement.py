"""Settlement profile: everything the atlas knows about one settlement."""

import streamlit as st

import atlas
from atlas.history import out_of_service_for
from atlas.i18n import N_, _, format_number, noun, shown_count
from atlas.summaries.phrases import cluster_label, estimate_sentence, settlement_hazard_sentence
from atlas.summaries.profile import (
    point_table,
    primary_ward,
    service_table,
    settlement_profile,
    ward_table,
)
from layers.text import markdown_text as md
from pages.state import keys, session
from pages.state.contacts import responsible_section
from pages.state.guard import guard
from pages.state.messages import error_text
from pages.state.reports import settlement_reports
from pages.state.timeline import as_of_control, working_history_chart
from pages.state.view import exposure, gaps_shown, view

st.header(_("Settlement profile"))
timing = as_of_control()
v = view(timing)
gaps_shown(v)
settlements = v.result.settlements
if v.cluster is not None:
    settlements = settlements[settlements["cluster"] == v.cluster]
ids = settlements["settlement_id"].tolist()
names = dict(zip(settlements["settlement_id"], settlements["name"], strict=True))
if session.settlement() not in ids:
    session.set_settlement(ids[0] if ids else None)
chosen = st.selectbox(
    _("Settlement"),
    ids,
    format_func=lambda i: _("{name} ({id})", name=names[i], id=i),
    key=keys.SETTLEMENT,
)
if chosen is None:
    st.info(_("No settlement in this selection."))
    st.stop()
try:
    profile = settlement_profile(v.result, v.dataset, chosen)
except atlas.AtlasError as exc:
    st.error(error_text(exc))
    st.stop()

record = profile.record
st.subheader(md(record["name"]))
cols = st.columns(5 if v.population else 4)
cols[0].metric(_("Households"), shown_count(record["households"]))
cols[1].metric(_("Population"), shown_count(record["population"]))
cols[2].metric(_("Cluster"), cluster_label(record["cluster"]))
cols[3].metric(_("Primary ward"), primary_ward(profile))
if v.population is not None:
    cols[4].metric(_("People (raster estimate)"), shown_count(record["population_estimate"]))
    st.markdown(md(estimate_sentence(record) or ""))
with guard(N_("its exposure to the hazard")):
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

# The name stays on screen while a phone scrolls a table sideways to the numbers.
pinned = st.column_config.Column(pinned=True)
st.subheader(_("Against the standard"))
st.dataframe(
    service_table(profile),
    hide_index=True,
    width="stretch",
    column_config={_("Service"): pinned},  # the table's heading, in the session's language
)
st.subheader(_("Who is responsible"))
with guard(N_("who is responsible")):
    responsible_section(profile, v.standard.categories, v.dataset)
st.subheader(_("Wards"))
if profile.wards.empty:
    st.caption(
        _("It lies in no ward of the wards layer.")
        if profile.has_wards
        else _("No wards layer is loaded: add one on the Data page to see its wards.")
    )
else:
    st.dataframe(ward_table(profile), hide_index=True)
st.subheader(_("Service points ({count})", count=format_number(len(profile.services))))
if profile.services.empty:
    st.caption(_("No service point is attributed to it."))
else:
    out = (
        {}
        if timing is None
        else out_of_service_for(profile.services, timing.moment, timing.point_spells())
        .set_axis(profile.services["service_id"].astype(str))
        .dropna()
        .to_dict()
    )
    st.dataframe(
        point_table(profile, out),
        hide_index=True,
        width="stretch",
        column_config={_("Service point"): pinned},
    )
st.subheader(_("Over time"))
with guard(N_("the chart over time")):
    working_history_chart(
        v.source,
        v.standard_name,
        v.population,
        timing,
        (str(chosen),),
        {c: noun(v.standard.rule(c).point_label, 2) for c in v.standard.categories},
    )
st.subheader(_("Open reports, the oldest first"))
with guard(N_("the open reports")):
    settlement_reports(chosen, record["cluster"])
