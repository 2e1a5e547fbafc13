"""Settlement Atlas in the browser: page config, the shared sidebar, and navigation."""

from __future__ import annotations

from typing import Literal

import streamlit as st

import pages.state.language
from atlas.i18n import N_, _
from atlas.store import Role
from atlas.summaries.cluster_report import NOT_IN_A_CLUSTER
from layers.text import markdown_text as md
from pages.state import keys, loading, session
from pages.state.accounts import sign_in_section
from pages.state.guard import guard
from pages.state.sharing import door
from pages.state.sources import (
    SAMPLE,
    current_source,
    current_standard,
    served_share,
    served_source,
    source_label,
    standard_label,
    standard_options,
)
from pages.state.view import view

st.set_page_config(
    page_title="Settlement Atlas",  # i18n-ignore: the atlas's name
    page_icon="🗺️",
    layout="wide",
)
# Before anything is written: this script run speaks the session's language.
pages.state.language.use_session_language()
# Shared on the network (atlas serve --share): another device signs in or gives the meeting code.
# Nothing is shown past a door that failed.
with guard(N_("the sign-in"), stop=True):
    door()


def _shown(needed: Role) -> Literal["visible", "hidden"]:
    """A records page is listed for the roles it serves; opened by its link without one, it
    says what it needs and how to sign in."""
    user = session.user()
    return "visible" if user is not None and user.can(needed) else "hidden"


PAGES = [
    st.Page("pages/map.py", title=_("Map"), icon=":material/map:", default=True),
    st.Page(
        "pages/report.py",
        title=_("Report a problem"),
        icon=":material/report:",
        visibility=_shown(Role.MEMBER),
    ),
    st.Page(
        "pages/reports.py",
        title=_("Reports"),
        icon=":material/inbox:",
        visibility=_shown(Role.VIEWER),
    ),
    st.Page(
        "pages/submissions.py",
        title=_("Submissions"),
        icon=":material/outgoing_mail:",
        visibility=_shown(Role.VIEWER),
    ),
    st.Page("pages/clusters.py", title=_("Clusters"), icon=":material/bar_chart:"),
    st.Page(
        "pages/present.py", title=_("Present"), icon=":material/slideshow:", url_path="present"
    ),
    st.Page("pages/settlement.py", title=_("Settlement profile"), icon=":material/home_work:"),
    st.Page("pages/contacts.py", title=_("Contacts"), icon=":material/contact_phone:"),
    st.Page("pages/schedules.py", title=_("Water deliveries"), icon=":material/local_shipping:"),
    st.Page("pages/hazards.py", title=_("Population and hazards"), icon=":material/flood:"),
    st.Page("pages/data.py", title=_("Data"), icon=":material/upload_file:"),
    st.Page("pages/standards.py", title=_("Standards"), icon=":material/rule:"),
    st.Page(
        "pages/share.py",
        title=_("Share"),
        icon=":material/qr_code_2:",
        visibility="visible" if served_share() is not None else "hidden",
    ),
]

with guard(N_("the app's pages"), stop=True):
    page = st.navigation(PAGES)

# A dataset's first open shows what it is doing on a progress bar, gone when the run ends
# (pages.state.loading); a run whose caches are filled shows none.
loading.begin()
try:
    with st.sidebar:
        st.title("Settlement Atlas")  # i18n-ignore: the atlas's name
        pages.state.language.language_picker()
        # Each part on its own: signing in still works when the chosen dataset cannot be shown.
        with guard(N_("the sidebar's choices")):
            sources = [s for s in (served_source(), SAMPLE, session.uploaded()) if s is not None]
            chosen = current_source()
            session.set_source(
                st.radio(
                    _("Dataset"),
                    sources,
                    index=sources.index(chosen) if chosen in sources else 0,
                    format_func=source_label,
                )
            )
            # A standard loaded or built on the Data page is selected here, before the box is drawn.
            session.apply_chosen_standard()
            options = standard_options()
            st.selectbox(
                _("Standard"),
                options,
                index=session.initial_index(keys.STANDARD, options, current_standard()),
                format_func=standard_label,
                key=keys.STANDARD,
            )
            # On the Map page, its layers are prepared while the gaps are measured.
            current = view(with_map=page is PAGES[0])
            # None is "All clusters": the row of settlements in no cluster is never a choice here.
            named = current.result.clusters["cluster"].dropna().tolist()
            st.selectbox(
                _("Cluster"),
                [None, *named],
                format_func=lambda c: _("All clusters") if c is None else c,
                key=keys.CLUSTER,
                help=_(
                    "The Clusters page also shows the settlements in no cluster ({no_cluster}).",
                    no_cluster=_(NOT_IN_A_CLUSTER),
                ),
            )
            st.selectbox(_("Service"), list(current.standard.categories), key=keys.CATEGORY)
            st.caption(
                _(
                    "Standard: {standard}. Source: {source}.",
                    standard=md(current.standard.name),
                    source=md(current.standard.source),
                )
            )
        with guard(N_("signing in")):
            sign_in_section()

    # Every page runs inside the app's boundary: a failure shows a message and a reference, the
    # details go to the server's log, and the sidebar above stays usable.
    with guard():
        page.run()
finally:
    loading.finish()
