"""Population and hazards: gridded data beside the settlement figures.

A population raster (people per cell or per km²) estimates each settlement's people: shown beside
the counts, and filling the demand of settlements with neither households nor population. A
hazard raster (flood zones, levels above a threshold) shows who lives in the hazard zone.
"""

import dataclasses

import streamlit as st

import atlas
from atlas.raster import estimate_table, most_exposed_first, parse_classes
from atlas.summaries.phrases import hazard_sentences, raster_demand_sentences
from layers.text import markdown_text as md
from pages.state.rasters import (
    RasterChoice,
    check_raster,
    picked_raster,
    raster_options,
    remember_upload,
    sample_flood,
    sample_population,
)
from pages.state.sources import current_source, current_standard
from pages.state.view import exposure, exposure_by_cluster, view

st.header("Population and hazards")
st.caption(
    "Load a single-band GeoTIFF in any CRS, e.g. a WorldPop population count or a flood map. "
    "Files stay on this computer's server; the map shows the raster with a legend and opacity."
)


def choose(role: str, sample: RasterChoice) -> RasterChoice | None:
    """The sample's raster, the user's upload or none; the choice survives changing pages."""
    file = st.file_uploader(f"Your own {role} raster (GeoTIFF)", type=["tif", "tiff"])
    if file is not None:
        try:
            remember_upload(role, sample, file.name, file.getvalue())
        except atlas.AtlasError as exc:
            st.error(md(exc))
    options, index = raster_options(role, sample)
    picked = st.radio(
        f"{role.capitalize()} raster",
        options,
        index=index,
        format_func=lambda o: o.label if o else "none",
    )
    return picked_raster(role, picked)


source, standard = current_source(), current_standard()
left, right = st.columns(2)
with left:
    population = choose("population", sample_population())
    if population is not None:
        kinds = ["count", "density"]
        kind = st.radio(
            "It holds people",
            kinds,
            index=kinds.index(population.kind),
            horizontal=True,
            format_func={"count": "per cell", "density": "per km²"}.get,
        )
        population = dataclasses.replace(population, kind=str(kind))
with right:
    hazard = choose("hazard", sample_flood())
    if hazard is not None:
        rules = ["threshold", "classes"]
        rule = st.radio(
            "Hazard cells are",
            rules,
            index=1 if hazard.classes else 0,
            horizontal=True,
            format_func={"threshold": "at or above a value", "classes": "of these classes"}.get,
        )
        try:
            if rule == "threshold":
                value = st.number_input("Value", value=float(hazard.threshold or 1.0))
                hazard = dataclasses.replace(hazard, threshold=float(value), classes=())
            else:
                text = st.text_input("Classes (commas)", hazard.classes_text)
                hazard = dataclasses.replace(
                    hazard, threshold=None, classes=tuple(parse_classes(text))
                )
        except atlas.AtlasError as exc:
            st.error(md(exc))
            hazard = None
for role, choice in (("population", population), ("hazard", hazard)):
    if choice is not None:
        try:
            st.caption(f"{md(choice.label)}: {check_raster(choice.path, source, standard)}.")
        except atlas.AtlasError as exc:
            st.error(md(f"{choice.label}: {exc}"))
            choice = None
    st.session_state[f"{role}_raster"] = choice

#: How the tables' columns are shown (None: hidden).
COLUMNS = {
    "settlement_id": "Id",
    "name": "Settlement",
    "cluster": "Cluster",
    "settlements": "Settlements",
    "settlements_exposed": "With some area in it",
    "settlements_mostly_exposed": "More than half in it",
    "hazard_area_share": st.column_config.ProgressColumn(
        "Share of area", format="percent", min_value=0, max_value=1
    ),
    "hazard_population": st.column_config.NumberColumn("People in it", format="%.0f"),
    "area_km2": None,
    "hazard_area_km2": None,
    "households": st.column_config.NumberColumn("Households", format="%.0f"),
    "population": st.column_config.NumberColumn("People", format="%.0f"),
    "population_estimate": st.column_config.NumberColumn("People (raster)", format="%.0f"),
    "population_from_raster": "Demand from the raster",
}

v = view()
if v.population is not None:
    st.subheader("People: the settlements' own figures and the raster's estimate")
    for sentence in raster_demand_sentences(v.result.settlements):
        st.markdown(md(sentence))
    table = estimate_table(v.result.settlements)
    st.dataframe(table, hide_index=True, width="stretch", column_config=COLUMNS)
if v.hazard is not None:
    per_cluster = exposure_by_cluster(v.source, v.standard_name, v.hazard, v.population)
    st.subheader(f"Who lives in {v.hazard.zone} ({v.hazard.rule})")
    st.markdown("\n".join(f"- {md(s)}" for s in hazard_sentences(per_cluster, v.hazard.zone)))
    st.dataframe(per_cluster, hide_index=True, width="stretch", column_config=COLUMNS)
    worst = most_exposed_first(exposure(v.source, v.standard_name, v.hazard, v.population))
    st.dataframe(worst, hide_index=True, width="stretch", column_config=COLUMNS)
if v.population is None and v.hazard is None:
    st.info("Choose a population or a hazard raster above.")
