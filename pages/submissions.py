"""Submissions: what the clusters sent to whom (the IDP review, MPAC, ward councillors) and
whether anyone answered, the overdue first. Every signed-in role sees them; members record
their own cluster's, coordinators any cluster's."""

import streamlit as st

from atlas.i18n import _
from atlas.store import Role
from pages.state.accounts import require
from pages.state.report_form import big_controls
from pages.state.submissions import answer_form, submission_form, submission_list

st.header(_("Submissions"))
store, user = require(Role.VIEWER, _("Seeing the clusters' submissions"))
big_controls()
st.caption(
    _(
        "What the clusters sent to the municipality, and the answers. A submission not answered "
        "is overdue once the day its response was due has passed (by default 30 days after it "
        "was sent)."
    )
)
records = submission_list(store, user)
submission_form(store, user)
answer_form(user, records)
