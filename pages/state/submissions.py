"""The widgets of the Submissions page: the list of what the cluster sent to whom, the overdue
first with how many days; the form that records a submission; the form that records its
acknowledgement or answer.

Everything here asks the store on every run, as the signed-in user (nothing is cached: what
a role may do is the library's to decide, call by call). Every role lists every cluster's
submissions; a member records their own cluster's, a coordinator any cluster's
(:mod:`atlas.store.submissions`). Buttons act in callbacks, before the page runs again, and
leave their message for that run. The forms' widgets have ``records_`` keys: signing out
forgets what was typed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from atlas.errors import AtlasError
from atlas.i18n import N_, _, format_number, ngettext
from atlas.store import (
    Role,
    Store,
    User,
    add_submission,
    list_submissions,
    registered_settlements,
    update_submission,
)
from atlas.store.submissions import DUE_AFTER, FIELDS, MAX_RESPONSE, NewSubmission, today
from atlas.summaries.records import cluster_names
from layers.text import markdown_text as md
from pages.state import keys, session
from pages.state.accounts import records_store, show_notice
from pages.state.language import in_session_language
from pages.state.messages import error_text

__all__ = ["answer_form", "submission_form", "submission_list", "submission_table"]

#: The table's columns, as people read them.
_COLUMNS = {
    "days_overdue": N_("Days overdue"),
    "cluster": N_("Cluster"),
    "recipient": N_("Sent to"),
    "sent": N_("Sent"),
    "due": N_("Response due"),
    "status": N_("Status"),
    "reference": N_("Reference"),
    "answered": N_("Answered"),
    "response": N_("Response"),
    "id": N_("Number"),
}
_STATUS = {"sent": N_("Sent"), "acknowledged": N_("Acknowledged"), "answered": N_("Answered")}
#: A status in a sentence.
_STATUS_WORDS = {
    "sent": N_("sent"),
    "acknowledged": N_("acknowledged"),
    "answered": N_("answered"),
}
#: What the answer form may record (a submission is recorded as sent).
_STEPS = {"acknowledged": N_("Acknowledged (received)"), "answered": N_("Answered")}


def _status_word(status: object) -> str:
    word = _STATUS_WORDS.get(str(status))
    return _(word) if word is not None else str(status)


def submission_table(records: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The submissions as a table people read, in the order given (the overdue first): 0
    days overdue for those that are not, empty cells where nothing is recorded."""
    frame = pd.DataFrame(list(records), columns=list(FIELDS))
    frame["days_overdue"] = frame["days_overdue"].astype("int64")
    frame["status"] = frame["status"].map({code: _(name) for code, name in _STATUS.items()})
    texts = [c for c in _COLUMNS if c != "days_overdue"]
    frame[texts] = frame[texts].fillna("")
    return frame[list(_COLUMNS)].rename(columns={c: _(name) for c, name in _COLUMNS.items()})


def submission_list(store: Store, user: User) -> list[dict[str, Any]]:
    """The cluster filter and the submissions it picks (every role: every cluster's), the
    overdue first, as a table; returns them."""
    try:
        clusters = cluster_names(registered_settlements(store))
        cluster = st.selectbox(
            _("Cluster"),
            [None, *clusters],
            index=session.initial_index(keys.SUBMISSIONS_CLUSTER, [None, *clusters], None),
            format_func=lambda c: _("All clusters") if c is None else c,
            key=keys.SUBMISSIONS_CLUSTER,
        )
        records = list_submissions(store, user, cluster=cluster)
    except AtlasError as exc:
        st.error(error_text(exc, _("The submissions cannot be shown")))
        return []
    if not records:
        st.info(_("No submission is recorded yet."))
        return records
    late = sum(r["days_overdue"] > 0 for r in records)
    st.markdown(
        ngettext(
            "**{n} submission**, {late} overdue (first)",
            "**{n} submissions**, {late} overdue (first)",
            len(records),
            late=format_number(late),
        )
        if late
        else ngettext(
            "**{n} submission**: none overdue", "**{n} submissions**: none overdue", len(records)
        )
    )
    st.dataframe(submission_table(records), hide_index=True, width="stretch")
    return records


def _add() -> None:
    """The "Record the submission" button: keep it in the store, or say what is wrong."""
    user = session.user()
    sent = session.widget_value(keys.SUBMISSION_SENT)
    due = session.widget_value(keys.SUBMISSION_DUE)
    if user is None:
        session.set_notice("submission", "error", _("Sign in again to record the submission."))
        return
    if not isinstance(sent, date):
        session.set_notice("submission", "error", _("Give the day the submission was sent."))
        return
    entry = NewSubmission(
        cluster=str(session.widget_value(keys.SUBMISSION_CLUSTER) or ""),
        recipient=session.widget_text(keys.SUBMISSION_RECIPIENT),
        sent=sent,
        reference=session.widget_text(keys.SUBMISSION_REFERENCE) or None,
        due=due if isinstance(due, date) else None,
    )
    try:
        sid = add_submission(records_store(), user, entry)
    except AtlasError as exc:
        session.set_notice("submission", "error", error_text(exc))
        return
    session.reset_submission_form()
    by = due if isinstance(due, date) else sent + DUE_AFTER
    text = _(
        "Submission to {recipient} recorded (number {number}): a response is due by {day}.",
        recipient=entry.recipient,
        number=sid,
        day=by,
    )
    session.set_notice("submission", "success", md(text))


def submission_form(store: Store, user: User) -> None:
    """For a member (their own cluster) and above (any cluster): the form that records a
    submission the cluster sent."""
    if not user.can(Role.MEMBER):
        return
    clusters = [user.cluster] if user.role is Role.MEMBER and user.cluster else []
    try:
        clusters = clusters or cluster_names(registered_settlements(store))
    except AtlasError as exc:
        st.warning(error_text(exc, _("Submissions cannot be recorded")))
        return
    if not clusters:
        st.info(_("Register settlements with clusters to record the clusters' submissions."))
        return
    with st.expander(_("Record a submission the cluster sent")), st.form(keys.SUBMISSION_FORM):
        st.selectbox(
            _("Cluster"),
            clusters,
            index=session.initial_index(keys.SUBMISSION_CLUSTER, clusters, clusters[0]),
            key=keys.SUBMISSION_CLUSTER,
        )
        st.text_input(
            _("Sent to (name and office)"),
            max_chars=500,
            placeholder=_("e.g. IDP Office, City of Cape Town"),
            key=keys.SUBMISSION_RECIPIENT,
        )
        days = st.columns(2)
        days[0].date_input(
            _("Day sent"), today(), max_value=today(), format="YYYY-MM-DD", key=keys.SUBMISSION_SENT
        )
        days[1].date_input(
            _("Response due (empty: 30 days after)"),
            None,
            format="YYYY-MM-DD",
            key=keys.SUBMISSION_DUE,
        )
        st.text_input(
            _("The municipality's reference (optional)"),
            max_chars=200,
            key=keys.SUBMISSION_REFERENCE,
        )
        st.form_submit_button(
            _("Record the submission"),
            type="primary",
            on_click=in_session_language(_add),
            key=keys.SUBMISSION_ADD,
        )


def _answer() -> None:
    """The "Record it" button of the answer form: change the submission, or say why not."""
    user = session.user()
    sid = session.widget_value(keys.SUBMISSION_CHOSEN)
    status = session.widget_value(keys.SUBMISSION_STATUS)
    day = session.widget_value(keys.SUBMISSION_ANSWERED)
    if user is None or sid is None or status not in _STEPS:
        session.set_notice("submission", "error", _("Sign in again to record what came of it."))
        return
    try:
        record = update_submission(
            records_store(),
            user,
            str(sid),
            status=str(status),
            answered=day if status == "answered" and isinstance(day, date) else None,
            response=session.widget_text(keys.SUBMISSION_RESPONSE) or None,
            reference=session.widget_text(keys.SUBMISSION_NEW_REFERENCE) or None,
        )
    except AtlasError as exc:
        session.set_notice("submission", "error", error_text(exc))
        return
    session.set_widget_text(keys.SUBMISSION_RESPONSE, "")
    session.set_widget_text(keys.SUBMISSION_NEW_REFERENCE, "")
    text = _(
        "Submission {number} to {recipient} is now {status}.",
        number=sid,
        recipient=record["recipient"],
        status=_status_word(record["status"]),
    )
    session.set_notice("submission", "success", md(text))


def answer_form(user: User, records: Sequence[Mapping[str, Any]]) -> None:
    """For a member (their own cluster's) and above: the form that records a submission's
    acknowledgement or answer, and the message of the last button pressed."""
    mine = [r for r in records if user.role is not Role.MEMBER or r["cluster"] == user.cluster]
    if user.can(Role.MEMBER) and mine:
        titles = {
            r["id"]: _(
                "{recipient}, sent {day} ({status})",
                recipient=r["recipient"],
                day=r["sent"],
                status=_status_word(r["status"]),
            )
            for r in mine
        }
        ids = list(titles)
        with (
            st.expander(_("Record an acknowledgement or an answer")),
            st.form(keys.SUBMISSION_ANSWER_FORM),
        ):
            st.selectbox(
                _("Submission"),
                ids,
                index=session.initial_index(keys.SUBMISSION_CHOSEN, ids, ids[0]),
                format_func=titles.__getitem__,
                key=keys.SUBMISSION_CHOSEN,
            )
            st.radio(
                _("What came of it"),
                list(_STEPS),
                horizontal=True,
                format_func=lambda step: _(_STEPS[step]),
                key=keys.SUBMISSION_STATUS,
            )
            st.date_input(
                _("Day it was answered (for an answer)"),
                today(),
                max_value=today(),
                format="YYYY-MM-DD",
                key=keys.SUBMISSION_ANSWERED,
            )
            st.text_area(
                _("What the answer said (optional)"),
                max_chars=MAX_RESPONSE,
                key=keys.SUBMISSION_RESPONSE,
            )
            st.text_input(
                _("The municipality's reference, if it gave one (optional)"),
                max_chars=200,
                key=keys.SUBMISSION_NEW_REFERENCE,
            )
            st.form_submit_button(
                _("Record it"),
                type="primary",
                on_click=in_session_language(_answer),
                key=keys.SUBMISSION_ANSWER,
            )
    show_notice("submission")
