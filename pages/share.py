"""Share: how the people in the room open the atlas on their phones (``atlas serve --share``)."""

import streamlit as st

from pages.state.sharing import share_panel

st.header("Share this atlas")
share_panel()
