"""Map: settlements coloured by their service gap, service points, wards; click for a profile."""

import streamlit as st

from atlas.summaries.phrases import cluster_label
from atlas.summaries.profile import settlement_profile
from layers.text import markdown_text as md
from pages.state import session
from pages.state.maps import map_for, show_map
from pages.state.reports import reports_on_map
from pages.state.view import view

v = view()
st.header("Map")
metric = st.radio(
    "Colour settlements by",
    ["gap", "ratio", "coverage"],
    format_func={
        "gap": "points missing",
        "ratio": "people per point",
        "coverage": "within walking distance",
    }.get,
    horizontal=True,
    key=session.METRIC,
)
online = st.toggle(
    "OpenStreetMap background (needs internet)", value=False, key=session.ONLINE_TILES
)
# Rasters chosen on the Population and hazards page: the hazard is drawn on top.
overlays = tuple(r for r in (v.population, v.hazard) if r is not None)
# The signed-in user's open reports: drawn on this session's copy of the shared map only.
reports, reports_key = reports_on_map()
left, right = st.columns([3, 2])
with left:
    clicked = show_map(
        map_for(
            v.source,
            v.standard_name,
            v.category,
            str(metric),
            v.cluster,
            online,
            v.population,
            overlays,
        ),
        key=session.map_key(
            session.MAP,
            v.source.label,
            v.standard_name,
            v.category,
            metric,
            v.cluster,
            online,
            hash(overlays),
            reports_key,
        ),
        height=640,
        returned_objects=["last_active_drawing"],
        overlays=reports,
    )
with right:
    feature = (clicked or {}).get("last_active_drawing") or {}
    settlement_id = (feature.get("properties") or {}).get("settlement_id")
    if not settlement_id:
        st.info("Click a settlement on the map to see its profile here.")
    else:
        profile = settlement_profile(v.result, v.dataset, settlement_id)
        st.subheader(md(profile.record["name"]))
        for sentence in profile.sentences:
            st.markdown(f"**{md(sentence)}**")
        for flag in profile.flags:
            st.warning(md(flag))
        st.caption(
            md(
                f"Primary ward: {profile.record['ward_id'] or 'none'}. "
                f"Cluster: {cluster_label(profile.record['cluster'])}."
            )
        )
