"""Datasets and standards: where they come from, which one this session chose, and the caches
that read them."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

import atlas
from atlas.load.columns import parse_mapping
from atlas.registry import SERVE_ENV


@dataclass(frozen=True)
class Source:
    """Where a dataset comes from: the embedded sample (no paths) or files with options."""

    label: str
    settlements: str | None = None
    services: str | None = None
    wards: str | None = None
    clusters: str | None = None
    mapping: tuple[str, ...] = ()
    crs: tuple[tuple[str, str], ...] = ()


SAMPLE = Source("Sample municipality (synthetic)")


def served_source() -> Source | None:
    """The files `atlas serve` was started with, if any."""
    raw = os.environ.get(SERVE_ENV)
    if not raw:
        return None
    spec = json.loads(raw)
    if not spec.get("settlements"):
        return None
    return Source(
        label=f"Files: {Path(spec['settlements']).name}",
        settlements=spec["settlements"],
        services=spec["services"],
        wards=spec.get("wards"),
        clusters=spec.get("clusters"),
        mapping=tuple(spec.get("map", [])),
        crs=tuple(tuple(p) for p in spec.get("crs", [])),
    )


def served_standard() -> str:
    """The standard `atlas serve` was started with (default cape-town)."""
    raw = os.environ.get(SERVE_ENV)
    return str(json.loads(raw).get("standard", "cape-town")) if raw else "cape-town"


def current_standard() -> str:
    """The standard this browser session measures against."""
    return str(st.session_state.get("standard", served_standard()))


def current_source() -> Source:
    """The dataset this browser session looks at."""
    chosen = st.session_state.get("source")
    if isinstance(chosen, Source):
        return chosen
    return served_source() or SAMPLE


@st.cache_resource(max_entries=16, show_spinner="Reading and checking the layers…")
def load_source(source: Source, categories: tuple[str, ...]) -> atlas.Dataset:
    """Read and validate a source's layers (cached by source and accepted categories, so
    switching between standards with the same categories never re-reads the files)."""
    if source.settlements is None:
        return atlas.load_sample(categories=list(categories))
    if source.services is None:
        raise atlas.SchemaError("A services layer is needed as well as the settlements.")
    return atlas.load_dataset(
        source.settlements,
        source.services,
        source.wards,
        source.clusters,
        mapping=parse_mapping(source.mapping),
        crs=dict(source.crs),
        categories=list(categories),
        name=source.label,
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
