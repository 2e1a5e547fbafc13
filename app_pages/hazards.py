"""Population and hazards: gridded data beside the settlement figures.

A population raster (people per cell or per km²) estimates each settlement's people: shown beside
the counts, and filling the demand of settlements with neither households nor population. A
hazard raster (flood zones, levels above a threshold) shows who lives in the hazard zone.
"""

import dataclasses

import streamlit as st

import atlas
from app_pages.state.rasters import RasterChoice, check_raster, sample_flood, sample_population
from app_pages.state.sources import current_source, current_standard
from app_pages.state.uploads import store_upload
from app_pages.state.view import exposure, view
from atlas.cli_raster import parse_classes
from atlas.phrases import format_number, hazard_sentences
from atlas.raster import hazard_by_cluster
from layers.text import markdown_text as md

st.header("Population and hazards")
st.caption(
    "Load a single-band GeoTIFF in any CRS, e.g. a WorldPop population count or a flood map. "
    "Files stay on this computer's server; the map shows the raster with a legend and opacity."
)


def choose(role: str, sample: RasterChoice) -> RasterChoice | None:
    """The sample's raster, the user's upload or none; the choice survives changing pages."""
    stored = st.session_state.get(f"{role}_raster")
    file = st.file_uploader(f"Your own {role} raster (GeoTIFF)", type=["tif", "tiff"])
    if file is not None:
        try:
            path = str(store_upload(file.getvalue(), file.name))
        except atlas.AtlasError as exc:
            st.error(md(exc))
        else:
            if st.session_state.get(f"{role}_upload") != path:  # a new file: use it
                st.session_state[f"{role}_upload"] = path
                stored = dataclasses.replace(
                    sample, label=f"Your file: {file.name}", path=path, class_labels=()
                )
                stored = dataclasses.replace(stored, zone="the hazard zone")
                st.session_state[f"{role}_own"] = stored
    own = st.session_state.get(f"{role}_own")
    options = [None, sample, *([own] if own else [])]
    paths = [o.path if o else None for o in options]
    picked = st.radio(
        f"{role.capitalize()} raster",
        options,
        index=paths.index(stored.path) if stored and stored.path in paths else 0,
        format_func=lambda o: o.label if o else "none",
    )
    if picked is not None and stored is not None and stored.path == picked.path:
        return stored  # with the kind and rule chosen before
    return picked


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
                text = st.text_input(
                    "Classes (commas)", ", ".join(format_number(c) for c in hazard.classes) or "1"
                )
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
    table = v.result.settlements
    filled = table[table["population_from_raster"]]
    for name, people in zip(filled["name"], filled["population"], strict=True):
        st.markdown(
            md(
                f"{name} had neither households nor population: its demand now comes from the "
                f"raster, about {format_number(round(people))} people."
            )
        )
    shown = ["name", "cluster", "households", "population", "population_estimate"]
    st.dataframe(
        table[[*shown, "population_from_raster"]],
        hide_index=True,
        width="stretch",
        column_config=COLUMNS,
    )
if v.hazard is not None:
    per_settlement = exposure(v.source, v.standard_name, v.hazard, v.population)
    per_cluster = hazard_by_cluster(per_settlement["cluster"], per_settlement)
    st.subheader(f"Who lives in {v.hazard.zone} ({v.hazard.rule})")
    st.markdown("\n".join(f"- {md(s)}" for s in hazard_sentences(per_cluster, v.hazard.zone)))
    st.dataframe(per_cluster, hide_index=True, width="stretch", column_config=COLUMNS)
    worst = per_settlement.sort_values("hazard_area_share", ascending=False, kind="stable")
    st.dataframe(worst, hide_index=True, width="stretch", column_config=COLUMNS)
if v.population is None and v.hazard is None:
    st.info("Choose a population or a hazard raster above.")
