"""The water-delivery comparison: the schedule against the reports for a dataset, cached, and
remembered so that downloads and reports can include it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import folium
import pandas as pd
import streamlit as st

from atlas.schedules import Comparison, compare_files, compliance
from layers.deliveries import compliance_map
from pages.state.sources import Source, dataset_of


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


@st.cache_data(max_entries=16, show_spinner="Comparing the schedule with the reports…")
def comparison(
    source: Source,
    standard: str,
    schedule: str,
    deliveries: str,
    start: date | None,
    end: date | None,
    late_hours: float,
    short_percent: float,
) -> Comparison:
    """The schedule/reports comparison for the settlements of a source (cached by file paths,
    which hold uploads' hashes); by default over the period the files cover."""
    settlements = dataset_of(source, standard).settlements
    return compare_files(
        schedule,
        deliveries,
        tuple(settlements["settlement_id"].astype(str)),
        start,
        end,
        late_tolerance=timedelta(hours=late_hours),
        short_tolerance=short_percent / 100,
    )


def compared(used: DeliveriesUsed, standard: str) -> Comparison:
    """The comparison a :class:`DeliveriesUsed` names (cached by :func:`comparison`)."""
    return comparison(
        used.source,
        standard,
        used.schedule,
        used.deliveries,
        used.start,
        used.end,
        used.late_hours,
        used.short_percent,
    )


def delivery_rollup(used: DeliveriesUsed, standard: str, level: str = "settlement") -> pd.DataFrame:
    """Delivery compliance per settlement (or provider, cluster…) over the period of ``used``
    (see :func:`atlas.schedules.compliance`)."""
    return compliance(
        compared(used, standard).outcomes,
        level,
        settlements=dataset_of(used.source, standard).settlements,
        period=(used.start, used.end),
    )


def delivery_compliance(
    used: DeliveriesUsed | None, source: Source, standard: str
) -> pd.DataFrame | None:
    """Per-settlement delivery compliance for exports and reports, when the Water deliveries
    page compared a schedule for this same dataset; else None."""
    if used is None or used.source != source:
        return None
    return delivery_rollup(used, standard)


@st.cache_resource(max_entries=16, show_spinner="Drawing the map…")
def delivery_map(used: DeliveriesUsed, standard: str, online_tiles: bool) -> folium.Map:
    """The settlements coloured by delivery compliance (cached; st_folium gets a copy)."""
    polygons = dataset_of(used.source, standard).settlements
    return compliance_map(polygons, delivery_rollup(used, standard), online_tiles=online_tiles)
