"""Time on the Map, Clusters and profile pages: the "Statuses as of" date, the service points
out of service, and a settlement's or cluster's working points over time (DESIGN §4).

The statuses are the services file's, changed by the cluster's confirmed reports: those are read
from the store on every run, as the signed-in user (:func:`atlas.store.timeline.report_lives`,
which every role may read: ids, categories and times, no text or contact). Only their
out-of-service spells reach the caches, through :class:`~pages.state.choices.Timing`: the same
for every role. Without anyone signed in the statuses are the file's, and the page says so.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import streamlit as st

from atlas.errors import AtlasError
from atlas.history import as_of, periods, since, spells
from atlas.history.moments import day_start
from atlas.history.timeline import period_rows
from atlas.i18n import N_, _, long_date
from atlas.store.timeline import report_lives
from atlas.store.times import LOCAL_ZONE, today
from atlas.summaries.timing import as_of_sentence
from layers.charts import working_timeline
from pages.state import keys, session
from pages.state.accounts import records_store
from pages.state.choices import RasterChoice, Source, Timing
from pages.state.messages import error_text
from pages.state.view import gaps, measured_dataset

__all__ = ["as_of_control", "today", "working_history", "working_history_chart"]

#: The farthest back a timeline goes by default.
YEAR = timedelta(days=365)
#: What the timeline's caption says, by the length of its periods.
_SHOWN = {
    "day": N_(
        "Working points at the end of each day, from {first} to {last}: the services file's "
        "statuses, changed by the confirmed reports from when a problem was seen until it was "
        "fixed."
    ),
    "week": N_(
        "Working points at the end of each week, from {first} to {last}: the services file's "
        "statuses, changed by the confirmed reports from when a problem was seen until it was "
        "fixed."
    ),
    "month": N_(
        "Working points at the end of each month, from {first} to {last}: the services file's "
        "statuses, changed by the confirmed reports from when a problem was seen until it was "
        "fixed."
    ),
}


def _end_of(day: date) -> datetime:
    # The end of the day (not clamped to now, so that "today" is one cache key all day).
    return day_start(day + timedelta(days=1)) - timedelta(microseconds=1)


def as_of_control() -> Timing | None:
    """The "Statuses as of" date with a line saying what the statuses are; the timing to
    measure with, or None when nothing changes them (nobody signed in, no confirmed report
    that puts a point out of service, no date for the services file)."""
    user = session.user()
    current = today()
    if user is None:
        st.caption(
            _(
                "Statuses are the services file's. Sign in to the cluster's records (sidebar) "
                "to see them as of a date, changed by the confirmed reports."
            )
        )
        return None
    session.restore_as_of(current)
    chosen = st.date_input(
        _("Statuses as of"),
        min_value=date(2000, 1, 1),
        max_value=current,
        format="YYYY-MM-DD",
        key=keys.AS_OF,
        help=_(
            "The service points' statuses at the end of this day: the services file's, "
            "changed by the confirmed reports of a broken tap, no water, no power or a blocked "
            "toilet from when the problem was seen until it was fixed."
        ),
    )
    day = chosen if isinstance(chosen, date) else current
    session.remember_as_of(None if day == current else day)
    try:
        lives = report_lives(records_store(), user)
    except AtlasError as exc:
        st.warning(error_text(exc, _("The reports cannot be read: the statuses are the file's")))
        return None
    found = tuple(s for entries in spells(lives).values() for s in entries)
    file_day = session.services_as_of()
    file_since = since(file_day) if file_day is not None else None
    moment = _end_of(day) if day == current else as_of(day)
    out = sum(1 for s in found if s.covers(moment))
    st.caption(as_of_sentence(None if day == current else day, out, file_day))
    if not found and file_since is None:
        return None
    return Timing(day, moment, file_since, found)


def _range(timing: Timing | None) -> tuple[date, date, str]:
    last = timing.day if timing is not None else today()
    starts = [s.start for s in (timing.spells if timing else ())]
    first = max(
        min(starts, default=day_start(last) - YEAR).astimezone(LOCAL_ZONE).date(),
        last - YEAR,
    )
    first = min(first, last - timedelta(days=27))
    span = (last - first).days
    step = "day" if span <= 31 else "week" if span <= 120 else "month"
    return first, last, step


# Numbers per period and category code: the same in every language.
@st.cache_data(max_entries=32, show_spinner=False)
def working_history(
    source: Source,
    standard: str,
    population: RasterChoice | None,
    timing: Timing,
    settlement_ids: tuple[str, ...],
) -> pd.DataFrame:
    """Per period and category, the working, broken and unknown points and the gap of the
    settlements ``settlement_ids`` (cached by the timing, which holds no personal data)."""
    result = gaps(source, standard, population)
    dataset = measured_dataset(source, standard, population)
    first, last, step = _range(timing)
    members = result.settlements.index[
        result.settlements["settlement_id"].astype(str).isin(settlement_ids)
    ]
    return period_rows(
        dataset,
        result,
        members,
        periods(first, last, step),
        timing.point_spells(),
        timing.since,
    )


def working_history_chart(
    source: Source,
    standard: str,
    population: RasterChoice | None,
    timing: Timing | None,
    settlement_ids: tuple[str, ...],
    labels: dict[str, str],
) -> None:
    """The timeline of working points per service, or a line saying why there is none."""
    if timing is None:
        st.caption(
            _(
                "The working points over time come from the cluster's confirmed reports: sign "
                "in to see them. Without reports the statuses are the services file's, the same "
                "on every date."
            )
        )
        return
    with st.spinner(_("Going back through the reports…")):
        table = working_history(source, standard, population, timing, settlement_ids)
    first, last, step = _range(timing)
    st.altair_chart(working_timeline(table, labels), width="stretch")
    st.caption(_(_SHOWN[step], first=long_date(first), last=long_date(last)))
