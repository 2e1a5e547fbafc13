"""``atlas submissions add|update|list`` (issue 15): what the cluster sent to whom, as a person
or a script runs it: JSON with exactly the submission's fields, the overdue first, roles, and
one-paragraph errors. Days overdue are worked out by hand in the comments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from atlas.cli import EXIT_NOPERM
from tests.atlas.store_cli import (
    EAST,
    NORTH,
    copied_store,
    made_store,
    quick_password_hashes,
    run,
)

__all__ = ["quick_password_hashes"]  # the autouse fixture, for this module's tests

FIELDS = [
    "id", "cluster", "recipient", "sent", "reference", "due", "status", "response", "answered",
    "days_overdue", "recipient_role",
]  # fmt: skip
IDP = "IDP Office, City of Cape Town"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the sample registered (``atlas db init``) and a user of each role."""
    return made_store(tmp_path_factory, "cli-submissions")


@pytest.fixture
def db(made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the made store for one test (``ATLAS_DB`` names it too)."""
    return copied_store(made, tmp_path, monkeypatch)


def added(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, who: str, *argv: str
) -> str:
    code, out, err = run(capsys, monkeypatch, "submissions", "add", *argv, who=who)
    assert code == 0, err
    return str(json.loads(out)["id"])


def listed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, who: str, *argv: str
) -> list[dict[str, object]]:
    code, out, err = run(capsys, monkeypatch, "submissions", "list", *argv, who=who)
    assert code == 0, err
    return list(json.loads(out))


def test_add_update_and_list_with_exactly_the_submissions_fields(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["--cluster", NORTH, "--recipient", IDP, "--sent", "2026-10-01"]
    idp = added(capsys, monkeypatch, "sipho", *argv, "--reference", "IDP/2026/114", "--db", str(db))
    mpac = added(
        capsys, monkeypatch, "nomsa",
        "--cluster", EAST, "--recipient", "MPAC chair", "--sent", "2026-11-20",
        "--due", "2026-12-31", "--recipient-role", "mpac_chair",
    )  # fmt: skip

    # 5 November: the IDP one (due 31 October) is 5 days overdue, first; MPAC's is not yet.
    records = listed(capsys, monkeypatch, "lebo", "--on", "2026-11-05", "--format", "json")
    assert [list(r) for r in records] == [FIELDS, FIELDS]
    assert records == [
        {
            "id": idp, "cluster": NORTH, "recipient": IDP, "sent": "2026-10-01",
            "reference": "IDP/2026/114", "due": "2026-10-31", "status": "sent",
            "response": None, "answered": None, "days_overdue": 5, "recipient_role": None,
        },
        {
            "id": mpac, "cluster": EAST, "recipient": "MPAC chair", "sent": "2026-11-20",
            "reference": None, "due": "2026-12-31", "status": "sent", "response": None,
            "answered": None, "days_overdue": 0, "recipient_role": "mpac_chair",
        },
    ]  # fmt: skip

    code, out, err = run(
        capsys, monkeypatch, "submissions", "update", idp, "--status", "acknowledged", who="sipho"
    )
    assert code == 0, err
    record = json.loads(out)
    assert list(record) == FIELDS and record["status"] == "acknowledged"
    update = ["submissions", "update", idp, "--answered", "2026-11-20", "--response", "Added."]
    code, out, err = run(capsys, monkeypatch, *update, who="nomsa")
    assert code == 0, err
    record = json.loads(out)
    assert (record["status"], record["answered"], record["response"]) == (
        "answered",
        "2026-11-20",
        "Added.",
    )
    # Answered: never overdue again. MPAC's (due 31 December) is 1 day overdue on 1 January.
    records = listed(capsys, monkeypatch, "sipho", "--on", "2027-01-01")
    assert [(r["id"], r["days_overdue"]) for r in records] == [(mpac, 1), (idp, 0)]
    assert [r["id"] for r in listed(capsys, monkeypatch, "lebo", "--cluster", NORTH)] == [idp]


def test_roles_decide_who_may_record(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["submissions", "add", "--cluster", NORTH, "--recipient", IDP, "--sent", "2026-10-01"]
    code, _, err = run(capsys, monkeypatch, *argv, who="lebo")
    assert code == EXIT_NOPERM and "lebo is a viewer: recording a submission needs a member" in err
    code, _, err = run(capsys, monkeypatch, *argv, who="ayanda")
    assert code == EXIT_NOPERM and f"ayanda is a member of {EAST}" in err
    sid = added(capsys, monkeypatch, "sipho", *argv[2:])
    update = ["submissions", "update", sid, "--status", "acknowledged"]
    code, _, err = run(capsys, monkeypatch, *update, who="ayanda")
    assert code == EXIT_NOPERM and f"is of {NORTH}, not of your cluster ({EAST})" in err
    code, _, err = run(capsys, monkeypatch, *update, who="lebo")
    assert code == EXIT_NOPERM


def test_wrong_input_says_how_to_fix_it(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["submissions", "add", "--recipient", IDP, "--sent", "2026-10-01"]
    code, _, err = run(capsys, monkeypatch, *argv, "--cluster", "Northern Ridge", who="nomsa")
    assert code == 1 and "Traceback" not in err
    assert "'Northern Ridge' is not a cluster of the registered settlements" in err
    assert "Clusters: Ilanga East Cluster, Kgotso South Cluster, Northern Ridge Cluster." in err
    sid = added(capsys, monkeypatch, "nomsa", *argv[2:], "--cluster", NORTH)
    update = ["submissions", "update", sid]
    code, _, err = run(capsys, monkeypatch, *update, "--answered", "2026-09-30", who="nomsa")
    assert code == 1
    assert "The answered date 2026-09-30 is before the submission was sent (2026-10-01)" in err
    code, _, err = run(capsys, monkeypatch, *update, who="nomsa")
    assert code == 1 and "Nothing to record: give a status" in err
    wrong = {"replied": "invalid choice: 'replied'", "20 October": "'20 October' is not a date"}
    for given, option in zip(wrong, ("--status", "--answered"), strict=True):
        with pytest.raises(SystemExit) as stopped:
            run(capsys, monkeypatch, *update, option, given, who="nomsa")
        assert stopped.value.code == 2 and wrong[given] in capsys.readouterr().err


def test_list_as_csv_and_text(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = added(
        capsys, monkeypatch, "nomsa", "--cluster", NORTH, "--recipient", "Cllr N. Mokoena, Ward 12",
        "--sent", "2026-10-01",
    )  # fmt: skip
    argv = ["submissions", "list", "--on", "2026-11-01"]
    code, out, _ = run(capsys, monkeypatch, *argv, "--format", "csv", who="lebo")
    assert code == 0
    assert out.splitlines() == [
        ",".join(FIELDS),
        f'{sid},{NORTH},"Cllr N. Mokoena, Ward 12",2026-10-01,,2026-10-31,sent,,,1,',
    ]
    code, out, _ = run(capsys, monkeypatch, *argv, "--format", "text", who="lebo")
    head, row = out.splitlines()
    assert head.split() == ["id", "cluster", "recipient", "sent", "due", "status", "days_overdue"]
    assert row.startswith(sid) and row.rstrip().endswith("2026-10-31  sent    1")
