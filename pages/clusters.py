"""Clusters: where each cluster, and each settlement of the chosen cluster, stands."""

import streamlit as st

from atlas.exports import FORMATS
from atlas.summaries import cluster_figures
from atlas.summaries.phrases import (
    cluster_sentences,
    gap_table,
    hazard_sentences,
    with_cluster_labels,
)
from layers.text import markdown_list
from layers.text import markdown_text as md
from pages.state import session
from pages.state.downloads import download, poster_pdf, report_pdf
from pages.state.view import exposure_by_cluster, view

v = view()
shown = tuple(dict.fromkeys((v.category, "water", "sanitation")))
# The settlements in no cluster are one row, shown as "Not in a cluster".
clusters = with_cluster_labels(v.result.clusters)
st.header("Clusters")
st.caption(md(f"Measured against: {v.standard.name} ({v.standard.source})."))

st.subheader("All clusters")
st.dataframe(
    gap_table(clusters, v.standard, key="cluster", categories=shown),
    hide_index=True,
    width="stretch",
)

members = v.result.settlements
if v.cluster is not None:
    members = members[members["cluster"] == v.cluster]
    st.subheader(md(v.cluster))
    figures = cluster_figures(v.result.clusters, v.cluster, v.standard, v.category)
    for col, (label, number) in zip(st.columns(len(figures)), figures, strict=True):
        col.metric(label, number)
else:
    st.subheader("All settlements")

table = gap_table(with_cluster_labels(members), v.standard, categories=shown)
st.dataframe(table, hide_index=True, width="stretch")
missing = [c for c in table.columns if c.endswith("missing")]
st.bar_chart(table.set_index("Settlement")[missing], horizontal=True, stack=False)

st.subheader("In plain words")
sentences = cluster_sentences(clusters, v.standard, v.category)
if v.hazard is not None:
    per_cluster = exposure_by_cluster(v.source, v.standard_name, v.hazard, v.population)
    if v.cluster is not None:
        per_cluster = per_cluster[per_cluster["cluster"] == v.cluster]
    sentences += hazard_sentences(with_cluster_labels(per_cluster), v.hazard.zone)
st.markdown(markdown_list(sentences))

# The comparison last shown on the Water deliveries page, if any, for this dataset.
deliveries = session.deliveries_used()
if v.cluster is not None:
    st.subheader("Printable report")
    st.caption("A4, black and white: map, table, totals and sentences to read aloud at a meeting.")
    st.download_button(
        f"Download the report of {v.cluster} (PDF)",
        report_pdf(v.source, v.standard_name, v.cluster, deliveries, v.population),
        file_name="cluster-report.pdf",
        mime="application/pdf",
        key=session.REPORT_PDF,
    )
    st.subheader("Wall map")
    st.caption(
        "One large page for the meeting room: the settlements numbered on the map, and each "
        "one's numbers in type that reads from across the room. Black and white safe."
    )
    size = st.radio(
        "Paper size", ["A3", "A2", "A1"], index=1, horizontal=True, key=session.POSTER_SIZE
    )
    cluster, source, standard_name, population = v.cluster, v.source, v.standard_name, v.population
    st.download_button(
        f"Download the wall map of {cluster} ({size}, PDF)",
        # Drawn only when asked for: a wall map takes a few seconds.
        lambda: poster_pdf(source, standard_name, cluster, str(size), population),
        file_name=f"wall-map-{size}.pdf",
        mime="application/pdf",
        key=session.POSTER_PDF,
    )
else:
    st.info("Choose a cluster in the sidebar for its printable report.")

st.subheader("Download")
st.caption(
    "What you are looking at (dataset, standard and cluster) for QGIS, a notebook or a "
    "meeting: GeoJSON, GeoPackage, CSV and GeoParquet files, or a map that opens offline."
)
fmt = st.selectbox("Format", FORMATS, key=session.DOWNLOAD_FORMAT)
file = download(
    v.source, v.standard_name, str(fmt), v.cluster, v.category, deliveries, v.population
)
st.download_button(
    f"Download {file.file_name}", file.data, file_name=file.file_name, mime=file.mime
)
