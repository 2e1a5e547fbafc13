"""``atlas deliveries`` and ``atlas schedule --db … --as …`` (issue 14): deliveries recorded in
the store, by role, and the sample schedule compared with them, alone and beside the sample's
delivery file, with outcomes worked out by hand from data/sample/schedule.csv.

The week compared is Monday 2026-08-03 to Sunday 2026-08-09. The sample schedule has 11
deliveries in it: SET-001 Mon 3 and Thu 6 (08:00-10:00, 20 000 l), SET-003 Tue 4 and Fri 7
(09:00-11:00, 15 000 l), SET-006 Mon 3 and Fri 7 (13:00-15:00; its Wednesdays start on
2026-09-16), SET-012 Wed 5 (10:00-12:00), SET-013 Tue 4 (14:00-16:00), SET-018 Mon 3 and
Thu 6 (07:00-09:00), SET-025 Sat 8 (09:00-12:00).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from atlas.cli import EXIT_NOPERM
from atlas.registry import SAMPLE_DELIVERIES, SAMPLE_SCHEDULE
from tests.atlas.store_cli import (
    EAST,
    NORTH,
    copied_store,
    made_store,
    quick_password_hashes,
    run,
)

__all__ = ["quick_password_hashes"]  # the autouse fixture, for this module's tests

WEEK = ["--from", "2026-08-03", "--to", "2026-08-09"]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the sample registered (``atlas db init``) and a user of each role."""
    return made_store(tmp_path_factory, "cli-deliveries")


@pytest.fixture
def db(made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the made store for one test (``ATLAS_DB`` names it too)."""
    return copied_store(made, tmp_path, monkeypatch)


def record(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    who: str,
    settlement: str,
    arrived: str,
    *extra: str,
) -> tuple[int, str, str]:
    argv = ["deliveries", "add", "--settlement", settlement, "--arrived-at", arrived, *extra]
    return run(capsys, monkeypatch, *argv, who=who)


def added(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    code, out, err = record(capsys, monkeypatch, *args)
    assert code == 0, err
    return str(json.loads(out)["id"])


def statuses(records: list[dict[str, Any]]) -> dict[str, int]:
    return dict(Counter(r["status"] for r in records))


# atlas deliveries


def test_add_list_and_withdraw_by_role(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = added(capsys, monkeypatch, "sipho", "SET-003", "2026-08-04T10:00", "--litres", "10000")
    code, _, err = record(
        capsys, monkeypatch, "ayanda", "SET-003", "2026-08-07T09:30", "--tanks", "3"
    )
    assert code == EXIT_NOPERM and "is not in your cluster (Ilanga East Cluster)" in err
    code, _, err = record(
        capsys, monkeypatch, "lebo", "SET-003", "2026-08-07T09:30", "--tanks", "3"
    )
    assert code == EXIT_NOPERM and "lebo is a viewer: recording a delivery needs a member" in err
    theirs = added(capsys, monkeypatch, "nomsa", "SET-013", "2026-08-04T14:30", "--litres", "10000")
    code, _, err = record(
        capsys, monkeypatch, "sipho", "SET-003", "2026-08-04T10:00", "--litres", "1"
    )
    assert code == 1 and f"already recorded (delivery {mine})" in err and "Traceback" not in err

    code, out, _ = run(capsys, monkeypatch, "deliveries", "list", who="sipho")
    assert code == 0 and [r["id"] for r in json.loads(out)] == [mine]  # their own cluster
    code, out, _ = run(capsys, monkeypatch, "deliveries", "list", who="nomsa")
    assert [r["id"] for r in json.loads(out)] == [mine, theirs]
    code, _, err = run(capsys, monkeypatch, "deliveries", "list", who="lebo")
    assert code == EXIT_NOPERM and "listing deliveries needs a member" in err
    code, _, err = run(capsys, monkeypatch, "deliveries", "list", "--cluster", EAST, who="sipho")
    assert code == EXIT_NOPERM

    withdraw = ["deliveries", "withdraw", mine, "--note", "recorded twice"]
    code, _, err = run(capsys, monkeypatch, *withdraw, who="sipho")
    assert code == EXIT_NOPERM and "withdrawing a delivery needs a coordinator" in err
    code, out, _ = run(capsys, monkeypatch, *withdraw, who="nomsa")
    assert code == 0 and json.loads(out)["withdrawn_by"] == "nomsa"
    code, out, _ = run(capsys, monkeypatch, "deliveries", "list", who="sipho")
    assert json.loads(out) == []
    argv = ["deliveries", "list", "--withdrawn", "--format", "csv"]
    code, out, _ = run(capsys, monkeypatch, *argv, who="sipho")
    header, row = out.strip().splitlines()
    assert header.startswith("id,external_id,settlement_id,settlement_name,cluster,arrived_at")
    assert row.startswith(f"{mine},,SET-003,Thabong View,{NORTH},2026-08-04T10:00:00+02:00,10000")
    assert row.endswith(",nomsa")


def test_a_wrong_delivery_says_how_to_fix_it(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for arrived, extra, words in [
        ("2026-08-04", ["--litres", "1"], "has no time of day"),
        ("2026-08-04T10:00", [], "Say how much water came"),
        ("2026-08-04T10:00", ["--litres", "lots"], "The litres 'lots' is not a number"),
        ("2099-08-04T10:00", ["--tanks", "2"], "is in the future"),
    ]:
        code, out, err = record(capsys, monkeypatch, "sipho", "SET-003", arrived, *extra)
        assert (code, out) == (1, ""), arrived
        assert words in err and "Traceback" not in err


def test_import_is_idempotent_and_names_the_lines_it_refuses(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "deliveries.csv"
    path.write_text(
        "external_id,settlement_id,arrived_at,litres,tanks,reporter,note\n"
        "d-1,SET-001,2026-08-03 08:33,20000,4,Nomsa,\n"
        "d-2,SET-012,2026-08-05 13:27,10000,2,Zanele,\n"
        "d-3,SET-003,2026-08-04 10:00,15000,3,Kagiso,\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, monkeypatch, "deliveries", "import", str(path), who="sipho")
    assert code == 0
    result = json.loads(out)
    assert (result["added"], result["unchanged"]) == (2, 0)
    assert [r["line"] for r in result["rejected"]] == [3]
    assert "line 3 not imported: Moshate Gardens is not in your cluster" in err
    code, out, _ = run(capsys, monkeypatch, "deliveries", "import", str(path), who="sipho")
    again = json.loads(out)
    assert (again["added"], again["unchanged"], len(again["rejected"])) == (0, 2, 1)


# atlas schedule --db … --as …


def test_schedule_compares_the_deliveries_recorded_in_the_store(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    add = lambda *a: added(capsys, monkeypatch, "sipho", *a)  # noqa: E731
    add("SET-001", "2026-08-03T08:33", "--litres", "20000")  # Mon 3rd in its window: delivered
    add("SET-001", "2026-08-06T12:30", "--litres", "20000")  # Thu 6th, 2 h 30 after 10:00: late
    add("SET-003", "2026-08-04T10:00", "--litres", "10000")  # Tue 4th, 10 000 < 13 500: short
    add("SET-006", "2026-08-05T09:00", "--litres", "5000")  # a Wednesday: unscheduled
    wrong = add("SET-003", "2026-08-07T09:30", "--tanks", "3")  # withdrawn: Fri 7th missed
    argv = ["deliveries", "withdraw", wrong, "--note", "it never came"]
    assert run(capsys, monkeypatch, *argv, who="nomsa")[0] == 0

    code, out, err = run(capsys, monkeypatch, "schedule", "--db", str(db), *WEEK, who="sipho")
    assert code == 0, err
    records = json.loads(out)
    # 11 scheduled: 1 delivered, 1 late, 1 short, the other 8 missed; and 1 unscheduled.
    assert len(records) == 12
    assert statuses(records) == {
        "delivered": 1,
        "late": 1,
        "short": 1,
        "missed": 8,
        "unscheduled": 1,
    }
    by_slot = {(r["settlement_id"], r["scheduled_start"]): r for r in records}
    late = by_slot["SET-001", "2026-08-06T08:00:00+02:00"]
    assert (late["status"], late["arrived_at"]) == ("late", "2026-08-06T12:30:00+02:00")
    assert by_slot["SET-003", "2026-08-07T09:00:00+02:00"]["status"] == "missed"
    assert "Deliveries compared: 4 recorded in the store." in err
    assert "reading delivery reports from" not in err  # no file: the store's alone

    argv = ["schedule", "--db", str(db), *WEEK, "--level", "settlement"]
    code, out, _ = run(capsys, monkeypatch, *argv, who="lebo")  # a viewer may compare
    assert code == 0
    rows = {r["settlement_id"]: r for r in json.loads(out)}
    assert [rows["SET-001"][k] for k in ("scheduled", "delivered", "late", "missed")] == [
        2,
        1,
        1,
        0,
    ]
    assert [rows["SET-003"][k] for k in ("scheduled", "short", "missed")] == [2, 1, 1]
    assert [rows["SET-006"][k] for k in ("scheduled", "missed", "unscheduled")] == [2, 2, 1]
    assert rows["SET-001"]["compliance"] == 0.5 and rows["SET-003"]["compliance"] == 0.0


def test_a_delivery_in_the_file_and_the_store_is_counted_once(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    files = ["--schedule", str(SAMPLE_SCHEDULE), "--deliveries", str(SAMPLE_DELIVERIES), *WEEK]
    code, out, _ = run(capsys, monkeypatch, "schedule", *files)
    # The file alone: 10 reports that week. 9 match a scheduled delivery on time and in full
    # (SET-012 came 13:27, within 2 h of 12:00); SET-001's on Wed 5th is not on the schedule;
    # SET-013 (Tue 4th) and SET-025 (Sat 8th) have none: missed.
    assert statuses(json.loads(out)) == {"delivered": 9, "missed": 2, "unscheduled": 1}
    # In the store: the file's SET-001 Mon 3rd 08:33 again, and SET-013's delivery.
    added(capsys, monkeypatch, "sipho", "SET-001", "2026-08-03T08:33", "--litres", "20000")
    added(capsys, monkeypatch, "nomsa", "SET-013", "2026-08-04T14:30", "--litres", "10000")
    code, out, err = run(capsys, monkeypatch, "schedule", *files, "--db", str(db), who="sipho")
    assert code == 0, err
    assert statuses(json.loads(out)) == {"delivered": 10, "missed": 1, "unscheduled": 1}
    assert "Deliveries compared: 136 from deliveries.csv and 2 recorded in the store." in err
    assert "1 delivery was both in deliveries.csv and in the store: it is counted once." in err
    code, _, quiet = run(
        capsys, monkeypatch, "schedule", *files, "--db", str(db), "--quiet", who="sipho"
    )
    assert (
        quiet.strip()
        == "atlas: 1 delivery was both in deliveries.csv and in the store: it is counted once."
    )


def test_without_db_the_command_reads_files_only(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = run(capsys, monkeypatch, "schedule", *WEEK, "--quiet")
    added(capsys, monkeypatch, "sipho", "SET-003", "2026-08-07T09:30", "--tanks", "3")
    after = run(capsys, monkeypatch, "schedule", *WEEK, "--quiet")  # ATLAS_DB is set: unread
    assert before == after and before[0] == 0 and before[2] == ""
    code, _, err = run(capsys, monkeypatch, "schedule", "--db", str(db), *WEEK)
    assert code == 1 and "--db needs --as USER" in err
    argv = ["schedule", "--db", str(db), "--deliveries", str(SAMPLE_DELIVERIES), *WEEK]
    code, _, err = run(capsys, monkeypatch, *argv, who="sipho")
    assert code == 1 and "Give --schedule with --deliveries" in err
    code, _, err = run(capsys, monkeypatch, "schedule", "--db", str(db), *WEEK, who="sipho")
    assert code == 0 and "Deliveries compared: 1 recorded in the store." in err
    code, _, err = run(capsys, monkeypatch, "schedule", "--db", str(db), "--as", "sipho", *WEEK)
    assert code == EXIT_NOPERM and "ATLAS_PASSWORD" in err  # no password, no terminal
