"""The Clusters page's submission pack: who it is addressed to, the PDF to download and, for a
member of the cluster or a coordinator, the submission recorded as it downloads.

The recipient is looked up on every run, as the signed-in user (the store's contacts, else the
wards layer's councillor, else the office: :func:`atlas.summaries.pack_recipient.resolve_recipient`);
the reports' lifecycles are read the same way. Only what the pack shows reaches its cache
(:func:`pages.state.downloads.pack_pdf`): the recipient, the lifecycles every role may read,
and the references a member or coordinator may see.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import streamlit as st

from atlas.errors import AtlasError
from atlas.exports.download_names import download_name
from atlas.history.moments import day_start
from atlas.i18n import N_, _
from atlas.store import NewSubmission, Role, add_submission, list_contacts, list_reports
from atlas.store.timeline import ReportLife, report_lives
from atlas.summaries.legal import PACK_RECIPIENTS
from atlas.summaries.pack import REPLY_WITHIN
from atlas.summaries.pack_recipient import Recipient, cluster_wards, resolve_recipient
from atlas.summaries.pack_words import ROLE
from layers.text import markdown_text as md
from pages.state import session
from pages.state.accounts import records_store, show_notice
from pages.state.choices import DeliveriesUsed, Timing
from pages.state.downloads import pack_pdf
from pages.state.language import in_session_language
from pages.state.messages import error_text
from pages.state.timeline import today
from pages.state.view import View

__all__ = ["pack_section"]

#: The end of a day is this much before the next one starts.
_TICK = timedelta(microseconds=1)

#: Who the pack goes to, by where the recipient was found.
_TO = {
    "contacts": N_("To {recipient} (from the cluster's contacts)."),
    "wards": N_("To {recipient} (the councillor the wards layer names)."),
    "office": N_("To {recipient} (no contact is known, so the letter goes to the office)."),
}


def _records(cluster: str) -> tuple[tuple[ReportLife, ...] | None, tuple[tuple[str, Any], ...]]:
    """The reports' lifecycles (anyone signed in) and their references (a member of the
    cluster or a coordinator), asked of the store as the signed-in user."""
    user = session.user()
    if user is None:
        return None, ()
    store = records_store()
    lives = tuple(report_lives(store, user))
    if not user.can(Role.MEMBER) or (user.role is Role.MEMBER and user.cluster != cluster):
        return lives, ()
    found = list_reports(store, user, cluster=cluster)
    return lives, tuple((r["service_request_id"], r.get("reference")) for r in found)


def _recipient(v: View, role: str, ward: str | None, category: str) -> Recipient:
    user = session.user()
    contacts: list[dict[str, Any]] = []
    if user is not None:
        ward_id = ward if role == "ward_councillor" else None
        contacts = list_contacts(records_store(), user, role=role, ward_id=ward_id, on=today())
    return resolve_recipient(
        role, contacts=contacts, wards=v.dataset.wards, ward_id=ward, category=category, on=today()
    )


def _record(cluster: str, recipient: Recipient, pdf: Any) -> None:
    """The download button's callback: keep the submission, sent today, with the PDF's digest."""
    user = session.user()
    if user is None:
        session.set_notice("pack", "error", _("Sign in again to record the submission."))
        return
    sent = today()
    try:
        sid = add_submission(
            records_store(),
            user,
            NewSubmission(
                cluster=cluster,
                recipient=recipient.line,
                sent=sent,
                recipient_role=recipient.role,
                contact_id=recipient.contact_id,
                pack_sha256=hashlib.sha256(pdf()).hexdigest(),
                due=sent + REPLY_WITHIN,
            ),
        )
    except AtlasError as exc:
        session.set_notice("pack", "error", error_text(exc, _("The submission was not recorded")))
        return
    text = _(
        "Submission to {recipient} recorded (number {number}): an answer is due by {due}.",
        recipient=recipient.line,
        number=sid,
        due=sent + REPLY_WITHIN,
    )
    session.set_notice("pack", "success", md(text))


def pack_section(v: View, deliveries: DeliveriesUsed | None, timing: Timing | None) -> None:
    """Who the pack goes to, its download button and (signed in) whether to record it."""
    cluster = str(v.cluster)
    role = str(
        st.selectbox(_("Addressed to"), PACK_RECIPIENTS, format_func=lambda r: _(ROLE[r]["title"]))
    )
    members = v.result.settlements[v.result.settlements["cluster"] == cluster]
    wards = cluster_wards(v.result, members["settlement_id"])
    ward = wards[0] if wards else None
    category = "water"
    if role == "ward_councillor" and len(wards) > 1:
        ward = st.selectbox(_("Ward (the first has most of the cluster's households)"), wards)
    if role == "department":
        category = str(st.selectbox(_("Department of"), list(v.standard.categories)))
    try:
        recipient = _recipient(v, role, ward, category)
        lives, references = _records(cluster)
    except AtlasError as exc:
        st.warning(error_text(exc, _("The submission pack cannot be made")))
        return
    st.caption(md(_(_TO[recipient.source], recipient=recipient.line)))
    on = today()
    moment = timing.moment if timing is not None else day_start(on + timedelta(days=1)) - _TICK
    source, standard, population = v.source, v.standard_name, v.population

    def pdf() -> bytes:
        return pack_pdf(
            source, standard, cluster, recipient, on, deliveries, population, timing,
            lives, moment if lives is not None else None, references,
        )  # fmt: skip

    user = session.user()
    may_record = user is not None and (
        user.can(Role.COORDINATOR) or (user.role is Role.MEMBER and user.cluster == cluster)
    )
    record = may_record and st.checkbox(
        _("Record it in the cluster's submissions as sent today"), value=True
    )
    st.download_button(
        _("Download the submission pack of {cluster} (PDF)", cluster=cluster),
        pdf,  # drawn only when asked for: a pack takes a few seconds
        file_name=download_name(
            cluster, v.standard.id, f"submission-{role.replace('_', '-')}", ".pdf", on=on
        ),
        mime="application/pdf",
        on_click=in_session_language(_record) if record else "ignore",
        args=(cluster, recipient, pdf) if record else None,
    )
    show_notice("pack")
