"""The deliveries recorded in the cluster's store, on the Water deliveries page: read for the
comparison as the signed-in user, and the form a member uses to record one they saw arrive.

Nothing here is cached. The deliveries are read on every run (:func:`recorded_deliveries`) as
the signed-in user, and handed to the comparison without who recorded them or their notes,
with a digest of exactly that table: the comparison's cache
(:func:`pages.state.deliveries.comparison`) is keyed by the digest, so a cached comparison is
only ever found again by a session that read the same deliveries itself. The form's widgets
have ``records_`` keys: signing out forgets what was typed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd
import streamlit as st

from atlas.errors import AtlasError
from atlas.i18n import _
from atlas.store import NewDelivery, Role, add_delivery, delivery_frame, registered_settlements
from atlas.store.reports import MAX_NOTE
from atlas.store.times import LOCAL_ZONE, now
from atlas.summaries.records import reportable_settlements, settlement_label
from layers.text import markdown_text as md
from pages.state import session
from pages.state.accounts import records_store, show_notice
from pages.state.language import in_session_language
from pages.state.messages import error_text

__all__ = [
    "DELIVERY_DAY",
    "DELIVERY_FORM",
    "DELIVERY_LITRES",
    "DELIVERY_NOTE",
    "DELIVERY_PROVIDER",
    "DELIVERY_SETTLEMENT",
    "DELIVERY_SUBMIT",
    "DELIVERY_TANKS",
    "DELIVERY_TIME",
    "Recorded",  # i18n-ignore: a name
    "delivery_form",
    "recorded_deliveries",
]

# The form that records a delivery (records_ keys: signing out forgets what was typed).
DELIVERY_FORM = "records_delivery_form"
DELIVERY_SETTLEMENT = "records_delivery_settlement"
DELIVERY_DAY = "records_delivery_day"
DELIVERY_TIME = "records_delivery_time"
DELIVERY_LITRES = "records_delivery_litres"
DELIVERY_TANKS = "records_delivery_tanks"
DELIVERY_PROVIDER = "records_delivery_provider"
DELIVERY_NOTE = "records_delivery_note"
DELIVERY_SUBMIT = "records_delivery_submit"


@dataclass(frozen=True, eq=False)
class Recorded:
    """The deliveries recorded in the store that this run compares: a :func:`delivery_frame`
    without who recorded them or their notes, and ``key``, a digest of exactly that table."""

    key: str
    frame: pd.DataFrame


def recorded_deliveries() -> Recorded | None:
    """The store's deliveries the signed-in user compares (every role may: times and volumes
    only), read now; None when nobody is signed in or the store cannot be read (the page
    then says so and compares the files alone)."""
    user = session.user()
    if user is None:
        return None
    try:
        frame = delivery_frame(records_store(), user)
    except AtlasError as exc:
        st.warning(error_text(exc, _("The deliveries recorded in the atlas are not compared")))
        return None
    kept = frame.assign(reporter=None, note=None)  # never in a cache: names and notes
    text = kept[["settlement_id", "arrived_at", "litres", "tanks"]].to_csv(index=False)
    return Recorded(hashlib.sha256(text.encode()).hexdigest(), kept)


def _record() -> None:
    """The "Record the delivery" button: keep it in the store, or say what is wrong."""
    user = session.user()
    day = session.widget_value(DELIVERY_DAY)
    at = session.widget_value(DELIVERY_TIME)
    if user is None:
        session.set_notice("delivery", "error", _("Sign in again to record the delivery."))
        return
    if not isinstance(day, date) or not isinstance(at, time):
        session.set_notice("delivery", "error", _("Give the day and the time it arrived."))
        return
    entry = NewDelivery(
        settlement_id=str(session.widget_value(DELIVERY_SETTLEMENT)),
        arrived_at=datetime.combine(day, at, tzinfo=LOCAL_ZONE),
        litres=session.widget_value(DELIVERY_LITRES),
        tanks=session.widget_value(DELIVERY_TANKS),
        provider=session.widget_text(DELIVERY_PROVIDER),
        note=session.widget_text(DELIVERY_NOTE),
        channel="app",
    )
    try:
        did = add_delivery(records_store(), user, entry)
    except AtlasError as exc:
        session.set_notice("delivery", "error", error_text(exc))
        return
    session.set_widget_text(DELIVERY_NOTE, "")
    session.set_notice(
        "delivery",
        "success",
        md(
            _(
                "Delivery recorded (number {number}), on {day} at {time}: the comparison "
                "counts it whenever the period includes that day.",
                number=did,
                day=day,
                time=f"{at:%H:%M}",
            )
        ),
    )


def delivery_form() -> None:
    """For a member and above: the form that records a delivery they saw arrive (a
    settlement of their cluster, the day and time, litres or tanks, provider, note)."""
    user = session.user()
    if user is None or not user.can(Role.MEMBER):
        return
    try:
        entries = reportable_settlements(registered_settlements(records_store()), user)
    except AtlasError as exc:
        st.warning(error_text(exc, _("Deliveries cannot be recorded")))
        return
    if not entries:
        return
    labels = {e.settlement_id: settlement_label(e) for e in entries}
    ids = list(labels)
    today = now().astimezone(LOCAL_ZONE).date()
    with st.expander(_("Record a delivery you saw arrive")), st.form(DELIVERY_FORM):
        st.selectbox(
            _("Settlement"),
            ids,
            index=session.initial_index(DELIVERY_SETTLEMENT, ids, ids[0]),
            format_func=labels.__getitem__,
            key=DELIVERY_SETTLEMENT,
        )
        when = st.columns(2)
        when[0].date_input(
            _("Day it arrived"), today, max_value=today, format="YYYY-MM-DD", key=DELIVERY_DAY
        )
        when[1].time_input(
            _("Time it arrived (South African time)"),
            None,
            step=timedelta(minutes=1),
            key=DELIVERY_TIME,
        )
        volume = st.columns(2)
        volume[0].number_input(_("Litres"), 0.0, None, None, 1000.0, key=DELIVERY_LITRES)
        volume[1].number_input(_("Tanks"), 0.0, None, None, 1.0, key=DELIVERY_TANKS)
        st.caption(_("Give the litres, the number of tanks, or both."))
        st.text_input(_("Provider (optional)"), max_chars=300, key=DELIVERY_PROVIDER)
        st.text_area(_("Note (optional)"), max_chars=MAX_NOTE, key=DELIVERY_NOTE)
        st.form_submit_button(
            _("Record the delivery"),
            type="primary",
            on_click=in_session_language(_record),
            key=DELIVERY_SUBMIT,
        )
    show_notice("delivery")
