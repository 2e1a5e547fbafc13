"""The store's messages in the session's language: written through the catalogue, each read
when it is raised (never frozen at import), so a session in another language reads its own,
with the same numbers and names as the English."""

from __future__ import annotations

import pandas as pd
import pytest

from atlas import store as st
from atlas.errors import AccessDenied, SignInError, StoreError
from atlas.i18n import language, speaking
from atlas.store import CombinedDeliveries, Role, reports, times

from .conftest import PASSWORD, Team

ENGLISH_NOTE = "The note is 12 characters long: keep it under 10."


def _messages(code: str) -> tuple[str, str, str, list[str]]:
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
    return str(raised.value), str(parsed.value), str(role.value), sentences


def test_the_english_messages() -> None:
    note, parsed, role, sentences = _messages("en")
    assert note == ENGLISH_NOTE
    assert parsed.startswith("observed_at 'yesterday' is not a time: write it as ISO")
    assert role == "'chief' is not a role: use one of viewer, member, coordinator, admin."
    assert sentences == [
        "Deliveries compared: 2 from deliveries.csv and 1 234 recorded in the store.",
        "1 delivery was both in deliveries.csv and in the store: it is counted once.",
        "3 deliveries recorded in the store are for settlements not in the settlements layer, "
        "and left out.",
    ]


@pytest.mark.parametrize("code", ["zu", "xh", "st", "nso", "af"])
def test_a_message_is_written_in_the_session_language(code: str) -> None:
    english = _messages("en")
    note, parsed, role, sentences = _messages(code)
    assert language() == "en"  # the language was this block's only
    assert note != ENGLISH_NOTE and "12" in note and "10" in note
    assert "'yesterday'" in parsed and parsed != english[1]
    assert "'chief'" in role and "coordinator" in role  # the role codes stay the codes
    assert sentences != english[3]
    assert "1 234" in sentences[0] and "deliveries.csv" in sentences[0]


@pytest.mark.parametrize("registered", ["sqlite"], indirect=True)
def test_access_and_sign_in_errors_in_a_session_language(registered: st.Store, team: Team) -> None:
    with speaking("xh"), pytest.raises(SignInError) as wrong:
        st.sign_in(registered, team.viewer.name, PASSWORD + "!")
    assert "The user name or the password is wrong" not in str(wrong.value)
    with pytest.raises(SignInError, match="The user name or the password is wrong"):
        st.sign_in(registered, team.viewer.name, PASSWORD + "!")
    with speaking("xh"), pytest.raises(AccessDenied) as denied:
        st.list_users(registered, team.viewer)
    assert "listing users needs an admin" not in str(denied.value)
