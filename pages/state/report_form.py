"""The form that reports a problem (the Report a problem page), and what it says once a
report is sent; the controls a thumb can hit on a phone, for the records' pages.

Everything here asks the store on every run, as the signed-in user (nothing is cached). A
reporter's contact goes to the store and is never kept in the session.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import streamlit as st

from atlas.errors import AtlasError
from atlas.i18n import N_, _
from atlas.store import (
    CHANNELS,
    OPEN_STATES,
    PROBLEMS,
    NewReport,
    Role,
    Store,
    User,
    add_report,
    list_reports,
    nearest_services,
    registered_settlements,
)
from atlas.store.reports import MAX_CONTACT, MAX_NOTE
from atlas.store.times import CLOCK_SLACK, LOCAL_ZONE, now
from atlas.summaries.records import (
    category_label,
    channel_label,
    problem_label,
    reportable_settlements,
    reports_by_id,
    service_point_label,
    settlement_label,
    state_label,
)
from layers.text import markdown_text as md
from pages.state import keys, session
from pages.state.accounts import records_store, show_notice
from pages.state.language import in_session_language
from pages.state.messages import error_text

__all__ = ["CONTACT_PRIVATE", "big_controls", "report_form", "sent_report"]

#: What the report form says about the resident's contact (translated where shown).
CONTACT_PRIVATE = N_(
    "🔒 Kept private: only the cluster's coordinators can see it, and each time one looks it "
    "is written in the atlas's log. It is never on the map, in downloads, or shown to members "
    "and viewers."
)
_NO_POINT = N_("Not a specific point (say where in the note)")
#: Controls a thumb can hit on a phone (48 px and more) and text a phone does not zoom into
#: (16 px and more), on the records' pages only.
_BIG_CONTROLS = """<style>
[data-testid="stMain"] [data-testid="stRadio"] label { min-height: 44px; align-items: center;
  font-size: 1.1rem; }
[data-testid="stMain"] [data-testid="stRadio"] [role="radiogroup"] { row-gap: 0;
  column-gap: 1.5rem; }
[data-testid="stMain"] div[data-baseweb="select"] > div { min-height: 48px; font-size: 1.05rem; }
[data-testid="stMain"] input, [data-testid="stMain"] textarea { font-size: 1.05rem !important;
  min-height: 44px; }
[data-testid="stMain"] [data-testid="stBaseButton-primary"] { min-height: 56px;
  font-size: 1.2rem; font-weight: 600; }
[data-testid="stMain"] [data-testid="stBaseButton-secondary"] { min-height: 48px; }
</style>"""


def _sast_now() -> datetime:
    return now().astimezone(LOCAL_ZONE)


# Report a problem.


def _send() -> None:
    """The "Send the report" button: keep the report, or say what is wrong."""
    day, at = session.report_when(_sast_now())
    observed = datetime.combine(day, at, tzinfo=LOCAL_ZONE)
    if observed > _sast_now() + CLOCK_SLACK:
        session.set_notice(
            "report",
            "error",
            _("The day and time are later than now: check them and send again."),
        )
        return
    problem = session.widget_value(keys.REPORT_PROBLEM)
    if problem is None:
        session.set_notice("report", "error", _("Choose what is wrong, then send the report."))
        return
    entry = NewReport(
        settlement_id=str(session.widget_value(keys.REPORT_SETTLEMENT)),
        category=str(session.widget_value(keys.REPORT_CATEGORY)),
        problem=str(problem),
        observed_at=observed,
        service_id=session.widget_value(keys.REPORT_POINT),
        note=session.widget_text(keys.REPORT_NOTE),
        contact=session.widget_text(keys.REPORT_CONTACT),
        channel=str(session.widget_value(keys.REPORT_CHANNEL) or "app"),
    )
    user = session.user()
    if user is None:
        session.set_notice("report", "error", _("Sign in again to send the report."))
        return
    try:
        added = add_report(records_store(), user, entry)
    except AtlasError as exc:
        session.set_notice("report", "error", error_text(exc))
        return
    session.reset_report_form(_sast_now())
    session.set_added_report(added)


def big_controls() -> None:
    """Make this page's controls big enough for a thumb on a phone."""
    st.html(_BIG_CONTROLS)


def report_form(store: Store, user: User, category: str | None) -> None:
    """The report form, one control under the other (a phone's screen): settlement, service,
    service point, problem, day and time, note, resident's contact, channel, then "Send".
    ``category`` is the service chosen in the sidebar (the first choice of the form)."""
    entries = reportable_settlements(registered_settlements(store), user)
    if not entries:
        if user.role is Role.MEMBER:
            missing = _(
                "No settlement of {cluster} is in the atlas's register yet: ask a coordinator "
                "to register the settlements (`atlas serve` does it on its first start).",
                cluster=md(str(user.cluster)),
            )
        else:
            missing = _(
                "No settlement at all is in the atlas's register yet: ask a coordinator to "
                "register the settlements (`atlas serve` does it on its first start)."
            )
        st.info(missing)
        st.stop()
    labels = {e.settlement_id: settlement_label(e) for e in entries}
    ids = list(labels)
    settlement_id = st.selectbox(
        _("Settlement"),
        ids,
        index=session.initial_index(keys.REPORT_SETTLEMENT, ids, ids[0]),
        format_func=labels.__getitem__,
        key=keys.REPORT_SETTLEMENT,
    )
    categories = list(PROBLEMS)
    chosen = st.radio(
        _("Which service"),
        categories,
        index=session.initial_index(keys.REPORT_CATEGORY, categories, category),
        format_func=category_label,
        key=keys.REPORT_CATEGORY,
    )
    points = nearest_services(store, user, str(settlement_id), str(chosen), limit=100)
    point_labels: dict[Any, str] = {None: _(_NO_POINT)}
    point_labels.update({p["service_id"]: service_point_label(p) for p in points})
    options = list(point_labels)
    st.selectbox(
        _("Which service point (nearest to the middle of the settlement first)"),
        options,
        index=session.initial_index(keys.REPORT_POINT, options, None),
        format_func=point_labels.__getitem__,
        key=keys.REPORT_POINT,
    )
    problems = list(PROBLEMS[str(chosen)])
    # No default: a report says what its reporter chose, never what the form happened to show.
    session.initial_index(keys.REPORT_PROBLEM, problems, None)
    st.radio(
        _("What is wrong"),
        problems,
        index=None,
        format_func=problem_label,
        key=keys.REPORT_PROBLEM,
    )
    today = _sast_now().date()
    session.report_when(_sast_now())
    st.date_input(
        _("Day it was seen"),
        min_value=today - timedelta(days=365 * 5),
        max_value=today,
        format="YYYY-MM-DD",
        key=keys.REPORT_DAY,
    )
    st.time_input(
        _("Time it was seen (South African time)"), step=timedelta(minutes=1), key=keys.REPORT_TIME
    )
    st.text_area(
        _("Note (optional)"),
        max_chars=MAX_NOTE,
        placeholder=_("Where exactly, since when, how many households are affected…"),
        key=keys.REPORT_NOTE,
    )
    st.text_input(
        _("The resident's phone number or name (optional)"),
        max_chars=MAX_CONTACT,
        key=keys.REPORT_CONTACT,
    )
    st.caption(_(CONTACT_PRIVATE))
    st.selectbox(
        _("How the report reached you"),
        list(CHANNELS),
        format_func=channel_label,
        key=keys.REPORT_CHANNEL,
    )
    st.button(
        _("Send the report"),
        type="primary",
        width="stretch",
        key=keys.REPORT_SEND,
        on_click=in_session_language(_send),
    )
    # Under the button: where the phone's screen is when it was pressed.
    show_notice("report")
    sent_report(store, user)


def sent_report(store: Store, user: User) -> None:
    """The report this session has just sent: its number, and the open reports it may be the
    same as (offered, never merged: a coordinator decides)."""
    added = session.added_report()
    if added is None:
        return
    st.success(_("Report sent. Its number is **{number}**.", number=md(added.id)))
    # Seen wherever the phone's screen is scrolled to.
    st.toast(_("Report sent: {number}", number=md(added.id)), icon=":material/check_circle:")
    if not added.possible_duplicates:
        return
    open_now = list_reports(store, user, state=sorted(OPEN_STATES))
    found = reports_by_id(open_now, added.possible_duplicates).values()
    st.warning(
        _(
            "It may be the same as a report already open. Both are kept; a coordinator "
            "decides whether they are the same problem."
        )
    )
    for record in found:
        st.page_link(
            "pages/reports.py",
            label=md(
                _(
                    "{number}: {problem}, {state}",
                    number=record["service_request_id"],
                    problem=problem_label(record["problem"]),
                    state=state_label(record["state"]),
                )
            ),
            query_params={"report": record["service_request_id"]},
            icon=":material/link:",
        )
