"""Standards: the presets with their sources, and the numbers in force."""

import streamlit as st

from atlas.registry import standard_names
from atlas.summaries.phrases import standard_table
from pages.state.sources import load_standard
from pages.state.view import view

v = view()
st.header("Standards")
st.markdown(f"**In force: {v.standard.name}** — source: {v.standard.source}")
if v.standard.notes:
    st.caption(v.standard.notes)

for name in standard_names():
    standard = load_standard(name)
    with st.expander(f"{standard.name} ({name})", expanded=name == v.standard_name):
        st.write(f"Source: {standard.source}")
        st.write(f"People per household (to estimate missing counts): {standard.household_size:g}")
        st.dataframe(standard_table(standard), hide_index=True, width="stretch")
