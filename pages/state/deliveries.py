"""The water-delivery comparison: the widgets that choose the files, tolerances and period, and
the schedule against the reports for a dataset, cached (the comparison chosen is remembered in
the session so that downloads and reports can include it)."""

from __future__ import annotations

from datetime import date, timedelta

import folium
import pandas as pd
import streamlit as st

import atlas
from atlas.registry import SAMPLE_DELIVERIES, SAMPLE_SCHEDULE
from atlas.schedules import Comparison, compare_files, compliance, picked_period
from layers.deliveries import compliance_map
from pages.state import session
from pages.state.choices import DeliveriesUsed, Source
from pages.state.messages import error_text
from pages.state.sources import dataset_of
from pages.state.uploads import store_upload

__all__ = [
    "DeliveriesUsed",
    "choose_comparison",
    "compared",
    "comparison",
    "delivery_compliance",
    "delivery_map",
    "delivery_rollup",
    "schedule_files",
]


def choose_comparison(
    source: Source, standard: str, schedule: str, deliveries: str
) -> tuple[DeliveriesUsed, Comparison]:
    """Widgets: the tolerances and the period to compare (by default the period the files
    cover); the comparison they name, and its result (the page stops, saying what is wrong,
    when the files cannot be compared)."""
    cols = st.columns(3)
    late_hours = cols[0].number_input(
        "On time within (hours of the window)", 0.0, 12.0, 2.0, 0.5, key=session.LATE_HOURS
    )
    short_percent = cols[1].number_input(
        "In full within (% below the volume)", 0.0, 90.0, 10.0, 5.0, key=session.SHORT_PERCENT
    )
    files = (source, standard, schedule, deliveries)
    try:
        first = comparison(*files, None, None, late_hours, short_percent)
        period = cols[2].date_input(
            "Period", value=first.period, format="YYYY-MM-DD", key=session.SCHEDULE_PERIOD
        )
        start, end = picked_period(period, first.period)
        result = comparison(*files, start, end, late_hours, short_percent)
    except atlas.AtlasError as exc:
        st.error(error_text(exc))
        st.stop()
    used = DeliveriesUsed(source, schedule, deliveries, start, end, late_hours, short_percent)
    return used, result


def schedule_files() -> tuple[str, str]:
    """Widgets: the schedule and reports to compare, the sample's or the user's own; the paths
    of both (the page stops, asking for them, until both are uploaded)."""
    chosen = st.radio(
        "Schedule and reports",
        ["Sample schedule and reports", "My files"],
        horizontal=True,
        key=session.SCHEDULE_SOURCE,
    )
    if chosen != "My files":
        return str(SAMPLE_SCHEDULE), str(SAMPLE_DELIVERIES)
    upload = st.columns(2)
    schedule = upload[0].file_uploader("Schedule (CSV)", type=["csv"], key=session.SCHEDULE_FILE)
    deliveries = upload[1].file_uploader(
        "Delivery reports (CSV)", type=["csv"], key=session.DELIVERIES_FILE
    )
    st.caption(
        "Schedule columns: settlement_id, provider, weekday or date, start, end, litres and/or "
        "tanks, valid_from, valid_to. Reports: settlement_id, arrived_at, litres and/or tanks, "
        "reporter, note. Times are local (South African) time."
    )
    if schedule is None or deliveries is None:
        st.info("Upload both files to compare them.")
        st.stop()
    return (
        str(store_upload(schedule.getvalue(), schedule.name)),
        str(store_upload(deliveries.getvalue(), deliveries.name)),
    )


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
