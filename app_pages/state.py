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
from atlas.raster import estimate_dataset, hazard_exposure, load_raster, open_raster_for
from atlas.registry import SAMPLE_FLOOD_CLASSES, SERVE_ENV, sample_rasters
from atlas.schedules import Comparison, compare_files, compliance
from atlas.uploads import content_hash, save_upload
from layers.display import DisplayLayers, prepare_display
from layers.maps import build_map
from layers.raster import RasterImage, describe_rule, raster_image, raster_overlay
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


@st.cache_resource(max_entries=32, show_spinner="Measuring service gaps…")
def gaps(source: Source, standard: str, population: RasterChoice | None = None) -> atlas.GapResult:
    """The gap result of a source under a standard, with demand filled from a population raster
    when one is chosen (cached; changing the standard re-measures but never re-reads the files)."""
    dataset = load_source(source, categories_of(standard))
    if population is not None:
        kind = "density" if population.kind == "density" else "count"
        dataset = estimate_dataset(dataset, load_raster(population.path), kind=kind)
    return atlas.compute_gaps(dataset, load_standard(standard))


@st.cache_data(max_entries=16, show_spinner="Checking the raster…")
def check_raster(path: str, source: Source, standard: str) -> str:
    """Open a raster and check it covers the source's settlements; its description, or raises
    :class:`atlas.AtlasError` with what is wrong."""
    settlements = load_source(source, categories_of(standard)).settlements
    raster = open_raster_for(path, settlements)
    return f"{raster.width} × {raster.height} cells, {raster.crs.name}, {raster.dtype}"


@st.cache_data(max_entries=16, show_spinner="Measuring hazard exposure…")
def exposure(
    source: Source, standard: str, hazard: RasterChoice, population: RasterChoice | None
) -> pd.DataFrame:
    """Per settlement: id, name, cluster and its share of area and people in the hazard cells
    (people counted in the population raster when one is chosen, else spread evenly)."""
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
    population: RasterChoice | None = None
    hazard: RasterChoice | None = None

    @property
    def standard(self) -> atlas.Standard:
        """The standard in force."""
        return self.result.standard


def current_standard() -> str:
    """The standard this browser session measures against."""
    return str(st.session_state.get("standard", served_standard()))


def current_source() -> Source:
    """The dataset this browser session looks at."""
    chosen = st.session_state.get("source")
    if isinstance(chosen, Source):
        return chosen
    return served_source() or SAMPLE


def view() -> View:
    """The current view; shows a clear error and stops the page when the data cannot be used."""
    source = current_source()
    standard = current_standard()
    try:
        dataset = load_source(source, categories_of(standard))
        result = gaps(source, standard)
    except atlas.AtlasError as exc:
        st.error(md(f"The dataset '{source.label}' cannot be used.") + "\n\n" + md(exc))
        st.info("Fix the files, or choose another dataset on the Data page.")
        st.stop()
    rasters = {k: st.session_state.get(k) for k in ("population_raster", "hazard_raster")}
    for key, choice in rasters.items():
        if not isinstance(choice, RasterChoice):
            rasters[key] = None
            continue
        try:
            check_raster(choice.path, source, standard)
        except atlas.AtlasError as exc:
            st.warning(md(f"The raster '{choice.label}' is not used: {exc}"))
            rasters[key] = None
    population = rasters["population_raster"]
    if population is not None:
        result = gaps(source, standard, population)
    cluster = st.session_state.get("cluster")
    if cluster not in set(result.clusters["cluster"]):
        cluster = None
    category = st.session_state.get("category", "water")
    if category not in result.standard.categories:
        category = "water"
    return View(
        source, standard, cluster, category, dataset, result, population, rasters["hazard_raster"]
    )


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
    population: RasterChoice | None = None,
    overlays: tuple[RasterChoice, ...] = (),
) -> folium.Map:
    """The map of a view (cached: a filter change rebuilds only what changed; a raster is
    drawn once per choice, and only its small folium wrapping is made per map; a new view
    reuses the dataset's prepared layers)."""
    result = gaps(source, standard, population)
    categories = categories_of(standard)
    # The last overlay is on top and shown; earlier ones start hidden (the layer control).
    rasters = [
        raster_overlay(
            raster_picture(choice),
            name=choice.label,
            title=overlay_title(choice),
            show=i == len(overlays) - 1,
        )
        for i, choice in enumerate(overlays)
    ]
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
        rasters=rasters,
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
    population: RasterChoice | None = None,
) -> Download:
    """The current view as a file to download (cached: rendering HTML takes a second or two)."""
    return to_download(
        gaps(source, standard, population),
        load_source(source, categories_of(standard)),
        fmt,
        clusters=[cluster] if cluster else None,
        category=category,
        compliance=delivery_compliance(deliveries, source, standard),
    )


@st.cache_data(max_entries=16, show_spinner="Drawing the cluster report…")
def report_pdf(
    source: Source,
    standard: str,
    cluster: str,
    deliveries: DeliveriesUsed | None = None,
    population: RasterChoice | None = None,
) -> bytes:
    """The printable PDF report of a cluster (cached by source, standard, cluster, deliveries
    and population raster)."""
    from atlas.report_pdf import cluster_report

    return cluster_report(
        gaps(source, standard, population),
        load_source(source, categories_of(standard)),
        cluster,
        compliance=delivery_compliance(deliveries, source, standard),
    )
