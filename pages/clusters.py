"""Clusters: where each cluster, and each settlement of the chosen cluster, stands."""

import streamlit as st

from atlas.exports import FORMATS
from atlas.exports.download_names import download_name
from atlas.i18n import N_, _, format_number, ngettext, noun
from atlas.summaries import cluster_figures
from atlas.summaries.phrases import (
    cluster_sentences,
    gap_headings,
    gap_table,
    hazard_sentences,
    totals_note,
    with_cluster_labels,
)
from layers.text import markdown_list
from layers.text import markdown_text as md
from pages.state import keys, session
from pages.state.contacts import cluster_responsible_section
from pages.state.downloads import download, poster_pdf, report_pdf
from pages.state.guard import guard
from pages.state.pack import pack_section
from pages.state.reports import reports_open_about
from pages.state.timeline import as_of_control, working_history_chart
from pages.state.timeline import today as south_african_today
from pages.state.view import exposure_by_cluster, gaps_shown, view

#: The bars the chart shows at first: enough to see who is worst, few enough for a phone.
WORST = 15
#: Columns of gap_table, by their English keys (shown through gap_headings).
CLUSTER, SETTLEMENT = "Cluster", "Settlement"  # i18n-ignore: column keys

st.header(_("Clusters"))
timing = as_of_control()
v = view(timing)
gaps_shown(v)
shown = tuple(dict.fromkeys((v.category, "water", "sanitation")))
label = v.standard.rule(v.category).point_label
points = noun(label, 2)
# The tables' columns by their English keys (code picks them so); shown in the session's
# language through ``headings``.
gap = f"{label.capitalize()}s missing"  # i18n-ignore: the column's key in gap_table
headings = gap_headings(v.standard, shown)
# Cluster totals add each settlement's gap; nobody reads that from the numbers alone.
added_up = md(totals_note([label]))
# The name stays on screen while a phone scrolls the table sideways to the numbers.
pinned = st.column_config.Column(pinned=True)
# The settlements in no cluster are one row, shown as "Not in a cluster".
clusters = with_cluster_labels(v.result.clusters)
st.caption(
    md(
        _(
            "Measured against: {standard} ({source}).",
            standard=v.standard.name,
            source=v.standard.source,
        )
    )
)

st.subheader(_("All clusters"))
if v.cluster is not None:
    st.caption(
        md(
            _(
                "Every cluster, to compare with {cluster}; the rest of the page is about it.",
                cluster=v.cluster,
            )
        )
    )
# As text: the name, then what is missing, first; every empty cell says why it is empty.
st.dataframe(
    gap_table(clusters, v.standard, key="cluster", categories=shown, text=True).rename(
        columns=headings
    ),
    hide_index=True,
    width="stretch",
    column_config={headings[CLUSTER]: pinned},
)

members = v.result.settlements
if v.cluster is not None:
    members = members[members["cluster"] == v.cluster]
    clusters = clusters[clusters["cluster"] == v.cluster]
    st.subheader(md(v.cluster))
    figures = cluster_figures(v.result.clusters, v.cluster, v.standard, v.category)
    for col, (name, number) in zip(st.columns(len(figures)), figures, strict=True):
        col.metric(name, number)
    st.caption(added_up)
else:
    st.caption(added_up)
    st.subheader(_("All settlements"))

# With one cluster chosen its name in every row only pushes the numbers off a phone's screen.
columns = {
    headings[SETTLEMENT]: pinned,
    **({headings[CLUSTER]: None} if v.cluster is not None else {}),
}
words = gap_table(members, v.standard, categories=shown, text=True)
st.dataframe(
    words.rename(columns=headings), hide_index=True, width="stretch", column_config=columns
)

# The chart's numbers: worst first, the chosen service's gap deciding; unknown gaps are not
# bars of zero.
table = gap_table(members, v.standard, categories=shown)
missing = [gap, *(c for c in table.columns if c.endswith("missing") and c != gap)]
ranked = table.dropna(subset=[gap]).sort_values(gap, ascending=False, kind="stable")
# Named as the table names them (the rows of both come in the same order).
names = words.loc[ranked.index, SETTLEMENT]
# Two settlements of one name would share a bar: number them.
again = names.groupby(names).cumcount() + 1
names = names.where(~names.duplicated(keep=False), names + " (" + again.astype(str) + ")")
bars = ranked.assign(**{SETTLEMENT: names}).set_index(SETTLEMENT)[missing].dropna(axis=1, how="all")
# The bars' names and the axis in the session's language (the legend and the axis say them).
bars = bars.rename(columns=headings).rename_axis(headings[SETTLEMENT])
unknown = len(table) - len(ranked)
left_out = (
    " "
    + ngettext(
        "Left out: {n} whose {points} missing are not known.",
        "Left out: {n} whose {points} missing are not known.",
        unknown,
        points=points,
    )
    if unknown
    else ""
)
if bars.empty:
    no_chart = (
        _("No chart of {points} missing: not known for any of these settlements.", points=points)
        if v.standard.rule(v.category).max_per_point
        else _(
            "No chart of {points} missing: the standard sets no number of {points} to compare "
            "with.",
            points=points,
        )
    )
    st.caption(md(no_chart))
elif len(bars) > WORST:
    worst = _(
        "The {worst} settlements with the most {points} missing, of {count}.",
        worst=format_number(WORST),
        count=format_number(len(bars)),
        points=points,
    )
    st.caption(md(worst + left_out))
    st.bar_chart(bars.head(WORST), horizontal=True, stack=False, sort=False)
    # TRANSLATORS: {n} is always more than 15 here.
    every = ngettext(
        "All {n} settlements, the most {points} missing first",
        "All {n} settlements, the most {points} missing first",
        len(bars),
        points=points,
    )
    with st.expander(md(every)):
        st.bar_chart(bars, horizontal=True, stack=False, sort=False)
else:
    every = ngettext(
        "All {n} settlements, the most {points} missing first.",
        "All {n} settlements, the most {points} missing first.",
        len(bars),
        points=points,
    )
    st.caption(md(every + left_out))
    st.bar_chart(bars, horizontal=True, stack=False, sort=False)

st.subheader(_("In plain words"))
with guard(N_("the sentences in plain words")):
    sentences = cluster_sentences(clusters, v.standard, v.category)
    if v.hazard is not None:
        per_cluster = exposure_by_cluster(v.source, v.standard_name, v.hazard, v.population)
        if v.cluster is not None:
            per_cluster = per_cluster[per_cluster["cluster"] == v.cluster]
        sentences += hazard_sentences(with_cluster_labels(per_cluster), v.hazard.zone)
    st.markdown(markdown_list(sentences))

if v.cluster is not None:
    st.subheader(_("Over time"))
    with guard(N_("the chart over time")):
        working_history_chart(
            v.source,
            v.standard_name,
            v.population,
            timing,
            tuple(str(s) for s in members["settlement_id"]),
            {c: noun(v.standard.rule(c).point_label, 2) for c in v.standard.categories},
        )
    st.subheader(_("Open reports, the oldest first"))
    with guard(N_("the open reports")):
        reports_open_about(v.cluster)
    st.subheader(_("Who is responsible"))
    with guard(N_("who is responsible")):
        cluster_responsible_section(members, v.standard.categories, v.dataset)

# The comparison last shown on the Water deliveries page, if any, for this dataset.
deliveries = session.deliveries_used()
today = south_african_today()  # the day the pack and the store use, not the server's
if v.cluster is not None:
    st.subheader(_("Printable report"))
    st.caption(
        _("A4, black and white: map, table, totals and sentences to read aloud at a meeting.")
    )
    with guard(N_("the printable report")):
        st.download_button(
            _("Download the report of {cluster} (PDF)", cluster=v.cluster),
            report_pdf(v.source, v.standard_name, v.cluster, deliveries, v.population, timing),
            file_name=download_name(v.cluster, v.standard.id, "report", ".pdf", on=today),
            mime="application/pdf",
            key=keys.REPORT_PDF,
        )
    st.subheader(_("Submission pack"))
    st.caption(
        _(
            "For a ward councillor, the IDP office, MPAC, the Speaker or a department: a "
            "one-page letter with the law and the asks, the evidence, how the numbers were made "
            "and a signature sheet."
        )
    )
    with guard(N_("the submission pack")):
        pack_section(v, deliveries, timing)
    st.subheader(_("Wall map"))
    st.caption(
        _(
            "One large page for the meeting room: the settlements numbered on the map, and "
            "each one's numbers in type that reads from across the room. Black and white safe."
        )
    )
    size = st.radio(
        _("Paper size"), ["A3", "A2", "A1"], index=1, horizontal=True, key=keys.POSTER_SIZE
    )
    cluster, source, standard_name, population = v.cluster, v.source, v.standard_name, v.population
    st.download_button(
        _("Download the wall map of {cluster} ({size}, PDF)", cluster=cluster, size=size),
        # Drawn only when asked for: a wall map takes a few seconds.
        lambda: poster_pdf(source, standard_name, cluster, str(size), population, timing),
        file_name=download_name(cluster, v.standard.id, f"wall-map-{size}", ".pdf", on=today),
        mime="application/pdf",
        key=keys.POSTER_PDF,
    )
else:
    st.info(_("Choose a cluster in the sidebar for its printable report."))

st.subheader(_("Download"))
st.caption(
    _(
        "What you are looking at (dataset, standard and cluster) for QGIS, a notebook or a "
        "meeting: GeoJSON, GeoPackage, CSV and GeoParquet files, or a map that opens offline."
    )
)
fmt = st.selectbox(_("Format"), FORMATS, key=keys.DOWNLOAD_FORMAT)
with guard(N_("the download")):
    file = download(
        v.source,
        v.standard_name,
        str(fmt),
        v.cluster,
        v.category,
        deliveries,
        v.population,
        today,
        timing,
    )
    st.download_button(
        _("Download {file}", file=file.file_name),
        file.data,
        file_name=file.file_name,
        mime=file.mime,
    )
