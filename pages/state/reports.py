"""The widgets of the cluster's reports (the form that reports a problem is in
:mod:`pages.state.report_form`): the queue's filters, one report in detail with its history,
contact and next steps, and the counts a viewer sees.

Everything here asks the store on every run, as the signed-in user (nothing is cached: what a
role may see is the library's to decide, call by call). Buttons act in callbacks, before the
page runs again, and leave their message for that run (:func:`pages.state.accounts.show_notice`).
A contact is shown only in the run whose "Show contact" button asked for it (each reveal is
written to the audit log by :func:`atlas.store.reveal_contact`) and is never kept in the session.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st
from branca.element import MacroElement

from atlas.errors import AtlasError
from atlas.i18n import SOURCE_LANGUAGE, _, speaking
from atlas.store import (
    NEXT_STATES,
    OPEN_STATES,
    PROBLEMS,
    STATES,
    Role,
    Store,
    User,
    history,
    list_reports,
    registered_settlements,
    report_counts,
    reveal_contact,
    update_report,
)
from atlas.summaries.records import (
    action_label,
    category_label,
    cluster_names,
    count_table,
    history_table,
    of_category,
    of_settlement,
    other_reports,
    report_facts,
    report_points,
    report_table,
    report_title,
    reports_by_id,
    state_label,
)
from layers.reports import report_overlays
from layers.text import markdown_text as md
from pages.state import keys, session
from pages.state.accounts import SIGN_IN_HELP, records_store, show_notice
from pages.state.language import in_session_language
from pages.state.messages import error_text

__all__ = [
    "chosen_report",
    "open_reports",
    "queue_filters",
    "queue_table",
    "report_details",
    "reports_on_map",
    "reports_open_about",
    "same_place_reports",
    "settlement_reports",
    "viewer_counts",
]

# Reports: the queue.


def queue_filters(store: Store, user: User) -> dict[str, Any]:
    """The queue's filters, side by side (cluster for coordinators, states, service); the
    arguments of :func:`open_reports`."""
    columns = st.columns(3)
    if user.role is Role.MEMBER:
        cluster = user.cluster
        columns[0].markdown(_("The reports of **{cluster}**.", cluster=md(user.cluster)))
    else:
        cluster = columns[0].selectbox(
            _("Cluster"),
            [None, *cluster_names(registered_settlements(store))],
            format_func=lambda c: _("All clusters") if c is None else c,
            key=keys.QUEUE_CLUSTER,
        )
    states = columns[1].multiselect(
        _("States"),
        list(STATES),
        default=[s for s in STATES if s in OPEN_STATES],
        format_func=state_label,
        key=keys.QUEUE_STATES,
        placeholder=_("Every state"),
    )
    category = columns[2].selectbox(
        _("Service"),
        [None, *PROBLEMS],
        format_func=lambda c: _("Every service") if c is None else category_label(c),
        key=keys.QUEUE_CATEGORY,
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
        _("Report"),
        ids,
        index=session.initial_index(keys.QUEUE_REPORT, ids, linked if linked in by_id else ids[0]),
        format_func=lambda i: _("{number}: {title}", number=i, title=report_title(by_id[i])),
        key=keys.QUEUE_REPORT,
    )
    return by_id[chosen]


def _update(report_id: str, state: str) -> None:
    """A next-step button: move the report, or say why it cannot move."""
    step = session.widget_value(keys.report_key(report_id, state, "step"))
    note = session.widget_text(keys.report_key(report_id, state, "note"))
    reference = session.widget_text(keys.report_key(report_id, state, "reference"))
    original = session.widget_value(keys.report_key(report_id, state, "duplicate_of"))
    user = session.user()
    if user is None or step is None:
        session.set_notice("queue", "error", _("Sign in again to change the report."))
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
    now = _("Report {number} is now {state}.", number=report_id, state=state_label(record["state"]))
    session.set_notice("queue", "success", md(now))


def _details(record: Mapping[str, Any]) -> str:
    """The facts of a report, one per line (Markdown, escaped)."""
    return "  \n".join(
        _("**{what}:** {value}", what=what, value=md(value)) for what, value in report_facts(record)
    )


def _contact(store: Store, user: User, report_id: str) -> None:
    """The "Show contact" button of one report (coordinators): the contact, this run only."""
    if not st.button(_("Show contact"), key=keys.report_key(report_id, "contact")):
        st.caption(_("The resident's contact is hidden: showing it is written in the atlas's log."))
        return
    try:
        contact = reveal_contact(store, user, report_id)
    except AtlasError as exc:
        st.error(error_text(exc))
        return
    if contact:
        st.info(
            _(
                "Contact: **{contact}** (shown to you now; written in the atlas's log)",
                contact=md(contact),
            )
        )
    else:
        st.info(_("The reporter gave no contact."))


def _next_step(store: Store, user: User, record: Mapping[str, Any]) -> None:
    """The steps a coordinator may take from the report's state, with a note."""
    report_id, state = record["service_request_id"], record["state"]
    steps = [s for s in STATES if s in NEXT_STATES.get(state, ())]
    if not steps:
        return
    st.markdown(_("**Next step**"))
    step = st.radio(
        _("What happens next"),
        steps,
        horizontal=True,
        format_func=action_label,
        key=keys.report_key(report_id, state, "step"),
    )
    if step == "referred":
        st.text_input(
            _("The municipality's reference number (required)"),
            key=keys.report_key(report_id, state, "reference"),
        )
    if step == "duplicate":
        others = same_place_reports(store, user, record)
        if not others:
            st.info(_("No other report of this settlement to name as the original."))
            return
        titles = {r["service_request_id"]: report_title(r) for r in others}
        st.selectbox(
            _("Duplicate of which report"),
            list(titles),
            format_func=lambda i: _("{number}: {title}", number=i, title=titles[i]),
            key=keys.report_key(report_id, state, "duplicate_of"),
        )
    st.text_area(_("Note (optional)"), key=keys.report_key(report_id, state, "note"))
    st.button(
        action_label(str(step)),
        type="primary",
        key=keys.report_key(report_id, state, "save"),
        on_click=in_session_language(_update),
        args=(report_id, state),
    )


def report_details(store: Store, user: User, record: Mapping[str, Any]) -> None:
    """One report: its facts and history; for coordinators, its contact (behind a button)
    and the next steps its state allows."""
    report_id = record["service_request_id"]
    st.subheader(md(report_title(record)))
    st.markdown(_details(record))
    st.markdown(_("**History**"))
    st.dataframe(history_table(history(store, user, report_id)), hide_index=True, width="stretch")
    if user.can(Role.COORDINATOR):
        _contact(store, user, report_id)
        _next_step(store, user, record)
    # Under the buttons: where the screen is when one was pressed.
    show_notice("queue")


def viewer_counts(
    store: Store, user: User, settlement_id: str | None = None, cluster: str | None = None
) -> None:
    """Counts of reports per settlement (or of one settlement, or of one cluster's) and per
    cluster: what a viewer sees of the records (never a report, never a contact)."""
    per_settlement: Sequence[Mapping[str, Any]] = report_counts(store, user, "settlement")
    if settlement_id is not None:
        per_settlement = of_settlement(per_settlement, settlement_id)
    elif cluster is not None:
        per_settlement = [row for row in per_settlement if row.get("cluster") == cluster]
    if not per_settlement:
        st.info(_("No reports yet."))
        return
    st.dataframe(count_table(per_settlement), hide_index=True, width="stretch")
    if settlement_id is None and cluster is None:
        st.markdown(_("**Per cluster**"))
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
        st.warning(error_text(exc, _("The reports are not on the map")))
        return [], ""
    drawn = hash((user.name, *points["report"], *points["state"]))
    return report_overlays(points), f"reports-{drawn}"


def settlement_reports(settlement_id: str, cluster: str | None) -> None:
    """The records' part of a settlement's profile: its open reports for a member or above
    (a member: of their own cluster only), its counts for a viewer, a word on signing in for
    a session with nobody signed in."""
    reports_open_about(cluster, settlement_id)


def reports_open_about(cluster: str | None, settlement_id: str | None = None) -> None:
    """The open reports of a settlement (or of a whole cluster), the oldest seen first, with
    the days each has been open, for a member or above (a member: of their own cluster only);
    counts for a viewer; a word on signing in for a session with nobody signed in."""
    one = settlement_id is not None
    user = session.user()
    if user is None:
        shown = (
            _("The cluster's reports about this settlement are shown once you sign in.")
            if one
            else _("The cluster's reports about this cluster are shown once you sign in.")
        )
        st.caption(f"{shown} {_(SIGN_IN_HELP)}")
        return
    try:
        store = records_store()
        if not user.can(Role.MEMBER):
            viewer_counts(store, user, settlement_id, None if settlement_id else cluster)
            return
        if user.role is Role.MEMBER and cluster != user.cluster:
            own = _(
                "A member sees the reports of their own cluster ({cluster}) only.",
                cluster=user.cluster,
            )
            st.caption(md(own))
            return
        records = list_reports(
            store,
            user,
            settlement_id=settlement_id,
            cluster=cluster if settlement_id is None else None,
            state=sorted(OPEN_STATES),
        )
    except AtlasError as exc:
        st.warning(error_text(exc, _("The reports cannot be shown")))
        return
    if not records:
        st.info(
            _("No open report about this settlement.")
            if one
            else _("No open report about this cluster.")
        )
        return
    records = sorted(records, key=lambda r: (r["observed_at"] or "", r["service_request_id"]))
    # The columns' English headings, which find them (not shown).
    left_out = ["Cluster", *(["Settlement"] * bool(settlement_id))]  # i18n-ignore: keys
    st.dataframe(_without(report_table(records), left_out), hide_index=True, width="stretch")


def _without(table: pd.DataFrame, english: list[str]) -> pd.DataFrame:
    """The report table without the columns whose headings are ``english`` in English: found
    by position (the table's headings are in the session's language)."""
    with speaking(SOURCE_LANGUAGE):
        headings = list(report_table([]).columns)
    return table.drop(columns=[table.columns[headings.index(h)] for h in english])
