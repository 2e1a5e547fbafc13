"""Water deliveries: did the tankers come when the published schedule promised? (issue 6)."""

from __future__ import annotations

import streamlit as st

from atlas.i18n import N_, _, ngettext
from atlas.schedules import (
    compliance_table,
    delivery_sentences,
    litres_note,
    readable_compliance,
    settlement_names,
    timeline_frame,
)
from layers.charts import delivery_timeline
from layers.text import markdown_list
from pages.state import keys, session
from pages.state.columns import compliance_columns
from pages.state.contacts import contractor_lines
from pages.state.deliveries import (
    choose_comparison,
    delivery_map,
    delivery_rollup,
    schedule_files,
    sources_text,
)
from pages.state.guard import guard
from pages.state.maps import show_map
from pages.state.messages import warning_texts
from pages.state.recorded import delivery_form, recorded_deliveries
from pages.state.view import view

v = view()
st.header(_("Water deliveries"))
st.caption(
    _(
        "The published tanker schedule against what residents noted arriving. A delivery is "
        "on time within the tolerance around its window, and in full unless it brought less "
        "than the scheduled volume by more than the tolerance."
    )
)
# Signed in: the deliveries recorded in the atlas too (read now, as this user).
recorded = recorded_deliveries()
schedule_path, deliveries_path = schedule_files(reports_optional=recorded is not None)
used, result, combined = choose_comparison(
    v.source, v.standard_name, schedule_path, deliveries_path, recorded
)
# The Clusters page's downloads and report include this comparison for this dataset.
session.set_deliveries_used(used)
st.caption(sources_text(used, combined))
delivery_form()

left_out = warning_texts(result.reports)
if left_out:
    with st.expander(
        ngettext(
            "{n} problem in the files: rows left out or numbers read",
            "{n} problems in the files: rows left out or numbers read",
            len(left_out),
        )
    ):
        for line in left_out:
            st.markdown(f"- {line}")

st.subheader(_("In plain words"))
st.markdown(markdown_list(delivery_sentences(result.outcomes, (used.start, used.end))))

names = settlement_names(v.dataset.settlements)
st.subheader(_("Per settlement"))
st.caption(litres_note())
per_settlement = readable_compliance(
    compliance_table(delivery_rollup(used, v.standard_name, recorded=recorded), "settlement", names)
)
st.dataframe(per_settlement, hide_index=True, width="stretch", column_config=compliance_columns())

st.subheader(_("On the map"))
online = st.toggle(
    _("OpenStreetMap background (needs internet)"),
    value=False,
    key=keys.DELIVERIES_ONLINE_TILES,
)
with guard(N_("the map of deliveries")):
    show_map(
        delivery_map(used, v.standard_name, online, recorded),
        key=keys.map_key(keys.deliveries_map_key(used, online), recorded.key if recorded else ""),
        height=520,
        returned_objects=[],
    )

st.subheader(_("Per provider"))
with guard(N_("the table per provider")):
    by_provider = delivery_rollup(used, v.standard_name, "provider", recorded)
    per_provider = readable_compliance(compliance_table(by_provider, "provider"))
    st.dataframe(per_provider, hide_index=True, width="stretch", column_config=compliance_columns())
    # The contractor of each provider that came late or not at all.
    failing = by_provider[(by_provider["late"] + by_provider["missed"]) > 0]["provider"]
    contractor_lines([str(p) for p in failing.dropna()], v.dataset)

st.subheader(_("Every delivery"))
with guard(N_("the timeline of every delivery")):
    timeline = timeline_frame(result.outcomes, names)
    if timeline.empty:
        st.info(_("No deliveries were scheduled or reported in this period."))
    else:
        st.caption(
            _(
                "One mark per delivery, on its scheduled day (or the day it came, when it was "
                "not on the schedule); its shape and colour say how it went, as the legend "
                "names them."
            )
        )
        st.altair_chart(delivery_timeline(timeline), width="stretch")
