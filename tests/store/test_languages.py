"""The store's messages in the session's language: written through the catalogue, each read
when it is raised (never frozen at import), so a session in another language reads its own.
No catalogue has translations yet: every language still reads the English words."""

from __future__ import annotations

import pandas as pd
import pytest

from atlas import store as st
from atlas.errors import AccessDenied, SignInError, StoreError
from atlas.i18n import language, speaking
from atlas.store import CombinedDeliveries, Role, reports, times

from .conftest import PASSWORD, Team


@pytest.mark.parametrize("code", ["en", "zu", "af"])
def test_a_message_is_the_same_sentence_in_every_language_for_now(code: str) -> None:
    with speaking(code):
        with pytest.raises(StoreError) as raised:
            reports.clean_text("x" * 12, 10, "note")
        with pytest.raises(ValueError) as parsed:
            times.parse_time("yesterday", what="observed_at")
        with pytest.raises(ValueError) as role:
            Role.parse("chief")
        both = CombinedDeliveries(
            pd.DataFrame(), from_file=2, from_store=1234, in_both=1, left_out=3
        )
        sentences = both.sentences("deliveries.csv")
    assert language() == "en"
    assert str(raised.value) == "The note is 12 characters long: keep it under 10."
    assert str(parsed.value).startswith("observed_at 'yesterday' is not a time: write it as ISO")
    assert (
        str(role.value) == "'chief' is not a role: use one of viewer, member, coordinator, admin."
    )
    assert sentences == [
        "Deliveries compared: 2 from deliveries.csv and 1 234 recorded in the store.",
        "1 delivery was both in deliveries.csv and in the store: it is counted once.",
        "3 deliveries recorded in the store are for settlements not in the settlements layer, "
        "and left out.",
    ]


@pytest.mark.parametrize("registered", ["sqlite"], indirect=True)
def test_access_and_sign_in_errors_in_a_session_language(registered: st.Store, team: Team) -> None:
    with speaking("xh"):
        with pytest.raises(SignInError, match="The user name or the password is wrong"):
            st.sign_in(registered, team.viewer.name, PASSWORD + "!")
        with pytest.raises(AccessDenied, match="is a viewer: listing users needs an admin"):
            st.list_users(registered, team.viewer)
