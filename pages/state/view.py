"""The view every page starts from: the session's dataset, standard, cluster, service and
rasters, measured (gaps, hazard exposure), with the caches behind the measures."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

import atlas
from atlas.i18n import _
from atlas.raster import estimate_dataset, hazard_by_cluster, hazard_exposure, load_raster
from layers.text import markdown_text as md
from pages.state import keys, loading, session
from pages.state.choices import RasterChoice, Source, Timing
from pages.state.language import cache_in_language
from pages.state.messages import error_text
from pages.state.prepared import dataset_as_of_timing, display_layers
from pages.state.rasters import check_raster
from pages.state.sources import (
    categories_of,
    current_source,
    current_standard,
    dataset_of,
    load_standard,
    served_config,
    source_label,
)
from pages.state.wording import APP, SHOW_APART

__all__ = [
    "View",  # i18n-ignore: a name of the module
    "exposure",
    "exposure_by_cluster",
    "gaps",
    "gaps_shown",
    "measured_dataset",
    "view",
]


# Keyed by the language too: the result holds its problems' messages.
# No spinner: the first open's progress bar says each step (pages.state.loading).
@cache_in_language(resource=True, max_entries=32, show_spinner=False)
def gaps(source: Source, standard: str, population: RasterChoice | None = None) -> atlas.GapResult:
    """The gap result of a source under a standard, with demand filled from a population raster
    when one is chosen (cached; changing the standard re-measures but never re-reads the files;
    computed with the app's one configuration, :func:`~pages.state.sources.served_config`).
    Measured even when the layers do not meet: the result's ``apart`` says so, and the pages
    that present gaps ask first (:func:`gaps_shown`)."""
    dataset = measured_dataset(source, standard, population)
    return atlas.compute_gaps(
        dataset,
        load_standard(standard),
        config=served_config(),
        allow_apart=True,
        progress=loading.report_steps,
    )


def measured_dataset(
    source: Source, standard: str, population: RasterChoice | None
) -> atlas.Dataset:
    dataset = dataset_of(source, standard)
    if population is not None:
        kind = "density" if population.kind == "density" else "count"
        dataset = estimate_dataset(dataset, load_raster(population.path), kind=kind)
    return dataset


# Keyed by the language too, as :func:`gaps`.
@cache_in_language(resource=True, max_entries=16, show_spinner=False)
def gaps_as_of(
    source: Source, standard: str, population: RasterChoice | None, timing: Timing
) -> tuple[atlas.Dataset, atlas.GapResult]:
    """The dataset with its statuses as of ``timing`` and its gaps (cached by the timing,
    which holds only the confirmed reports' spells: the same for every role)."""
    dataset = dataset_as_of_timing(measured_dataset(source, standard, population), timing)
    return dataset, atlas.compute_gaps(
        dataset,
        load_standard(standard),
        config=served_config(),
        allow_apart=True,
        progress=loading.report_steps,
    )


def exposure(
    source: Source, standard: str, hazard: RasterChoice, population: RasterChoice | None
) -> pd.DataFrame:
    """Per settlement: id, name, cluster and its share of area and people in the hazard cells
    (people counted in the population raster when one is chosen, else spread evenly)."""
    with st.spinner(_("Measuring hazard exposure…")):
        return _exposure(source, standard, hazard, population)


# Numbers and names only: the same in every language.
@st.cache_data(max_entries=16, show_spinner=False)
def _exposure(
    source: Source, standard: str, hazard: RasterChoice, population: RasterChoice | None
) -> pd.DataFrame:
    settlements = gaps(source, standard, population).settlements
    return hazard_exposure(
        load_raster(hazard.path),
        settlements,
        threshold=hazard.threshold,
        classes=list(hazard.classes) or None,
        population=load_raster(population.path) if population else None,
        population_kind="density" if population and population.kind == "density" else "count",
        keep=["settlement_id", "name", "cluster"],
    )


def exposure_by_cluster(
    source: Source, standard: str, hazard: RasterChoice, population: RasterChoice | None
) -> pd.DataFrame:
    """:func:`exposure` summed per cluster (see :func:`atlas.raster.hazard_by_cluster`)."""
    per_settlement = exposure(source, standard, hazard, population)
    return hazard_by_cluster(per_settlement["cluster"], per_settlement)


@dataclass(frozen=True)
class View:
    """What the sidebar selected, plus the data behind it."""

    source: Source
    standard_name: str
    cluster: str | None
    category: str
    dataset: atlas.Dataset
    result: atlas.GapResult
    population: RasterChoice | None = None
    hazard: RasterChoice | None = None
    timing: Timing | None = None

    @property
    def standard(self) -> atlas.Standard:
        """The standard in force."""
        return self.result.standard


def _usable(choice: RasterChoice | None, source: Source, standard: str) -> RasterChoice | None:
    """A chosen raster if it covers the dataset; else None, with a warning saying why."""
    if choice is None:
        return None
    try:
        check_raster(choice.path, source, standard, choice.kind)
    except atlas.AtlasError as exc:
        st.warning(error_text(exc, _("The raster '{raster}' is not used", raster=choice.label)))
        return None
    return choice


def view(timing: Timing | None = None, *, with_map: bool = False) -> View:
    """The current view (its statuses as of ``timing`` when given: the Map, Clusters and
    profile pages' "as of" date); shows a clear error and stops the page when the data cannot
    be used. A page that draws the dataset's map (``with_map``) has its layers prepared while
    the gaps are measured (:mod:`pages.state.prepared`)."""
    source = current_source()
    standard = current_standard()
    try:
        dataset = dataset_of(source, standard)
        if with_map:
            display_layers(source, categories_of(standard), timing)
        result = gaps(source, standard)
    except atlas.AtlasError as exc:
        st.error(
            md(_("The dataset '{dataset}' cannot be used.", dataset=source_label(source)))
            + "\n\n"
            + error_text(exc)
        )
        st.info(_("Fix the files, or choose another dataset on the Data page."))
        st.stop()
    population, hazard = (_usable(session.raster(r), source, standard) for r in session.ROLES)
    if population is not None:
        result = gaps(source, standard, population)
    if timing is not None:
        dataset, result = gaps_as_of(source, standard, population, timing)
    cluster = session.cluster()
    if cluster not in set(result.clusters["cluster"]):
        cluster = None
    category = session.category() or "water"
    if category not in result.standard.categories:
        category = "water"
    return View(source, standard, cluster, category, dataset, result, population, hazard, timing)


def gaps_shown(v: View) -> None:
    """On a page that presents gaps: when the layers do not meet (service points far from
    every settlement, settlements outside every ward), say so with the likely cause and stop
    the page, unless “Show the gaps anyway” (below the message) is ticked: then a warning
    stays above the gaps."""
    if not v.result.apart:
        return
    if session.widget_value(keys.SHOW_APART):
        shown = [p for p in v.result.problems if p.code == "layers.shown_apart"]
        st.warning("\n\n".join(md(p.sentence(APP)) for p in shown))
        st.checkbox(_(SHOW_APART), key=keys.SHOW_APART)
        return
    reasons = "\n\n".join(md(p.sentence(APP)) for p in v.result.apart)
    st.error(md(_("The gaps are not shown: the layers do not meet.")) + "\n\n" + reasons)
    st.checkbox(_(SHOW_APART), key=keys.SHOW_APART)
    st.stop()
