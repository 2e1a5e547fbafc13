"""Standards: the presets and the session's own standards with their sources, and the numbers
in force."""

import streamlit as st

from atlas.i18n import _
from atlas.summaries.phrases import standard_table
from layers.text import markdown_text as md
from pages.state.sources import load_standard, standard_label, standard_options
from pages.state.view import view

v = view()
st.header(_("Standards"))
st.markdown(
    _(
        "**In force: {standard}** — source: {source}",
        standard=md(v.standard.name),
        source=md(v.standard.source),
    )
)
if v.standard.notes:
    st.caption(md(v.standard.notes))

for name in standard_options():
    standard = load_standard(name)
    label = standard_label(name)
    title = label if label.startswith(standard.name) else f"{standard.name} ({label})"
    with st.expander(md(title), expanded=name == v.standard_name):
        st.write(md(_("Source: {source}", source=standard.source)))
        st.write(
            _(
                "People per household (to estimate missing counts): {size}",
                size=f"{standard.household_size:g}",
            )
        )
        st.dataframe(standard_table(standard), hide_index=True, width="stretch")
