"""Standards: the presets with their sources, and the numbers in force."""

import pandas as pd
import streamlit as st

from app_pages.state.sources import load_standard
from app_pages.state.view import view
from atlas.registry import standard_names

v = view()
st.header("Standards")
st.markdown(f"**In force: {v.standard.name}** — source: {v.standard.source}")
if v.standard.notes:
    st.caption(v.standard.notes)


def rules(name: str) -> pd.DataFrame:
    standard = load_standard(name)
    return pd.DataFrame(
        {
            "Service": list(standard.categories),
            "Point": [r.point_label for r in standard.categories.values()],
            "Counted in": [r.unit for r in standard.categories.values()],
            "Most served by one point": [r.max_per_point for r in standard.categories.values()],
            "Walking distance (m)": [r.max_distance_m for r in standard.categories.values()],
            "Note": [r.distance_note for r in standard.categories.values()],
        }
    )


for name in standard_names():
    standard = load_standard(name)
    with st.expander(f"{standard.name} ({name})", expanded=name == v.standard_name):
        st.write(f"Source: {standard.source}")
        st.write(f"People per household (to estimate missing counts): {standard.household_size:g}")
        st.dataframe(rules(name), hide_index=True, width="stretch")
