"""Share: how the people in the room open the atlas on their phones (``atlas serve --share``)."""

import streamlit as st

from atlas.i18n import _
from pages.state.sharing import share_panel

st.header(_("Share this atlas"))
share_panel()
