"""Population and hazard rasters: the session's choice of them, and the caches that check and
draw them."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import streamlit as st

from atlas.i18n import format_number
from atlas.raster import load_raster, open_raster_for
from atlas.registry import SAMPLE_FLOOD_CLASSES, sample_rasters
from layers.raster import RasterImage, describe_rule, raster_image
from pages.state.sources import Source, dataset_of
from pages.state.uploads import store_upload

#: The session-state keys of the chosen rasters, by role.
ROLES = ("population", "hazard")


@dataclass(frozen=True)
class RasterChoice:
    """A raster the user chose: its file, what it holds and, for a hazard, which cells count."""

    label: str
    path: str
    kind: str = "count"
    threshold: float | None = None
    classes: tuple[float, ...] = ()
    class_labels: tuple[tuple[float, str], ...] = ()
    zone: str = "the hazard zone"

    @property
    def rule(self) -> str:
        """The hazard rule in words (``value ≥ 1``, ``classes 1, 2``)."""
        return describe_rule(self.threshold, self.classes or None)

    @property
    def classes_text(self) -> str:
        """The hazard classes as typed in a box (``1, 2``); ``1`` when there are none."""
        return ", ".join(format_number(c) for c in self.classes) or "1"


def sample_population() -> RasterChoice:
    """The sample's population raster (people per cell)."""
    return RasterChoice("Sample population (synthetic)", str(sample_rasters().population))


def sample_flood(threshold: float | None = 1.0, classes: tuple[float, ...] = ()) -> RasterChoice:
    """The sample's flood zones; by default any flood zone (class ≥ 1) is hazard."""
    return RasterChoice(
        "Sample flood zones (synthetic)",
        str(sample_rasters().flood),
        "hazard",
        threshold,
        classes,
        tuple(SAMPLE_FLOOD_CLASSES.items()),
        "the flood zone",
    )


def chosen_raster(role: str) -> RasterChoice | None:
    """The raster this session chose for ``role`` (``population`` or ``hazard``), if any."""
    choice = st.session_state.get(f"{role}_raster")
    return choice if isinstance(choice, RasterChoice) else None


def remember_upload(role: str, sample: RasterChoice, name: str, data: bytes) -> None:
    """Store an uploaded raster and make it this session's own ``role`` raster, and its choice,
    read like ``sample`` (its kind and rule) but with no class names; nothing changes when this
    upload is the one already remembered (its kind and rule stay as chosen).

    Raises
    ------
    atlas.AtlasError
        The file cannot be stored (see :func:`atlas.load.uploads.save_upload`).
    """
    path = str(store_upload(data, name))
    if st.session_state.get(f"{role}_upload") == path:
        return
    own = dataclasses.replace(
        sample, label=f"Your file: {name}", path=path, class_labels=(), zone="the hazard zone"
    )
    st.session_state[f"{role}_upload"] = path
    st.session_state[f"{role}_own"] = own
    st.session_state[f"{role}_raster"] = own


def raster_options(role: str, sample: RasterChoice) -> tuple[list[RasterChoice | None], int]:
    """What a ``role`` raster can be (none, the sample's, this session's own upload) and which
    of them is chosen now."""
    own = st.session_state.get(f"{role}_own")
    options = [None, sample, *([own] if own else [])]
    paths = [o.path if o else None for o in options]
    chosen = chosen_raster(role)
    return options, paths.index(chosen.path) if chosen and chosen.path in paths else 0


def picked_raster(role: str, picked: RasterChoice | None) -> RasterChoice | None:
    """The raster picked for ``role``, with the kind and rule chosen before when it is the
    one already chosen."""
    chosen = chosen_raster(role)
    if picked is not None and chosen is not None and chosen.path == picked.path:
        return chosen
    return picked


@st.cache_data(max_entries=16, show_spinner="Checking the raster…")
def check_raster(path: str, source: Source, standard: str) -> str:
    """Open a raster and check it covers the source's settlements; its description, or raises
    :class:`atlas.AtlasError` with what is wrong."""
    raster = open_raster_for(path, dataset_of(source, standard).settlements)
    return f"{raster.width} × {raster.height} cells, {raster.crs.name}, {raster.dtype}"


@st.cache_data(max_entries=16, show_spinner="Drawing the raster…")
def raster_picture(choice: RasterChoice) -> RasterImage:
    """A chosen raster drawn for the map (cached by the choice: path, kind and rule)."""
    return raster_image(
        load_raster(choice.path),
        kind=choice.kind,
        threshold=choice.threshold,
        classes=list(choice.classes) or None,
        class_labels=dict(choice.class_labels),
    )


def overlay_title(choice: RasterChoice) -> str:
    """The legend heading of a chosen raster."""
    if choice.kind == "hazard":
        return f"{choice.label}: {choice.rule}"
    return f"{choice.label}: people per {'km²' if choice.kind == 'density' else 'cell'}"
