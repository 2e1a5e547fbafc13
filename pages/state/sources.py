"""Datasets and standards: where they come from, which one this session chose, and the caches
that read them."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import streamlit as st

import atlas
from atlas.i18n import N_, _
from atlas.load.columns import parse_mapping
from atlas.registry import SERVE_ENV, standard_names
from pages.state import loading, session
from pages.state.choices import Source
from pages.state.language import cache_in_language

__all__ = [
    "SAMPLE",
    "Source",  # i18n-ignore: a name of the module
    "categories_of",
    "current_source",
    "current_standard",
    "dataset_of",
    "load_source",
    "load_standard",
    "served_config",
    "served_db",
    "served_share",
    "served_source",
    "served_standard",
    "source_label",
    "standard_label",
    "standard_options",
]

SAMPLE = Source(N_("Sample municipality (synthetic)"))
#: The labels of the files `atlas serve` was given and of the uploaded files, by the start of
#: their label (the label is a key of the caches and stays English; :func:`source_label`
#: shows it).
_FILES = "Files: "  # i18n-ignore: the start of a source's key
_UPLOADED = "Uploaded: "  # i18n-ignore: the start of a source's key
_SHOWN = {_FILES: N_("Files: {file}"), _UPLOADED: N_("Uploaded: {file}")}


def source_label(source: Source) -> str:
    """A dataset as the app names it, in the session's language."""
    for start, shown in _SHOWN.items():
        if source.label.startswith(start):
            return _(shown, file=source.label[len(start) :])
    return _(source.label) if source.label == SAMPLE.label else source.label


def _served() -> dict[str, Any]:
    """The start options `atlas serve` put in the environment (none when run otherwise)."""
    raw = os.environ.get(SERVE_ENV)
    return dict(json.loads(raw)) if raw else {}


def served_source() -> Source | None:
    """The files `atlas serve` was started with, if any."""
    spec = _served()
    if not spec.get("settlements"):
        return None
    return Source(
        label=_FILES + Path(spec["settlements"]).name,
        settlements=spec["settlements"],
        services=spec.get("services"),
        wards=spec.get("wards"),
        clusters=spec.get("clusters"),
        mapping=tuple(spec.get("map", [])),
        crs=tuple(tuple(p) for p in spec.get("crs", [])),
        encoding=tuple(tuple(p) for p in spec.get("encoding", [])),
        layers=tuple(tuple(p) for p in spec.get("layers", [])),
        zeros_are_counts=bool(spec.get("zeros_are_counts", False)),
        municipality_name=spec.get("municipality_name") or None,
    )


def served_db() -> str | None:
    """The store `atlas serve` opened (its URL), if it was started with one."""
    db = _served().get("db")
    return str(db) if db else None


def served_share() -> dict[str, Any] | None:
    """How `atlas serve --share` shares the app: ``{"urls": [...], "meeting_code": "…"}``
    (None when it listens on this computer only)."""
    share = _served().get("share")
    return dict(share) if isinstance(share, dict) else None


def served_standard() -> str:
    """The standard `atlas serve` was started with (default cape-town)."""
    return str(_served().get("standard", "cape-town"))


def served_config() -> atlas.Config:
    """The one configuration of this app process, from the `atlas serve` start options (its
    ``workers`` and ``metric_crs``; the defaults for what it was not given)."""
    return _config(os.environ.get(SERVE_ENV) or "")


@st.cache_resource(max_entries=4, show_spinner=False)
def _config(serve_options: str) -> atlas.Config:
    # Process-wide: built from the start options, the same for every user (no session value).
    spec = json.loads(serve_options) if serve_options else {}
    return atlas.Config().replace(workers=spec.get("workers"), metric_crs=spec.get("metric_crs"))


def current_standard() -> str:
    """The standard this browser session measures against."""
    return session.standard() or served_standard()


def standard_options() -> list[str]:
    """The standards the sidebar offers: the one `atlas serve` was given (when it is not a
    preset), the presets, then the session's own (uploaded or built on the Data page)."""
    presets = standard_names()
    served = served_standard()
    options = presets if served in presets else [served, *presets]
    return [*options, *(s for s in session.own_standards() if s not in options)]


def standard_label(name: str) -> str:
    """A standard as the app names it: a preset by its name (``cape-town``), a file by the
    standard's own name and the file's name, never the folder it is stored in."""
    if name in standard_names():
        return name
    try:
        return f"{load_standard(name).name} ({Path(name).name})"
    except atlas.AtlasError:
        return Path(name).name


def current_source() -> Source:
    """The dataset this browser session looks at."""
    return session.source() or served_source() or SAMPLE


# Keyed by the language too: the reports of the layers hold their problems' messages.
# No spinner: the first open's progress bar says which layer it reads (pages.state.loading).
@cache_in_language(resource=True, max_entries=16, show_spinner=False)
def load_source(source: Source, categories: tuple[str, ...]) -> atlas.Dataset:
    """Read and validate a source's layers (cached by source and accepted categories, so
    switching between standards with the same categories never re-reads the files), measured
    in the metric CRS the app was started with (by default each dataset's UTM zone)."""
    metric_crs = served_config().metric_crs
    # The first open's progress bar says which layer is being read and checked.
    progress = loading.report_steps
    if source.settlements is None:
        return atlas.load_sample(
            categories=list(categories),
            metric_crs=metric_crs,
            zeros_are_counts=source.zeros_are_counts,
            progress=progress,
        )
    # Without service points the settlements' own counts are the only counts: load_dataset
    # says so (services.none) when the settlements carry none.
    return atlas.load_dataset(
        source.settlements,
        source.services,
        source.wards,
        source.clusters,
        mapping=parse_mapping(source.mapping),
        crs=dict(source.crs),
        encoding=dict(source.encoding),
        layers=dict(source.layers),
        categories=list(categories),
        metric_crs=metric_crs,
        name=source.label,
        zeros_are_counts=source.zeros_are_counts,
        municipality_name=source.municipality_name,
        progress=progress,
    )


@st.cache_resource(max_entries=16)
def load_standard(name: str) -> atlas.Standard:
    """A standard by preset name or path (cached)."""
    return atlas.load_standard(name)


def categories_of(standard: str) -> tuple[str, ...]:
    """The service categories a standard accepts."""
    return tuple(load_standard(standard).categories)


def dataset_of(source: Source, standard: str) -> atlas.Dataset:
    """A source's dataset read for the categories of a standard (cached by :func:`load_source`)."""
    return load_source(source, categories_of(standard))
