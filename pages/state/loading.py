"""The progress bar of a dataset's first open: what the app is doing while it reads, checks and
measures the layers and draws the map, and how far it has got.

Each script run starts with :func:`begin` and ends with :func:`finish` (``streamlit_app.py``).
The slow steps run inside cached functions, and only on a cache miss: they report with
:func:`step`, or through :func:`report_steps` (the ``progress`` handed to the loaders and to
:func:`atlas.compute_gaps`, whose steps it knows by their codes). The bar appears, in the
page's main area, at the first step a run reports; a run whose every cache is filled shows
none. When the run ends, the bar goes.

The bar of a run lives in a context variable of the run's thread (each script run has a thread
of its own), never at module level: two sessions loading at once each see their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import in_cached_function

from atlas.i18n import N_, _
from atlas.progress import step_code

__all__ = [
    "DRAWING",
    "PREPARING",
    "SENDING",
    "begin",
    "finish",
    "report_steps",
    "shown",
    "step",
]

#: What the bar says at each step (marked; worded in the session's language when shown), and
#: the share of a metro's first open done when the step starts (as benchmarks/app_session.py
#: measured it: reading about a fifth, measuring about half, the map the rest).
SETTLEMENTS = (0.0, N_("Reading and checking the settlements…"))
SERVICES = (0.03, N_("Reading and checking the service points…"))
NO_SERVICES = (0.15, N_("No service points: using the settlements' own counts…"))
WARDS = (0.17, N_("Reading and checking the wards…"))
CLUSTERS = (0.19, N_("Reading the cluster membership…"))
NEARBY = (0.2, N_("Finding the service points near each settlement…"))
MEET = (0.26, N_("Checking that the layers meet…"))
OVERLAY = (0.28, N_("Overlaying the wards…"))
COVERAGE = (0.3, N_("Measuring walking-distance coverage…"))
# Coverage goes on beside the counting (compute_gaps hands it to its workers): both are said.
COUNTING = (
    0.32,
    N_("Measuring walking-distance coverage and counting each settlement's service points…"),
)
PREPARING = (0.75, N_("Preparing the map layers…"))
DRAWING = (0.88, N_("Drawing the map…"))
SENDING = (0.92, N_("Sending the map to the browser…"))

#: The step of each progress code (:class:`atlas.progress.Step`) the loaders and
#: :func:`atlas.compute_gaps` report: their words are for a terminal, never read here.
_STEPS = {
    "read.settlements": SETTLEMENTS,
    "read.services": SERVICES,
    "no-services": NO_SERVICES,
    "read.wards": WARDS,
    "read.clusters": CLUSTERS,
    "nearby": NEARBY,
    "meet": MEET,
    "overlay": OVERLAY,
    "coverage": COVERAGE,
    "attribution": COUNTING,
}


@dataclass
class _Bar:
    """The bar of one script run: its slot in the page once shown."""

    slot: Any = None
    done: float = 0.0


_RUN: ContextVar[_Bar | None] = ContextVar("atlas_loading", default=None)


@contextmanager
def _outside_cache() -> Iterator[None]:
    # A step is reported from inside a cached function; Streamlit would record what it draws
    # there and draw it again on every later cache hit (a stale bar). It is this run's only.
    token = in_cached_function.set(False)
    try:
        yield
    finally:
        in_cached_function.reset(token)


def begin() -> None:
    """Start a script run with no bar (shown at its first step)."""
    _RUN.set(_Bar())


def shown() -> bool:
    """True when this run shows the bar (the cached functions' spinners then keep quiet)."""
    bar = _RUN.get()
    return bar is not None and bar.slot is not None


def step(at: tuple[float, str]) -> None:
    """Show step ``at`` (one of this module's steps: its share done and its words) on the bar;
    nothing outside a script run that began with :func:`begin`. The bar never goes back."""
    bar = _RUN.get()
    if bar is None:
        return
    done, words = at
    bar.done = max(bar.done, done)
    with _outside_cache():
        if bar.slot is None:
            bar.slot = st._main.empty()
        bar.slot.progress(bar.done, text=_(words))


def finish() -> None:
    """End the run's bar (it goes from the page)."""
    bar = _RUN.get()
    _RUN.set(None)
    if bar is not None and bar.slot is not None:
        with _outside_cache():
            bar.slot.empty()


def report_steps(line: str) -> None:
    """The ``progress`` of :func:`atlas.load_dataset` and :func:`atlas.compute_gaps`: each
    line's step by its code (a line without a known code says nothing)."""
    at = _STEPS.get(step_code(line) or "")
    if at is not None:
        step(at)
