"""Population and hazard rasters: the session's choice of them, the widgets that choose one,
and the caches that check and draw them."""

from __future__ import annotations

import dataclasses

import streamlit as st

import atlas
from atlas.i18n import N_, _
from atlas.raster import (
    HAZARD_RULES,
    POPULATION_KINDS,
    check_hazard_size,
    hazard_rule_words,
    load_raster,
    open_raster_for,
    population_kind_words,
    zonal_population,
)
from atlas.registry import SAMPLE_FLOOD_CLASSES, sample_rasters
from layers.raster import RasterImage, raster_image
from layers.text import markdown_text as md
from pages.state import session
from pages.state.choices import RasterChoice, Source
from pages.state.language import cache_in_language
from pages.state.messages import error_text, problem_text
from pages.state.sources import current_source, current_standard, dataset_of
from pages.state.uploads import store_upload

__all__ = [
    "RasterChoice",
    "check_raster",
    "choose_kind",
    "choose_raster",
    "choose_rule",
    "nodata_warnings",
    "overlay_title",
    "picked_raster",
    "raster_options",
    "raster_picture",
    "remember_checked",
    "remember_upload",
    "sample_flood",
    "sample_population",
]

#: The upload box and the choice of a ``role`` raster (the two roles of the atlas).
_OWN = {
    "population": N_("Your own population raster (GeoTIFF)"),
    "hazard": N_("Your own hazard raster (GeoTIFF)"),
}
_PICK = {"population": N_("Population raster"), "hazard": N_("Hazard raster")}


def sample_population() -> RasterChoice:
    """The sample's population raster (people per cell)."""
    return RasterChoice(N_("Sample population (synthetic)"), str(sample_rasters().population))


def sample_flood(threshold: float | None = 1.0, classes: tuple[float, ...] = ()) -> RasterChoice:
    """The sample's flood zones; by default any flood zone (class ≥ 1) is hazard."""
    return RasterChoice(
        N_("Sample flood zones (synthetic)"),
        str(sample_rasters().flood),
        "hazard",
        threshold,
        classes,
        tuple(SAMPLE_FLOOD_CLASSES.items()),
        N_("the flood zone"),
    )


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
    if session.raster_upload(role) == path:
        return
    own = dataclasses.replace(
        sample,
        name=f"Your file: {name}",  # i18n-ignore: kept English, shown as its label
        path=path,
        class_labels=(),
        hazard_zone=N_("the hazard zone"),
        file_name=name,
    )
    session.remember_own_raster(role, path, own)


def raster_options(role: str, sample: RasterChoice) -> tuple[list[RasterChoice | None], int]:
    """What a ``role`` raster can be (none, the sample's, this session's own upload) and which
    of them is chosen now."""
    own = session.own_raster(role)
    options = [None, sample, *([own] if own else [])]
    paths = [o.path if o else None for o in options]
    chosen = session.raster(role)
    return options, paths.index(chosen.path) if chosen and chosen.path in paths else 0


def picked_raster(role: str, picked: RasterChoice | None) -> RasterChoice | None:
    """The raster picked for ``role``, with the kind and rule chosen before when it is the
    one already chosen."""
    chosen = session.raster(role)
    if picked is not None and chosen is not None and chosen.path == picked.path:
        return chosen
    return picked


def choose_raster(role: str, sample: RasterChoice) -> RasterChoice | None:
    """Widgets: the sample's raster, the user's upload or none; the choice survives changing
    pages (an upload that cannot be stored is shown as an error)."""
    file = st.file_uploader(_(_OWN[role]), type=["tif", "tiff"])
    if file is not None:
        try:
            remember_upload(role, sample, file.name, file.getvalue())
        except atlas.AtlasError as exc:
            st.error(error_text(exc))
    options, index = raster_options(role, sample)
    picked = st.radio(
        _(_PICK[role]),
        options,
        index=index,
        format_func=lambda o: o.label if o else _("none"),
    )
    return picked_raster(role, picked)


def choose_kind(population: RasterChoice) -> RasterChoice:
    """Widget: whether a population raster holds people per cell or per km²."""
    kind = st.radio(
        _("It holds people"),
        POPULATION_KINDS,
        index=POPULATION_KINDS.index(population.kind),
        horizontal=True,
        format_func=population_kind_words,
    )
    return population.with_kind(str(kind))


def choose_rule(hazard: RasterChoice) -> RasterChoice | None:
    """Widgets: which cells of a hazard raster are hazard, at or above a value or of some
    classes; None, with what is wrong, when the classes typed cannot be read."""
    rule = st.radio(
        _("Hazard cells are"),
        HAZARD_RULES,
        index=HAZARD_RULES.index(hazard.rule_name),
        horizontal=True,
        format_func=hazard_rule_words,
    )
    try:
        if rule == "threshold":
            value = st.number_input(_("Value"), value=hazard.threshold_value)
            return hazard.with_threshold(float(value))
        return hazard.with_classes(st.text_input(_("Classes (commas)"), hazard.classes_text))
    except atlas.AtlasError as exc:
        st.error(error_text(exc))
        return None


def remember_checked(role: str, choice: RasterChoice | None) -> None:
    """Choose ``choice`` for ``role`` when it covers the settlements of the session's dataset,
    with a caption describing it; else show what is wrong and choose none."""
    if choice is not None:
        try:
            described = check_raster(choice.path, current_source(), current_standard(), choice.kind)
            st.caption(_("{raster}: {described}.", raster=md(choice.label), described=described))
            if role == "population":
                for text in nodata_warnings(
                    choice.path, current_source(), current_standard(), choice.kind
                ):
                    st.warning(_("{raster}: {problem}", raster=md(choice.label), problem=text))
        except atlas.AtlasError as exc:
            st.error(error_text(exc, choice.label))
            choice = None
    session.remember_raster(role, choice)


@cache_in_language(max_entries=16, show_spinner=N_("Checking the raster…"))
def check_raster(path: str, source: Source, standard: str, kind: str = "count") -> str:
    """Open a raster and check it covers the source's settlements (and, for a hazard raster,
    that the cells under them fit the memory limit: nothing is read yet); its description, or
    raises :class:`atlas.AtlasError` with what is wrong."""
    settlements = dataset_of(source, standard).settlements
    raster = open_raster_for(path, settlements)
    if kind == "hazard":
        check_hazard_size(raster, settlements)
    return _(
        "{width} × {height} cells, {crs}, {dtype}",
        width=raster.width,
        height=raster.height,
        crs=raster.crs.name,
        dtype=raster.dtype,
    )


@cache_in_language(max_entries=16, show_spinner=N_("Reading the raster's cells…"))
def nodata_warnings(path: str, source: Source, standard: str, kind: str) -> list[str]:
    """What a population raster's cells without data do to the source's settlements (unknown
    or partial estimates, negative fill values), one line each, worded for the app."""
    settlements = dataset_of(source, standard).settlements
    estimate = zonal_population(
        load_raster(path), settlements, kind="density" if kind == "density" else "count"
    )
    return [problem_text(p) for p in estimate.attrs.get("problems", ())]


@cache_in_language(max_entries=16, show_spinner=N_("Drawing the raster…"))
def raster_picture(choice: RasterChoice) -> RasterImage:
    """A chosen raster drawn for the map (cached by the choice: path, kind and rule, and the
    language of its legend)."""
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
        return _("{raster}: {rule}", raster=choice.label, rule=choice.rule)
    if choice.kind == "density":  # as population_kind_words says it
        return _("{raster}: people per km²", raster=choice.label)
    return _("{raster}: people per cell", raster=choice.label)
