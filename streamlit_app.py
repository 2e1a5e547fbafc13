"""Settlement Atlas in the browser: page config, the shared sidebar, and navigation."""

from __future__ import annotations

import streamlit as st

from atlas.registry import standard_names
from pages.state import session
from pages.state.sources import (
    SAMPLE,
    current_source,
    current_standard,
    served_source,
    served_standard,
)
from pages.state.view import view

st.set_page_config(page_title="Settlement Atlas", page_icon="🗺️", layout="wide")

PAGES = [
    st.Page("pages/map.py", title="Map", icon=":material/map:", default=True),
    st.Page("pages/clusters.py", title="Clusters", icon=":material/bar_chart:"),
    st.Page("pages/settlement.py", title="Settlement profile", icon=":material/home_work:"),
    st.Page("pages/schedules.py", title="Water deliveries", icon=":material/local_shipping:"),
    st.Page("pages/hazards.py", title="Population and hazards", icon=":material/flood:"),
    st.Page("pages/data.py", title="Data", icon=":material/upload_file:"),
    st.Page("pages/standards.py", title="Standards", icon=":material/rule:"),
]

page = st.navigation(PAGES)

with st.sidebar:
    st.title("Settlement Atlas")
    sources = [s for s in (served_source(), SAMPLE, session.uploaded()) if s is not None]
    chosen = current_source()
    session.set_source(
        st.radio(
            "Dataset",
            sources,
            index=sources.index(chosen) if chosen in sources else 0,
            format_func=lambda s: s.label,
        )
    )
    presets = standard_names()
    served = served_standard()
    options = presets if served in presets else [served, *presets]
    st.selectbox(
        "Standard",
        options,
        index=options.index(current_standard()),
        key=session.STANDARD,
    )
    current = view()
    clusters = [None, *current.result.clusters["cluster"].tolist()]
    st.selectbox(
        "Cluster",
        clusters,
        format_func=lambda c: "All clusters" if c is None else c,
        key=session.CLUSTER,
    )
    st.selectbox("Service", list(current.standard.categories), key=session.CATEGORY)
    st.caption(f"Standard: {current.standard.name}. Source: {current.standard.source}.")

page.run()
