"""Map: settlements coloured by their service gap, service points, wards; click for a profile.

The map takes the page's width (a projector, a phone) and the clicked settlement's profile
comes below it; the legends fold (layers.maps).
"""

import streamlit as st

from atlas.i18n import N_, _
from atlas.summaries.phrases import cluster_label
from atlas.summaries.profile import primary_ward, settlement_profile
from layers.text import markdown_text as md
from pages.state import keys, session
from pages.state.contacts import responsible_lines
from pages.state.guard import guard
from pages.state.maps import map_for, show_map
from pages.state.reports import reports_on_map
from pages.state.timeline import as_of_control
from pages.state.view import gaps_shown, view

#: Tall enough to read a cluster, short enough to leave the top of the profile in a 900 px window.
MAP_HEIGHT = 560
#: What the settlements can be coloured by, as the radio names it.
METRICS = {
    "gap": N_("points missing"),
    "ratio": N_("people per point"),
    "coverage": N_("within walking distance"),
}

st.header(_("Map"))
timing = as_of_control()
v = view(timing, with_map=True)
gaps_shown(v)
choice, background = st.columns([3, 2], vertical_alignment="bottom")
metric = choice.radio(
    _("Colour settlements by"),
    ["gap", "ratio", "coverage"],
    format_func=lambda m: _(METRICS[m]),
    horizontal=True,
    key=keys.METRIC,
)
online = background.toggle(
    _("OpenStreetMap background (needs internet)"), value=False, key=keys.ONLINE_TILES
)
# Rasters chosen on the Population and hazards page: the hazard is drawn on top.
overlays = tuple(r for r in (v.population, v.hazard) if r is not None)
# The signed-in user's open reports: drawn on this session's copy of the shared map only.
reports, reports_key = reports_on_map()
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
        timing,
    ),
    key=keys.map_key(
        keys.MAP,
        v.source.label,
        v.standard_name,
        v.category,
        metric,
        v.cluster,
        online,
        hash(overlays),
        hash(timing),
        reports_key,
    ),
    height=MAP_HEIGHT,
    returned_objects=["last_active_drawing"],
    overlays=reports,
)
feature = (clicked or {}).get("last_active_drawing") or {}
settlement_id = (feature.get("properties") or {}).get("settlement_id")
if not settlement_id:
    st.info(_("Click a settlement on the map to see its profile here, below the map."))
else:
    # The Settlement profile page opens on the settlement clicked last.
    with guard(N_("the profile of the settlement you clicked")):
        session.set_settlement(settlement_id)
        profile = settlement_profile(v.result, v.dataset, settlement_id)
        st.subheader(md(profile.record["name"]))
        for sentence in profile.sentences:
            st.markdown(f"**{md(sentence)}**")
        for flag in profile.flags:
            st.warning(md(flag))
        st.caption(
            md(
                _(
                    "Primary ward: {ward}. Cluster: {cluster}.",
                    ward=primary_ward(profile),
                    cluster=cluster_label(profile.record["cluster"]),
                )
            )
        )
        responsible_lines(profile, v.standard.categories, v.dataset)
        st.page_link(
            "pages/settlement.py", label=_("Its full profile"), icon=":material/home_work:"
        )
