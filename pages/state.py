"""The app boundary: what this browser session looks at, and the caches behind it.

Caches are keyed by hashable values only (a dataset's file paths and options, a standard's name),
never by GeoDataFrames. Uploaded files are stored under their content hash, so the same upload
hits the same cache entry. Nothing mutable lives at module level: Streamlit serves every user
from one process.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import folium
import pandas as pd
import streamlit as st

import atlas
from atlas.exports import Download, to_download
from atlas.mapping import parse_mapping
from atlas.registry import SERVE_ENV
from atlas.schedules import Comparison, compare_files, compliance
from atlas.uploads import content_hash, save_upload
from layers.display import DisplayLayers, prepare_display
from layers.maps import build_map
from layers.text import markdown_text as md

UPLOAD_ROOT = Path(tempfile.gettempdir()) / "atlas-uploads"


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


@st.cache_resource(max_entries=32, show_spinner="Measuring service gaps…")
def gaps(source: Source, standard: str) -> atlas.GapResult:
    """The gap result of a source under a standard (cached; changing the standard re-measures
    but never re-reads the files)."""
    return atlas.compute_gaps(load_source(source, categories_of(standard)), load_standard(standard))


def store_upload(data: bytes, name: str) -> Path:
    """Save an uploaded file under its content hash (same upload, same path, same cache key)."""
    folder = UPLOAD_ROOT / content_hash(data)
    folder.mkdir(parents=True, exist_ok=True)
    return save_upload(data, name, folder)


@dataclass(frozen=True)
class View:
    """What the sidebar selected, plus the data behind it."""

    source: Source
    standard_name: str
    cluster: str | None
    category: str
    dataset: atlas.Dataset
    result: atlas.GapResult

    @property
    def standard(self) -> atlas.Standard:
        """The standard in force."""
        return self.result.standard


def current_source() -> Source:
    """The dataset this browser session looks at."""
    chosen = st.session_state.get("source")
    if isinstance(chosen, Source):
        return chosen
    return served_source() or SAMPLE


def view() -> View:
    """The current view; shows a clear error and stops the page when the data cannot be used."""
    source = current_source()
    standard = st.session_state.get("standard", served_standard())
    try:
        dataset = load_source(source, categories_of(standard))
        result = gaps(source, standard)
    except atlas.AtlasError as exc:
        st.error(md(f"The dataset '{source.label}' cannot be used.") + "\n\n" + md(exc))
        st.info("Fix the files, or choose another dataset on the Data page.")
        st.stop()
    cluster = st.session_state.get("cluster")
    if cluster not in set(result.clusters["cluster"]):
        cluster = None
    category = st.session_state.get("category", "water")
    if category not in result.standard.categories:
        category = "water"
    return View(source, standard, cluster, category, dataset, result)


@st.cache_data(max_entries=32, show_spinner=False)
def columns_of(path: str) -> list[str]:
    """The columns of an uploaded file (cached by path, which holds the content hash)."""
    return [str(c) for c in atlas.read_layer(path).frame.columns if c != "geometry"]


@st.cache_data(max_entries=32, show_spinner="Checking the layer…")
def check_layer(path: str, layer: str, mapping: tuple[str, ...], standard: str) -> atlas.Report:
    """Validate an uploaded layer with a mapping; the report, errors included."""
    _, report = atlas.load_layer(
        path,
        layer,
        mapping=parse_mapping(mapping).get(layer),
        categories=list(load_standard(standard).categories),
    )
    return report


@st.cache_resource(max_entries=16, show_spinner="Preparing the map layers…")
def display_layers(source: Source, categories: tuple[str, ...]) -> DisplayLayers:
    """A dataset's layers simplified and encoded for maps (cached per dataset: a filter change
    only classifies and colours)."""
    dataset = load_source(source, categories)
    return prepare_display(dataset.settlements, dataset.services, dataset.wards)


@st.cache_resource(max_entries=32, show_spinner="Drawing the map…")
def map_for(
    source: Source,
    standard: str,
    category: str,
    metric: str,
    cluster: str | None,
    online_tiles: bool,
) -> folium.Map:
    """The map of a view (cached; a new view reuses the dataset's prepared layers)."""
    result = gaps(source, standard)
    categories = categories_of(standard)
    return build_map(
        result.settlements,
        result.services,
        load_source(source, categories).wards,
        metric=metric,
        category=category,
        standard=result.standard,
        selected_cluster=cluster,
        online_tiles=online_tiles,
        service_categories=[category],
        display=display_layers(source, categories),
    )


@st.cache_data(max_entries=16, show_spinner="Comparing the schedule with the reports…")
def comparison(
    schedule: str,
    deliveries: str,
    ids: tuple[str, ...],
    start: date | None,
    end: date | None,
    late_hours: float,
    short_percent: float,
) -> Comparison:
    """The schedule/reports comparison (cached by file paths, which hold uploads' hashes)."""
    return compare_files(
        schedule,
        deliveries,
        ids,
        start,
        end,
        late_tolerance=timedelta(hours=late_hours),
        short_tolerance=short_percent / 100,
    )


@dataclass(frozen=True)
class DeliveriesUsed:
    """The water-delivery comparison last shown on the Water deliveries page."""

    source: Source
    schedule: str
    deliveries: str
    start: date
    end: date
    late_hours: float
    short_percent: float


def delivery_compliance(
    used: DeliveriesUsed | None, source: Source, standard: str
) -> pd.DataFrame | None:
    """Per-settlement delivery compliance for exports and reports, when the Water deliveries
    page compared a schedule for this same dataset; else None."""
    if used is None or used.source != source:
        return None
    dataset = load_source(source, categories_of(standard))
    ids = tuple(str(s) for s in dataset.settlements["settlement_id"])
    result = comparison(
        used.schedule,
        used.deliveries,
        ids,
        used.start,
        used.end,
        used.late_hours,
        used.short_percent,
    )
    return compliance(
        result.outcomes,
        "settlement",
        settlements=dataset.settlements,
        period=(used.start, used.end),
    )


@st.cache_data(max_entries=16, show_spinner="Preparing the download…")
def download(
    source: Source,
    standard: str,
    fmt: str,
    cluster: str | None,
    category: str,
    deliveries: DeliveriesUsed | None = None,
) -> Download:
    """The current view as a file to download (cached: rendering HTML takes a second or two)."""
    return to_download(
        gaps(source, standard),
        load_source(source, categories_of(standard)),
        fmt,
        clusters=[cluster] if cluster else None,
        category=category,
        compliance=delivery_compliance(deliveries, source, standard),
    )


@st.cache_data(max_entries=16, show_spinner="Drawing the cluster report…")
def report_pdf(
    source: Source, standard: str, cluster: str, deliveries: DeliveriesUsed | None = None
) -> bytes:
    """The printable PDF report of a cluster (cached by source, standard, cluster, deliveries)."""
    from atlas.report_pdf import cluster_report

    return cluster_report(
        gaps(source, standard),
        load_source(source, categories_of(standard)),
        cluster,
        compliance=delivery_compliance(deliveries, source, standard),
    )
