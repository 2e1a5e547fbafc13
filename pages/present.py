"""Present: the meeting room's slides, one settlement at a time, for the projector or a wall."""

import streamlit as st

import atlas
from atlas.i18n import _
from layers.text import markdown_text as md
from pages.state.messages import error_text
from pages.state.slides import deck_page
from pages.state.view import gaps_shown, view

v = view()
gaps_shown(v)
# The sidebar's named clusters, in its order.
named = [str(c) for c in v.result.clusters["cluster"].dropna()]
# The title and the choice share a row, so that the slides fit under them on a 720 px screen.
title, choice = st.columns([1, 2], vertical_alignment="bottom")
title.header(_("Present"))
if not named:
    st.info(_("This dataset has no clusters: give the settlements a cluster on the Data page."))
    st.stop()
cluster = v.cluster
if cluster is None:
    # "All clusters" in the sidebar: the slides are of one cluster, chosen here.
    cluster = choice.selectbox(_("Cluster to present"), named)
else:
    choice.caption(md(_("{cluster} (chosen in the sidebar)", cluster=cluster)))
try:
    deck = deck_page(v.source, v.standard_name, cluster, v.category, v.population)
except atlas.AtlasError as exc:
    st.error(error_text(exc, _("The slides cannot be made")))
    st.stop()
st.html(deck, unsafe_allow_javascript=True)
st.caption(
    md(
        _(
            "{cluster}: {service}, measured against {standard}.",
            cluster=cluster,
            service=v.category,
            standard=v.standard.name,
        )
    )
    + " "
    + _(
        "Click the slides, then ← → or PageUp / PageDown (a presentation clicker) to move; "
        "F or the Full screen button for the projector. The Service in the sidebar chooses "
        "what the slides are about."
    )
)
