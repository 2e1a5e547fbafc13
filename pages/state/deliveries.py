"""The water-delivery comparison: the widgets that choose the files, tolerances and period, and
the schedule against the reports for a dataset, cached (the comparison chosen is remembered in
the session so that downloads and reports can include it).

With someone signed in, the deliveries recorded in the cluster's store are compared too, beside
the delivery file's (:func:`atlas.store.compare_with_store`): :mod:`pages.state.recorded` reads
them on every run, as the signed-in user, without who recorded them or their notes, and the
comparison made of them is cached by a digest of exactly what was read.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import folium
import pandas as pd
import streamlit as st

import atlas
from atlas.i18n import N_, _, language
from atlas.registry import SAMPLE_DELIVERIES, SAMPLE_SCHEDULE
from atlas.schedules import Comparison, compare_files, compliance, picked_period
from atlas.store import CombinedDeliveries, compare_with_store
from layers.deliveries import compliance_map
from layers.text import markdown_text as md
from pages.state import keys
from pages.state.choices import DeliveriesUsed, Source
from pages.state.language import cache_in_language
from pages.state.messages import error_text, shown_source
from pages.state.recorded import Recorded, recorded_deliveries
from pages.state.sources import dataset_of
from pages.state.uploads import store_upload

__all__ = [
    "DeliveriesUsed",
    "choose_comparison",
    "compared",
    "compared_with",
    "comparison",
    "delivery_compliance",
    "delivery_map",
    "delivery_rollup",
    "schedule_files",
    "sources_text",
]

#: Where the schedule and reports come from (the radio's values, and its words in English).
_SAMPLE = N_("Sample schedule and reports")
_MINE = N_("My files")


def choose_comparison(
    source: Source,
    standard: str,
    schedule: str,
    deliveries: str,
    recorded: Recorded | None = None,
) -> tuple[DeliveriesUsed, Comparison, CombinedDeliveries | None]:
    """Widgets: the tolerances and the period to compare (by default the period the files
    and the recorded deliveries cover); the comparison they name, its result, and how the
    file's and the store's deliveries were combined (None without the store). The page stops,
    saying what is wrong, when they cannot be compared."""
    cols = st.columns(3)
    late_hours = cols[0].number_input(
        _("On time within (hours of the window)"), 0.0, 12.0, 2.0, 0.5, key=keys.LATE_HOURS
    )
    short_percent = cols[1].number_input(
        _("In full within (% below the volume)"), 0.0, 90.0, 10.0, 5.0, key=keys.SHORT_PERCENT
    )
    files = (source, standard, schedule, deliveries)
    try:
        first, _combined = compared_with(*files, None, None, late_hours, short_percent, recorded)
        period = cols[2].date_input(
            _("Period"), value=first.period, format="YYYY-MM-DD", key=keys.SCHEDULE_PERIOD
        )
        start, end = picked_period(period, first.period)
        result, combined = compared_with(*files, start, end, late_hours, short_percent, recorded)
    except atlas.AtlasError as exc:
        st.error(error_text(exc))
        st.stop()
    used = DeliveriesUsed(source, schedule, deliveries, start, end, late_hours, short_percent)
    return used, result, combined


def schedule_files(reports_optional: bool = False) -> tuple[str, str]:
    """Widgets: the schedule and reports to compare, the sample's or the user's own; the paths
    of both (the page stops, asking for them, until both are uploaded). With
    ``reports_optional`` (the store's deliveries are compared) the schedule alone will do:
    the reports' path is then empty."""
    chosen = st.radio(
        _("Schedule and reports"),
        [_SAMPLE, _MINE],
        horizontal=True,
        format_func=_,
        key=keys.SCHEDULE_SOURCE,
    )
    if chosen != _MINE:
        return str(SAMPLE_SCHEDULE), str(SAMPLE_DELIVERIES)
    upload = st.columns(2)
    schedule = upload[0].file_uploader(_("Schedule (CSV)"), type=["csv"], key=keys.SCHEDULE_FILE)
    deliveries = upload[1].file_uploader(
        _("Delivery reports (CSV, optional)") if reports_optional else _("Delivery reports (CSV)"),
        type=["csv"],
        key=keys.DELIVERIES_FILE,
    )
    st.caption(
        # TRANSLATORS: the column names (settlement_id, provider…) stay as they are.
        _(
            "Schedule columns: settlement_id, provider, weekday or date, start, end, litres "
            "and/or tanks, valid_from, valid_to. Reports: settlement_id, arrived_at, litres "
            "and/or tanks, reporter, note. Times are local (South African) time."
        )
    )
    if schedule is None or (deliveries is None and not reports_optional):
        st.info(
            _("Upload the schedule to compare it.")
            if reports_optional
            else _("Upload both files to compare them.")
        )
        st.stop()
    return (
        str(store_upload(schedule.getvalue(), schedule.name)),
        "" if deliveries is None else str(store_upload(deliveries.getvalue(), deliveries.name)),
    )


@cache_in_language(max_entries=16, show_spinner=N_("Comparing the schedule with the reports…"))
def comparison(
    source: Source,
    standard: str,
    schedule: str,
    deliveries: str,
    start: date | None,
    end: date | None,
    late_hours: float,
    short_percent: float,
    recorded_key: str | None = None,
    _recorded: pd.DataFrame | None = None,
) -> tuple[Comparison, CombinedDeliveries | None]:
    """The schedule/reports comparison for the settlements of a source (cached by file paths,
    which hold uploads' hashes, and by ``recorded_key``, the digest of the store's deliveries
    ``_recorded``); by default over the period the deliveries cover. ``deliveries`` empty:
    the store's alone. Keyed by the language too (its reports' messages are words); pass
    ``_recorded`` by keyword, so that it is not hashed."""
    ids = tuple(dataset_of(source, standard).settlements["settlement_id"].astype(str))
    late, short = timedelta(hours=late_hours), short_percent / 100
    if recorded_key is None or _recorded is None:
        result = compare_files(
            schedule, deliveries, ids, start, end, late_tolerance=late, short_tolerance=short
        )
        return result, None
    return compare_with_store(
        schedule,
        deliveries or None,
        _recorded,
        ids,
        start,
        end,
        late_tolerance=late,
        short_tolerance=short,
    )


def compared_with(
    source: Source,
    standard: str,
    schedule: str,
    deliveries: str,
    start: date | None,
    end: date | None,
    late_hours: float,
    short_percent: float,
    recorded: Recorded | None,
) -> tuple[Comparison, CombinedDeliveries | None]:
    """:func:`comparison` with the store's deliveries ``recorded`` (None: the files alone)."""
    key, frame = (None, None) if recorded is None else (recorded.key, recorded.frame)
    return comparison(
        source,
        standard,
        schedule,
        deliveries,
        start,
        end,
        late_hours,
        short_percent,
        key,
        _recorded=frame,
    )


def compared(used: DeliveriesUsed, standard: str, recorded: Recorded | None = None) -> Comparison:
    """The comparison a :class:`DeliveriesUsed` names, with the store's deliveries
    ``recorded`` (cached by :func:`comparison`)."""
    files = (used.source, standard, used.schedule, used.deliveries, used.start, used.end)
    return compared_with(*files, used.late_hours, used.short_percent, recorded)[0]


def delivery_rollup(
    used: DeliveriesUsed,
    standard: str,
    level: str = "settlement",
    recorded: Recorded | None = None,
) -> pd.DataFrame:
    """Delivery compliance per settlement (or provider, cluster…) over the period of ``used``
    (see :func:`atlas.schedules.compliance`)."""
    return compliance(
        compared(used, standard, recorded).outcomes,
        level,
        settlements=dataset_of(used.source, standard).settlements,
        period=(used.start, used.end),
    )


def delivery_compliance(
    used: DeliveriesUsed | None, source: Source, standard: str
) -> pd.DataFrame | None:
    """Per-settlement delivery compliance for exports and reports, when the Water deliveries
    page compared a schedule for this same dataset (with the deliveries the signed-in user
    compares there, read again now); else None."""
    if used is None or used.source != source:
        return None
    return delivery_rollup(used, standard, recorded=recorded_deliveries())


@st.cache_resource(max_entries=16, show_spinner=N_("Drawing the map…"))
def _compliance_map(
    used: DeliveriesUsed,
    standard: str,
    online_tiles: bool,
    recorded_key: str | None,
    lang: str,
    _recorded: Recorded | None,
) -> folium.Map:
    # ``lang``: the legend's and tooltips' language, a key of the cache.
    polygons = dataset_of(used.source, standard).settlements
    rollup = delivery_rollup(used, standard, recorded=_recorded)
    return compliance_map(polygons, rollup, online_tiles=online_tiles)


def delivery_map(
    used: DeliveriesUsed, standard: str, online_tiles: bool, recorded: Recorded | None = None
) -> folium.Map:
    """The settlements coloured by delivery compliance (cached by what it shows, the store's
    deliveries by their digest, and the language; st_folium gets a copy)."""
    key = None if recorded is None else recorded.key
    return _compliance_map(used, standard, online_tiles, key, language(), recorded)


def sources_text(used: DeliveriesUsed, combined: CombinedDeliveries | None) -> str:
    """Which deliveries were compared, in plain words (Markdown, escaped)."""
    file = shown_source(used.deliveries) if used.deliveries else None
    if file is not None and Path(used.deliveries) == SAMPLE_DELIVERIES:
        file = _("the sample's {file}", file=file)
    if combined is None:
        return md(_("Deliveries compared: those reported in {file}.", file=file))
    return md(" ".join(combined.sentences(file, _("the atlas"))))
