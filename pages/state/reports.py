"""The widgets of the cluster's reports: the form that reports a problem, the queue's filters,
one report in detail with its history, contact and next steps, and the counts a viewer sees.

Everything here asks the store on every run, as the signed-in user (nothing is cached: what a
role may see is the library's to decide, call by call). Buttons act in callbacks, before the
page runs again, and leave their message for that run (:func:`pages.state.accounts.show_notice`).
A contact is shown only in the run whose "Show contact" button asked for it (each reveal is
written to the audit log by :func:`atlas.store.reveal_contact`) and is never kept in the session.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import streamlit as st
from branca.element import MacroElement

from atlas.errors import AtlasError
from atlas.store import (
    CHANNELS,
    NEXT_STATES,
    OPEN_STATES,
    PROBLEMS,
    STATES,
    NewReport,
    Role,
    Store,
    User,
    add_report,
    history,
    list_reports,
    nearest_services,
    registered_settlements,
    report_counts,
    reveal_contact,
    update_report,
)
from atlas.store.reports import MAX_CONTACT, MAX_NOTE
from atlas.store.times import CLOCK_SLACK, LOCAL_ZONE, now
from atlas.summaries.records import (
    action_label,
    category_label,
    channel_label,
    cluster_names,
    count_table,
    history_table,
    of_category,
    of_settlement,
    other_reports,
    problem_label,
    report_facts,
    report_points,
    report_table,
    report_title,
    reportable_settlements,
    reports_by_id,
    service_point_label,
    settlement_label,
    state_label,
)
from layers.reports import report_overlays
from layers.text import markdown_text as md
from pages.state import session
from pages.state.accounts import SIGN_IN_HELP, records_store, show_notice
from pages.state.messages import error_text

__all__ = [
    "CONTACT_PRIVATE",
    "big_controls",
    "chosen_report",
    "open_reports",
    "queue_filters",
    "queue_table",
    "report_details",
    "report_form",
    "reports_on_map",
    "same_place_reports",
    "sent_report",
    "settlement_reports",
    "viewer_counts",
]

#: What the report form says about the resident's contact.
CONTACT_PRIVATE = (
    "🔒 Kept private: only the cluster's coordinators can see it, and each time one looks it "
    "is written in the atlas's log. It is never on the map, in downloads, or shown to members "
    "and viewers."
)
_NO_POINT = "Not a specific point (say where in the note)"
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
            "report", "error", "The day and time are later than now: check them and send again."
        )
        return
    problem = session.widget_value(session.REPORT_PROBLEM)
    if problem is None:
        session.set_notice("report", "error", "Choose what is wrong, then send the report.")
        return
    entry = NewReport(
        settlement_id=str(session.widget_value(session.REPORT_SETTLEMENT)),
        category=str(session.widget_value(session.REPORT_CATEGORY)),
        problem=str(problem),
        observed_at=observed,
        service_id=session.widget_value(session.REPORT_POINT),
        note=session.widget_text(session.REPORT_NOTE),
        contact=session.widget_text(session.REPORT_CONTACT),
        channel=str(session.widget_value(session.REPORT_CHANNEL) or "app"),
    )
    user = session.user()
    if user is None:
        session.set_notice("report", "error", "Sign in again to send the report.")
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
        where = f"of {user.cluster}" if user.role is Role.MEMBER else "at all"
        st.info(
            f"No settlement {md(where)} is in the atlas's register yet: ask a coordinator to "
            "register the settlements (`atlas serve` does it on its first start)."
        )
        st.stop()
    labels = {e.settlement_id: settlement_label(e) for e in entries}
    ids = list(labels)
    settlement_id = st.selectbox(
        "Settlement",
        ids,
        index=session.initial_index(session.REPORT_SETTLEMENT, ids, ids[0]),
        format_func=labels.__getitem__,
        key=session.REPORT_SETTLEMENT,
    )
    categories = list(PROBLEMS)
    chosen = st.radio(
        "Which service",
        categories,
        index=session.initial_index(session.REPORT_CATEGORY, categories, category),
        format_func=category_label,
        key=session.REPORT_CATEGORY,
    )
    points = nearest_services(store, user, str(settlement_id), str(chosen), limit=100)
    point_labels: dict[Any, str] = {None: _NO_POINT}
    point_labels.update({p["service_id"]: service_point_label(p) for p in points})
    options = list(point_labels)
    st.selectbox(
        "Which service point (nearest to the middle of the settlement first)",
        options,
        index=session.initial_index(session.REPORT_POINT, options, None),
        format_func=point_labels.__getitem__,
        key=session.REPORT_POINT,
    )
    problems = list(PROBLEMS[str(chosen)])
    # No default: a report says what its reporter chose, never what the form happened to show.
    session.initial_index(session.REPORT_PROBLEM, problems, None)
    st.radio(
        "What is wrong",
        problems,
        index=None,
        format_func=problem_label,
        key=session.REPORT_PROBLEM,
    )
    today = _sast_now().date()
    session.report_when(_sast_now())
    st.date_input(
        "Day it was seen",
        min_value=today - timedelta(days=365 * 5),
        max_value=today,
        format="YYYY-MM-DD",
        key=session.REPORT_DAY,
    )
    st.time_input(
        "Time it was seen (South African time)", step=timedelta(minutes=1), key=session.REPORT_TIME
    )
    st.text_area(
        "Note (optional)",
        max_chars=MAX_NOTE,
        placeholder="Where exactly, since when, how many households are affected…",
        key=session.REPORT_NOTE,
    )
    st.text_input(
        "The resident's phone number or name (optional)",
        max_chars=MAX_CONTACT,
        key=session.REPORT_CONTACT,
    )
    st.caption(CONTACT_PRIVATE)
    st.selectbox(
        "How the report reached you",
        list(CHANNELS),
        format_func=channel_label,
        key=session.REPORT_CHANNEL,
    )
    st.button(
        "Send the report", type="primary", width="stretch", key=session.REPORT_SEND, on_click=_send
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
    st.success(f"Report sent. Its number is **{md(added.id)}**.")
    # Seen wherever the phone's screen is scrolled to.
    st.toast(f"Report sent: {md(added.id)}", icon=":material/check_circle:")
    if not added.possible_duplicates:
        return
    open_now = list_reports(store, user, state=sorted(OPEN_STATES))
    found = reports_by_id(open_now, added.possible_duplicates).values()
    st.warning(
        "It may be the same as a report already open. Both are kept; a coordinator decides "
        "whether they are the same problem."
    )
    for record in found:
        st.page_link(
            "pages/reports.py",
            label=md(
                f"{record['service_request_id']}: {problem_label(record['problem'])}, "
                f"{state_label(record['state'])}"
            ),
            query_params={"report": record["service_request_id"]},
            icon=":material/link:",
        )


# Reports: the queue.


def queue_filters(store: Store, user: User) -> dict[str, Any]:
    """The queue's filters, side by side (cluster for coordinators, states, service); the
    arguments of :func:`open_reports`."""
    columns = st.columns(3)
    if user.role is Role.MEMBER:
        cluster = user.cluster
        columns[0].markdown(f"The reports of **{md(user.cluster)}**.")
    else:
        cluster = columns[0].selectbox(
            "Cluster",
            [None, *cluster_names(registered_settlements(store))],
            format_func=lambda c: "All clusters" if c is None else c,
            key=session.QUEUE_CLUSTER,
        )
    states = columns[1].multiselect(
        "States",
        list(STATES),
        default=[s for s in STATES if s in OPEN_STATES],
        format_func=state_label,
        key=session.QUEUE_STATES,
        placeholder="Every state",
    )
    category = columns[2].selectbox(
        "Service",
        [None, *PROBLEMS],
        format_func=lambda c: "Every service" if c is None else category_label(c),
        key=session.QUEUE_CATEGORY,
    )
    return {"cluster": cluster, "states": tuple(states), "category": category}


def open_reports(
    store: Store, user: User, cluster: str | None, states: tuple[str, ...], category: str | None
) -> list[Mapping[str, Any]]:
    """The reports of the queue, oldest first, without contacts."""
    records = list_reports(store, user, cluster=cluster, state=list(states) or None)
    return of_category(records, category)


def same_place_reports(
    store: Store, user: User, record: Mapping[str, Any]
) -> list[Mapping[str, Any]]:
    """The reports of the same settlement that ``record`` may duplicate."""
    records = list_reports(store, user, settlement_id=record["settlement_id"])
    return other_reports(records, record["service_request_id"])


def queue_table(records: Sequence[Mapping[str, Any]]) -> None:
    """The queue as a table."""
    st.dataframe(report_table(records), hide_index=True, width="stretch")


def chosen_report(records: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The report to show in detail: the one a link opened, else the one chosen (by default
    the oldest)."""
    by_id = reports_by_id(records)
    ids = list(by_id)
    if not ids:
        return None
    linked = session.linked_report()
    chosen = st.selectbox(
        "Report",
        ids,
        index=session.initial_index(
            session.QUEUE_REPORT, ids, linked if linked in by_id else ids[0]
        ),
        format_func=lambda i: f"{i}: {report_title(by_id[i])}",
        key=session.QUEUE_REPORT,
    )
    return by_id[chosen]


def _update(report_id: str, state: str) -> None:
    """A next-step button: move the report, or say why it cannot move."""
    step = session.widget_value(session.report_key(report_id, state, "step"))
    note = session.widget_text(session.report_key(report_id, state, "note"))
    reference = session.widget_text(session.report_key(report_id, state, "reference"))
    original = session.widget_value(session.report_key(report_id, state, "duplicate_of"))
    user = session.user()
    if user is None or step is None:
        session.set_notice("queue", "error", "Sign in again to change the report.")
        return
    try:
        record = update_report(
            records_store(),
            user,
            report_id,
            str(step),
            note=note or None,
            reference=reference or None if step == "referred" else None,
            duplicate_of=str(original) if step == "duplicate" and original else None,
        )
    except AtlasError as exc:
        session.set_notice("queue", "error", error_text(exc))
        return
    session.set_notice(
        "queue", "success", md(f"Report {report_id} is now {state_label(record['state'])}.")
    )


def _details(record: Mapping[str, Any]) -> str:
    """The facts of a report, one per line (Markdown, escaped)."""
    return "  \n".join(f"**{what}:** {md(value)}" for what, value in report_facts(record))


def _contact(store: Store, user: User, report_id: str) -> None:
    """The "Show contact" button of one report (coordinators): the contact, this run only."""
    if not st.button("Show contact", key=session.report_key(report_id, "contact")):
        st.caption("The resident's contact is hidden: showing it is written in the atlas's log.")
        return
    try:
        contact = reveal_contact(store, user, report_id)
    except AtlasError as exc:
        st.error(error_text(exc))
        return
    if contact:
        st.info(f"Contact: **{md(contact)}** (shown to you now; written in the atlas's log)")
    else:
        st.info("The reporter gave no contact.")


def _next_step(store: Store, user: User, record: Mapping[str, Any]) -> None:
    """The steps a coordinator may take from the report's state, with a note."""
    report_id, state = record["service_request_id"], record["state"]
    steps = [s for s in STATES if s in NEXT_STATES.get(state, ())]
    if not steps:
        return
    st.markdown("**Next step**")
    step = st.radio(
        "What happens next",
        steps,
        horizontal=True,
        format_func=action_label,
        key=session.report_key(report_id, state, "step"),
    )
    if step == "referred":
        st.text_input(
            "The municipality's reference number (required)",
            key=session.report_key(report_id, state, "reference"),
        )
    if step == "duplicate":
        others = same_place_reports(store, user, record)
        if not others:
            st.info("No other report of this settlement to name as the original.")
            return
        titles = {r["service_request_id"]: report_title(r) for r in others}
        st.selectbox(
            "Duplicate of which report",
            list(titles),
            format_func=lambda i: f"{i}: {titles[i]}",
            key=session.report_key(report_id, state, "duplicate_of"),
        )
    st.text_area("Note (optional)", key=session.report_key(report_id, state, "note"))
    st.button(
        action_label(str(step)),
        type="primary",
        key=session.report_key(report_id, state, "save"),
        on_click=_update,
        args=(report_id, state),
    )


def report_details(store: Store, user: User, record: Mapping[str, Any]) -> None:
    """One report: its facts and history; for coordinators, its contact (behind a button)
    and the next steps its state allows."""
    report_id = record["service_request_id"]
    st.subheader(md(report_title(record)))
    st.markdown(_details(record))
    st.markdown("**History**")
    st.dataframe(history_table(history(store, user, report_id)), hide_index=True, width="stretch")
    if user.can(Role.COORDINATOR):
        _contact(store, user, report_id)
        _next_step(store, user, record)
    # Under the buttons: where the screen is when one was pressed.
    show_notice("queue")


def viewer_counts(store: Store, user: User, settlement_id: str | None = None) -> None:
    """Counts of reports per settlement (or of one settlement) and per cluster: what a viewer
    sees of the records (never a report, never a contact)."""
    per_settlement: Sequence[Mapping[str, Any]] = report_counts(store, user, "settlement")
    if settlement_id is not None:
        per_settlement = of_settlement(per_settlement, settlement_id)
    if not per_settlement:
        st.info("No reports yet.")
        return
    st.dataframe(count_table(per_settlement), hide_index=True, width="stretch")
    if settlement_id is None:
        st.markdown("**Per cluster**")
        st.dataframe(count_table(report_counts(store, user, "cluster")), hide_index=True)


def reports_on_map() -> tuple[list[MacroElement], str]:
    """The open reports the signed-in user may see (a member: their cluster's), as overlays
    of this session's map, and a part of the map's key naming them; none for a session with
    no member or above signed in. Asked of the store on every run, never cached."""
    user = session.user()
    if user is None or not user.can(Role.MEMBER):
        return [], ""
    try:
        store = records_store()
        records = list_reports(store, user, state=sorted(OPEN_STATES))
        points = report_points(records, registered_settlements(store))
    except AtlasError as exc:
        st.warning(error_text(exc, "The reports are not on the map"))
        return [], ""
    drawn = hash((user.name, *points["report"], *points["state"]))
    return report_overlays(points), f"reports-{drawn}"


def settlement_reports(settlement_id: str, cluster: str | None) -> None:
    """The records' part of a settlement's profile: its open reports for a member or above
    (a member: of their own cluster only), its counts for a viewer, a word on signing in for
    a session with nobody signed in."""
    user = session.user()
    if user is None:
        st.caption(
            f"The cluster's reports about this settlement are shown once you sign in. {SIGN_IN_HELP}"
        )
        return
    try:
        store = records_store()
        if not user.can(Role.MEMBER):
            viewer_counts(store, user, settlement_id)
            return
        if user.role is Role.MEMBER and cluster != user.cluster:
            st.caption(md(f"A member sees the reports of their own cluster ({user.cluster}) only."))
            return
        records = list_reports(store, user, settlement_id=settlement_id, state=sorted(OPEN_STATES))
    except AtlasError as exc:
        st.warning(error_text(exc, "The reports cannot be shown"))
        return
    if not records:
        st.info("No open report about this settlement.")
        return
    table = report_table(records).drop(columns=["Settlement", "Cluster"])
    st.dataframe(table, hide_index=True, width="stretch")
