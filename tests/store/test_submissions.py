"""The submissions tracker (issue 15): what the cluster sent to whom, the default due date,
acknowledgements and answers, overdue worked out as of a day, the overdue first, who may do
what, and wrong input refused saying how to fix it, on SQLite and PostgreSQL. Dates and days
are worked out by hand in the comments."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import insert

from atlas import store as st
from atlas.errors import AccessDenied, StoreError
from atlas.store import schema
from atlas.store.times import now
from tests.store.conftest import CLUSTER, OTHER_CLUSTER, Team, scalar

IDP = "IDP Office, City of Cape Town"
FIELDS = [
    "id", "cluster", "recipient", "sent", "reference", "due", "status", "response", "answered",
    "days_overdue", "recipient_role",
]  # fmt: skip


def sent(
    registered: st.Store, who: st.User, day: str, cluster: str = CLUSTER, **more: object
) -> str:
    entry = st.NewSubmission(cluster, more.pop("recipient", IDP), day, **more)
    return st.add_submission(registered, who, entry)


def listed(registered: st.Store, who: st.User, on: str, **more: object) -> dict[str, dict]:
    return {r["id"]: r for r in st.list_submissions(registered, who, on=on, **more)}


# Adding one, and when it is overdue.


def test_a_submission_is_due_30_days_after_it_was_sent(team: Team, registered: st.Store) -> None:
    sid = sent(registered, team.coordinator, "2026-10-01", reference="IDP/2026/114")
    (record,) = st.list_submissions(registered, team.coordinator, on=date(2026, 10, 15))
    assert list(record) == FIELDS
    assert record == {
        "id": sid,
        "cluster": CLUSTER,
        "recipient": IDP,
        "sent": "2026-10-01",
        "reference": "IDP/2026/114",
        "due": "2026-10-31",  # 1 October + 30 days
        "status": "sent",
        "response": None,
        "answered": None,
        "days_overdue": 0,
        "recipient_role": None,
    }
    assert len(sid) == 16 and sid.isalnum()
    assert scalar(registered, "SELECT created_by FROM submissions WHERE id = :i", i=sid) == "cora"
    # A due date given is kept.
    other = sent(registered, team.coordinator, "2026-10-01", due=date(2026, 10, 14))
    assert listed(registered, team.coordinator, "2026-10-15")[other]["due"] == "2026-10-14"


@pytest.mark.parametrize(
    ("on", "days"),
    [
        ("2026-10-01", 0),  # the day it was sent
        ("2026-10-31", 0),  # the due day itself: still in time
        ("2026-11-01", 1),  # the day after: overdue by one day
        ("2026-11-30", 30),  # 30 November - 31 October
        (date(2027, 1, 1), 62),  # 31 (to 1 December) + 31 (to 1 January)
    ],
)
def test_a_submission_not_answered_is_overdue_after_its_due_date(
    team: Team, registered: st.Store, on: str | date, days: int
) -> None:
    sent(registered, team.coordinator, "2026-10-01")
    (record,) = st.list_submissions(registered, team.viewer, on=on)
    assert record["days_overdue"] == days


def test_acknowledged_then_answered_and_an_answered_one_is_never_overdue(
    team: Team, registered: st.Store
) -> None:
    sid = sent(registered, team.coordinator, "2026-10-01")
    record = st.update_submission(
        registered, team.member, sid, status="acknowledged", reference="MPAC-77"
    )
    assert (record["status"], record["reference"], record["answered"]) == (
        "acknowledged",
        "MPAC-77",
        None,
    )
    # Acknowledged is not answered: still overdue after the due day (5 November: 5 days).
    assert listed(registered, team.viewer, "2026-11-05")[sid]["days_overdue"] == 5
    # An answered date alone means it was answered.
    record = st.update_submission(
        registered, team.member, sid, answered="2026-11-20", response="Budget line added."
    )
    assert (record["status"], record["answered"], record["response"]) == (
        "answered",
        "2026-11-20",
        "Budget line added.",
    )
    for on in ("2026-11-21", "2027-06-01"):
        assert listed(registered, team.viewer, on)[sid]["days_overdue"] == 0
    with pytest.raises(StoreError, match="is answered already: it cannot become acknowledged"):
        st.update_submission(registered, team.coordinator, sid, status="acknowledged")
    # The answer's date may be corrected; it stays answered.
    record = st.update_submission(registered, team.coordinator, sid, answered="2026-11-19")
    assert (record["status"], record["answered"]) == ("answered", "2026-11-19")

    rows = [
        r for r in st.read_audit(registered, team.admin) if r["action"].startswith("submission.")
    ]
    assert [r["action"] for r in rows] == ["submission.added", *["submission.updated"] * 3]
    assert [r["actor"] for r in rows] == ["cora", "mandla", "mandla", "cora"]
    text = json.dumps(rows)
    assert IDP not in text and "Budget line" not in text and "MPAC-77" not in text
    assert '"status_from": "acknowledged"' in text and '"status_to": "answered"' in text


def test_answered_without_a_date_is_answered_today(team: Team, registered: st.Store) -> None:
    sid = sent(registered, team.coordinator, "2026-10-01")
    record = st.update_submission(registered, team.coordinator, sid, status="answered")
    assert record["answered"] == st.submissions.today().isoformat()


def test_the_overdue_come_first_most_overdue_first_then_by_due_date(
    team: Team, registered: st.Store
) -> None:
    c = team.coordinator
    a = sent(registered, c, "2026-09-01")  # due 2026-10-01: 40 days overdue on 10 November
    b = sent(registered, c, "2026-10-01", OTHER_CLUSTER)  # due 2026-10-31: 10 days overdue
    later = sent(registered, c, "2026-11-20")  # due 2026-12-20: not yet
    given = sent(registered, c, "2026-08-01", due="2026-12-10")  # not yet
    done = sent(registered, c, "2026-08-15")  # due 2026-09-14, answered: never overdue
    st.update_submission(registered, c, done, answered="2026-09-10")
    records = st.list_submissions(registered, team.viewer, on="2026-11-10")
    assert [(r["id"], r["days_overdue"]) for r in records] == [
        (a, 40),
        (b, 10),
        (done, 0),  # due 09-14
        (given, 0),  # due 12-10
        (later, 0),  # due 12-20
    ]
    mine = st.list_submissions(registered, team.viewer, cluster=CLUSTER, on="2026-11-10")
    assert [r["id"] for r in mine] == [a, done, given, later]


def test_a_recipient_role_contact_and_pack_are_kept(team: Team, registered: st.Store) -> None:
    stamp = now()
    with registered.engine.begin() as conn:
        conn.execute(
            insert(schema.contacts).values(
                id="c1",
                role="mpac_chair",
                name="Cllr T. Ndlovu",
                active=True,
                created_at=stamp,
                created_by="admin",
                updated_at=stamp,
                updated_by="admin",
            )
        )
    digest = "AB" * 32
    sid = sent(
        registered, team.coordinator, "2026-10-01", recipient="Cllr T. Ndlovu, MPAC chair",
        contact_id="c1", pack_sha256=digest,
    )  # fmt: skip
    assert listed(registered, team.viewer, "2026-10-02")[sid]["recipient_role"] == "mpac_chair"
    kept = scalar(registered, "SELECT pack_sha256 FROM submissions WHERE id = :i", i=sid)
    assert kept == digest.lower()
    role = sent(registered, team.coordinator, "2026-10-01", recipient_role="Ward_Councillor")
    assert listed(registered, team.viewer, "2026-10-02")[role]["recipient_role"] == (
        "ward_councillor"
    )


# Who may do what.


def test_members_record_their_own_clusters_and_everyone_lists_every_one(
    team: Team, registered: st.Store
) -> None:
    mine = sent(registered, team.member, "2026-10-01")
    with pytest.raises(AccessDenied, match=rf"mandla is a member of {CLUSTER}: a member records"):
        sent(registered, team.member, "2026-10-01", OTHER_CLUSTER)
    with pytest.raises(
        AccessDenied, match="vusi is a viewer: recording a submission needs a member"
    ):
        sent(registered, team.viewer, "2026-10-01")
    theirs = sent(registered, team.admin, "2026-10-02", OTHER_CLUSTER)
    for who in ("viewer", "member", "other_member", "coordinator", "admin"):
        records = st.list_submissions(registered, team.by_key(who), on="2026-10-03")
        assert [r["id"] for r in records] == [mine, theirs], who  # by due date
    with pytest.raises(AccessDenied, match=rf"is of {CLUSTER}, not of your cluster"):
        st.update_submission(registered, team.other_member, mine, status="acknowledged")
    with pytest.raises(AccessDenied, match="vusi is a viewer"):
        st.update_submission(registered, team.viewer, mine, status="acknowledged")
    assert st.update_submission(registered, team.other_member, theirs, status="acknowledged")
    assert st.update_submission(registered, team.coordinator, mine, status="acknowledged")
    stranger = st.User("nobody", st.Role.ADMIN)
    with pytest.raises(AccessDenied, match=r"'nobody' is not .* a user of this store"):
        st.list_submissions(registered, stranger)


# Wrong input.


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"cluster": "Nowhere Cluster"}, "'Nowhere Cluster' is not a cluster of the registered"),
        ({"sent": "1 October"}, "The date sent '1 October' is not a date: write it as YYYY-MM-DD"),
        ({"sent": "2099-10-01"}, "The date sent 2099-10-01 is in the future"),
        ({"sent": "1999-10-01"}, "The date sent 1999-10-01 is before 2000"),
        ({"due": "2026-09-30"}, "The due date 2026-09-30 is before the submission was sent"),
        ({"recipient": "  "}, "Say who the submission was sent to"),
        ({"recipient": "x" * 501}, "The recipient is 501 characters long: keep it under 500"),
        ({"recipient_role": "mayor"}, "'mayor' is not a recipient's role: use one of"),
        ({"contact_id": "c404"}, "There is no contact 'c404'"),
        ({"pack_sha256": "abc"}, "The pack digest is not a SHA-256"),
    ],
)
def test_a_wrong_submission_is_refused_saying_what_to_fix(
    team: Team, registered: st.Store, change: dict[str, object], words: str
) -> None:
    fields = {"cluster": CLUSTER, "recipient": IDP, "sent": "2026-10-01", **change}
    with pytest.raises(StoreError, match=words):
        st.add_submission(registered, team.coordinator, st.NewSubmission(**fields))
    assert scalar(registered, "SELECT count(*) FROM submissions") == 0


def test_an_unknown_cluster_names_the_clusters_there_are(team: Team, registered: st.Store) -> None:
    with pytest.raises(StoreError) as caught:
        sent(registered, team.coordinator, "2026-10-01", "Northern Ridge")
    assert str(caught.value).endswith(
        "Clusters: Ilanga East Cluster, Kgotso South Cluster, Northern Ridge Cluster."
    )
    with pytest.raises(StoreError, match=r"'Nowhere' is not a cluster .* Clusters: Ilanga East"):
        st.list_submissions(registered, team.viewer, cluster="Nowhere")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"answered": "2026-09-30"}, r"The answered date 2026-09-30 is before the submission was sent \(2026-10-01\)"),
        ({"status": "replied"}, "'replied' is not a submission's status: use one of sent, acknowledged, answered"),
        ({"status": "answered", "answered": "2099-01-01"}, "The answered date 2099-01-01 is in the future"),
        ({"status": "acknowledged", "answered": "2026-10-20"}, "An answered date goes with the status answered"),
        ({"answered": "20 October"}, "The answered date '20 October' is not a date"),
        ({"due": "2026-09-01"}, "The due date 2026-09-01 is before the submission was sent"),
        ({}, "Nothing to record: give a status, the response"),
        ({"response": "   "}, "Nothing to record"),
    ],
)  # fmt: skip
def test_a_wrong_update_is_refused_saying_what_to_fix(
    team: Team, registered: st.Store, change: dict[str, object], words: str
) -> None:
    sid = sent(registered, team.coordinator, "2026-10-01")
    with pytest.raises(StoreError, match=words):
        st.update_submission(registered, team.coordinator, sid, **change)
    (record,) = st.list_submissions(registered, team.viewer, on="2026-10-02")
    assert (record["status"], record["answered"], record["due"]) == ("sent", None, "2026-10-31")


def test_an_unknown_submission_and_a_step_back(team: Team, registered: st.Store) -> None:
    with pytest.raises(StoreError, match="There is no submission 'nope': check the id"):
        st.update_submission(registered, team.coordinator, "nope", status="acknowledged")
    sid = sent(registered, team.coordinator, "2026-10-01")
    st.update_submission(registered, team.coordinator, sid, status="acknowledged")
    with pytest.raises(StoreError, match="is acknowledged already: it cannot become sent again"):
        st.update_submission(registered, team.coordinator, sid, status="sent")
