"""Reports: the cluster's reports. Coordinators work the queue (oldest first): confirm, refer,
close; members see their cluster's reports; viewers see only how many there are."""

import streamlit as st

from atlas.i18n import _, ngettext
from atlas.store import Role
from pages.state.accounts import require, show_notice
from pages.state.report_form import big_controls
from pages.state.reports import (
    chosen_report,
    open_reports,
    queue_filters,
    queue_table,
    report_details,
    viewer_counts,
)

st.header(_("Reports"))
store, user = require(Role.VIEWER, _("Seeing the cluster's reports"))
big_controls()
if not user.can(Role.MEMBER):
    st.caption(_("How many reports there are, per settlement and service, by state."))
    viewer_counts(store, user)
    st.stop()

records = open_reports(store, user, **queue_filters(store, user))
if not records:
    show_notice("queue")
    st.info(_("No report matches these filters."))
    st.stop()
st.markdown(ngettext("**{n} report, oldest first**", "**{n} reports, oldest first**", len(records)))
queue_table(records)
record = chosen_report(records)
if record is not None:
    report_details(store, user, record)
