"""Reports as lifecycles (:func:`atlas.store.timeline.report_lives`), on both backends: every
state with when it happened, for every role, without any text or contact."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from atlas import store as st
from atlas.history import as_of, spells
from atlas.store.timeline import report_lives
from tests.store.conftest import Team


def test_lives_carry_each_state_with_its_time_and_nothing_personal(
    registered: st.Store, team: Team
) -> None:
    point = st.nearest_services(registered, team.coordinator, "SET-001", "water")[0]
    added = st.add_report(
        registered,
        team.member,
        st.NewReport(
            "SET-001",
            "water",
            "broken",
            "2026-03-03T08:00",
            service_id=point["service_id"],
            note="Tap snapped off",
            contact="072 555 0199",
        ),
    )
    for state, at, extra in (
        ("confirmed", "2026-03-05T09:00", {}),
        ("referred", "2026-03-06T09:00", {"reference": "REF-1"}),
        ("fixed", "2026-03-21T10:00", {}),
    ):
        st.update_report(registered, team.coordinator, added.id, state, at=at, **extra)
    other = st.add_report(
        registered, team.member, st.NewReport("SET-002", "water", "no_water", "2026-03-04")
    )

    (life, second) = report_lives(registered, team.viewer)  # a viewer may read them
    assert life.report_id == added.id and second.report_id == other.id
    assert life.service_id == point["service_id"] and life.problem == "broken"
    assert life.steps == (
        (datetime(2026, 3, 3, 6, tzinfo=UTC), "reported"),
        (datetime(2026, 3, 5, 7, tzinfo=UTC), "confirmed"),
        (datetime(2026, 3, 6, 7, tzinfo=UTC), "referred"),
        (datetime(2026, 3, 21, 8, tzinfo=UTC), "fixed"),
    )
    assert life.state == "fixed" and life.state_at(as_of("2026-03-10")) == "referred"
    fields = {f.name for f in dataclasses.fields(life)}
    assert not fields & {"contact", "description", "reporter", "note"}
    (spell,) = spells([life, second])[point["service_id"]]
    assert (spell.start, spell.end) == (life.steps[0][0], life.steps[-1][0])
    assert [
        x.report_id for x in report_lives(registered, team.viewer, settlement_ids=["SET-002"])
    ] == [other.id]
