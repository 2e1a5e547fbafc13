"""Report a problem: a member tells the atlas what is wrong with a service of their cluster,
made for a phone (one column, big controls, no internet needed)."""

import streamlit as st

from atlas.i18n import _
from atlas.store import Role
from pages.state import session
from pages.state.accounts import require
from pages.state.report_form import big_controls, report_form

st.header(_("Report a problem"))
store, user = require(Role.MEMBER, _("Reporting a problem"))
big_controls()
report_form(store, user, session.category())
