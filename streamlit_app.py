"""Settlement Atlas in the browser: page config, the shared sidebar, and navigation."""

from __future__ import annotations

from typing import Literal

import streamlit as st

from atlas.store import Role
from atlas.summaries.cluster_report import NOT_IN_A_CLUSTER
from layers.text import markdown_text as md
from pages.state import keys, session
from pages.state.accounts import sign_in_section
from pages.state.guard import guard
from pages.state.sharing import door
from pages.state.sources import (
    SAMPLE,
    current_source,
    current_standard,
    served_share,
    served_source,
    standard_label,
    standard_options,
)
from pages.state.view import view

st.set_page_config(page_title="Settlement Atlas", page_icon="🗺️", layout="wide")
# Shared on the network (atlas serve --share): another device signs in or gives the meeting code.
# Nothing is shown past a door that failed.
with guard("the sign-in", stop=True):
    door()


def _shown(needed: Role) -> Literal["visible", "hidden"]:
    """A records page is listed for the roles it serves; opened by its link without one, it
    says what it needs and how to sign in."""
    user = session.user()
    return "visible" if user is not None and user.can(needed) else "hidden"


PAGES = [
    st.Page("pages/map.py", title="Map", icon=":material/map:", default=True),
    st.Page(
        "pages/report.py",
        title="Report a problem",
        icon=":material/report:",
        visibility=_shown(Role.MEMBER),
    ),
    st.Page(
        "pages/reports.py", title="Reports", icon=":material/inbox:", visibility=_shown(Role.VIEWER)
    ),
    st.Page(
        "pages/submissions.py",
        title="Submissions",
        icon=":material/outgoing_mail:",
        visibility=_shown(Role.VIEWER),
    ),
    st.Page("pages/clusters.py", title="Clusters", icon=":material/bar_chart:"),
    st.Page("pages/present.py", title="Present", icon=":material/slideshow:", url_path="present"),
    st.Page("pages/settlement.py", title="Settlement profile", icon=":material/home_work:"),
    st.Page("pages/contacts.py", title="Contacts", icon=":material/contact_phone:"),
    st.Page("pages/schedules.py", title="Water deliveries", icon=":material/local_shipping:"),
    st.Page("pages/hazards.py", title="Population and hazards", icon=":material/flood:"),
    st.Page("pages/data.py", title="Data", icon=":material/upload_file:"),
    st.Page("pages/standards.py", title="Standards", icon=":material/rule:"),
    st.Page(
        "pages/share.py",
        title="Share",
        icon=":material/qr_code_2:",
        visibility="visible" if served_share() is not None else "hidden",
    ),
]

with guard("the app's pages", stop=True):
    page = st.navigation(PAGES)

with st.sidebar:
    st.title("Settlement Atlas")
    # Each part on its own: signing in still works when the chosen dataset cannot be shown.
    with guard("the sidebar's choices"):
        sources = [s for s in (served_source(), SAMPLE, session.uploaded()) if s is not None]
        chosen = current_source()
        session.set_source(
            st.radio(
                "Dataset",
                sources,
                index=sources.index(chosen) if chosen in sources else 0,
                format_func=lambda s: s.label,
            )
        )
        # A standard loaded or built on the Data page is selected here, before the box is drawn.
        session.apply_chosen_standard()
        options = standard_options()
        st.selectbox(
            "Standard",
            options,
            index=session.initial_index(keys.STANDARD, options, current_standard()),
            format_func=standard_label,
            key=keys.STANDARD,
        )
        current = view()
        # None is "All clusters": the row of settlements in no cluster is never a choice here.
        named = current.result.clusters["cluster"].dropna().tolist()
        st.selectbox(
            "Cluster",
            [None, *named],
            format_func=lambda c: "All clusters" if c is None else c,
            key=keys.CLUSTER,
            help=f"The Clusters page also shows the settlements in no cluster ({NOT_IN_A_CLUSTER}).",
        )
        st.selectbox("Service", list(current.standard.categories), key=keys.CATEGORY)
        st.caption(md(f"Standard: {current.standard.name}. Source: {current.standard.source}."))
    with guard("signing in"):
        sign_in_section()

# Every page runs inside the app's boundary: a failure shows a message and a reference, the
# details go to the server's log, and the sidebar above stays usable.
with guard():
    page.run()
