"""Contacts: who is responsible for what (ward councillors, departments, the IDP office,
contractors…). Public officials' work details: everyone sees them; coordinators and admins
add, change and retire them."""

import streamlit as st

from atlas.i18n import _
from pages.state.contacts import add_contact_form, can_edit, change_contact_form, contacts_list
from pages.state.view import view

st.header(_("Contacts"))
st.caption(
    _(
        "Who the cluster asks for what is missing: ward councillors, ward committees, the "
        "municipality's departments, the IDP office, the MPAC chair, the Speaker and contractors. "
        "Their work details only, never a resident's."
    )
)
v = view()
kept = contacts_list(v.dataset)
if can_edit():
    categories = list(v.standard.categories)
    add_contact_form(categories)
    change_contact_form(kept, categories)
