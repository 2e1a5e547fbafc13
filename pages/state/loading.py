"""The progress bar of a dataset's first open: what the app is doing while it reads, checks and
measures the layers and draws the map, and how far it has got.

Each script run starts with :func:`begin` and ends with :func:`finish` (``streamlit_app.py``).
The slow steps run inside cached functions, and only on a cache miss: they report with
:func:`step` (or through the callables :func:`load_steps` and :func:`gaps_steps` hand to the
loaders and to :func:`atlas.compute_gaps`), and the bar appears, in the page's main area, at
the first step a run reports; a run whose every cache is filled shows none. When the run ends,
the bar goes.

The bar of a run lives in a context variable of the run's thread (each script run has a thread
of its own), never at module level: two sessions loading at once each see their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import in_cached_function

from atlas.i18n import N_, _

if TYPE_CHECKING:
    from pages.state.choices import Source

__all__ = [
    "DRAWING",
    "PREPARING",
    "SENDING",
    "begin",
    "finish",
    "gaps_steps",
    "load_steps",
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

#: :func:`atlas.compute_gaps`'s progress lines (English, for the terminal) by their start.
_GAPS = {
    "finding the service points near": NEARBY,  # i18n-ignore: compute_gaps' line
    "checking that the layers meet": MEET,  # i18n-ignore: compute_gaps' line
    "overlaying": OVERLAY,  # i18n-ignore: compute_gaps' line
    "measuring walking-distance coverage": COVERAGE,  # i18n-ignore: compute_gaps' line
    "attributing": COUNTING,  # i18n-ignore: compute_gaps' line
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


def load_steps(source: Source) -> Callable[[str], None]:
    """The ``progress`` of :func:`atlas.load_dataset` for ``source``: the loader reports the
    settlements, then the service points (or that there are none), the wards and the clusters
    when given, in that order, so its n-th message is the n-th of those steps (its words are
    not read: they are worded for the terminal)."""
    steps = [
        SETTLEMENTS,
        SERVICES if source.services or source.settlements is None else NO_SERVICES,
    ]
    steps += [WARDS] if source.wards or source.settlements is None else []
    steps += [CLUSTERS] if source.clusters else []
    calls = iter(steps)

    def report(_message: str) -> None:
        at = next(calls, None)
        if at is not None:
            step(at)

    return report


def gaps_steps() -> Callable[[str], None]:
    """The ``progress`` of :func:`atlas.compute_gaps`: its lines, by their start, as steps."""

    def report(message: str) -> None:
        for start, at in _GAPS.items():
            if message.startswith(start):
                step(at)
                return

    return report
