"""The app in another language (DESIGN §8): the session's language is set before anything is
written, the sidebar offers the picker, and the app's own wordings are looked up in it.

The expected words are the catalogue's (read with :func:`atlas.i18n.speaking`), never typed
here: the tests check that the app words itself per session, whatever the drafts say."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from atlas.i18n import _, language, speaking
from pages.state import keys
from pages.state.sources import SAMPLE, source_label
from pages.state.wording import APP, CRS_BOX, SHOW_APART
from tests.app.test_app import APP as APP_FILE


def test_a_lang_link_sets_the_sessions_language_and_the_sidebar_offers_the_picker() -> None:
    at = AppTest.from_file(APP_FILE, default_timeout=60)
    at.query_params["lang"] = "zu"
    at.run()
    assert not at.exception, at.exception
    picker = at.sidebar.selectbox(key=keys.LANGUAGE)
    assert picker.value == "zu"
    # The sidebar reads isiZulu (the catalogue's word for "Dataset"), not English.
    with speaking("zu"):
        assert at.sidebar.radio[0].label == _("Dataset") != "Dataset"
    assert language() == "en"  # the test's own thread never changed language


def test_the_app_wordings_are_looked_up_in_the_sessions_language() -> None:
    english = APP["layers.other_crs"]
    with speaking("af"):
        afrikaans = APP["layers.other_crs"]
        shown = source_label(SAMPLE)
    # The controls a fix names are filled in; the problem's own fields are left for it.
    assert f"“{CRS_BOX}”" in english and f"“{SHOW_APART}”" in english
    assert "{layer}" in english and "{crs_box}" not in english
    assert afrikaans != english and "{layer}" in afrikaans and "{crs_box}" not in afrikaans
    with speaking("af"):
        assert f"“{_(CRS_BOX)}”" in afrikaans  # the control as the Afrikaans page names it
        assert shown == _("Sample municipality (synthetic)") != SAMPLE.label
    assert SAMPLE.label == "Sample municipality (synthetic)"  # the cache key stays English
