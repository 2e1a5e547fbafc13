"""Clusters: where each cluster, and each settlement of the chosen cluster, stands."""

import streamlit as st

from atlas.phrases import gap_table
from pages.state import view

v = view()
st.header("Clusters")
st.caption(f"Measured against: {v.standard.name} ({v.standard.source}).")

st.subheader("All clusters")
st.dataframe(
    gap_table(v.result.clusters, v.standard, key="cluster"), hide_index=True, width="stretch"
)

members = v.result.settlements
if v.cluster is not None:
    members = members[members["cluster"] == v.cluster]
    totals = v.result.clusters.set_index("cluster").loc[v.cluster]
    st.subheader(v.cluster)
    label = v.standard.rule("water").point_label
    cols = st.columns(4)
    cols[0].metric("Households", f"{totals['households']:,.0f}")
    cols[1].metric(f"Working {label}s", f"{totals['water_working']:,}")
    cols[2].metric(f"{label.capitalize()}s needed", f"{totals['water_needed']:,}")
    cols[3].metric(f"{label.capitalize()}s missing", f"{totals['water_gap']:,}")
else:
    st.subheader("All settlements")

table = gap_table(members, v.standard)
st.dataframe(table, hide_index=True, width="stretch")
missing = [c for c in table.columns if c.endswith("missing")]
st.bar_chart(table.set_index("Settlement")[missing], horizontal=True, stack=False)
