"""Population and hazards: gridded data beside the settlement figures.

A population raster (people per cell or per km²) estimates each settlement's people: shown beside
the counts, and filling the demand of settlements with neither households nor population. A
hazard raster (flood zones, levels above a threshold) shows who lives in the hazard zone.
"""

import streamlit as st

from atlas.i18n import N_, _
from atlas.raster import estimate_table, most_exposed_first
from atlas.summaries.exposure import shown_estimates, shown_exposure, shown_hazard_clusters
from atlas.summaries.phrases import hazard_sentences, raster_demand_sentences, with_cluster_labels
from layers.text import markdown_list
from layers.text import markdown_text as md
from pages.state.guard import guard
from pages.state.rasters import (
    choose_kind,
    choose_raster,
    choose_rule,
    remember_checked,
    sample_flood,
    sample_population,
)
from pages.state.view import exposure, exposure_by_cluster, view

# The name stays on screen while a phone scrolls a table sideways to the numbers.
pinned = st.column_config.Column(pinned=True)
st.header(_("Population and hazards"))
st.caption(
    _(
        "Load a single-band GeoTIFF in any CRS, e.g. a WorldPop population count or a flood "
        "map. Files stay on this computer's server. This page gives the numbers; the rasters "
        "you choose here are drawn on the Map page, with a legend and opacity."
    )
)
st.page_link("pages/map.py", label=_("See them on the Map page"), icon=":material/map:")

left, right = st.columns(2)
with left:
    population = choose_raster("population", sample_population())
    if population is not None:
        population = choose_kind(population)
with right:
    hazard = choose_raster("hazard", sample_flood())
    if hazard is not None:
        hazard = choose_rule(hazard)
remember_checked("population", population)
remember_checked("hazard", hazard)

v = view()
# The cluster chosen in the sidebar, as on every other page.
settlements = v.result.settlements
if v.cluster is not None:
    settlements = settlements[settlements["cluster"] == v.cluster]
    st.caption(
        md(
            _(
                "{cluster} only: choose All clusters in the sidebar to see every one.",
                cluster=v.cluster,
            )
        )
    )
with guard(N_("the population estimates")):
    if v.population is not None:
        st.subheader(_("People: the settlements' own figures and the raster's estimate"))
        for sentence in raster_demand_sentences(settlements):
            st.markdown(md(sentence))
        table = shown_estimates(estimate_table(settlements))
        st.dataframe(
            table, hide_index=True, width="stretch", column_config={_("Settlement"): pinned}
        )
with guard(N_("the exposure to the hazard")):
    if v.hazard is not None:
        per_cluster = exposure_by_cluster(v.source, v.standard_name, v.hazard, v.population)
        hit = exposure(v.source, v.standard_name, v.hazard, v.population)
        if v.cluster is not None:
            per_cluster = per_cluster[per_cluster["cluster"] == v.cluster]
            hit = hit[hit["cluster"] == v.cluster]
        per_cluster = with_cluster_labels(per_cluster)
        st.subheader(_("Who lives in {zone} ({rule})", zone=v.hazard.zone, rule=v.hazard.rule))
        st.markdown(markdown_list(hazard_sentences(per_cluster, v.hazard.zone)))
        st.caption(_("Per cluster:"))
        st.dataframe(
            shown_hazard_clusters(per_cluster),
            hide_index=True,
            width="stretch",
            column_config={_("Cluster"): pinned},
        )
        st.caption(_("Per settlement, the largest share of area first:"))
        worst = most_exposed_first(hit)
        st.dataframe(
            shown_exposure(worst),
            hide_index=True,
            width="stretch",
            column_config={_("Settlement"): pinned},
        )
if v.population is None and v.hazard is None:
    st.info(_("Choose a population or a hazard raster above."))
