"""Who is responsible, in the app: the contacts a page may use, the "Who is responsible"
parts of the settlement profile, the cluster page and the map's panel, and the widgets of the
Contacts page (its list for everyone; adding, changing and retiring for coordinators).

Contacts are public officials' work details, yet nothing here is cached: with someone signed
in, the store is asked on every run, as that user (the library decides what a role may do);
with nobody signed in, only the wards layer's councillors are used. Buttons act in callbacks
and leave their message for the next run (:func:`pages.state.accounts.show_notice`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

import atlas
from atlas.errors import AtlasError
from atlas.i18n import N_, _, format_number
from atlas.store import (
    CONTACT_ROLES,
    NewContact,
    Role,
    add_contact,
    list_contacts,
    retire_contact,
    update_contact,
)
from atlas.store.times import LOCAL_ZONE, now
from atlas.summaries.profile import SettlementProfile
from atlas.summaries.responsible import (
    CONTACT_HEADINGS,
    ROLE_LABELS,
    cluster_responsible,
    contact_label,
    contact_table,
    missing_sentences,
    providers_of_broken,
    responsible,
    responsible_sentences,
    responsible_table,
    settlement_responsible,
    ward_councillors,
)
from layers.text import markdown_list
from layers.text import markdown_text as md
from pages.state import keys, session
from pages.state.accounts import SIGN_IN_HELP, records_store, show_notice
from pages.state.language import in_session_language
from pages.state.messages import error_text

__all__ = [
    "add_contact_form",
    "can_edit",
    "change_contact_form",
    "cluster_responsible_section",
    "contacts_list",
    "contractor_lines",
    "known_contacts",
    "responsible_lines",
    "responsible_section",
]

#: What the pages say to a session with nobody signed in (then :data:`SIGN_IN_HELP`).
_SIGNED_OUT = N_(
    "Shown: the ward councillors the wards layer names. The contacts the cluster keeps "
    "(departments, contractors, councillors) are shown once you sign in."
)
#: The text fields of the contact forms, with their labels (translated where shown).
_TEXTS = {
    "name": N_("Name (the person's, or the office's)"),
    "office": N_("Office"),
    "phone": N_("Phone"),
    "email": N_("Email"),
    "ward_id": N_("Ward (a ward councillor or committee needs one)"),
    "provider": N_("Provider (a contractor needs one), as the service points name it"),
    "source": N_("Source (where these details come from)"),
}
_DAYS = {
    "valid_from": N_("Valid from (empty: since always)"),
    "valid_to": N_("Valid to (empty: still)"),
}
#: The columns of the wards layer's councillors, of :data:`CONTACT_HEADINGS`.
_COUNCILLOR_FIELDS = ("role", "name", "ward_id")


def _today() -> date:
    return now().astimezone(LOCAL_ZONE).date()


def known_contacts(dataset: atlas.Dataset) -> list[dict[str, Any]]:
    """The contacts valid today this session may use: the store's, for anyone signed in
    (asked on every run, never cached), then the wards layer's councillors."""
    councillors = ward_councillors(dataset)
    user = session.user()
    if user is None:
        return councillors
    try:
        return list_contacts(records_store(), user, on=_today()) + councillors
    except AtlasError as exc:
        st.warning(error_text(exc, _("The cluster's contacts cannot be read")))
        return councillors


def _signed_out_note() -> None:
    if session.user() is None:
        st.caption(f"{_(_SIGNED_OUT)} {_(SIGN_IN_HELP)}")


def responsible_section(
    profile: SettlementProfile, categories: Iterable[str], dataset: atlas.Dataset
) -> None:
    """A settlement's "Who is responsible": its ward councillor, and the department (and the
    contractors of broken points) of each service with a gap, as a table."""
    entries = settlement_responsible(
        profile.record,
        categories,
        known_contacts(dataset),
        providers=providers_of_broken(profile.services),
        on=_today(),
    )
    st.dataframe(responsible_table(entries), hide_index=True, width="stretch")
    for sentence in missing_sentences(entries):
        st.caption(md(sentence))
    _signed_out_note()


def responsible_lines(
    profile: SettlementProfile, categories: Iterable[str], dataset: atlas.Dataset
) -> None:
    """The same as :func:`responsible_section`, in sentences (the map's settlement panel)."""
    entries = settlement_responsible(
        profile.record,
        categories,
        known_contacts(dataset),
        providers=providers_of_broken(profile.services),
        on=_today(),
    )
    heading = _("**Who is responsible**")
    st.markdown(heading + "\n\n" + markdown_list(responsible_sentences(entries)))


def contractor_lines(providers: Sequence[str], dataset: atlas.Dataset) -> None:
    """Who answers for the late and missed water deliveries: the contractor recorded for each
    of ``providers`` (the tanker providers with late or missed deliveries), or how to add one."""
    if not providers:
        return
    found = responsible({}, "water", known_contacts(dataset), provider=list(providers), on=_today())
    lines = [r.sentence() for r in found if r.role == "contractor"]
    heading = _("**Who answers for the late and missed deliveries**")
    st.markdown(heading + "\n\n" + markdown_list(lines))
    _signed_out_note()


def cluster_responsible_section(
    members: pd.DataFrame, categories: Iterable[str], dataset: atlas.Dataset
) -> None:
    """A cluster's "Who is responsible": per primary ward, its councillor and the department of
    each service with a gap there."""
    entries = cluster_responsible(members, categories, known_contacts(dataset), on=_today())
    st.dataframe(responsible_table(entries), hide_index=True, width="stretch")
    for sentence in missing_sentences(entries):
        st.caption(md(sentence))
    _signed_out_note()


# The Contacts page.


def contacts_list(dataset: atlas.Dataset) -> list[dict[str, Any]]:
    """The contacts the cluster keeps (for anyone signed in) and the wards layer's
    councillors, as tables; returns the store's (none with nobody signed in)."""
    user = session.user()
    kept: list[dict[str, Any]] = []
    if user is not None:
        try:
            kept = list_contacts(records_store(), user)
        except AtlasError as exc:
            st.warning(error_text(exc, _("The cluster's contacts cannot be read")))
        st.subheader(_("Kept by the cluster ({count})", count=format_number(len(kept))))
        if kept:
            st.dataframe(contact_table(kept), hide_index=True, width="stretch")
        else:
            st.info(_("No contact is kept yet."))
    councillors = ward_councillors(dataset)
    st.subheader(_("From the wards layer ({count})", count=format_number(len(councillors))))
    if councillors:
        # By position: the headings are in the session's language.
        fields = list(CONTACT_HEADINGS)
        table = contact_table(councillors).iloc[:, [fields.index(f) for f in _COUNCILLOR_FIELDS]]
        st.dataframe(table, hide_index=True, width="stretch")
    else:
        st.caption(
            _(
                "The wards layer names no councillor (no wards layer, or its councillor field "
                "is not mapped: map it on the Data page; a party's name is never taken for one)."
            )
        )
    _signed_out_note()
    return kept


def _values(contact_id: str | None) -> dict[str, Any]:
    """What the form of ``contact_id`` (None: the new contact's) holds."""
    fields = ["role", *_TEXTS, "category", *_DAYS]
    return {f: session.widget_value(keys.contact_key(contact_id, f)) for f in fields}


def _add() -> None:
    user = session.user()
    if user is None:
        session.set_notice("contacts", "error", _("Sign in again to add the contact."))
        return
    values = _values(None)
    try:
        add_contact(records_store(), user, NewContact(**values))
    except AtlasError as exc:
        session.set_notice("contacts", "error", error_text(exc))
        return
    added = _("Added: {contact}.", contact=contact_label(values))
    session.set_notice("contacts", "success", md(added))
    session.reset_contact_form(dict.fromkeys(_TEXTS, "") | dict.fromkeys(["category", *_DAYS]))


def _fields(contact: Mapping[str, Any] | None, categories: Sequence[str]) -> None:
    """The widgets of a contact's fields (empty for a new one)."""
    cid = None if contact is None else contact["id"]
    old: Mapping[str, Any] = contact or {}
    roles = list(CONTACT_ROLES)
    st.selectbox(
        _("Role"),
        roles,
        index=roles.index(old["role"]) if old.get("role") in roles else 0,
        format_func=lambda r: _(ROLE_LABELS.get(r, r)),
        key=keys.contact_key(cid, "role"),
    )
    for field, label in _TEXTS.items():
        st.text_input(_(label), value=old.get(field) or "", key=keys.contact_key(cid, field))
    options = [
        None,
        *dict.fromkeys([*categories, *([old["category"]] if old.get("category") else [])]),
    ]
    st.selectbox(
        _("Service (a department needs one)"),
        options,
        index=options.index(old.get("category")),
        format_func=lambda c: _("none") if c is None else c,
        key=keys.contact_key(cid, "category"),
    )
    for field, label in _DAYS.items():
        day = old.get(field)
        st.date_input(
            _(label),
            value=date.fromisoformat(day) if day else None,
            key=keys.contact_key(cid, field),
        )


def add_contact_form(categories: Sequence[str]) -> None:
    """The form that adds a contact (coordinators and admins)."""
    st.subheader(_("Add a contact"))
    show_notice("contacts")
    with st.form(keys.CONTACT_FORM):
        _fields(None, categories)
        st.form_submit_button(
            _("Add the contact"),
            on_click=in_session_language(_add),
            key=keys.CONTACT_ADD,
            type="primary",
        )


def _change(contact_id: str) -> None:
    user = session.user()
    if user is None:
        session.set_notice("contact_change", "error", _("Sign in again to change the contact."))
        return
    try:
        record = update_contact(records_store(), user, contact_id, **_values(contact_id))
    except AtlasError as exc:
        session.set_notice("contact_change", "error", error_text(exc))
        return
    saved = _("Saved: {contact}.", contact=contact_label(record))
    session.set_notice("contact_change", "success", md(saved))


def _retire(contact_id: str) -> None:
    user = session.user()
    if user is None:
        session.set_notice("contact_change", "error", _("Sign in again to retire the contact."))
        return
    try:
        record = retire_contact(records_store(), user, contact_id)
    except AtlasError as exc:
        session.set_notice("contact_change", "error", error_text(exc))
        return
    retired = _("Retired: {contact}.", contact=contact_label(record))
    session.set_notice("contact_change", "success", md(retired))


def change_contact_form(kept: Sequence[Mapping[str, Any]], categories: Sequence[str]) -> None:
    """Change or retire one of the contacts kept (coordinators and admins)."""
    st.subheader(_("Change or retire a contact"))
    show_notice("contact_change")
    if not kept:
        st.caption(_("No contact is kept yet: add one above."))
        return
    by_id = {c["id"]: c for c in kept}
    chosen = st.selectbox(
        _("Contact"),
        list(by_id),
        format_func=lambda i: contact_label(by_id[i]),
        key=keys.CONTACT_CHOSEN,
    )
    contact = by_id[chosen]
    with st.form(keys.contact_key(chosen, "form")):
        _fields(contact, categories)
        st.form_submit_button(
            _("Save the changes"),
            on_click=in_session_language(_change),
            args=(chosen,),
            key=keys.contact_key(chosen, "save"),
            type="primary",
        )
    st.caption(
        _(
            "A contact no longer used is retired: it leaves the lists, and stays in the store "
            "for the submissions that name it."
        )
    )
    st.button(
        _("Retire this contact"),
        on_click=in_session_language(_retire),
        args=(chosen,),
        key=keys.contact_key(chosen, "retire"),
    )


def can_edit() -> bool:
    """Whether the signed-in user may add, change and retire contacts."""
    user = session.user()
    return user is not None and user.can(Role.COORDINATOR)
