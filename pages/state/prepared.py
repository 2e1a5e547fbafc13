"""A dataset's map layers, prepared in the background while its gaps are measured.

The layers a map draws (simplified, snapped and encoded: :func:`layers.display.prepare_display`)
depend on the dataset alone, not on its gaps. On a dataset's first open the page starts them
(:func:`display_layers`) as soon as the dataset is read, on a thread of their own, and the map
waits for them (:func:`prepared_layers`) once the gaps are measured: the measurement leaves one
of two cores idle part of the time. What is kept is the shared, public layers, once per dataset
and "as of" timing (nothing of a session).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

import streamlit as st

import atlas
from atlas.history import dataset_as_of
from layers.display import DisplayLayers, prepare_display
from pages.state import loading
from pages.state.choices import Source, Timing
from pages.state.sources import load_source

__all__ = ["dataset_as_of_timing", "display_layers", "prepared_layers"]


def dataset_as_of_timing(dataset: atlas.Dataset, timing: Timing | None) -> atlas.Dataset:
    """``dataset`` with its service points' statuses as of ``timing`` (unchanged for None)."""
    if timing is None:
        return dataset
    return dataset_as_of(
        dataset, timing.moment, since=timing.since, point_spells=timing.point_spells()
    )


#: The thread that prepares a dataset's map layers while its gaps are measured: the layers do
#: not depend on the gaps, and the measurement leaves a core idle part of the time.
_AHEAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="atlas-display")


def _prepared(dataset: atlas.Dataset, timing: Timing | None) -> DisplayLayers:
    shown = dataset_as_of_timing(dataset, timing)
    return prepare_display(shown.settlements, shown.services, shown.wards)


# No spinner: the first open's progress bar says it (pages.state.loading).
@st.cache_resource(max_entries=16, show_spinner=False)
def _display_ahead(
    source: Source, categories: tuple[str, ...], timing: Timing | None
) -> Future[DisplayLayers]:
    # The dataset is read here (with the bar's steps), its layers prepared on _AHEAD.
    return _AHEAD.submit(_prepared, load_source(source, categories), timing)


def display_layers(
    source: Source, categories: tuple[str, ...], timing: Timing | None = None
) -> Future[DisplayLayers]:
    """A dataset's layers simplified and encoded for maps, being prepared in the background
    (cached per dataset and "as of" timing: a filter change only classifies and colours);
    :func:`prepared_layers` waits for them."""
    return _display_ahead(source, categories, timing)


def prepared_layers(
    source: Source, categories: tuple[str, ...], timing: Timing | None = None
) -> DisplayLayers:
    """The layers :func:`display_layers` started, once ready (the bar says so while it waits).
    A preparation that failed is not kept: the next call starts it again."""
    preparing = display_layers(source, categories, timing)
    if not preparing.done():
        loading.step(loading.PREPARING)
    try:
        return preparing.result()
    except Exception:
        _display_ahead.clear(source, categories, timing)
        raise
